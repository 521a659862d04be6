/* hako-shim: the command line (a container, or `exec` for a process in a running one), the start handshake on
 * stdout, detaching, and the exit record (README.md). */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* --log-max-size BYTES, --log-max-files N (log_rotate.c) */
static int
parse_log_limit (int opt, const char *arg, struct hako_options *o, hako_error_t *err)
{
  char *end = NULL;
  unsigned long long v;

  errno = 0;
  v = strtoull (arg, &end, 10);
  if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || v == 0 || (opt == 'N' && v > 1000))
    return hako_make_error (err, 0, "bad --%s `%s`", opt == 'M' ? "log-max-size" : "log-max-files", arg);
  if (opt == 'M')
    o->log_max_size = v;
  else
    o->log_max_files = (int) v;
  return 0;
}

static int
parse_args (int argc, char **argv, struct hako_options *o, hako_error_t *err)
{
  static const struct option longopts[] = {
    { "bundle", required_argument, NULL, 'b' }, { "id", required_argument, NULL, 'i' },
    { "socket", required_argument, NULL, 's' }, { "log", required_argument, NULL, 'l' },
    { "exit-file", required_argument, NULL, 'e' }, { "pid-file", required_argument, NULL, 'p' },
    { "stdin", no_argument, NULL, 'I' }, { "tty", no_argument, NULL, 'T' },
    { "runtime", required_argument, NULL, 'R' }, { "runtime-root", required_argument, NULL, 'O' },
    { "log-max-size", required_argument, NULL, 'M' }, { "log-max-files", required_argument, NULL, 'N' },
    { NULL, 0, NULL, 0 },
  };
  char real[PATH_MAX];
  const char *bundle = NULL, *log = NULL, *exit_file = NULL, *pid_file = NULL, *runtime = NULL, *runtime_root = NULL;
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case 'i': o->id = optarg; break;
      case 's': o->socket_name = optarg; break;
      case 'l': log = optarg; break;
      case 'e': exit_file = optarg; break;
      case 'p': pid_file = optarg; break;
      case 'I': o->open_stdin = 1; break;
      case 'T': o->tty = 1; break;
      case 'R': runtime = optarg; break;
      case 'O': runtime_root = optarg; break;
      case 'M': case 'N':
        if (parse_log_limit (c, optarg, o, err) < 0)
          return -1;
        break;
      default: return hako_make_error (err, 0, "usage: unknown option `%s`", argv[optind - 1]);
      }
  if (!bundle || !o->id || !o->socket_name || !log || !exit_file || !pid_file || optind != argc
      || (runtime_root && !runtime))
    return hako_make_error (err, 0, "usage: hako-shim --bundle DIR --id ID --socket NAME --log FILE "
                                    "--exit-file FILE --pid-file FILE [--stdin] [--tty] "
                                    "[--runtime PATH [--runtime-root DIR]] [--log-max-size BYTES "
                                    "[--log-max-files N]]");
  if (*o->id == '\0' || strchr (o->id, '/') || strcmp (o->id, "..") == 0 || strcmp (o->id, ".") == 0)
    return hako_make_error (err, 0, "bad container id `%s`", o->id);
  if (realpath (bundle, real) == NULL)
    return hako_make_error (err, errno, "bundle `%s`", bundle);
  /* the shim moves to / below: every path becomes absolute first */
  o->bundle = hako_xstrdup (real);
  o->log_path = hako_absolute_path (log);
  o->exit_path = hako_absolute_path (exit_file);
  o->pid_path = hako_absolute_path (pid_file);
  if (!o->log_path || !o->exit_path || !o->pid_path)
    return hako_make_error (err, errno, "getcwd");
  if (runtime)
    {
      if (access (runtime, X_OK) < 0)
        return hako_make_error (err, errno, "the runtime `%s`", runtime);
      o->runtime = hako_absolute_path (runtime);
      o->runtime_root = hako_absolute_path (runtime_root ? runtime_root : "/run/hako-runc");
      if (!o->runtime || !o->runtime_root)
        return hako_make_error (err, errno, "getcwd");
    }
  return 0;
}

#define EXEC_USAGE                                                                                                   \
  "usage: hako-shim exec --pid PID --process FILE --socket NAME --exit-file FILE [--log FILE] [--pid-file FILE] "   \
  "[--seccomp FILE] [--cgroup PATH] [--stdin] [--tty]"

static int
parse_exec_args (int argc, char **argv, struct hako_options *o, hako_error_t *err)
{
  static const struct option longopts[] = {
    { "pid", required_argument, NULL, 'P' }, { "process", required_argument, NULL, 'r' },
    { "socket", required_argument, NULL, 's' }, { "log", required_argument, NULL, 'l' },
    { "exit-file", required_argument, NULL, 'e' }, { "pid-file", required_argument, NULL, 'p' },
    { "seccomp", required_argument, NULL, 'S' }, { "cgroup", required_argument, NULL, 'c' },
    { "stdin", no_argument, NULL, 'I' }, { "tty", no_argument, NULL, 'T' }, { NULL, 0, NULL, 0 },
  };
  const char *pid = NULL, *process = NULL, *log = NULL, *exit_file = NULL, *pid_file = NULL, *seccomp = NULL;
  char *end = NULL;
  int c;

  o->exec = 1;
  opterr = 0;
  optind = 2; /* after "exec" */
  while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1)
    switch (c)
      {
      case 'P': pid = optarg; break;
      case 'r': process = optarg; break;
      case 's': o->socket_name = optarg; break;
      case 'l': log = optarg; break;
      case 'e': exit_file = optarg; break;
      case 'p': pid_file = optarg; break;
      case 'S': seccomp = optarg; break;
      case 'c': o->cgroup_path = optarg; break;
      case 'I': o->open_stdin = 1; break;
      case 'T': o->tty = 1; break;
      default: return hako_make_error (err, 0, "usage: unknown option `%s`", argv[optind - 1]);
      }
  if (!pid || !process || !o->socket_name || !exit_file || optind != argc)
    return hako_make_error (err, 0, EXEC_USAGE);
  o->target_pid = (pid_t) strtol (pid, &end, 10);
  if (*pid == '\0' || *end != '\0' || o->target_pid <= 0)
    return hako_make_error (err, 0, "bad --pid `%s`", pid);
  /* the shim moves to / below: every path becomes absolute first */
  o->process_path = hako_absolute_path (process);
  o->exit_path = hako_absolute_path (exit_file);
  o->log_path = log ? hako_absolute_path (log) : NULL;
  o->pid_path = pid_file ? hako_absolute_path (pid_file) : NULL;
  o->seccomp_path = seccomp ? hako_absolute_path (seccomp) : NULL;
  if (!o->process_path || !o->exit_path || (log && !o->log_path) || (pid_file && !o->pid_path)
      || (seccomp && !o->seccomp_path))
    return hako_make_error (err, errno, "getcwd");
  return 0;
}

static void
options_free (struct hako_options *o)
{
  free (o->bundle);
  free (o->log_path);
  free (o->exit_path);
  free (o->pid_path);
  free (o->process_path);
  free (o->seccomp_path);
  free (o->runtime);
  free (o->runtime_root);
}

static void
detach_stdio (void)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC), i;

  for (i = 0; i < 3 && null >= 0; i++)
    dup2 (null, i);
  if (null > 2)
    close (null);
}

/* After the process is ready: its pty, the log, the pid file. The files come last, so that a failure before leaves
 * none of them; on a failure here the process is killed (main reaps it). */
static int
open_files (const struct hako_options *o, struct hako_io *io, struct hako_container *c, hako_error_t *err)
{
  char pid[32];

  if (o->tty)
    {
      io->out_fd = c->pty_master;
      fcntl (io->out_fd, F_SETFL, O_NONBLOCK);
      if (o->open_stdin)
        io->in_fd = c->pty_master;
    }
  snprintf (pid, sizeof pid, "%d\n", (int) c->pid);
  if (o->log_path && (io->log_fd = open (o->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
    hako_make_error (err, errno, "open the log `%s`", o->log_path);
  else if (log_rotate_init (io->log_fd, o->log_path, o->log_max_size, o->log_max_files ? o->log_max_files : 1, err) == 0
           && (!o->pid_path || hako_write_file_atomic (o->pid_path, pid, strlen (pid), 0, err) == 0))
    return 0;
  kill (c->pid, SIGKILL);
  return -1;
}

/* Up to the container's process being ready. On failure nothing is left behind: init reaped, cgroup removed. */
static int
create (struct hako_options *o, struct hako_io *io, struct hako_cgroup **cg, struct hako_container *c,
        hako_error_t *err)
{
  struct hako_spec *spec = NULL;
  struct hako_stdio child = { -1, -1, -1 };
  cleanup_free char *cgroup_path = NULL;
  int ret = -1;

  if (o->runtime)
    return runtime_create (o, io, cg, c, err);
  if (spec_load (o->bundle, &spec, err) < 0)
    return -1;
  /* --tty is hakod's word; the spec's process.terminal says the same when it is set */
  o->tty = spec->terminal = o->tty || spec->terminal;
  cgroup_path = spec->cgroups_path && *spec->cgroups_path ? hako_xstrdup (spec->cgroups_path)
                                                          : hako_asprintf ("/hako/%s", o->id);
  if (io_listen (o->socket_name, io->listen_fds, err) < 0 || cgroup_create (cgroup_path, &spec->resources, cg, err) < 0)
    goto out;
  if (io_make_pipes (o, io, &child, err) < 0 || container_create (spec, *cg, &child, c, err) < 0)
    goto out;
  ret = 0;
out:
  /* init holds its own copies now */
  if (child.stdin_fd >= 0)
    close (child.stdin_fd);
  if (child.stdout_fd >= 0)
    close (child.stdout_fd);
  if (child.stderr_fd >= 0)
    close (child.stderr_fd);
  spec_free (spec);
  return ret;
}

int
main (int argc, char **argv)
{
  struct hako_options opts = { 0 };
  struct hako_io io = { { -1, -1 }, -1, -1, -1, -1 };
  struct hako_container c = { 0, -1, -1, -1 };
  struct hako_cgroup *cg = NULL;
  struct hako_exit ex;
  hako_error_t err = NULL;
  int ret;

  signal (SIGPIPE, SIG_IGN);
  /* descriptors inherited from hakod must not reach the container */
  close_range (3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (getsid (0) != getpid ())
    setsid (); /* survives hakod's death (it normally spawns us as a session leader already) */

  if (argc > 1 && strcmp (argv[1], "exec") == 0)
    ret = parse_exec_args (argc, argv, &opts, &err) < 0 || chdir ("/") < 0 || exec_create (&opts, &io, &c, &err) < 0;
  else
    ret = parse_args (argc, argv, &opts, &err) < 0 || chdir ("/") < 0 || create (&opts, &io, &cg, &c, &err) < 0;
  if (ret || open_files (&opts, &io, &c, &err) < 0)
    {
      if (c.pid > 0)
        waitpid (c.pid, NULL, 0);
      cgroup_destroy (cg);
      printf ("error %s\n", err ? err->msg : strerror (errno));
      fflush (stdout);
      hako_error_free (&err);
      options_free (&opts);
      return 1;
    }
  printf ("ready %d\n", (int) c.pid);
  fflush (stdout);
  detach_stdio ();

  ret = relay_run (&opts, &io, &c, cg, &ex, &err) < 0 ? 1 : 0;
  hako_error_free (&err);
  options_free (&opts);
  return ret;
}
