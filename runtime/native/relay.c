/* The shim's event loop: container output to the log and to every client, client frames to the container, and
 * the end: init's exit, the output drained, the exit record, the exit frame. Clients come and go freely; one that
 * goes away, or stops reading for too long, is dropped and never holds up the container for good. */
#include "hako-shim.h"
#include "relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>


static void
close_stdin (struct relay *r)
{
  if (r->io->in_fd < 0)
    return;
  if (r->tty)
    {
      /* a pty has no half-close: send the terminal's end-of-file character */
      struct termios t;
      char eof = tcgetattr (r->io->in_fd, &t) == 0 ? (char) t.c_cc[VEOF] : 4;
      if (write (r->io->in_fd, &eof, 1) < 0)
        { /* the container is gone; nothing to tell */ }
    }
  else
    close (r->io->in_fd);
  r->io->in_fd = -1;
  queue_free (&r->in);
}

static void
flush_stdin (struct relay *r)
{
  while (r->io->in_fd >= 0 && queue_pending (&r->in) > 0)
    {
      ssize_t n = write (r->io->in_fd, r->in.data + r->in.off, queue_pending (&r->in));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          /* the container closed its stdin: what is left has nowhere to go */
          r->in_closing = 1;
          queue_free (&r->in);
          break;
        }
      r->in.off += n;
    }
  queue_free (&r->in);
  if (r->in_closing)
    close_stdin (r);
}

static uint32_t
be32 (const char *p)
{
  const unsigned char *u = (const unsigned char *) p;
  return (uint32_t) u[0] << 24 | (uint32_t) u[1] << 16 | (uint32_t) u[2] << 8 | u[3];
}

static void
handle_frame (void *ctx, int type, const char *p, size_t len)
{
  struct relay *r = ctx;
  hako_error_t err = NULL;

  switch (type)
    {
    case FRAME_STDIN:
      if (r->io->in_fd >= 0 && !r->in_closing && len > 0)
        {
          queue_push (&r->in, p, len);
          flush_stdin (r);
        }
      break;
    case FRAME_CLOSE_STDIN:
      r->in_closing = 1;
      flush_stdin (r);
      break;
    case FRAME_RESIZE:
      if (r->tty && len >= 4 && r->io->out_fd >= 0)
        {
          const unsigned char *u = (const unsigned char *) p;
          struct winsize ws = { .ws_row = (unsigned short) (u[0] << 8 | u[1]),
                                .ws_col = (unsigned short) (u[2] << 8 | u[3]) };
          ioctl (r->io->out_fd, TIOCSWINSZ, &ws);
        }
      break;
    case FRAME_START:
      if (r->started || r->exited)
        break;
      r->started = 1;
      if ((r->opts->runtime ? runtime_start (r->opts, &err) : container_start (r->c, &err)) < 0)
        {
          hako_warn ("%s", err->msg);
          hako_error_free (&err);
          /* a runtime that could not start init leaves it waiting for good: end it, so the exit is recorded */
          if (r->opts->runtime)
            kill (r->c->pid, SIGKILL);
        }
      break;
    case FRAME_OUTPUT:
      if (len >= 1)
        {
          r->reading->quiet = !(p[0] & OUTPUT_ON);
          r->reading->patient = (p[0] & OUTPUT_PATIENT) != 0;
        }
      break;
    case FRAME_SINK:
      add_sink (r, r->reading, p, len);
      break;
    case FRAME_SINK_DROP:
      drop_sink (r, p, len);
      break;
    case FRAME_SIGNAL:
      if (len >= 4 && !r->exited)
        {
          uint32_t sig = be32 (p);
          if (sig > 0 && sig < (uint32_t) NSIG)
            kill (r->c->pid, (int) sig); /* init is our unreaped child: its pid cannot have been reused */
        }
      break;
    default:
      break; /* unknown types are ignored, so that newer clients can talk to an older shim */
    }
}

/* 1: output relayed; 0: nothing to read now; -1: EOF (the fd is closed and set to -1) */
static int
read_output (struct relay *r, int *fd, int stream)
{
  ssize_t n = read (*fd, r->buf + 16, READ_SIZE);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return 0;
  if (n <= 0)
    {
      /* EOF; on a pty, EIO once every slave descriptor is closed */
      if (*fd == r->io->in_fd)
        r->io->in_fd = -1;
      close (*fd);
      *fd = -1;
      return -1;
    }
  broadcast (r, stream, r->buf + 16, (size_t) n);
  io_log_record (r->io->log_fd, stream, r->buf, (size_t) n);
  return 1;
}

static void
reap (struct relay *r)
{
  if (waitpid (r->c->pid, &r->status, WNOHANG) != r->c->pid)
    return;
  r->exited = 1;
  r->drain_deadline = hako_now_ms () + DRAIN_MS;
  close (r->c->pidfd);
  r->c->pidfd = -1;
  if (r->io->in_fd >= 0 && !r->tty)
    close (r->io->in_fd);
  r->io->in_fd = -1;
  queue_free (&r->in);
}

/* init's exec failure, after start, reaches the user the way the container's stderr would */
static void
check_exec (struct relay *r)
{
  cleanup_free char *msg = container_exec_error (r->c);
  cleanup_free char *line = NULL;
  size_t len;

  if (msg == NULL)
    return;
  line = hako_asprintf ("%16s%s\n", "", msg);
  len = strlen (line) - 16;
  broadcast (r, FRAME_STDERR, line + 16, len);
  io_log_record (r->io->log_fd, FRAME_STDERR, line, len);
}

static int
output_paused (struct relay *r)
{
  size_t i;
  for (i = 0; i < r->n_clients; i++)
    if (queue_pending (&r->clients[i]->out) > PAUSE_ABOVE)
      return 1;
  return 0;
}

/* until the next deadline: drain, start, or a stalled client's; none (-1) for an idle running container */
static int
poll_timeout (struct relay *r, uint64_t now)
{
  uint64_t next = r->exited ? r->drain_deadline : !r->started ? r->start_deadline : UINT64_MAX;
  size_t i;

  for (i = 0; i < r->n_clients; i++)
    if (r->clients[i]->stalled_since && !r->clients[i]->patient && r->clients[i]->stalled_since + STALL_MS + 1 < next)
      next = r->clients[i]->stalled_since + STALL_MS + 1;
  if (next == UINT64_MAX)
    return -1;
  return next <= now ? 0 : next - now > 60000 ? 60000 : (int) (next - now);
}

/* one round of poll; returns 0 once everything is over */
static int
step (struct relay *r)
{
  struct pollfd p[7 + MAX_CLIENTS];
  int n = 0, base, i_listen, i_listen2 = -1, i_pid = -1, i_sync = -1, i_out = -1, i_err = -1, i_in = -1, timeout;
  uint64_t now = hako_now_ms ();
  int paused = !r->exited && output_paused (r); /* after exit only a pipe's worth is left: drain it all */
  /* a container that does not read its stdin slows down whoever writes it, as under Docker (a client that hangs
   * up is still read: what it left is finite) */
  int stdin_full = queue_pending (&r->in) > STDIN_PAUSE_ABOVE;
  size_t i;

  if (r->exited && ((r->io->out_fd < 0 && r->io->err_fd < 0) || now >= r->drain_deadline))
    return 0;
  if (!r->started && !r->exited && now >= r->start_deadline)
    {
      hako_warn ("no start within %d s: killing the container", START_TIMEOUT_MS / 1000);
      kill (r->c->pid, SIGKILL);
      r->started = 1;
    }
  for (i = r->n_clients; i-- > 0;)
    if (r->clients[i]->stalled_since && !r->clients[i]->patient && now - r->clients[i]->stalled_since > STALL_MS)
      drop_client (r, i);

  p[i_listen = n++] = (struct pollfd) { r->io->listen_fds[0], POLLIN, 0 };
  if (r->io->listen_fds[1] >= 0)
    p[i_listen2 = n++] = (struct pollfd) { r->io->listen_fds[1], POLLIN, 0 };
  if (r->c->pidfd >= 0)
    p[i_pid = n++] = (struct pollfd) { r->c->pidfd, POLLIN, 0 };
  if (r->started && r->c->sync_fd >= 0)
    p[i_sync = n++] = (struct pollfd) { r->c->sync_fd, POLLIN, 0 };
  if (r->io->out_fd >= 0 && !paused)
    p[i_out = n++] = (struct pollfd) { r->io->out_fd, POLLIN, 0 };
  if (r->io->err_fd >= 0 && !paused)
    p[i_err = n++] = (struct pollfd) { r->io->err_fd, POLLIN, 0 };
  /* with a tty this is the pty master again: poll takes the same descriptor twice */
  if (r->io->in_fd >= 0 && queue_pending (&r->in) > 0)
    p[i_in = n++] = (struct pollfd) { r->io->in_fd, POLLOUT, 0 };
  base = n;
  /* a sink is never read (its input is hakod's): only its hang-up or error is noticed */
  for (i = 0; i < r->n_clients; i++)
    p[n++] = (struct pollfd) { r->clients[i]->fd,
                               (short) ((stdin_full || r->clients[i]->sink ? 0 : POLLIN)
                                        | (queue_pending (&r->clients[i]->out) ? POLLOUT : 0)),
                               0 };

  timeout = poll_timeout (r, now);
  if (poll (p, n, timeout) < 0)
    return errno == EINTR ? 1 : -1;

  /* clients first: a start or stdin frame should not wait behind a burst of output. A frame can drop another
   * client (a sink) and add one (at the end, unpolled this round): clients are only marked here, and slot i
   * stays the client polled at p[base + i] until the sweep. */
  for (i = r->n_clients; i-- > 0;)
    {
      struct pollfd *cp = &p[base + (int) i];
      struct hako_client *cl = r->clients[i];
      if (cl->dropped)
        continue;
      r->reading = cl;
      if (((cp->revents & POLLOUT) && client_flush (cl) < 0)
          || (cl->sink && (cp->revents & (POLLHUP | POLLERR)))
          || (!cl->sink && (cp->revents & (POLLIN | POLLHUP | POLLERR)) && client_read (cl, handle_frame, r) < 0))
        cl->dropped = 1;
    }
  sweep_clients (r);
  if (p[i_listen].revents & POLLIN)
    accept_clients (r, r->io->listen_fds[0]);
  if (i_listen2 >= 0 && (p[i_listen2].revents & POLLIN))
    accept_clients (r, r->io->listen_fds[1]);
  if (i_in >= 0 && p[i_in].revents)
    flush_stdin (r);
  /* one read per round while running keeps stdout and stderr fair; after init's exit, drain */
  if (i_out >= 0 && p[i_out].revents)
    while (read_output (r, &r->io->out_fd, FRAME_STDOUT) > 0 && r->exited)
      ;
  if (i_err >= 0 && p[i_err].revents)
    while (read_output (r, &r->io->err_fd, FRAME_STDERR) > 0 && r->exited)
      ;
  if (i_sync >= 0 && p[i_sync].revents)
    check_exec (r);
  if (i_pid >= 0 && p[i_pid].revents)
    reap (r);
  return 1;
}

int
relay_run (const struct hako_options *opts, struct hako_io *io, struct hako_container *c, struct hako_cgroup *cg,
           struct hako_exit *exit_, hako_error_t *err)
{
  static struct relay r; /* the read buffer is large: off the stack, and untouched pages cost no memory */
  cleanup_free char *json = NULL;
  int ret;

  r.opts = opts;
  r.io = io;
  r.c = c;
  r.tty = opts->tty;
  r.start_deadline = hako_now_ms () + START_TIMEOUT_MS;
  while ((ret = step (&r)) > 0)
    ;
  if (ret < 0)
    hako_make_error (err, errno, "poll");
  if (!r.exited)
    {
      kill (c->pid, SIGKILL);
      while (waitpid (c->pid, &r.status, 0) < 0 && errno == EINTR)
        ;
    }
  memset (exit_, 0, sizeof *exit_);
  if (WIFSIGNALED (r.status))
    exit_->signal = WTERMSIG (r.status), exit_->exit_code = 128 + exit_->signal;
  else
    exit_->exit_code = WEXITSTATUS (r.status);
  exit_->oom_killed = cgroup_oom_killed (cg);
  exit_->finished_ns = hako_now_ns ();
  if (opts->runtime)
    {
      /* the runtime made the cgroups and removes them, with its state: before the exit record, so that a new
       * create of the same id, which may follow it at once, finds nothing left */
      runtime_delete (opts);
      cgroup_free (cg);
    }
  else
    cgroup_destroy (cg);
  json = io_exit_json (exit_);
  /* a container's exit status survives a power loss; an exec's need not (Docker keeps execs in memory only), and
   * its fsyncs would be most of an exec's latency */
  if (hako_write_file_atomic (opts->exit_path, json, strlen (json), !opts->exec, err) < 0)
    ret = -1;
  finish_clients (&r, json);
  return ret < 0 ? -1 : 0;
}
