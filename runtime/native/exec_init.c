/* An exec'd process, between clone and execve: into the container's cgroups and namespaces, then the process
 * spec's settings and the handshake, shared with a container's init (init.c). It is born in the container's pid
 * namespace (the shim entered it for its children) and, where there is a cgroup2 tree, in the container's cgroup
 * there (clone3). Until execve it holds the runtime's privileges and descriptors, so it is not dumpable: the
 * container's processes, which can already see it, can neither ptrace it nor open its /proc files. */
#include "hako-shim.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int
join_namespaces (const struct hako_exec_target *t, hako_error_t *err)
{
  static const char *const names[5] = { "cgroup", "ipc", "uts", "net", "mount" };
  size_t i;

  /* the cgroup namespace after the cgroups, the mount namespace last: the host's /proc and /sys until then */
  for (i = 0; i < 5; i++)
    if (t->ns_fds[i] >= 0 && setns (t->ns_fds[i], 0) < 0)
      return hako_make_error (err, errno, "join the container's %s namespace", names[i]);
  return 0;
}

/* init's oom_score_adj when the process spec has none; lowering it takes CAP_SYS_RESOURCE, so this may fail and
 * the process keeps the shim's */
static void
inherit_oom_score_adj (const struct hako_exec_target *t)
{
  hako_error_t ignored = NULL;
  char buf[16];

  if (!t->has_oom_score_adj)
    return;
  snprintf (buf, sizeof buf, "%d", t->oom_score_adj);
  if (hako_write_file ("/proc/self/oom_score_adj", buf, strlen (buf), &ignored) < 0)
    hako_error_free (&ignored);
}

static int
setup (const struct hako_spec *spec, const struct hako_exec_target *t, const struct hako_cgroup *cg,
       const struct hako_stdio *stdio, int sync_fd, int in_v2, int *master, char **exe, hako_error_t *err)
{
  cleanup_close int slave = -1;

  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return hako_make_error (err, errno, "prctl PR_SET_DUMPABLE");
  if (cgroup_join_self (cg, in_v2, err) < 0 || join_namespaces (t, err) < 0)
    return -1;
  /* from here on /dev is the container's */
  if (init_setup_stdio (stdio, spec->terminal, err) < 0)
    return -1;
  if (setsid () < 0)
    return hako_make_error (err, errno, "setsid");
  if (spec->terminal && (process_open_pty (master, &slave, err) < 0 || init_become_terminal_owner (slave, err) < 0))
    return -1;
  if (!spec->has_oom_score_adj)
    inherit_oom_score_adj (t);
  return init_process_setup (spec, sync_fd, exe, err);
}

void
exec_init_main (const struct hako_spec *spec, const struct hako_exec_target *target, const struct hako_cgroup *cg,
                const struct hako_stdio *stdio, int sync_fd, int in_v2)
{
  hako_error_t err = NULL;
  char *exe = NULL;
  int master = -1;

  if (setup (spec, target, cg, stdio, sync_fd, in_v2, &master, &exe, &err) < 0)
    {
      sync_send (sync_fd, 'E', err->msg, -1);
      _exit (1);
    }
  init_exec (spec, sync_fd, master, exe);
}
