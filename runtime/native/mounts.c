/* The spec's mounts, made inside the new root before pivot_root. Every destination is resolved inside the root
 * the way the container will see it, and refused when it would lead out of it. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define MAX_SYMLINKS 40

struct mount_options {
  unsigned long flags, clear, propagation;
  char *data; /* filesystem-specific options, comma-joined */
};

static const struct { const char *name; int clear; unsigned long flag; int propagation; } option_names[] = {
  { "defaults", 0, 0, 0 }, { "ro", 0, MS_RDONLY, 0 }, { "rw", 1, MS_RDONLY, 0 }, { "nosuid", 0, MS_NOSUID, 0 },
  { "suid", 1, MS_NOSUID, 0 }, { "nodev", 0, MS_NODEV, 0 }, { "dev", 1, MS_NODEV, 0 }, { "noexec", 0, MS_NOEXEC, 0 },
  { "exec", 1, MS_NOEXEC, 0 }, { "sync", 0, MS_SYNCHRONOUS, 0 }, { "async", 1, MS_SYNCHRONOUS, 0 },
  { "dirsync", 0, MS_DIRSYNC, 0 }, { "mand", 0, MS_MANDLOCK, 0 }, { "nomand", 1, MS_MANDLOCK, 0 },
  { "atime", 1, MS_NOATIME, 0 }, { "noatime", 0, MS_NOATIME, 0 }, { "diratime", 1, MS_NODIRATIME, 0 },
  { "nodiratime", 0, MS_NODIRATIME, 0 }, { "relatime", 0, MS_RELATIME, 0 }, { "norelatime", 1, MS_RELATIME, 0 },
  { "strictatime", 0, MS_STRICTATIME, 0 }, { "nostrictatime", 1, MS_STRICTATIME, 0 }, { "bind", 0, MS_BIND, 0 },
  { "rbind", 0, MS_BIND | MS_REC, 0 }, { "private", 0, MS_PRIVATE, 1 }, { "rprivate", 0, MS_PRIVATE | MS_REC, 1 },
  { "shared", 0, MS_SHARED, 1 }, { "rshared", 0, MS_SHARED | MS_REC, 1 }, { "slave", 0, MS_SLAVE, 1 },
  { "rslave", 0, MS_SLAVE | MS_REC, 1 }, { "unbindable", 0, MS_UNBINDABLE, 1 },
  { "runbindable", 0, MS_UNBINDABLE | MS_REC, 1 },
  /* runtime-level options that are not mount(2) flags */
  { "tmpcopyup", 0, 0, 0 }, { "notmpcopyup", 0, 0, 0 },
};

static void
parse_options (const struct hako_mount *m, struct mount_options *o)
{
  size_t i, j, len = 0;

  memset (o, 0, sizeof *o);
  for (i = 0; i < m->n_options; i++)
    len += strlen (m->options[i]) + 1;
  o->data = hako_xcalloc (1, len + 1);
  for (i = 0; i < m->n_options; i++)
    {
      for (j = 0; j < sizeof option_names / sizeof option_names[0]; j++)
        if (strcmp (m->options[i], option_names[j].name) == 0)
          break;
      if (j == sizeof option_names / sizeof option_names[0])
        {
          if (o->data[0])
            strcat (o->data, ",");
          strcat (o->data, m->options[i]);
        }
      else if (option_names[j].propagation)
        o->propagation |= option_names[j].flag;
      else if (option_names[j].clear)
        o->flags &= ~option_names[j].flag, o->clear |= option_names[j].flag;
      else
        o->flags |= option_names[j].flag;
    }
}

int
mounts_resolve_in_root (const char *root, const char *path, char **out, hako_error_t *err)
{
  char resolved[PATH_MAX] = ""; /* below root, "" or "/a/b" */
  cleanup_free char *rem = hako_xstrdup (path);
  size_t pos = 0;
  int links = 0, missing = 0;

  for (;;)
    {
      char component[NAME_MAX + 1], full[PATH_MAX], target[PATH_MAX];
      size_t n, keep;
      struct stat st;
      ssize_t len;

      while (rem[pos] == '/')
        pos++;
      if (rem[pos] == '\0')
        break;
      n = strcspn (rem + pos, "/");
      if (n > NAME_MAX)
        return hako_make_error (err, ENAMETOOLONG, "resolve `%s`", path);
      memcpy (component, rem + pos, n);
      component[n] = '\0';
      pos += n;
      if (strcmp (component, ".") == 0)
        continue;
      if (strcmp (component, "..") == 0)
        {
          if (resolved[0] == '\0')
            return hako_make_error (err, EXDEV, "`%s` leads outside the container's root", path);
          *strrchr (resolved, '/') = '\0';
          missing = 0; /* back in a directory that exists: its next component must be checked again */
          continue;
        }
      keep = strlen (resolved);
      if (keep + n + 2 > sizeof resolved)
        return hako_make_error (err, ENAMETOOLONG, "resolve `%s`", path);
      resolved[keep] = '/';
      memcpy (resolved + keep + 1, component, n + 1);
      if (missing)
        continue;
      if ((size_t) snprintf (full, sizeof full, "%s%s", root, resolved) >= sizeof full)
        return hako_make_error (err, ENAMETOOLONG, "resolve `%s`", path);
      if (lstat (full, &st) < 0)
        {
          if (errno != ENOENT)
            return hako_make_error (err, errno, "lstat `%s`", full);
          missing = 1;
          continue;
        }
      if (!S_ISLNK (st.st_mode))
        continue;
      if (++links > MAX_SYMLINKS)
        return hako_make_error (err, ELOOP, "resolve `%s`", path);
      len = readlink (full, target, sizeof target - 1);
      if (len < 0)
        return hako_make_error (err, errno, "readlink `%s`", full);
      target[len] = '\0';
      /* the link's target replaces it: absolute targets start again at the container's root */
      resolved[target[0] == '/' ? 0 : keep] = '\0';
      {
        char *next = hako_asprintf ("%s/%s", target, rem + pos);
        free (rem);
        rem = next;
        pos = 0;
      }
    }
  *out = hako_asprintf ("%s%s", root, resolved);
  return 0;
}

/* The mount point must exist: a directory, or an empty file when a file is bound there. */
static int
make_mountpoint (const char *path, int file, hako_error_t *err)
{
  cleanup_free char *parent = hako_xstrdup (path);
  struct stat st;
  int fd;

  if (stat (path, &st) == 0)
    return 0;
  *strrchr (parent, '/') = '\0';
  if (!file)
    return hako_mkdir_p (path, 0755, err);
  if (*parent && hako_mkdir_p (parent, 0755, err) < 0)
    return -1;
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return hako_make_error (err, errno, "create mount point `%s`", path);
  close (fd);
  return 0;
}

static unsigned long
statvfs_to_mount_flags (unsigned long f)
{
  return (f & ST_NOSUID ? MS_NOSUID : 0) | (f & ST_NODEV ? MS_NODEV : 0) | (f & ST_NOEXEC ? MS_NOEXEC : 0)
         | (f & ST_NOATIME ? MS_NOATIME : 0) | (f & ST_NODIRATIME ? MS_NODIRATIME : 0)
         | (f & ST_RELATIME ? MS_RELATIME : 0) | (f & ST_RDONLY ? MS_RDONLY : 0);
}

static int
remount_bind (const char *path, unsigned long flags, hako_error_t *err)
{
  struct statvfs sv;
  unsigned long keep = 0;

  if (statvfs (path, &sv) == 0)
    keep = statvfs_to_mount_flags (sv.f_flag) & ~MS_RDONLY;
  if (mount (NULL, path, NULL, MS_REMOUNT | MS_BIND | keep | flags, NULL) < 0)
    return hako_make_error (err, errno, "remount `%s`", path);
  return 0;
}

int
mounts_remount_ro (const char *path, hako_error_t *err)
{
  return remount_bind (path, MS_RDONLY, err);
}

static int
do_bind (const struct hako_mount *m, const char *dest, const struct mount_options *o, hako_error_t *err)
{
  unsigned long extra = o->flags & ~(MS_BIND | MS_REC);

  if (m->source == NULL)
    return hako_make_error (err, 0, "bind mount on `%s` has no source", m->destination);
  if (mount (m->source, dest, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
    return hako_make_error (err, errno, "bind `%s` on `%s`", m->source, m->destination);
  /* a bind mount ignores other flags: they take a remount (of the top mount; rro needs mount_setattr) */
  if (extra && remount_bind (dest, extra, err) < 0)
    return -1;
  return 0;
}

static int
do_mount (const struct hako_spec *spec, const struct hako_cgroup *cg, const struct hako_mount *m, hako_error_t *err)
{
  const char *type = m->type ? m->type : "none";
  cleanup_free char *dest = NULL;
  struct mount_options o;
  struct stat st;
  int bind, file = 0, ret = 0;

  parse_options (m, &o);
  bind = strcmp (type, "bind") == 0 || (o.flags & MS_BIND);
  if (bind && m->source && stat (m->source, &st) == 0 && !S_ISDIR (st.st_mode))
    file = 1;
  if (mounts_resolve_in_root (spec->root_path, m->destination, &dest, err) < 0
      || make_mountpoint (dest, file, err) < 0)
    ret = -1;
  else if (bind)
    ret = do_bind (m, dest, &o, err);
  else if (strcmp (type, "cgroup") == 0)
    ret = cgroup_mount (cg, dest, o.flags, err);
  else if (mount (m->source ? m->source : type, dest, type, o.flags, o.data[0] ? o.data : NULL) < 0)
    {
      /* sysfs belongs to a network namespace: without a new one, bind the host's (read-only) instead */
      if (errno == EPERM && strcmp (type, "sysfs") == 0 && spec_namespace (spec, CLONE_NEWNET) == NULL)
        {
          if (mount ("/sys", dest, NULL, MS_BIND | MS_REC, NULL) < 0 || remount_bind (dest, MS_RDONLY, err) < 0)
            ret = hako_make_error (err, errno, "bind /sys on `%s`", m->destination);
        }
      else
        ret = hako_make_error (err, errno, "mount %s on `%s` (options `%s`)", type, m->destination, o.data);
    }
  if (ret == 0 && o.propagation && mount (NULL, dest, NULL, o.propagation, NULL) < 0)
    ret = hako_make_error (err, errno, "set the propagation of `%s`", m->destination);
  free (o.data);
  return ret;
}

int
mounts_do_spec_mounts (const struct hako_spec *spec, const struct hako_cgroup *cg, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < spec->n_mounts; i++)
    if (do_mount (spec, cg, &spec->mounts[i], err) < 0)
      return -1;
  return 0;
}
