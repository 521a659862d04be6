/* Log rotation (README, "Log file"): when the next record would take `container.log` past --log-max-size, the rotated
 * files move up by one (`.1` → `.2` …, the one past --log-max-files - 1 is replaced, i.e. deleted), `container.log`
 * becomes `.1` and a fresh `container.log` is opened onto the same descriptor number. A renamed file is never written
 * again: hakod's reader (runtime/containers/log-files.ts) follows the chain by inode and relies on that.
 *
 * A shim writes one log, so the state is the process's. Rotation failing (a full disk, no inode left) never stops the
 * container: the shim keeps appending to the file it has and tries again after another max-size of output. */
#include "hako-shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct
{
  int fd;             /* the log descriptor rotation applies to; -1: none */
  const char *path;   /* container.log */
  uint64_t max_size;  /* bytes; a record is never split, so a file may pass this by one record */
  int max_files;      /* container.log plus max_files - 1 rotated ones */
  uint64_t size;      /* bytes in the current file */
} rot = { -1, NULL, 0, 1, 0 };

static char *
numbered (const char *path, int n)
{
  return hako_asprintf ("%s.%d", path, n);
}

/* Numbered files at or beyond the limit (left by a run with a larger max-file) go now, as they would at the next
 * rotation: a reader takes every `FILE.<n>` for part of the log. */
static void
remove_beyond (const char *path, int max_files)
{
  cleanup_free char *dir_path = hako_xstrdup (path);
  char *slash = strrchr (dir_path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t base_len = strlen (base);
  struct dirent *e;
  DIR *dir;

  if (slash == NULL)
    return; /* paths are absolute (main.c) */
  *slash = '\0';
  dir = opendir (*dir_path ? dir_path : "/");
  if (dir == NULL)
    return;
  while ((e = readdir (dir)) != NULL)
    {
      char *end = NULL;
      long n;
      if (strncmp (e->d_name, base, base_len) != 0 || e->d_name[base_len] != '.' || e->d_name[base_len + 1] < '1'
          || e->d_name[base_len + 1] > '9')
        continue;
      n = strtol (e->d_name + base_len + 1, &end, 10);
      if (*end == '\0' && n >= max_files)
        unlinkat (dirfd (dir), e->d_name, 0);
    }
  closedir (dir);
}

int
log_rotate_init (int log_fd, const char *path, uint64_t max_size, int max_files, hako_error_t *err)
{
  struct stat st;

  if (log_fd < 0 || max_size == 0)
    return 0;
  if (max_files < 1)
    return hako_make_error (err, 0, "--log-max-files must be at least 1");
  if (fstat (log_fd, &st) < 0)
    return hako_make_error (err, errno, "stat the log `%s`", path);
  remove_beyond (path, max_files);
  rot.fd = log_fd;
  rot.path = path;
  rot.max_size = max_size;
  rot.max_files = max_files;
  rot.size = (uint64_t) st.st_size;
  return 0;
}

static int
rotate (void)
{
  cleanup_free char *first = numbered (rot.path, 1);
  int n, fd;

  if (rot.max_files == 1)
    {
      if (unlink (rot.path) < 0 && errno != ENOENT)
        return -1;
    }
  else
    {
      for (n = rot.max_files - 2; n >= 1; n--)
        {
          cleanup_free char *from = numbered (rot.path, n);
          cleanup_free char *to = numbered (rot.path, n + 1);
          if (rename (from, to) < 0 && errno != ENOENT)
            return -1;
        }
      if (rename (rot.path, first) < 0)
        return -1;
    }
  fd = open (rot.path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0)
    {
      int saved = errno;
      /* keep the chain whole: the file written so far takes its name back (the gap at .1 is harmless) */
      if (rot.max_files > 1)
        rename (first, rot.path);
      errno = saved;
      return -1;
    }
  if (dup3 (fd, rot.fd, O_CLOEXEC) < 0)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return -1;
    }
  close (fd);
  return 0;
}

void
log_rotate_before_write (int log_fd, size_t record_len)
{
  if (log_fd < 0 || log_fd != rot.fd)
    return;
  if (rot.size > 0 && rot.size + record_len > rot.max_size)
    {
      if (rotate () < 0)
        hako_warn ("rotating the log `%s`: %s", rot.path, strerror (errno));
      rot.size = 0; /* rotated, or not: either way, the next attempt comes after another max-size */
    }
  rot.size += record_len;
}
