/* hako-shim exec: a new process in a running container, as `runc exec` makes one. The shim itself enters nothing but
 * the container's pid namespace, which only its children join; the process it clones joins the container's cgroups
 * and other namespaces (exec_init.c), takes the process spec's user, capabilities, rlimits, no_new_privs and seccomp
 * filter, and then goes through the same handshake and frame protocol as a container's init. What the process spec
 * leaves out comes from the container's init as it is now, never from the shim: capabilities, rlimits and
 * oom_score_adj. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* the order the process joins them in (exec_init.c): the cgroup namespace once in the cgroups, the mount namespace
 * last (the host's /proc and /sys until then); the shim enters the pid namespace itself */
static const struct { const char *name; int flag; } namespaces[6] = {
  { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET },
  { "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
};
#define NS_MNT 4
#define NS_PID 5

/* /proc/PID/limits names, as the kernel prints them */
static const struct { const char *text, *name; int resource; } limits[] = {
  { "Max cpu time", "RLIMIT_CPU", RLIMIT_CPU }, { "Max file size", "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "Max data size", "RLIMIT_DATA", RLIMIT_DATA }, { "Max stack size", "RLIMIT_STACK", RLIMIT_STACK },
  { "Max core file size", "RLIMIT_CORE", RLIMIT_CORE }, { "Max resident set", "RLIMIT_RSS", RLIMIT_RSS },
  { "Max processes", "RLIMIT_NPROC", RLIMIT_NPROC }, { "Max open files", "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "Max locked memory", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "Max address space", "RLIMIT_AS", RLIMIT_AS },
  { "Max file locks", "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "Max pending signals", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "Max msgqueue size", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "Max nice priority", "RLIMIT_NICE", RLIMIT_NICE },
  { "Max realtime priority", "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "Max realtime timeout", "RLIMIT_RTTIME", RLIMIT_RTTIME },
};
#define N_LIMITS (sizeof limits / sizeof limits[0])

static void
close_target (struct hako_exec_target *t)
{
  size_t i;

  for (i = 0; i < 6; i++)
    if (t->ns_fds[i] >= 0)
      close (t->ns_fds[i]);
  if (t->pidfd >= 0)
    close (t->pidfd);
}

/* The pidfd pins the process: if it is still alive once its namespaces are open, they are its own and not those of
 * a process that took over a reused pid. */
static int
open_target (pid_t pid, struct hako_exec_target *t, hako_error_t *err)
{
  struct stat mine, theirs;
  size_t i;

  t->pid = pid;
  t->pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pid <= 0 || t->pidfd < 0)
    return hako_make_error (err, pid <= 0 ? ESRCH : errno, "the container's process %d is not running", (int) pid);
  fcntl (t->pidfd, F_SETFD, FD_CLOEXEC);
  for (i = 0; i < 6; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, namespaces[i].name);
      t->ns_fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (t->ns_fds[i] < 0)
        return hako_make_error (err, errno, "the container's process %d is not running: open `%s`", (int) pid, path);
    }
  /* every container has a mount namespace of its own: a process without one is not a container's */
  if (fstat (t->ns_fds[NS_MNT], &theirs) < 0 || stat ("/proc/self/ns/mnt", &mine) < 0)
    return hako_make_error (err, errno, "stat the mount namespace of process %d", (int) pid);
  if (theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev)
    return hako_make_error (err, 0, "process %d is not in a container: it shares the runtime's mount namespace",
                            (int) pid);
  return 0;
}

static int
still_running (const struct hako_exec_target *t, hako_error_t *err)
{
  if (syscall (SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0)
    return hako_make_error (err, errno, "the container's process %d is not running", (int) t->pid);
  return 0;
}

/* "CapBnd:\t00000000a80425fb" */
static uint64_t
status_field (const char *status, const char *key)
{
  const char *p = strstr (status, key);
  return p ? strtoull (p + strlen (key), NULL, 16) : 0;
}

/* Without capabilities in the process spec: the container's bounding set, and the process gets all of it as root
 * (as the container's root user would after execve), none as another user. */
static int
inherit_capabilities (struct hako_spec *spec, pid_t pid, hako_error_t *err)
{
  cleanup_free char *file = hako_asprintf ("/proc/%d/status", (int) pid);
  cleanup_free char *status = NULL;
  uint64_t bounding;

  if (hako_read_file (file, &status, NULL, err) < 0)
    return -1;
  bounding = status_field (status, "\nCapBnd:\t");
  spec->has_capabilities = 1;
  spec->caps[CAP_SET_BOUNDING] = bounding;
  if (spec->uid == 0)
    spec->caps[CAP_SET_EFFECTIVE] = spec->caps[CAP_SET_PERMITTED] = bounding;
  return 0;
}

static uint64_t
limit_value (const char *s)
{
  return strncmp (s, "unlimited", 9) == 0 ? RLIM_INFINITY : strtoull (s, NULL, 10);
}

/* Without rlimits in the process spec: the container init's, from /proc/PID/limits (prlimit(2) on another
 * process would need CAP_SYS_RESOURCE or the same user). */
static int
inherit_rlimits (struct hako_spec *spec, pid_t pid, hako_error_t *err)
{
  cleanup_free char *file = hako_asprintf ("/proc/%d/limits", (int) pid);
  cleanup_free char *text = NULL;
  char *line, *save = NULL;
  size_t i;

  if (hako_read_file (file, &text, NULL, err) < 0)
    return -1;
  spec->rlimits = hako_xcalloc (N_LIMITS, sizeof *spec->rlimits);
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    for (i = 0; i < N_LIMITS; i++)
      {
        size_t n = strlen (limits[i].text);
        struct hako_rlimit *r;
        char soft[32], hard[32];
        if (strncmp (line, limits[i].text, n) != 0 || line[n] != ' '
            || sscanf (line + n, "%31s %31s", soft, hard) != 2)
          continue;
        r = &spec->rlimits[spec->n_rlimits++];
        r->name = hako_xstrdup (limits[i].name);
        r->resource = limits[i].resource;
        r->soft = limit_value (soft);
        r->hard = limit_value (hard);
        break;
      }
  return 0;
}

static void
inherit_oom_score_adj (struct hako_exec_target *t)
{
  cleanup_free char *file = hako_asprintf ("/proc/%d/oom_score_adj", (int) t->pid);
  cleanup_free char *text = NULL;
  hako_error_t ignored = NULL;

  if (hako_read_file (file, &text, NULL, &ignored) < 0)
    {
      hako_error_free (&ignored);
      return;
    }
  t->has_oom_score_adj = 1;
  t->oom_score_adj = atoi (text);
}

struct exec_args {
  const struct hako_spec *spec;
  const struct hako_exec_target *target;
  const struct hako_cgroup *cg;
  const struct hako_stdio *stdio;
};

static void
exec_child (void *arg, int sync_fd, int in_v2)
{
  const struct exec_args *a = arg;
  exec_init_main (a->spec, a->target, a->cg, a->stdio, sync_fd, in_v2);
}

int
exec_create (struct hako_options *o, struct hako_io *io, struct hako_container *c, hako_error_t *err)
{
  struct hako_exec_target t = { .pidfd = -1, .ns_fds = { -1, -1, -1, -1, -1, -1 } };
  struct hako_stdio child = { -1, -1, -1 };
  struct hako_spec *spec = NULL;
  struct hako_cgroup *cg = NULL;
  struct exec_args a;
  int ret = -1;

  c->pid = 0;
  c->pidfd = c->sync_fd = c->pty_master = -1;
  if (spec_load_process (o->process_path, &spec, err) < 0)
    return -1;
  if (o->seccomp_path && seccomp_parse_file (o->seccomp_path, &spec->seccomp, err) < 0)
    goto out;
  /* --tty is hakod's word; the process spec's terminal says the same when it is set */
  o->tty = spec->terminal = o->tty || spec->terminal;
  if (open_target (o->target_pid, &t, err) < 0)
    goto out;
  if ((!spec->has_capabilities && inherit_capabilities (spec, t.pid, err) < 0)
      || (spec->n_rlimits == 0 && inherit_rlimits (spec, t.pid, err) < 0))
    goto out;
  if (!spec->has_oom_score_adj)
    inherit_oom_score_adj (&t);
  if (cgroup_open (o->cgroup_path, t.pid, &cg, err) < 0 || still_running (&t, err) < 0)
    goto out;
  if (io_listen (o->socket_name, io->listen_fds, err) < 0 || io_make_pipes (o, io, &child, err) < 0)
    goto out;
  /* the shim's children are born in the container's pid namespace; the shim stays where it is */
  if (setns (t.ns_fds[NS_PID], CLONE_NEWPID) < 0)
    {
      hako_make_error (err, errno, "join the pid namespace of process %d", (int) t.pid);
      goto out;
    }
  a = (struct exec_args) { spec, &t, cg, &child };
  ret = container_spawn (0, cg, exec_child, &a, c, err);
out:
  if (child.stdin_fd >= 0)
    close (child.stdin_fd);
  if (child.stdout_fd >= 0)
    close (child.stdout_fd);
  if (child.stderr_fd >= 0)
    close (child.stderr_fd);
  close_target (&t);
  cgroup_free (cg); /* the container's: never removed here */
  spec_free (spec);
  return ret;
}
