/* cgroups, the front door: find the hierarchies, make the container's cgroup in each, move init in, clean up.
 * The per-file knowledge lives in cgroup_v1.c and cgroup_v2.c. */
#include "hako-shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The v1 controllers the shim manages; a hierarchy with none of them (name=systemd, net_cls …) is left alone. */
static const char *const v1_controllers[] = { "memory", "cpu", "cpuacct", "pids", "blkio", "devices", "freezer",
                                              "cpuset", NULL };

static void
add_hierarchy (struct hako_cgroup *cg, const char *mountpoint, const char *controllers)
{
  size_t i;

  for (i = 0; i < cg->n_hierarchies; i++)
    if (strcmp (cg->hierarchies[i].mountpoint, mountpoint) == 0)
      return;
  cg->hierarchies = realloc (cg->hierarchies, (cg->n_hierarchies + 1) * sizeof *cg->hierarchies);
  if (cg->hierarchies == NULL)
    abort ();
  cg->hierarchies[cg->n_hierarchies].mountpoint = hako_xstrdup (mountpoint);
  cg->hierarchies[cg->n_hierarchies].controllers = hako_xstrdup (controllers);
  cg->n_hierarchies++;
}

/* The controllers of ours among a v1 mount's super options ("rw,cpu,cpuacct" -> "cpu,cpuacct"), or "" */
static void
our_controllers (const char *options, char *out, size_t size)
{
  cleanup_free char *copy = hako_xstrdup (options);
  char *save = NULL, *tok;
  size_t i;

  out[0] = '\0';
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    for (i = 0; v1_controllers[i]; i++)
      if (strcmp (tok, v1_controllers[i]) == 0)
        snprintf (out + strlen (out), size - strlen (out), "%s%s", out[0] ? "," : "", tok);
}

/* v1 hierarchies from /proc/self/mountinfo, then the cgroup2 tree of a hybrid host. */
static int
find_hierarchies (struct hako_cgroup *cg, hako_error_t *err)
{
  cleanup_free char *text = NULL;
  char *line, *save = NULL;
  struct statfs st;

  if (statfs (CGROUP_ROOT, &st) < 0)
    return hako_make_error (err, errno, "statfs `%s`", CGROUP_ROOT);
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      cg->unified = 1;
      add_hierarchy (cg, CGROUP_ROOT, NULL);
      return 0;
    }
  if (hako_read_file ("/proc/self/mountinfo", &text, NULL, err) < 0)
    return -1;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char mountpoint[4096], fstype[64], options[1024], controllers[256];
      const char *sep = strstr (line, " - ");
      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mountpoint) != 1
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, options) != 2)
        continue;
      if (strncmp (mountpoint, CGROUP_ROOT "/", strlen (CGROUP_ROOT) + 1) != 0 || strcmp (fstype, "cgroup") != 0)
        continue;
      our_controllers (options, controllers, sizeof controllers);
      if (controllers[0])
        add_hierarchy (cg, mountpoint, controllers);
    }
  if (statfs (CGROUP_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    add_hierarchy (cg, CGROUP_ROOT "/unified", NULL);
  return 0;
}

static int
check_path (const char *path, hako_error_t *err)
{
  const char *p;

  if (path[0] != '/' || strchr (path, ':') != NULL || strcmp (path, "/") == 0)
    return hako_make_error (err, 0, "cgroupsPath `%s` must be an absolute path like /hako/<id>", path);
  for (p = path; (p = strstr (p, "/..")) != NULL; p += 3)
    if (p[3] == '/' || p[3] == '\0')
      return hako_make_error (err, 0, "cgroupsPath `%s` must not contain `..`", path);
  return 0;
}

/* mkdir every level below the mount point; cpuset levels inherit cpus/mems, v2 levels delegate controllers */
static int
make_dirs (const struct hako_cgroup_hierarchy *h, const char *dir, hako_error_t *err)
{
  cleanup_free char *p = hako_xstrdup (dir);
  char *s = p + strlen (h->mountpoint);
  int cpuset = h->controllers && strstr (h->controllers, "cpuset") != NULL;

  for (;;)
    {
      char *next = strchr (s + 1, '/');
      if (h->controllers == NULL)
        {
          *s = '\0';
          if (cgroup_v2_enable_controllers (p, err) < 0)
            return -1;
          *s = '/';
        }
      if (next)
        *next = '\0';
      if (mkdir (p, 0755) < 0 && errno != EEXIST)
        return hako_make_error (err, errno, "mkdir `%s`", p);
      if (cpuset && cgroup_v1_cpuset_inherit (p, err) < 0)
        return -1;
      if (next == NULL)
        return 0;
      *next = '/';
      s = next;
    }
}

int
cgroup_create_in (struct hako_cgroup *cg, const char *path, const struct hako_resources *res, hako_error_t *err)
{
  size_t i;

  if (check_path (path, err) < 0)
    return -1;
  cg->dirs = hako_xcalloc (cg->n_hierarchies, sizeof (char *));
  for (i = 0; i < cg->n_hierarchies; i++)
    {
      const struct hako_cgroup_hierarchy *h = &cg->hierarchies[i];
      char *dir = hako_asprintf ("%s%s", h->mountpoint, path);
      if (make_dirs (h, dir, err) < 0)
        {
          free (dir);
          return -1;
        }
      cg->dirs[i] = dir;
      if (h->controllers ? cgroup_v1_setup (dir, h->controllers, res, err) < 0
                         : cg->unified && cgroup_v2_setup (dir, res, err) < 0)
        return -1;
    }
  if (cg->unified && res->n_devices > 0)
    hako_warn ("device rules are not enforced on a cgroup2 host yet");
  return 0;
}

int
cgroup_create (const char *path, const struct hako_resources *res, struct hako_cgroup **out, hako_error_t *err)
{
  struct hako_cgroup *cg = hako_xcalloc (1, sizeof *cg);

  if (find_hierarchies (cg, err) < 0 || cgroup_create_in (cg, path, res, err) < 0)
    {
      cgroup_destroy (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

int
cgroup_v2_dir_fd (const struct hako_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->n_hierarchies; i++)
    if (cg->hierarchies[i].controllers == NULL && cg->dirs[i])
      return open (cg->dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
  return -1;
}

int
cgroup_join_self (const struct hako_cgroup *cg, int in_v2, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < cg->n_hierarchies; i++)
    {
      int v2 = cg->hierarchies[i].controllers == NULL;
      cleanup_free char *file = NULL;
      if ((v2 && in_v2) || cg->dirs[i] == NULL)
        continue;
      /* init is single-threaded: moving this thread moves the process */
      file = hako_asprintf ("%s/%s", cg->dirs[i], v2 ? "cgroup.procs" : "tasks");
      if (hako_write_file (file, "0", 1, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_oom_killed (struct hako_cgroup *cg)
{
  size_t i;

  for (i = 0; cg && i < cg->n_hierarchies; i++)
    {
      const char *c = cg->hierarchies[i].controllers;
      if (cg->dirs[i] == NULL)
        continue;
      if (c && strstr (c, "memory") && cgroup_v1_oom_killed (cg->dirs[i]))
        return 1;
      if (c == NULL && cg->unified && cgroup_v2_oom_killed (cg->dirs[i]))
        return 1;
    }
  return 0;
}

void
cgroup_free (struct hako_cgroup *cg)
{
  size_t i;

  if (cg == NULL)
    return;
  for (i = 0; i < cg->n_hierarchies; i++)
    {
      if (cg->dirs)
        free (cg->dirs[i]);
      free (cg->hierarchies[i].mountpoint);
      free (cg->hierarchies[i].controllers);
    }
  free (cg->dirs);
  free (cg->hierarchies);
  free (cg);
}

void
cgroup_destroy (struct hako_cgroup *cg)
{
  size_t i;

  for (i = 0; cg && cg->dirs && i < cg->n_hierarchies; i++)
    {
      int tries;
      /* tasks that have just been killed can take a moment to leave the cgroup */
      for (tries = 0; cg->dirs[i] && tries < 200; tries++)
        {
          struct timespec ts = { 0, 5 * 1000 * 1000 };
          if (rmdir (cg->dirs[i]) == 0 || errno == ENOENT)
            break;
          if (errno != EBUSY)
            {
              hako_warn ("rmdir `%s`: %s", cg->dirs[i], strerror (errno));
              break;
            }
          nanosleep (&ts, NULL);
        }
    }
  cgroup_free (cg);
}

/* "4:cpu,cpuacct:/hako/c1" names hierarchy h when it holds h's first controller; "0::/hako/c1" the cgroup2 one */
static int
line_names (const struct hako_cgroup_hierarchy *h, const char *controllers)
{
  cleanup_free char *mine = h->controllers ? hako_xstrdup (h->controllers) : NULL;
  cleanup_free char *theirs = hako_xstrdup (controllers);
  char *save = NULL, *tok;

  if (h->controllers == NULL || *controllers == '\0')
    return h->controllers == NULL && *controllers == '\0';
  mine[strcspn (mine, ",")] = '\0';
  for (tok = strtok_r (theirs, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    if (strcmp (tok, mine) == 0)
      return 1;
  return 0;
}

static int
dirs_of_pid (struct hako_cgroup *cg, pid_t pid, hako_error_t *err)
{
  cleanup_free char *file = hako_asprintf ("/proc/%d/cgroup", (int) pid);
  cleanup_free char *text = NULL;
  char *line, *save = NULL;
  size_t i;

  if (hako_read_file (file, &text, NULL, err) < 0)
    return -1;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *controllers = strchr (line, ':'), *path;
      if (controllers == NULL || (path = strchr (++controllers, ':')) == NULL)
        continue;
      *path++ = '\0';
      for (i = 0; i < cg->n_hierarchies; i++)
        if (cg->dirs[i] == NULL && line_names (&cg->hierarchies[i], controllers))
          cg->dirs[i] = hako_asprintf ("%s%s", cg->hierarchies[i].mountpoint, strcmp (path, "/") ? path : "");
    }
  return 0;
}

int
cgroup_open (const char *path, pid_t pid, struct hako_cgroup **out, hako_error_t *err)
{
  struct hako_cgroup *cg = hako_xcalloc (1, sizeof *cg);
  size_t i;

  if (find_hierarchies (cg, err) < 0 || (path && check_path (path, err) < 0))
    goto fail;
  cg->dirs = hako_xcalloc (cg->n_hierarchies, sizeof (char *));
  if (path == NULL && dirs_of_pid (cg, pid, err) < 0)
    goto fail;
  for (i = 0; path && i < cg->n_hierarchies; i++)
    cg->dirs[i] = hako_asprintf ("%s%s", cg->hierarchies[i].mountpoint, path);
  *out = cg;
  return 0;
fail:
  cgroup_free (cg);
  return -1;
}

/* In the container, after unshare(CLONE_NEWCGROUP): each hierarchy's root is now the container's own cgroup. */
int
cgroup_mount (const struct hako_cgroup *cg, const char *target, unsigned long flags, hako_error_t *err)
{
  unsigned long common = flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
  size_t i;

  if (cg->unified)
    {
      if (mount ("cgroup2", target, "cgroup2", flags, NULL) < 0)
        return hako_make_error (err, errno, "mount cgroup2 on `%s`", target);
      return 0;
    }
  if (mount ("tmpfs", target, "tmpfs", common, "mode=755") < 0)
    return hako_make_error (err, errno, "mount tmpfs on `%s`", target);
  for (i = 0; i < cg->n_hierarchies; i++)
    {
      const struct hako_cgroup_hierarchy *h = &cg->hierarchies[i];
      cleanup_free char *dir = hako_asprintf ("%s/%s", target, strrchr (h->mountpoint, '/') + 1);
      if (mkdir (dir, 0755) < 0 && errno != EEXIST)
        return hako_make_error (err, errno, "mkdir `%s`", dir);
      if (mount ("cgroup", dir, h->controllers ? "cgroup" : "cgroup2", flags, h->controllers) < 0)
        return hako_make_error (err, errno, "mount cgroup %s on `%s`", h->controllers ? h->controllers : "v2", dir);
      if (h->controllers && strchr (h->controllers, ','))
        {
          /* co-mounted controllers ("cpu,cpuacct") get a link per name, as on the host */
          cleanup_free char *names = hako_xstrdup (h->controllers);
          char *save = NULL, *tok;
          for (tok = strtok_r (names, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
            {
              cleanup_free char *link = hako_asprintf ("%s/%s", target, tok);
              if (symlink (strrchr (h->mountpoint, '/') + 1, link) < 0 && errno != EEXIST)
                return hako_make_error (err, errno, "symlink `%s`", link);
            }
        }
    }
  if ((flags & MS_RDONLY) && mounts_remount_ro (target, err) < 0)
    return -1;
  return 0;
}
