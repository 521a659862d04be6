/* hako-port-relay: one TCP connection of a published port, relayed in the kernel (see README-port-relay.md).
 *
 * fd 0 is the client's socket, fd 1 the container's; the bytes of each direction go socket -> pipe -> socket with
 * splice(2), never through user memory. A direction that reads EOF shuts down the write side of the other socket once
 * its pipe is empty (half-close passed on, as the Node proxy does); the relay exits when both directions are done,
 * or at the first error on either socket (both are then closed, as the Node proxy destroys both). It dies with hakod
 * (PR_SET_PDEATHSIG), like the connections the Node proxy holds. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (256 << 10)       /* bytes moved per splice call at most */
#define PIPE_SIZE (1 << 20)     /* each direction's pipe (F_SETPIPE_SZ; the kernel's default is 64 KiB) */

/* One direction: from `in` through the pipe to `out`. */
struct dir {
  int in, out;
  int pipe[2];
  size_t queued;  /* bytes in the pipe */
  int full;       /* the pipe took nothing more though data waited in it: read again only once some went out */
  int eof;        /* `in` read EOF */
  int done;       /* EOF passed on: `out` shut down for writing */
};

/* Moves what it can without blocking; -1 on a socket error. */
static int pump(struct dir *d) {
  for (;;) {
    int moved = 0;
    if (!d->eof && !d->full) {
      ssize_t n = splice(d->in, NULL, d->pipe[1], NULL, CHUNK, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d->queued += (size_t)n;
        moved = 1;
      } else if (n == 0) {
        d->eof = 1;
      } else if (errno == EAGAIN) {
        /* the socket is empty or the pipe's slots are taken (one per socket buffer fragment, so it can be full
         * well below PIPE_SIZE bytes); in the latter case polling the readable socket would spin */
        d->full = d->queued > 0;
      } else if (errno != EINTR) {
        return -1;
      }
    }
    if (d->queued > 0) {
      ssize_t n = splice(d->pipe[0], NULL, d->out, NULL, d->queued, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d->queued -= (size_t)n;
        d->full = 0;
        moved = 1;
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return -1;
      }
    }
    if (d->eof && d->queued == 0 && !d->done) {
      shutdown(d->out, SHUT_WR);
      d->done = 1;
    }
    if (!moved || d->done) return 0;
  }
}

static int setup(struct dir *d, int in, int out) {
  d->in = in;
  d->out = out;
  d->queued = 0;
  d->eof = d->done = d->full = 0;
  if (pipe2(d->pipe, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
  fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_SIZE); /* best effort: a smaller pipe only means more wake-ups */
  return 0;
}

int main(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1; /* hakod died before the line above */
  signal(SIGPIPE, SIG_IGN);
  for (int fd = 0; fd <= 1; fd++) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct dir d[2];
  if (setup(&d[0], 0, 1) < 0 || setup(&d[1], 1, 0) < 0) return 1;
  while (!(d[0].done && d[1].done)) {
    if (pump(&d[0]) < 0 || pump(&d[1]) < 0) return 1;
    if (d[0].done && d[1].done) break;
    /* fd 0 is read by direction 0 and written by direction 1; fd 1 the other way round */
    struct pollfd p[2] = { { .fd = 0 }, { .fd = 1 } };
    for (int k = 0; k < 2; k++) {
      if (!d[k].eof && !d[k].full) p[d[k].in].events |= POLLIN;
      if (d[k].queued > 0) p[d[k].out].events |= POLLOUT;
    }
    /* a socket nothing is asked of is left out: its hang-up would otherwise wake poll over and over */
    for (int k = 0; k < 2; k++) {
      if (!p[k].events) p[k].fd = -1;
    }
    if (poll(p, 2, -1) < 0 && errno != EINTR) return 1;
  }
  return 0;
}
