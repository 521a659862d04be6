/* Output sinks: connections of hakod's own clients (a `docker attach`) handed to the shim, so that the container's
 * output goes straight to the client instead of through hakod (README, "Socket protocol", frames 9 and 10). The shim
 * takes its own copy of the descriptor from hakod with pidfd_getfd(2), writes output to it, never reads from it (the
 * client's input stays hakod's), and closes its copy when the container exits or hakod takes the sink back. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static uint32_t
get_be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

uint64_t
sink_id_of (const char *payload)
{
  const unsigned char *u = (const unsigned char *) payload;
  return (uint64_t) get_be32 (u) << 32 | get_be32 (u + 4);
}

/* payload: [mode u8][streams u8][0][0][pid u32][fd u32][id u64] (20 bytes); id is the socket's inode, checked here so
 * that a descriptor number hakod reused meanwhile is never taken for the client's */
int
sink_take (const char *payload, size_t len, struct hako_client **out, hako_error_t *err)
{
  const unsigned char *u = (const unsigned char *) payload;
  cleanup_close int pidfd = -1;
  struct hako_client *cl;
  struct stat st;
  int fd;

  if (len < SINK_FRAME_LEN)
    return hako_make_error (err, 0, "sink frame of %zu bytes", len);
  pidfd = (int) syscall (SYS_pidfd_open, (pid_t) get_be32 (u + 4), 0);
  if (pidfd < 0)
    return hako_make_error (err, errno, "pidfd_open %u", get_be32 (u + 4));
  fd = (int) syscall (SYS_pidfd_getfd, pidfd, (int) get_be32 (u + 8), 0); /* close-on-exec */
  if (fd < 0)
    return hako_make_error (err, errno, "pidfd_getfd %u of %u", get_be32 (u + 8), get_be32 (u + 4));
  if (fstat (fd, &st) < 0 || !S_ISSOCK (st.st_mode) || (uint64_t) st.st_ino != sink_id_of (payload + 12))
    {
      close (fd);
      return hako_make_error (err, 0, "descriptor %u is not the client's socket", get_be32 (u + 8));
    }
  /* the descriptor shares hakod's open file (non-blocking already); make sure */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  client_grow_sndbuf (fd);
  cl = hako_xcalloc (1, sizeof *cl);
  cl->fd = fd;
  cl->sink = 1;
  cl->patient = 1; /* a slow client holds the container up, as under Docker; a gone one fails the write */
  cl->raw = (u[0] & SINK_RAW) != 0;
  cl->streams = u[1];
  cl->sink_id = sink_id_of (payload + 12);
  *out = cl;
  return 0;
}
