/* The shim's side of creating a container: clone init into new namespaces (and, on cgroup2, its cgroup), wait
 * until it is ready to exec (container_spawn also starts an exec'd process, exec.c). The setup channel is a
 * SOCK_SEQPACKET pair; every message is one type byte plus text:
 *   shim -> init:  'S' (start: exec now)
 *   init -> shim:  'W' text (a warning for the shim's stderr), 'R' (ready; carries the pty master with --tty),
 *                  'E' text (setup or exec failed)
 * The channel is close-on-exec in init, so EOF after 'S' means execve succeeded. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args of <linux/sched.h> (v2, Linux 5.7), kept here: that header clashes with glibc's <sched.h> */
struct clone3_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

int
sync_send (int fd, char type, const char *text, int pass_fd)
{
  char buf[4096];
  size_t len = text ? strlen (text) : 0;
  struct iovec iov = { buf, 0 };
  union { char raw[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

  if (len > sizeof buf - 1)
    len = sizeof buf - 1;
  buf[0] = type;
  memcpy (buf + 1, text ? text : "", len);
  iov.iov_len = len + 1;
  if (pass_fd >= 0)
    {
      struct cmsghdr *c;
      memset (&control, 0, sizeof control);
      msg.msg_control = control.raw;
      msg.msg_controllen = sizeof control.raw;
      c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &pass_fd, sizeof (int));
    }
  while (sendmsg (fd, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

/* Returns the type byte, 0 on EOF, -1 on error; text is NUL-terminated. */
int
sync_recv (int fd, char *text, size_t size, int *passed_fd)
{
  char buf[4096];
  struct iovec iov = { buf, sizeof buf };
  union { char raw[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.raw,
                        .msg_controllen = sizeof control.raw };
  struct cmsghdr *c;
  ssize_t n;

  do
    n = recvmsg (fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return (int) n;
  for (c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && passed_fd)
      memcpy (passed_fd, CMSG_DATA (c), sizeof (int));
  if (text && size)
    {
      size_t len = (size_t) n - 1 < size - 1 ? (size_t) n - 1 : size - 1;
      memcpy (text, buf + 1, len);
      text[len] = '\0';
    }
  return (unsigned char) buf[0];
}

static int
join_pid_namespace (const struct hako_spec *spec, hako_error_t *err)
{
  const struct hako_namespace *ns = spec_namespace (spec, CLONE_NEWPID);
  cleanup_close int fd = -1;

  if (ns == NULL || ns->path == NULL)
    return 0;
  /* affects only the shim's children: init is born in the given namespace */
  fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWPID) < 0)
    return hako_make_error (err, errno, "join the pid namespace `%s`", ns->path);
  return 0;
}

static void
abort_init (struct hako_container *c)
{
  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      while (waitpid (c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (c->pidfd >= 0)
    close (c->pidfd);
  if (c->sync_fd >= 0)
    close (c->sync_fd);
  if (c->pty_master >= 0)
    close (c->pty_master);
  c->pid = 0;
  c->pidfd = c->sync_fd = c->pty_master = -1;
}

struct init_args {
  const struct hako_spec *spec;
  const struct hako_cgroup *cg;
  const struct hako_stdio *stdio;
};

static void
init_child (void *arg, int sync_fd, int in_v2)
{
  const struct init_args *a = arg;
  init_main (a->spec, a->cg, a->stdio, sync_fd, in_v2);
}

int
container_create (const struct hako_spec *spec, struct hako_cgroup *cg, const struct hako_stdio *stdio,
                  struct hako_container *c, hako_error_t *err)
{
  struct init_args a = { spec, cg, stdio };
  uint64_t flags = 0;
  size_t i;

  c->pid = 0;
  c->pidfd = c->sync_fd = c->pty_master = -1;
  if (spec_namespace (spec, CLONE_NEWNS) == NULL)
    return hako_make_error (err, 0, "config.json: a mount namespace is required");
  if (join_pid_namespace (spec, err) < 0)
    return -1;
  /* the cgroup namespace is made by init itself, once it is inside its cgroup */
  for (i = 0; i < spec->n_namespaces; i++)
    if (spec->namespaces[i].path == NULL && spec->namespaces[i].flag != CLONE_NEWCGROUP)
      flags |= (uint64_t) spec->namespaces[i].flag;
  return container_spawn (flags, cg, init_child, &a, c, err);
}

int
container_spawn (uint64_t flags, const struct hako_cgroup *cg, hako_child_fn fn, void *arg,
                 struct hako_container *c, hako_error_t *err)
{
  struct clone3_args args;
  cleanup_close int v2_dir = cg ? cgroup_v2_dir_fd (cg) : -1;
  int sv[2], pidfd = -1, type;
  char text[4096];

  c->pid = 0;
  c->pidfd = c->sync_fd = c->pty_master = -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hako_make_error (err, errno, "socketpair");

  memset (&args, 0, sizeof args);
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = (uint64_t) (uintptr_t) &pidfd;
  args.exit_signal = SIGCHLD;
  if (v2_dir >= 0)
    {
      /* born in its cgroup2 directory: no migration at all */
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) v2_dir;
    }
  c->pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (c->pid < 0 && v2_dir >= 0 && (errno == E2BIG || errno == EINVAL))
    {
      /* a kernel before 5.7: the child joins the cgroup2 directory through cgroup.procs instead */
      args.flags &= ~CLONE_INTO_CGROUP;
      close (v2_dir);
      v2_dir = -1;
      c->pid = (pid_t) syscall (SYS_clone3, &args, offsetof (struct clone3_args, set_tid));
    }
  if (c->pid < 0)
    {
      c->pid = 0;
      close (sv[0]);
      close (sv[1]);
      return hako_make_error (err, errno, "clone the container's process");
    }
  if (c->pid == 0)
    {
      close (sv[0]);
      fn (arg, sv[1], v2_dir >= 0);
      _exit (1);
    }
  close (sv[1]);
  c->sync_fd = sv[0];
  c->pidfd = pidfd;
  fcntl (c->pidfd, F_SETFD, FD_CLOEXEC);

  for (;;)
    {
      int fd = -1;
      type = sync_recv (c->sync_fd, text, sizeof text, &fd);
      if (type == 'W')
        hako_warn ("%s", text);
      else if (type == 'R')
        {
          c->pty_master = fd;
          return 0;
        }
      else
        {
          if (fd >= 0)
            close (fd);
          if (type == 'E')
            hako_make_error (err, 0, "%s", text);
          else
            hako_make_error (err, type < 0 ? errno : 0, "the container's process exited during setup");
          abort_init (c);
          return -1;
        }
    }
}

int
container_start (struct hako_container *c, hako_error_t *err)
{
  if (sync_send (c->sync_fd, 'S', NULL, -1) < 0)
    return hako_make_error (err, errno, "start the container's init");
  return 0;
}

char *
container_exec_error (struct hako_container *c)
{
  char text[4096];
  int type = sync_recv (c->sync_fd, text, sizeof text, NULL);

  close (c->sync_fd);
  c->sync_fd = -1;
  return type == 'E' ? hako_xstrdup (text) : NULL;
}
