/* cgroup v1: one hierarchy per controller (or a few co-mounted); limits in the *.limit_in_bytes style files. */
#include "hako-shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
has (const char *controllers, const char *name)
{
  size_t n = strlen (name);
  const char *p;

  for (p = controllers; (p = strstr (p, name)) != NULL; p += n)
    if ((p == controllers || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
      return 1;
  return 0;
}

static int
write_value (const char *dir, const char *file, const char *value, hako_error_t *err)
{
  cleanup_free char *path = hako_asprintf ("%s/%s", dir, file);
  return hako_write_file (path, value, strlen (value), err);
}

static int
write_int (const char *dir, const char *file, int64_t value, hako_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%lld", (long long) value);
  return write_value (dir, file, buf, err);
}

/* A new cpuset cgroup starts with no CPUs and no memory nodes: copy the parent's. */
int
cgroup_v1_cpuset_inherit (const char *dir, hako_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  size_t i;

  for (i = 0; i < 2; i++)
    {
      cleanup_free char *mine = NULL, *parent_value = NULL;
      cleanup_free char *path = hako_asprintf ("%s/%s", dir, files[i]);
      cleanup_free char *parent = hako_asprintf ("%s/../%s", dir, files[i]);
      if (hako_read_file (path, &mine, NULL, err) < 0)
        return -1;
      if (strspn (mine, " \n") != strlen (mine))
        continue;
      if (hako_read_file (parent, &parent_value, NULL, err) < 0
          || hako_write_file (path, parent_value, strlen (parent_value), err) < 0)
        return -1;
    }
  return 0;
}

static int
setup_memory (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  cleanup_free char *memsw = hako_asprintf ("%s/memory.memsw.limit_in_bytes", dir);
  int64_t limit = res->has_memory_limit ? res->memory_limit : 0;

  if (limit != 0 && write_int (dir, "memory.limit_in_bytes", limit, err) < 0)
    return -1;
  /* memsw (memory + swap) must stay >= the memory limit; it exists only with swap accounting */
  if (res->has_memory_swap && res->memory_swap != 0 && access (memsw, F_OK) == 0)
    {
      if (res->memory_swap > 0 && limit > 0 && res->memory_swap < limit)
        return hako_make_error (err, 0, "memory+swap limit %lld must be at least the memory limit %lld",
                                (long long) res->memory_swap, (long long) limit);
      if (write_int (dir, "memory.memsw.limit_in_bytes", res->memory_swap, err) < 0)
        return -1;
    }
  return 0;
}

static int
setup_cpu (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  if (res->has_cpu_shares && res->cpu_shares != 0 && write_int (dir, "cpu.shares", (int64_t) res->cpu_shares, err) < 0)
    return -1;
  if (res->has_cpu_period && res->cpu_period != 0
      && write_int (dir, "cpu.cfs_period_us", (int64_t) res->cpu_period, err) < 0)
    return -1;
  if (res->has_cpu_quota && res->cpu_quota != 0 && write_int (dir, "cpu.cfs_quota_us", res->cpu_quota, err) < 0)
    return -1;
  return 0;
}

static int
write_device_rule (const char *dir, const struct hako_device_rule *d, hako_error_t *err)
{
  char rule[64], major[24] = "*", minor[24] = "*";

  if (d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long) d->major);
  if (d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long) d->minor);
  if (d->type == 'a')
    snprintf (rule, sizeof rule, "a *:* %s", d->access);
  else
    snprintf (rule, sizeof rule, "%c %s:%s %s", d->type, major, minor, d->access);
  return write_value (dir, d->allow ? "devices.allow" : "devices.deny", rule, err);
}

/* The spec's rules in order, then the nodes the shim itself creates in /dev (as runc does). */
static int
setup_devices (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  static const struct hako_device_rule defaults[] = {
    { 1, 'c', 1, 3, "rwm" }, { 1, 'c', 1, 5, "rwm" }, { 1, 'c', 1, 7, "rwm" }, { 1, 'c', 1, 8, "rwm" },
    { 1, 'c', 1, 9, "rwm" }, { 1, 'c', 5, 0, "rwm" }, { 1, 'c', 5, 1, "rwm" }, { 1, 'c', 5, 2, "rwm" },
    { 1, 'c', 136, -1, "rwm" },
  };
  size_t i;

  if (res->n_devices == 0)
    return 0;
  for (i = 0; i < res->n_devices; i++)
    if (write_device_rule (dir, &res->devices[i], err) < 0)
      return -1;
  for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    if (write_device_rule (dir, &defaults[i], err) < 0)
      return -1;
  return 0;
}

int
cgroup_v1_setup (const char *dir, const char *controllers, const struct hako_resources *res, hako_error_t *err)
{
  if (has (controllers, "memory") && setup_memory (dir, res, err) < 0)
    return -1;
  if (has (controllers, "cpu") && setup_cpu (dir, res, err) < 0)
    return -1;
  if (has (controllers, "pids") && res->has_pids_limit)
    {
      if (res->pids_limit > 0 ? write_int (dir, "pids.max", res->pids_limit, err) < 0
                              : write_value (dir, "pids.max", "max", err) < 0)
        return -1;
    }
  if (has (controllers, "devices") && setup_devices (dir, res, err) < 0)
    return -1;
  return 0;
}

/* memory.oom_control: "oom_kill N" counts kills (Linux >= 4.13); "under_oom 1" is the older hint. */
int
cgroup_v1_oom_killed (const char *dir)
{
  cleanup_free char *path = hako_asprintf ("%s/memory.oom_control", dir);
  cleanup_free char *text = NULL;
  hako_error_t err = NULL;
  const char *p;

  if (hako_read_file (path, &text, NULL, &err) < 0)
    {
      hako_error_free (&err);
      return 0;
    }
  if ((p = strstr (text, "oom_kill ")) != NULL && atoll (p + 9) > 0)
    return 1;
  return (p = strstr (text, "under_oom ")) != NULL && atoi (p + 10) > 0;
}
