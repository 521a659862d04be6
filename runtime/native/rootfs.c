/* The container's root: private propagation, the bind of the rootfs, spec mounts, a minimal /dev, pivot_root,
 * then masked and read-only paths. Runs in the container's init, in its new mount namespace. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

static const struct { const char *name; unsigned major, minor; } dev_nodes[] = {
  { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct { const char *target, *name; } dev_links[] = {
  { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
  { "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },
};

/* Character nodes by mknod; where that is not allowed, bind the host's node instead. */
static int
make_dev (const char *root, hako_error_t *err)
{
  cleanup_free char *dev = NULL;
  size_t i;

  if (mounts_resolve_in_root (root, "/dev", &dev, err) < 0 || hako_mkdir_p (dev, 0755, err) < 0)
    return -1;
  for (i = 0; i < sizeof dev_nodes / sizeof dev_nodes[0]; i++)
    {
      cleanup_free char *path = hako_asprintf ("%s/%s", dev, dev_nodes[i].name);
      cleanup_free char *host = hako_asprintf ("/dev/%s", dev_nodes[i].name);
      struct stat st;
      int fd;
      if (lstat (path, &st) == 0)
        {
          if (S_ISCHR (st.st_mode) && major (st.st_rdev) == dev_nodes[i].major
              && minor (st.st_rdev) == dev_nodes[i].minor)
            continue;
          unlink (path);
        }
      if (mknod (path, S_IFCHR | 0666, makedev (dev_nodes[i].major, dev_nodes[i].minor)) == 0)
        {
          chmod (path, 0666); /* mknod's mode is masked by the umask */
          continue;
        }
      fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
      if (fd < 0)
        return hako_make_error (err, errno, "create `%s`", path);
      close (fd);
      if (mount (host, path, NULL, MS_BIND, NULL) < 0)
        return hako_make_error (err, errno, "bind `%s` on `%s`", host, path);
    }
  for (i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++)
    {
      cleanup_free char *path = hako_asprintf ("%s/%s", dev, dev_links[i].name);
      struct stat st;
      /* an image's own /dev/ptmx node gives way to the link to this container's devpts instance */
      if (lstat (path, &st) == 0 && strcmp (dev_links[i].name, "ptmx") == 0 && !S_ISLNK (st.st_mode))
        unlink (path);
      if (symlink (dev_links[i].target, path) < 0 && errno != EEXIST)
        return hako_make_error (err, errno, "symlink `%s`", path);
    }
  return 0;
}

/* linux.devices, after the minimal /dev (so a device may replace one of its nodes): mknod with the spec's mode and
 * owner (default 0666, root), as runc does; where mknod is not allowed, the host's node at the same path is bound. */
static int
make_spec_devices (const struct hako_spec *spec, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < spec->n_devices; i++)
    {
      const struct hako_device *d = &spec->devices[i];
      cleanup_free char *path = NULL, *dir = NULL;
      mode_t mode = d->has_mode ? (mode_t) d->mode & 07777 : 0666;
      char *slash;
      int fd;
      if (mounts_resolve_in_root (spec->root_path, d->path, &path, err) < 0)
        return -1;
      dir = hako_xstrdup (path);
      if ((slash = strrchr (dir, '/')) != NULL)
        *slash = '\0';
      if (hako_mkdir_p (dir, 0755, err) < 0)
        return -1;
      if (unlink (path) < 0 && errno != ENOENT && errno != EISDIR)
        return hako_make_error (err, errno, "replace `%s` with a device", d->path);
      if (mknod (path, (d->type == 'b' ? S_IFBLK : S_IFCHR) | mode, makedev (d->major, d->minor)) == 0)
        {
          if (chmod (path, mode) < 0 /* mknod's mode is masked by the umask */
              || chown (path, d->has_uid ? (uid_t) d->uid : 0, d->has_gid ? (gid_t) d->gid : 0) < 0)
            return hako_make_error (err, errno, "set up the device `%s`", d->path);
          continue;
        }
      if (errno != EPERM)
        return hako_make_error (err, errno, "mknod `%s`", d->path);
      fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
      if (fd < 0)
        return hako_make_error (err, errno, "create `%s`", d->path);
      close (fd);
      if (mount (d->path, path, NULL, MS_BIND, NULL) < 0)
        return hako_make_error (err, errno, "bind `%s` on `%s`", d->path, path);
    }
  return 0;
}

/* pivot_root(".", ".") as runc does: the old root ends up stacked under the new one and is detached. */
static int
pivot (const char *root, hako_error_t *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  cleanup_close int newroot = open (root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

  if (oldroot < 0 || newroot < 0)
    return hako_make_error (err, errno, "open `%s`", oldroot < 0 ? "/" : root);
  if (fchdir (newroot) < 0)
    return hako_make_error (err, errno, "chdir `%s`", root);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return hako_make_error (err, errno, "pivot_root `%s`", root);
  if (fchdir (oldroot) < 0)
    return hako_make_error (err, errno, "chdir to the old root");
  /* slave first, so the detach cannot propagate to the host */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return hako_make_error (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return hako_make_error (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return hako_make_error (err, errno, "chdir /");
  return 0;
}

int
rootfs_prepare (const struct hako_spec *spec, const struct hako_cgroup *cg, hako_error_t *err)
{
  if (mount (NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
    return hako_make_error (err, errno, "set the propagation of /");
  /* pivot_root needs the new root to be a mount point */
  if (mount (spec->root_path, spec->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return hako_make_error (err, errno, "bind the rootfs `%s`", spec->root_path);
  if (mounts_do_spec_mounts (spec, cg, err) < 0 || make_dev (spec->root_path, err) < 0
      || make_spec_devices (spec, err) < 0)
    return -1;
  return pivot (spec->root_path, err);
}

/* After pivot_root: a pty from the container's own devpts instance, so that `tty` names /dev/pts/N inside. */
int
rootfs_open_pty (int *master, int *slave, hako_error_t *err)
{
  char name[64];
  int fd, n;

  if (process_open_pty (master, slave, err) < 0)
    return -1;
  /* /dev/console is the container's terminal, as with runc */
  if (ioctl (*master, TIOCGPTN, &n) < 0)
    return hako_make_error (err, errno, "the pty's number");
  snprintf (name, sizeof name, "/dev/pts/%d", n);
  fd = open ("/dev/console", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    {
      close (fd);
      if (mount (name, "/dev/console", NULL, MS_BIND, NULL) < 0)
        return hako_make_error (err, errno, "bind `%s` on /dev/console", name);
    }
  return 0;
}

static int
mask_path (const char *path, hako_error_t *err)
{
  if (mount ("/dev/null", path, NULL, MS_BIND, NULL) == 0 || errno == ENOENT)
    return 0;
  if (errno == ENOTDIR && mount ("tmpfs", path, "tmpfs", MS_RDONLY, NULL) == 0)
    return 0;
  return hako_make_error (err, errno, "mask `%s`", path);
}

static int
readonly_path (const char *path, hako_error_t *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return hako_make_error (err, errno, "bind `%s` for read-only", path);
    }
  return mounts_remount_ro (path, err);
}

int
rootfs_finish (const struct hako_spec *spec, hako_error_t *err)
{
  size_t i;

  for (i = 0; spec->masked_paths[i]; i++)
    if (mask_path (spec->masked_paths[i], err) < 0)
      return -1;
  for (i = 0; spec->readonly_paths[i]; i++)
    if (readonly_path (spec->readonly_paths[i], err) < 0)
      return -1;
  if (spec->root_readonly && mounts_remount_ro ("/", err) < 0)
    return -1;
  return 0;
}
