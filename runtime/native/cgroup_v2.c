/* cgroup v2: one tree; controllers are delegated through each parent's cgroup.subtree_control. */
#include "hako-shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const v2_controllers[] = { "cpuset", "cpu", "io", "memory", "pids", NULL };

static int
write_value (const char *dir, const char *file, const char *value, hako_error_t *err)
{
  cleanup_free char *path = hako_asprintf ("%s/%s", dir, file);
  return hako_write_file (path, value, strlen (value), err);
}

static int
write_limit (const char *dir, const char *file, int64_t value, hako_error_t *err)
{
  char buf[32];
  if (value < 0)
    return write_value (dir, file, "max", err);
  snprintf (buf, sizeof buf, "%lld", (long long) value);
  return write_value (dir, file, buf, err);
}

/* Each controller on its own: one that cannot be enabled must not keep the others off. A limit that then cannot
 * be written is the error the caller sees. */
int
cgroup_v2_enable_controllers (const char *parent, hako_error_t *err)
{
  cleanup_free char *path = hako_asprintf ("%s/cgroup.controllers", parent);
  cleanup_free char *available = NULL;
  size_t i;

  if (hako_read_file (path, &available, NULL, err) < 0)
    return -1;
  for (i = 0; v2_controllers[i]; i++)
    {
      cleanup_free char *padded = hako_asprintf (" %s ", available);
      cleanup_free char *want = hako_asprintf (" %s ", v2_controllers[i]);
      cleanup_free char *enable = hako_asprintf ("+%s", v2_controllers[i]);
      hako_error_t ignored = NULL;
      char *nl;
      while ((nl = strchr (padded, '\n')) != NULL)
        *nl = ' ';
      if (strstr (padded, want) == NULL)
        continue;
      if (write_value (parent, "cgroup.subtree_control", enable, &ignored) < 0)
        hako_error_free (&ignored);
    }
  return 0;
}

/* runc's conversion from cgroup v1 cpu.shares [2, 262144] to cgroup v2 cpu.weight [1, 10000] */
uint64_t
cgroup_v2_weight_from_shares (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int
setup_memory (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  int64_t limit = res->has_memory_limit ? res->memory_limit : 0;
  int64_t swap = res->has_memory_swap ? res->memory_swap : 0;

  if (limit != 0 && write_limit (dir, "memory.max", limit, err) < 0)
    return -1;
  /* OCI's swap is memory+swap (the v1 memsw meaning); v2's memory.swap.max is the swap alone */
  if (limit == -1 && swap == 0)
    swap = -1;
  else if (swap > 0)
    {
      if (limit <= 0)
        return hako_make_error (err, 0, "a swap limit needs a memory limit");
      if (swap < limit)
        return hako_make_error (err, 0, "memory+swap limit %lld must be at least the memory limit %lld",
                                (long long) swap, (long long) limit);
      swap -= limit;
    }
  if (swap != 0 || (res->has_memory_swap && limit > 0))
    return write_limit (dir, "memory.swap.max", swap, err);
  return 0;
}

static int
setup_cpu (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  char buf[64];
  uint64_t period = res->has_cpu_period && res->cpu_period ? res->cpu_period : 100000;

  if (res->has_cpu_shares && res->cpu_shares != 0)
    {
      snprintf (buf, sizeof buf, "%llu", (unsigned long long) cgroup_v2_weight_from_shares (res->cpu_shares));
      if (write_value (dir, "cpu.weight", buf, err) < 0)
        return -1;
    }
  if ((res->has_cpu_quota && res->cpu_quota != 0) || (res->has_cpu_period && res->cpu_period != 0))
    {
      if (res->has_cpu_quota && res->cpu_quota > 0)
        snprintf (buf, sizeof buf, "%lld %llu", (long long) res->cpu_quota, (unsigned long long) period);
      else
        snprintf (buf, sizeof buf, "max %llu", (unsigned long long) period);
      if (write_value (dir, "cpu.max", buf, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_v2_setup (const char *dir, const struct hako_resources *res, hako_error_t *err)
{
  if (setup_memory (dir, res, err) < 0 || setup_cpu (dir, res, err) < 0)
    return -1;
  if (res->has_pids_limit && write_limit (dir, "pids.max", res->pids_limit > 0 ? res->pids_limit : -1, err) < 0)
    return -1;
  return 0;
}

/* memory.events: "oom_kill N" */
int
cgroup_v2_oom_killed (const char *dir)
{
  cleanup_free char *path = hako_asprintf ("%s/memory.events", dir);
  cleanup_free char *text = NULL;
  hako_error_t err = NULL;
  const char *p;

  if (hako_read_file (path, &text, NULL, &err) < 0)
    {
      hako_error_free (&err);
      return 0;
    }
  return (p = strstr (text, "oom_kill ")) != NULL && atoll (p + 9) > 0;
}
