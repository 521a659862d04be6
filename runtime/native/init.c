/* The container's init, between clone and execve. It moves itself into its cgroup, builds the container around
 * itself, reports ready (or why not), waits for start and becomes the container's process. The last steps, the
 * process's own settings and the handshake, are shared with an exec'd process (exec_init.c). */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int
init_setup_stdio (const struct hako_stdio *stdio, int tty, hako_error_t *err)
{
  cleanup_close int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int fds[3] = { stdio->stdin_fd, stdio->stdout_fd, stdio->stderr_fd }, i;

  if (null < 0)
    return hako_make_error (err, errno, "open /dev/null");
  /* until the pty exists (--tty), or when stdin is not kept open, the container's stdio is /dev/null; either way
   * init holds none of hakod's descriptors, whose pipes must see EOF when the shim closes them */
  for (i = 0; i < 3; i++)
    if (dup2 (tty || fds[i] < 0 ? null : fds[i], i) < 0)
      return hako_make_error (err, errno, "dup2");
  return 0;
}

/* the container's own /dev/null, not the host's (which it could not even name) */
static int
reopen_null_stdin (hako_error_t *err)
{
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return hako_make_error (err, errno, "open the container's /dev/null");
  if (dup2 (fd, 0) < 0)
    hako_make_error (err, errno, "dup2");
  close (fd);
  return *err ? -1 : 0;
}

static int
join_namespaces (const struct hako_spec *spec, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < spec->n_namespaces; i++)
    {
      const struct hako_namespace *ns = &spec->namespaces[i];
      cleanup_close int fd = -1;
      if (ns->path == NULL || ns->flag == CLONE_NEWPID)
        continue;
      fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, ns->flag) < 0)
        return hako_make_error (err, errno, "join the namespace `%s`", ns->path);
    }
  return 0;
}

static int
set_names (const struct hako_spec *spec, hako_error_t *err)
{
  const struct hako_namespace *uts = spec_namespace (spec, CLONE_NEWUTS);

  /* without a UTS namespace of its own, the names are the host's */
  if (((spec->hostname && *spec->hostname) || (spec->domainname && *spec->domainname)) && uts == NULL)
    return hako_make_error (err, 0, "config.json: a hostname needs a uts namespace");
  if (spec->hostname && *spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return hako_make_error (err, errno, "sethostname `%s`", spec->hostname);
  if (spec->domainname && *spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return hako_make_error (err, errno, "setdomainname `%s`", spec->domainname);
  return 0;
}

static int
set_oom_score_adj (const struct hako_spec *spec, hako_error_t *err)
{
  char buf[16];

  if (!spec->has_oom_score_adj)
    return 0;
  snprintf (buf, sizeof buf, "%d", spec->oom_score_adj);
  return hako_write_file ("/proc/self/oom_score_adj", buf, strlen (buf), err);
}

/* A working directory the image lacks is made, as runc and Docker do (while / may still be written). */
static void
make_cwd (const struct hako_spec *spec)
{
  hako_error_t ignored = NULL;
  struct stat st;

  if (stat (spec->cwd, &st) < 0 && errno == ENOENT && hako_mkdir_p (spec->cwd, 0755, &ignored) < 0)
    hako_error_free (&ignored); /* chdir below says what is wrong */
}

int
init_become_terminal_owner (int slave, hako_error_t *err)
{
  int i;

  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return hako_make_error (err, errno, "make the pty the controlling terminal");
  for (i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return hako_make_error (err, errno, "dup2");
  return 0;
}

/* Everything up to the executable's lookup; *master is the pty master for the shim (with a tty). */
static int
setup (const struct hako_spec *spec, const struct hako_cgroup *cg, const struct hako_stdio *stdio, int sync_fd,
       int in_v2, int *master, char **exe, hako_error_t *err)
{
  const struct hako_namespace *net = spec_namespace (spec, CLONE_NEWNET);
  const struct hako_namespace *cgns = spec_namespace (spec, CLONE_NEWCGROUP);
  cleanup_close int slave = -1;

  /* the cgroup first, so that everything init does is accounted to the container; then its namespace, whose
   * root is the cgroup init is in at that moment */
  if (cgroup_join_self (cg, in_v2, err) < 0)
    return -1;
  if (cgns && cgns->path == NULL && unshare (CLONE_NEWCGROUP) < 0)
    return hako_make_error (err, errno, "unshare the cgroup namespace");
  if (init_setup_stdio (stdio, spec->terminal, err) < 0 || join_namespaces (spec, err) < 0)
    return -1;
  if (setsid () < 0)
    return hako_make_error (err, errno, "setsid");
  if (net && net->path == NULL && process_loopback_up (err) < 0)
    return -1;
  if (rootfs_prepare (spec, cg, err) < 0)
    return -1;
  make_cwd (spec);
  if (spec->terminal && (rootfs_open_pty (master, &slave, err) < 0 || init_become_terminal_owner (slave, err) < 0))
    return -1;
  if (!spec->terminal && stdio->stdin_fd < 0 && reopen_null_stdin (err) < 0)
    return -1;
  if (rootfs_finish (spec, err) < 0 || set_names (spec, err) < 0)
    return -1;
  return init_process_setup (spec, sync_fd, exe, err);
}

static void
reset_signals (void)
{
  sigset_t all;
  int sig;

  /* an ignored signal stays ignored across execve: the shim's SIGPIPE must not leak into the container */
  for (sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
}

/* The seccomp filter comes as late as it can, so that the profile need not allow what the runtime does: with
 * no_new_privs, last (only the handshake's sendmsg and recvmsg, and execve, follow it). Without no_new_privs,
 * loading a filter takes CAP_SYS_ADMIN, which the process may be about to lose: it is loaded before the switch of
 * user and capabilities, as runc does, and the profile must also allow those calls (Docker's does). */
int
init_process_setup (const struct hako_spec *spec, int sync_fd, char **exe, hako_error_t *err)
{
  cleanup_free char *warnings = NULL;
  int early = spec->seccomp && !spec->no_new_privileges;

  if (set_oom_score_adj (spec, err) < 0 || process_setup_rlimits (spec, &warnings, err) < 0)
    return -1;
  if (warnings)
    sync_send (sync_fd, 'W', warnings, -1);
  umask (spec->has_umask ? spec->umask : 022);
  reset_signals ();
  if (early && seccomp_load (spec->seccomp, err) < 0)
    return -1;
  if (caps_apply_with_user (spec, err) < 0)
    return -1;
  if (chdir (spec->cwd) < 0)
    return hako_make_error (err, errno, "chdir to the working directory `%s`", spec->cwd);
  if (process_find_executable (spec, exe, err) < 0)
    return -1;
  if (spec->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hako_make_error (err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  if (spec->seccomp && !early && seccomp_load (spec->seccomp, err) < 0)
    return -1;
  return 0;
}

void
init_exec (const struct hako_spec *spec, int sync_fd, int master, const char *exe)
{
  hako_error_t err = NULL;
  int e;

  if (sync_send (sync_fd, 'R', NULL, master) < 0)
    _exit (1);
  if (master >= 0)
    close (master);
  /* EOF instead of 'S' means the shim gave up on this process */
  if (sync_recv (sync_fd, NULL, 0, NULL) != 'S')
    _exit (1);
  execve (exe, spec->args, spec->env);
  e = errno;
  hako_make_error (&err, e, "exec: \"%s\"", spec->args[0]);
  sync_send (sync_fd, 'E', err->msg, -1);
  _exit (e == ENOENT ? 127 : 126);
}

void
init_main (const struct hako_spec *spec, const struct hako_cgroup *cg, const struct hako_stdio *stdio, int sync_fd,
           int in_v2)
{
  hako_error_t err = NULL;
  char *exe = NULL;
  int master = -1;

  if (setup (spec, cg, stdio, sync_fd, in_v2, &master, &exe, &err) < 0)
    {
      sync_send (sync_fd, 'E', err->msg, -1);
      _exit (1);
    }
  init_exec (spec, sync_fd, master, exe);
}
