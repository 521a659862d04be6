/* config.json, the `linux` section: namespaces, cgroup path and resources, masked and read-only paths, seccomp
 * (seccomp.c). */
#include "hako-shim.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

static const struct { const char *name; int flag; } namespace_names[] = {
  { "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS }, { "ipc", CLONE_NEWIPC },
  { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP },
};

static int
parse_devices (const struct json_value *list, struct hako_resources *res, hako_error_t *err)
{
  size_t i;

  if (list == NULL || list->type != JSON_ARRAY)
    return 0;
  res->devices = hako_xcalloc (list->len, sizeof *res->devices);
  for (i = 0; i < list->len; i++)
    {
      struct hako_device_rule *d = &res->devices[res->n_devices++];
      cleanup_free char *type = NULL, *access = NULL;
      d->major = d->minor = -1;
      if (spec_get_bool (list->items[i], "allow", "linux.resources.devices[].allow", &d->allow, err) < 0
          || spec_get_string (list->items[i], "type", "linux.resources.devices[].type", &type, err) < 0
          || spec_get_string (list->items[i], "access", "linux.resources.devices[].access", &access, err) < 0
          || spec_get_int (list->items[i], "major", "linux.resources.devices[].major", &d->major, err) < 0
          || spec_get_int (list->items[i], "minor", "linux.resources.devices[].minor", &d->minor, err) < 0)
        return -1;
      d->type = type ? type[0] : 'a';
      if (strchr ("acb", d->type) == NULL || (access && strspn (access, "rwm") != strlen (access)))
        return hako_make_error (err, 0, "config.json: bad device rule %zu", i);
      snprintf (d->access, sizeof d->access, "%s", access && *access ? access : "rwm");
    }
  return 0;
}

/* linux.devices: the nodes (their cgroup rules are linux.resources.devices, as in the OCI spec) */
static int
parse_nodes (const struct json_value *list, struct hako_spec *spec, hako_error_t *err)
{
  size_t i;
  int ret;

  if (list == NULL || list->type != JSON_ARRAY)
    return 0;
  spec->devices = hako_xcalloc (list->len, sizeof *spec->devices);
  for (i = 0; i < list->len; i++)
    {
      const struct json_value *o = list->items[i];
      struct hako_device *d = &spec->devices[spec->n_devices++];
      cleanup_free char *type = NULL;
      if (spec_get_string (o, "path", "linux.devices[].path", &d->path, err) < 0
          || spec_get_string (o, "type", "linux.devices[].type", &type, err) < 0
          || spec_get_int (o, "major", "linux.devices[].major", &d->major, err) < 0
          || spec_get_int (o, "minor", "linux.devices[].minor", &d->minor, err) < 0)
        return -1;
      if (d->path == NULL || d->path[0] != '/' || type == NULL || strlen (type) != 1 || strchr ("cub", type[0]) == NULL
          || d->major < 0 || d->minor < 0)
        return hako_make_error (err, 0, "config.json: linux.devices[%zu] needs an absolute path, a type c, u or b, "
                                "a major and a minor", i);
      d->type = type[0] == 'b' ? 'b' : 'c';
      if ((ret = spec_get_int (o, "fileMode", "linux.devices[].fileMode", &d->mode, err)) < 0)
        return -1;
      d->has_mode = ret;
      if ((ret = spec_get_int (o, "uid", "linux.devices[].uid", &d->uid, err)) < 0)
        return -1;
      d->has_uid = ret;
      if ((ret = spec_get_int (o, "gid", "linux.devices[].gid", &d->gid, err)) < 0)
        return -1;
      d->has_gid = ret;
    }
  return 0;
}

static int
parse_resources (const struct json_value *r, struct hako_resources *res, hako_error_t *err)
{
  const struct json_value *mem = json_get (r, "memory"), *cpu = json_get (r, "cpu"), *pids = json_get (r, "pids");
  int ret;

  if (r == NULL)
    return 0;
  if ((ret = spec_get_int (mem, "limit", "linux.resources.memory.limit", &res->memory_limit, err)) < 0)
    return -1;
  res->has_memory_limit = ret;
  if ((ret = spec_get_int (mem, "swap", "linux.resources.memory.swap", &res->memory_swap, err)) < 0)
    return -1;
  res->has_memory_swap = ret;
  if ((ret = spec_get_uint (cpu, "shares", "linux.resources.cpu.shares", &res->cpu_shares, err)) < 0)
    return -1;
  res->has_cpu_shares = ret;
  if ((ret = spec_get_int (cpu, "quota", "linux.resources.cpu.quota", &res->cpu_quota, err)) < 0)
    return -1;
  res->has_cpu_quota = ret;
  if ((ret = spec_get_uint (cpu, "period", "linux.resources.cpu.period", &res->cpu_period, err)) < 0)
    return -1;
  res->has_cpu_period = ret;
  if ((ret = spec_get_int (pids, "limit", "linux.resources.pids.limit", &res->pids_limit, err)) < 0)
    return -1;
  res->has_pids_limit = ret;
  return parse_devices (json_get (r, "devices"), res, err);
}

static int
parse_namespaces (const struct json_value *list, struct hako_spec *spec, hako_error_t *err)
{
  size_t i, j;

  if (list == NULL || list->type != JSON_ARRAY)
    return 0;
  for (i = 0; i < list->len; i++)
    {
      cleanup_free char *type = NULL;
      struct hako_namespace *ns;
      int flag = 0;
      if (spec_get_string (list->items[i], "type", "linux.namespaces[].type", &type, err) <= 0)
        return hako_make_error (err, 0, "config.json: linux.namespaces[%zu] has no type", i);
      for (j = 0; j < sizeof namespace_names / sizeof namespace_names[0]; j++)
        if (strcmp (type, namespace_names[j].name) == 0)
          flag = namespace_names[j].flag;
      if (flag == 0)
        return hako_make_error (err, 0, "config.json: namespace type `%s` is not supported", type);
      if (spec_namespace (spec, flag) || spec->n_namespaces == sizeof spec->namespaces / sizeof spec->namespaces[0])
        return hako_make_error (err, 0, "config.json: namespace `%s` listed twice", type);
      ns = &spec->namespaces[spec->n_namespaces++];
      ns->flag = flag;
      if (spec_get_string (list->items[i], "path", "linux.namespaces[].path", &ns->path, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_propagation (const char *name, unsigned long *out, hako_error_t *err)
{
  static const struct { const char *name; unsigned long flags; } names[] = {
    { "private", MS_PRIVATE | MS_REC }, { "rprivate", MS_PRIVATE | MS_REC }, { "slave", MS_SLAVE | MS_REC },
    { "rslave", MS_SLAVE | MS_REC }, { "shared", MS_SHARED | MS_REC }, { "rshared", MS_SHARED | MS_REC },
    { "unbindable", MS_UNBINDABLE | MS_REC }, { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  size_t i;

  *out = MS_PRIVATE | MS_REC;
  if (name == NULL || *name == '\0')
    return 0;
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (name, names[i].name) == 0)
      return (*out = names[i].flags), 0;
  return hako_make_error (err, 0, "config.json: unknown linux.rootfsPropagation `%s`", name);
}

int
spec_parse_linux (const struct json_value *l, struct hako_spec *spec, hako_error_t *err)
{
  cleanup_free char *propagation = NULL;

  if (spec_get_string (l, "cgroupsPath", "linux.cgroupsPath", &spec->cgroups_path, err) < 0
      || spec_get_string (l, "rootfsPropagation", "linux.rootfsPropagation", &propagation, err) < 0
      || parse_propagation (propagation, &spec->rootfs_propagation, err) < 0
      || parse_namespaces (json_get (l, "namespaces"), spec, err) < 0
      || parse_resources (json_get (l, "resources"), &spec->resources, err) < 0
      || parse_nodes (json_get (l, "devices"), spec, err) < 0
      || spec_get_strings (l, "maskedPaths", "linux.maskedPaths", &spec->masked_paths, NULL, err) < 0
      || spec_get_strings (l, "readonlyPaths", "linux.readonlyPaths", &spec->readonly_paths, NULL, err) < 0
      || seccomp_parse (json_get (l, "seccomp"), &spec->seccomp, err) < 0)
    return -1;
  return 0;
}

