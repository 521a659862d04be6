/* The shim's socket clients: accepting (root only), frames in, queued frames out. A client never blocks the shim:
 * what it cannot take now waits in its queue (relay.c decides how long that may last). */
#include "hako-shim.h"

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME (1u << 20)

uint64_t
hako_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

void
queue_push (struct hako_queue *q, const char *data, size_t len)
{
  /* drop what has been sent once it is most of the buffer: amortised O(1) per byte */
  if (q->off > 0 && q->off >= q->len / 2)
    {
      memmove (q->data, q->data + q->off, q->len - q->off);
      q->len -= q->off;
      q->off = 0;
    }
  q->data = realloc (q->data, q->len + len);
  if (q->data == NULL)
    abort ();
  memcpy (q->data + q->len, data, len);
  q->len += len;
}

size_t
queue_pending (const struct hako_queue *q)
{
  return q->len - q->off;
}

void
queue_free (struct hako_queue *q)
{
  free (q->data);
  memset (q, 0, sizeof *q);
}

/* A send buffer that takes a few whole output frames (the default, about 200 KiB, is less than one): the shim then
 * hands a frame to the kernel in one call instead of queueing most of it and waking up for the rest. Memory is only
 * used while output waits for a slow reader. As root the system's maximum does not apply (SO_SNDBUFFORCE). */
void
client_grow_sndbuf (int fd)
{
  int size = 1 << 20;

  if (setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
    setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

/* The next connection from a root peer on listen_fd, or -1 when none is waiting. Others are turned away. */
int
client_accept (int listen_fd)
{
  for (;;)
    {
      struct ucred cred;
      socklen_t len = sizeof cred;
      int fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
        continue;
      if (fd < 0)
        return -1;
      if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == 0)
        {
          client_grow_sndbuf (fd);
          return fd;
        }
      close (fd);
    }
}

void
client_free (struct hako_client *cl)
{
  close (cl->fd);
  queue_free (&cl->out);
  free (cl->payload);
  free (cl);
}

int
client_flush (struct hako_client *cl)
{
  while (queue_pending (&cl->out) > 0)
    {
      ssize_t n = send (cl->fd, cl->out.data + cl->out.off, queue_pending (&cl->out), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno == EAGAIN ? 0 : -1;
      cl->out.off += n;
      cl->stalled_since = hako_now_ms ();
    }
  queue_free (&cl->out);
  cl->stalled_since = 0;
  return 0;
}

/* blocking now, but bounded: a client that does not read cannot keep the shim alive. A sink's descriptor shares
 * hakod's open file, whose O_NONBLOCK is not the shim's to clear: it waits in poll instead. */
int
client_flush_blocking (struct hako_client *cl, struct timeval *tv)
{
  int flags = 0;
  uint64_t deadline = hako_now_ms () + (uint64_t) tv->tv_sec * 1000;

  if (!cl->sink)
    {
      ioctl (cl->fd, FIONBIO, &flags);
      setsockopt (cl->fd, SOL_SOCKET, SO_SNDTIMEO, tv, sizeof *tv);
      return client_flush (cl);
    }
  while (queue_pending (&cl->out) > 0)
    {
      struct pollfd pf = { cl->fd, POLLOUT, 0 };
      uint64_t now = hako_now_ms ();
      if (now >= deadline || poll (&pf, 1, (int) (deadline - now)) <= 0 || client_flush (cl) < 0)
        return -1;
    }
  return 0;
}

int
client_send (struct hako_client *cl, int type, const char *data, size_t len)
{
  unsigned char header[8];
  /* a raw sink (a tty's client) gets the bytes alone: a header of no bytes */
  size_t hlen = cl->raw ? 0 : 8;
  struct iovec iov[2] = { { header, hlen }, { (void *) data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
  ssize_t n = 0;

  io_frame_header (header, type, len);
  /* straight to the socket when nothing is queued: no copy on the common path */
  if (queue_pending (&cl->out) == 0)
    {
      do
        n = sendmsg (cl->fd, &msg, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
      if (n < 0 && errno != EAGAIN)
        return -1;
      if (n < 0)
        n = 0;
    }
  if ((size_t) n < hlen)
    queue_push (&cl->out, (const char *) header + n, hlen - n);
  if ((size_t) n < hlen + len)
    queue_push (&cl->out, data + ((size_t) n > hlen ? n - hlen : 0), len - ((size_t) n > hlen ? n - hlen : 0));
  if (queue_pending (&cl->out) > 0 && cl->stalled_since == 0)
    cl->stalled_since = hako_now_ms ();
  return 0;
}

static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

int
client_read (struct hako_client *cl, hako_frame_fn on_frame, void *ctx)
{
  char buf[16384];
  ssize_t n = read (cl->fd, buf, sizeof buf), i = 0;

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return 0;
  if (n <= 0)
    return -1;
  while (i < n)
    {
      if (cl->header_got < 8)
        {
          cl->header[cl->header_got++] = (unsigned char) buf[i++];
          if (cl->header_got < 8)
            continue;
          cl->payload_len = be32 (cl->header + 4);
          if (cl->payload_len > MAX_FRAME)
            return -1;
          cl->payload = hako_xcalloc (1, cl->payload_len + 1);
          cl->payload_got = 0;
        }
      if (cl->payload_got < cl->payload_len)
        {
          size_t take = cl->payload_len - cl->payload_got;
          if (take > (size_t) (n - i))
            take = n - i;
          memcpy (cl->payload + cl->payload_got, buf + i, take);
          cl->payload_got += take;
          i += take;
        }
      if (cl->payload_got == cl->payload_len)
        {
          on_frame (ctx, cl->header[0], cl->payload, cl->payload_len);
          cl->header_got = 0;
          free (cl->payload);
          cl->payload = NULL;
        }
    }
  return 0;
}
