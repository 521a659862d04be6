/* An external OCI runtime (runc) as the create step (README.md, "An external OCI runtime"), as conmon drives one:
 * `runc create` with the shim's pipes as the container's stdio (or a console socket that hands the shim the pty
 * master), `runc start` on the start frame, `runc delete --force` once init has exited. The shim stays what it is
 * otherwise: a child subreaper that init is reparented to when `runc create` exits, so it waits for init, relays its
 * output, signals it directly (its unreaped child: no pid-reuse race) and writes the exit record. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* runc's error lines say where they come from; what is left is the message hako-shim's own create gives */
static const char *const prefixes[] = { "runc create failed: ", "unable to start container process: ",
                                        "error during container init: " };

/* What the shim needs from config.json itself: the rest is the runtime's business. */
static int
read_bundle (const char *bundle, int *terminal, char **cgroups_path, hako_error_t *err)
{
  cleanup_free char *path = hako_asprintf ("%s/config.json", bundle);
  cleanup_free char *text = NULL;
  struct json_value *root = NULL;
  const struct json_value *process, *linux_;
  size_t len;
  int ret = -1;

  if (hako_read_file (path, &text, &len, err) < 0 || json_parse (text, len, &root, err) < 0)
    return -1;
  if (root->type != JSON_OBJECT)
    {
      hako_make_error (err, 0, "config.json: not an object");
      goto out;
    }
  process = json_get (root, "process");
  linux_ = json_get (root, "linux");
  if ((process && process->type == JSON_OBJECT
       && spec_get_bool (process, "terminal", "process.terminal", terminal, err) < 0)
      || (linux_ && linux_->type == JSON_OBJECT
          && spec_get_string (linux_, "cgroupsPath", "linux.cgroupsPath", cgroups_path, err) < 0))
    goto out;
  ret = 0;
out:
  json_free (root);
  return ret;
}

/* The runtime's command line: `RUNTIME --root DIR [--log /proc/self/fd/3 --log-format json] VERB ARGS… ID`. */
static pid_t
spawn_runtime (const struct hako_options *o, const char *const *verb, const int stdio[3], int log_fd)
{
  const char *argv[24];
  size_t n = 0, i;
  pid_t pid;

  argv[n++] = o->runtime;
  argv[n++] = "--root";
  argv[n++] = o->runtime_root;
  if (log_fd >= 0)
    {
      argv[n++] = "--log";
      argv[n++] = "/proc/self/fd/3";
      argv[n++] = "--log-format";
      argv[n++] = "json";
    }
  for (i = 0; verb[i] && n < 22; i++)
    argv[n++] = verb[i];
  argv[n++] = o->id;
  argv[n] = NULL;

  pid = fork ();
  if (pid != 0)
    return pid;
  {
    int null = open ("/dev/null", O_RDWR | O_CLOEXEC), fds[3];
    for (i = 0; i < 3; i++)
      fds[i] = stdio && stdio[i] >= 0 ? stdio[i] : null;
    /* above 3 first, so that the dup2s below cannot overwrite one another's source */
    for (i = 0; i < 3; i++)
      fds[i] = fcntl (fds[i], F_DUPFD_CLOEXEC, 10);
    log_fd = log_fd >= 0 ? fcntl (log_fd, F_DUPFD_CLOEXEC, 10) : -1;
    for (i = 0; i < 3; i++)
      dup2 (fds[i], (int) i);
    if (log_fd >= 0)
      dup2 (log_fd, 3);
    signal (SIGPIPE, SIG_DFL); /* the shim's own choice, not the runtime's nor the container's */
    execv (o->runtime, (char *const *) argv);
    dprintf (2, "exec %s: %s\n", o->runtime, strerror (errno));
    _exit (127);
  }
}

static int
wait_status (pid_t pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

/* a runc verb that takes only the id (start, delete --force); 0 when it succeeded */
static int
run_verb (const struct hako_options *o, const char *const *verb, hako_error_t *err)
{
  pid_t pid = spawn_runtime (o, verb, NULL, -1);
  int status;

  if (pid < 0)
    return hako_make_error (err, errno, "fork");
  status = wait_status (pid);
  if (status != 0)
    return hako_make_error (err, 0, "%s %s %s: exit status %d", o->runtime, verb[0], o->id,
                            WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  return 0;
}

int
runtime_start (const struct hako_options *o, hako_error_t *err)
{
  static const char *const verb[] = { "start", NULL };
  return run_verb (o, verb, err);
}

void
runtime_delete (const struct hako_options *o)
{
  static const char *const verb[] = { "delete", "--force", NULL };
  hako_error_t err = NULL;

  if (run_verb (o, verb, &err) < 0)
    {
      hako_warn ("%s", err->msg);
      hako_error_free (&err);
    }
}

/* The last `"level":"error"` message of runc's JSON log, without the prefixes that say where it came from. */
static char *
runtime_error (const char *log, size_t len)
{
  char *msg = NULL;
  const char *line = log, *end = log + len;
  size_t i;

  while (line < end)
    {
      const char *nl = memchr (line, '\n', (size_t) (end - line));
      size_t n = nl ? (size_t) (nl - line) : (size_t) (end - line);
      struct json_value *v = NULL;
      hako_error_t ignored = NULL;
      if (json_parse (line, n, &v, &ignored) == 0 && v->type == JSON_OBJECT)
        {
          const struct json_value *level = json_get (v, "level"), *m = json_get (v, "msg");
          if (level && level->type == JSON_STRING && m && m->type == JSON_STRING
              && (strcmp (level->string, "error") == 0 || strcmp (level->string, "fatal") == 0))
            {
              free (msg);
              msg = hako_xstrdup (m->string);
            }
        }
      hako_error_free (&ignored);
      json_free (v);
      line += n + 1;
    }
  for (i = 0; msg && i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp (msg, prefixes[i], strlen (prefixes[i])) == 0)
      memmove (msg, msg + strlen (prefixes[i]), strlen (msg + strlen (prefixes[i])) + 1);
  return msg;
}

/* The console socket runc connects to with --console-socket: abstract, so nothing is left on disk. */
static int
console_listen (char **name, hako_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  *name = hako_asprintf ("hako-console-%d-%llu", (int) getpid (), (unsigned long long) hako_now_ns ());
  memcpy (addr.sun_path + 1, *name, strlen (*name));
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, offsetof (struct sockaddr_un, sun_path) + 1 + strlen (*name)) < 0
      || listen (fd, 1) < 0)
    {
      if (fd >= 0)
        close (fd);
      return hako_make_error (err, errno, "listen on the console socket");
    }
  return fd;
}

/* One connection from runc, one message carrying the pty master. */
static int
console_receive (int listen_fd)
{
  int conn = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC), fd = -1;

  if (conn < 0)
    return -1;
  {
    char name[256]; /* runc sends the pty's name along with its master */
    sync_recv (conn, name, sizeof name, &fd);
  }
  close (conn);
  return fd;
}

/* runc leaves a new network namespace's loopback down; the shim's own create brings it up (as Docker does) */
static void
loopback_up (pid_t pid)
{
  cleanup_free char *path = hako_asprintf ("/proc/%d/ns/net", (int) pid);
  struct stat theirs, mine;
  pid_t child;

  if (stat (path, &theirs) < 0 || stat ("/proc/self/ns/net", &mine) < 0
      || (theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev))
    return;
  child = fork ();
  if (child == 0)
    {
      hako_error_t err = NULL;
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, CLONE_NEWNET) < 0 || process_loopback_up (&err) < 0)
        hako_warn ("bring lo up in the container: %s", err ? err->msg : strerror (errno));
      _exit (0);
    }
  if (child > 0)
    wait_status (child);
}

static int
read_pid (const char *path, pid_t *pid, hako_error_t *err)
{
  cleanup_free char *text = NULL;

  if (hako_read_file (path, &text, NULL, err) < 0)
    return -1;
  *pid = (pid_t) atoi (text);
  if (*pid <= 0)
    return hako_make_error (err, 0, "the runtime's pid file `%s` holds no pid", path);
  return 0;
}

int
runtime_create (struct hako_options *o, struct hako_io *io, struct hako_cgroup **cg, struct hako_container *c,
                hako_error_t *err)
{
  static const char *const verb_tty[] = { "create", "--bundle", NULL, "--pid-file", NULL, "--console-socket", NULL,
                                          NULL };
  const char *verb[8];
  struct hako_stdio child = { -1, -1, -1 };
  cleanup_free char *cgroups_path = NULL, *console = NULL, *console_arg = NULL, *log = NULL;
  cleanup_close int console_fd = -1;
  cleanup_close int runc_pidfd = -1;
  int terminal = 0, log_pipe[2] = { -1, -1 }, status = -1, ret = -1, stdio[3];
  size_t log_len = 0, log_cap = 0;
  pid_t runc;

  c->pid = 0;
  c->pidfd = c->sync_fd = c->pty_master = -1;
  if (read_bundle (o->bundle, &terminal, &cgroups_path, err) < 0)
    return -1;
  if (o->tty && !terminal)
    return hako_make_error (err, 0, "--tty with --runtime needs process.terminal in config.json");
  o->tty = terminal;
  {
    /* the state of an earlier task of this id whose shim died (kill -9) without deleting it: that task is gone for
     * hakod, which is creating a new one, so it goes (runc would refuse the id) */
    cleanup_free char *state = hako_asprintf ("%s/%s", o->runtime_root, o->id);
    struct stat st;
    if (stat (state, &st) == 0)
      runtime_delete (o);
  }
  /* init is reparented to the shim when `runc create` exits */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    return hako_make_error (err, errno, "become a child subreaper");
  if (io_listen (o->socket_name, io->listen_fds, err) < 0 || io_make_pipes (o, io, &child, err) < 0)
    goto out;
  if (o->tty && (console_fd = console_listen (&console, err)) < 0)
    goto out;
  if (pipe2 (log_pipe, O_CLOEXEC) < 0)
    {
      hako_make_error (err, errno, "pipe");
      goto out;
    }
  fcntl (log_pipe[0], F_SETFL, O_NONBLOCK);
  memcpy (verb, verb_tty, sizeof verb);
  verb[2] = o->bundle;
  verb[4] = o->pid_path;
  if (o->tty)
    verb[6] = console_arg = hako_asprintf ("@%s", console);
  else
    verb[5] = NULL;
  stdio[0] = child.stdin_fd, stdio[1] = child.stdout_fd, stdio[2] = child.stderr_fd;
  runc = spawn_runtime (o, verb, stdio, log_pipe[1]);
  if (runc < 0)
    {
      hako_make_error (err, errno, "fork");
      goto out;
    }
  close (log_pipe[1]);
  log_pipe[1] = -1;
  runc_pidfd = (int) syscall (SYS_pidfd_open, runc, 0);
  if (runc_pidfd < 0)
    {
      hako_make_error (err, errno, "pidfd_open of the runtime");
      kill (runc, SIGKILL);
      wait_status (runc);
      runtime_delete (o);
      goto out;
    }

  /* until `runc create` exits: its log, and (with a tty) the pty master it sends */
  for (;;)
    {
      struct pollfd p[3] = { { runc_pidfd, POLLIN, 0 }, { log_pipe[0], POLLIN, 0 }, { console_fd, POLLIN, 0 } };
      if (poll (p, 3, -1) < 0 && errno != EINTR)
        break;
      if (p[1].revents)
        for (;;)
          {
            ssize_t n;
            if (log_cap - log_len < 4096)
              {
                log_cap = log_cap ? log_cap * 2 : 8192;
                log = realloc (log, log_cap);
              }
            n = read (log_pipe[0], log + log_len, log_cap - log_len - 1);
            if (n <= 0)
              break;
            log_len += (size_t) n;
          }
      if (p[2].revents && c->pty_master < 0)
        c->pty_master = console_receive (console_fd);
      if (p[0].revents)
        break;
    }
  status = wait_status (runc);
  if (status != 0)
    {
      cleanup_free char *msg = log ? runtime_error (log, log_len) : NULL;
      hako_make_error (err, 0, "%s", msg ? msg : "the runtime failed to create the container (no message)");
      runtime_delete (o);
      goto out;
    }
  if (o->tty && c->pty_master < 0)
    {
      hako_make_error (err, 0, "the runtime sent no pty master over the console socket");
      runtime_delete (o);
      goto out;
    }
  if (read_pid (o->pid_path, &c->pid, err) < 0)
    {
      runtime_delete (o);
      goto out;
    }
  c->pidfd = (int) syscall (SYS_pidfd_open, c->pid, 0);
  if (c->pidfd < 0 || cgroup_open (cgroups_path && *cgroups_path ? cgroups_path : NULL, c->pid, cg, err) < 0)
    {
      if (c->pidfd < 0)
        hako_make_error (err, errno, "pidfd_open of the container's init %d", (int) c->pid);
      runtime_delete (o);
      goto out;
    }
  fcntl (c->pidfd, F_SETFD, FD_CLOEXEC);
  loopback_up (c->pid);
  ret = 0;
out:
  if (log_pipe[0] >= 0)
    close (log_pipe[0]);
  if (log_pipe[1] >= 0)
    close (log_pipe[1]);
  if (child.stdin_fd >= 0)
    close (child.stdin_fd);
  if (child.stdout_fd >= 0)
    close (child.stdout_fd);
  if (child.stderr_fd >= 0)
    close (child.stderr_fd);
  free (log);
  log = NULL;
  if (ret < 0 && c->pty_master >= 0)
    {
      close (c->pty_master);
      c->pty_master = -1;
    }
  return ret;
}
