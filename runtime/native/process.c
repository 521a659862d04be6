/* The container process's own settings, applied in init: rlimits, the executable's path, the loopback device,
 * a pty. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void
append (char **text, const char *line)
{
  char *next = hako_asprintf ("%s%s%s", *text ? *text : "", *text ? "\n" : "", line);
  free (*text);
  *text = next;
}

/* Raising a hard limit takes CAP_SYS_RESOURCE; without it the limit is clamped to the current hard one, and said. */
int
process_setup_rlimits (const struct hako_spec *spec, char **warnings, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < spec->n_rlimits; i++)
    {
      const struct hako_rlimit *r = &spec->rlimits[i];
      struct rlimit want = { r->soft, r->hard }, cur;
      char line[256];

      if (r->soft > r->hard)
        return hako_make_error (err, 0, "%s: soft limit %llu is above the hard limit %llu", r->name,
                                (unsigned long long) r->soft, (unsigned long long) r->hard);
      if (setrlimit (r->resource, &want) == 0)
        continue;
      if (errno != EPERM || getrlimit (r->resource, &cur) < 0 || want.rlim_max <= cur.rlim_max)
        return hako_make_error (err, errno, "setrlimit %s", r->name);
      want.rlim_max = cur.rlim_max;
      if (want.rlim_cur > want.rlim_max)
        want.rlim_cur = want.rlim_max;
      if (setrlimit (r->resource, &want) < 0)
        return hako_make_error (err, errno, "setrlimit %s", r->name);
      snprintf (line, sizeof line, "%s %llu:%llu clamped to %llu:%llu (the runtime cannot raise a hard limit)",
                r->name, (unsigned long long) r->soft, (unsigned long long) r->hard,
                (unsigned long long) want.rlim_cur, (unsigned long long) want.rlim_max);
      append (warnings, line);
    }
  return 0;
}

static int
is_executable (const char *path, int *errno_out)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return *errno_out = errno, 0;
  if (S_ISDIR (st.st_mode))
    return *errno_out = EISDIR, 0;
  if (access (path, X_OK) < 0)
    return *errno_out = errno, 0;
  return 1;
}

/* Like Go's exec.LookPath (which runc uses), with the container's PATH, inside the container's root. */
int
process_find_executable (const struct hako_spec *spec, char **out, hako_error_t *err)
{
  const char *name = spec->args[0], *path = DEFAULT_PATH;
  cleanup_free char *dirs = NULL;
  char *save = NULL, *dir;
  size_t i;
  int e = 0;

  if (strchr (name, '/'))
    {
      if (is_executable (name, &e))
        return (*out = hako_xstrdup (name)), 0;
      if (e == ENOENT)
        return hako_make_error (err, 0, "exec: \"%s\": stat %s: no such file or directory", name, name);
      return hako_make_error (err, 0, "exec: \"%s\": %s", name, e == EISDIR ? "is a directory" : "permission denied");
    }
  for (i = 0; spec->env[i]; i++)
    if (strncmp (spec->env[i], "PATH=", 5) == 0)
      path = spec->env[i] + 5;
  dirs = hako_xstrdup (path);
  /* an empty element means the current directory; strsep keeps those */
  for (save = dirs; (dir = strsep (&save, ":")) != NULL;)
    {
      cleanup_free char *candidate = hako_asprintf ("%s/%s", *dir ? dir : ".", name);
      if (is_executable (candidate, &e))
        return (*out = hako_xstrdup (candidate)), 0;
    }
  return hako_make_error (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

int
process_loopback_up (hako_error_t *err)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (fd < 0)
    return hako_make_error (err, errno, "socket");
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return hako_make_error (err, errno, "get the flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return hako_make_error (err, errno, "bring lo up");
  return 0;
}

int
process_open_pty (int *master, int *slave, hako_error_t *err)
{
  char name[64];
  int unlock = 0, n;

  *master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    *master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    return hako_make_error (err, errno, "open /dev/pts/ptmx");
  if (ioctl (*master, TIOCSPTLCK, &unlock) < 0 || ioctl (*master, TIOCGPTN, &n) < 0)
    return hako_make_error (err, errno, "unlock the pty");
  snprintf (name, sizeof name, "/dev/pts/%d", n);
  *slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0)
    return hako_make_error (err, errno, "open `%s`", name);
  return 0;
}
