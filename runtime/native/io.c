/* The shim's descriptors: the listening socket, the container's stdio pipes, log records and the exit record. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int
listen_on (const char *name, socklen_t name_len, int *out, hako_error_t *err)
{
  struct sockaddr_un addr;
  int fd;

  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  memcpy (addr.sun_path + 1, name, strlen (name)); /* abstract: a leading NUL, no file */
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return hako_make_error (err, errno, "socket");
  if (bind (fd, (struct sockaddr *) &addr, offsetof (struct sockaddr_un, sun_path) + 1 + name_len) < 0
      || listen (fd, 64) < 0)
    {
      hako_make_error (err, errno, "listen on the socket `@%s`", name);
      close (fd);
      return -1;
    }
  *out = fd;
  return 0;
}

/* An abstract name is all of the address's bytes: Node's net.connect({path: "\0name"}) (libuv) sends the whole
 * sun_path, NUL-padded, while most other clients send just the name. The shim answers to both. */
int
io_listen (const char *name, int out[2], hako_error_t *err)
{
  size_t len = strlen (name);
  const socklen_t whole = sizeof ((struct sockaddr_un *) 0)->sun_path - 1;

  out[0] = out[1] = -1;
  if (len == 0 || len > whole)
    return hako_make_error (err, 0, "socket name `%s` must be 1 to %u bytes", name, (unsigned) whole);
  if (listen_on (name, (socklen_t) len, &out[0], err) < 0)
    return -1;
  if (len < whole && listen_on (name, whole, &out[1], err) < 0)
    {
      close (out[0]);
      out[0] = -1;
      return -1;
    }
  return 0;
}

/* Output pipes hold this much (the kernel's default is 64 KiB): a container writing a stream then blocks, and the
 * shim wakes, far less often, and reads it in large pieces. Pages are only allocated as they fill. */
#define OUTPUT_PIPE_SIZE (1 << 20)

static int
make_pipe (int fds[2], int nonblock_end, hako_error_t *err)
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return hako_make_error (err, errno, "pipe");
  if (fcntl (fds[nonblock_end], F_SETFL, O_NONBLOCK) < 0)
    return hako_make_error (err, errno, "fcntl");
  return 0;
}

static void
grow_pipe (int fd)
{
  if (fcntl (fd, F_SETPIPE_SZ, OUTPUT_PIPE_SIZE) < 0)
    { /* a smaller pipe (pipe-max-size, the user's pipe quota) is only slower */ }
}

int
io_make_pipes (const struct hako_options *opts, struct hako_io *io, struct hako_stdio *child, hako_error_t *err)
{
  int out[2], errp[2], in[2];

  io->out_fd = io->err_fd = io->in_fd = -1;
  child->stdin_fd = child->stdout_fd = child->stderr_fd = -1;
  if (opts->tty)
    return 0; /* init opens the pty inside the container and sends the master over */
  if (make_pipe (out, 0, err) < 0)
    return -1;
  io->out_fd = out[0], child->stdout_fd = out[1];
  grow_pipe (out[0]);
  if (make_pipe (errp, 0, err) < 0)
    return -1;
  io->err_fd = errp[0], child->stderr_fd = errp[1];
  grow_pipe (errp[0]);
  if (!opts->open_stdin)
    return 0;
  if (make_pipe (in, 1, err) < 0)
    return -1;
  io->in_fd = in[1], child->stdin_fd = in[0];
  return 0;
}

static void
put_be32 (unsigned char *p, uint32_t v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* buf holds 16 free bytes, then len bytes of output: one write() per record (README, "Log file") */
int
io_log_record (int log_fd, int stream, char *buf, size_t len)
{
  unsigned char *h = (unsigned char *) buf;
  uint64_t ns = hako_now_ns ();
  size_t off = 0;

  if (log_fd < 0)
    return 0;
  log_rotate_before_write (log_fd, len + 16);
  h[0] = (unsigned char) stream;
  h[1] = h[2] = h[3] = 0;
  put_be32 (h + 4, (uint32_t) len);
  put_be32 (h + 8, (uint32_t) (ns >> 32));
  put_be32 (h + 12, (uint32_t) ns);
  while (off < len + 16)
    {
      ssize_t n = write (log_fd, buf + off, len + 16 - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1; /* a full disk loses log, never the container */
      off += n;
    }
  return 0;
}

void
io_frame_header (unsigned char h[8], int type, size_t len)
{
  h[0] = (unsigned char) type;
  h[1] = h[2] = h[3] = 0;
  put_be32 (h + 4, (uint32_t) len);
}

char *
io_exit_json (const struct hako_exit *e)
{
  time_t secs = (time_t) (e->finished_ns / 1000000000ull);
  struct tm tm;
  char when[64];

  gmtime_r (&secs, &tm);
  strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  return hako_asprintf ("{\"exitCode\": %d, \"signal\": %d, \"oomKilled\": %s, \"finishedAt\": \"%s.%09lluZ\"}\n",
                        e->exit_code, e->signal, e->oom_killed ? "true" : "false", when,
                        (unsigned long long) (e->finished_ns % 1000000000ull));
}
