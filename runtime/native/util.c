/* Small helpers: cleanup attributes, whole-file reads and writes, atomic replace, mkdir -p. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
hako_freep (void *p)
{
  free (*(void **) p);
}

void
hako_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

char *
hako_xstrdup (const char *s)
{
  char *r = s ? strdup (s) : NULL;
  if (s && r == NULL)
    abort ();
  return r;
}

void *
hako_xcalloc (size_t n, size_t size)
{
  void *r = calloc (n ? n : 1, size ? size : 1);
  if (r == NULL)
    abort ();
  return r;
}

char *
hako_asprintf (const char *fmt, ...)
{
  char *r;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return r;
}

char *
hako_absolute_path (const char *path)
{
  char cwd[PATH_MAX];

  if (path[0] == '/')
    return hako_xstrdup (path);
  if (getcwd (cwd, sizeof cwd) == NULL)
    return NULL;
  return hako_asprintf ("%s/%s", strcmp (cwd, "/") == 0 ? "" : cwd, path);
}

uint64_t
hako_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

int
hako_read_file (const char *path, char **out, size_t *len, hako_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  size_t cap = 4096, used = 0;
  char *buf;

  if (fd < 0)
    return hako_make_error (err, errno, "open `%s`", path);
  buf = hako_xcalloc (1, cap);
  for (;;)
    {
      ssize_t n;
      if (used + 1 >= cap)
        {
          char *bigger = realloc (buf, cap * 2);
          if (bigger == NULL)
            abort ();
          buf = bigger;
          cap *= 2;
        }
      n = read (fd, buf + used, cap - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          free (buf);
          return hako_make_error (err, errno, "read `%s`", path);
        }
      if (n == 0)
        break;
      used += n;
    }
  buf[used] = '\0';
  *out = buf;
  if (len)
    *len = used;
  return 0;
}

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      data += n;
      len -= n;
    }
  return 0;
}

int
hako_write_file (const char *path, const char *data, size_t len, hako_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC | O_TRUNC);

  if (fd < 0)
    return hako_make_error (err, errno, "open `%s`", path);
  if (write_all (fd, data, len) < 0)
    return hako_make_error (err, errno, "write `%.*s` to `%s`", (int) (len > 64 ? 64 : len), data, path);
  return 0;
}

int
hako_write_file_atomic (const char *path, const char *data, size_t len, int durable, hako_error_t *err)
{
  cleanup_free char *tmp = hako_asprintf ("%s.tmp-%d", path, (int) getpid ());
  cleanup_free char *dir = hako_xstrdup (path);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  cleanup_close int dirfd = -1;

  if (fd < 0)
    return hako_make_error (err, errno, "create `%s`", tmp);
  if (write_all (fd, data, len) < 0 || (durable && fsync (fd) < 0))
    {
      hako_make_error (err, errno, "write `%s`", tmp);
      unlink (tmp);
      return -1;
    }
  if (rename (tmp, path) < 0)
    {
      hako_make_error (err, errno, "rename `%s` to `%s`", tmp, path);
      unlink (tmp);
      return -1;
    }
  if (durable)
    {
      dirfd = open (dirname (dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dirfd >= 0)
        fsync (dirfd);
    }
  return 0;
}

int
hako_mkdir_p (const char *path, mode_t mode, hako_error_t *err)
{
  cleanup_free char *p = hako_xstrdup (path);
  char *s;

  for (s = p + 1; *s; s++)
    {
      if (*s != '/')
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return hako_make_error (err, errno, "mkdir `%s`", p);
      *s = '/';
    }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return hako_make_error (err, errno, "mkdir `%s`", p);
  return 0;
}
