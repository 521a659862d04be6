/* Capabilities: names, and the switch to the container's user with the spec's capability sets (raw syscalls). */
#include "hako-shim.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
  "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS ((int) (sizeof cap_names / sizeof cap_names[0]))

int
caps_parse_name (const char *name)
{
  int i;

  for (i = 0; i < N_CAPS; i++)
    if (strcasecmp (name, cap_names[i]) == 0)
      return i;
  return -1;
}

static const char *
cap_name (int cap)
{
  return cap < N_CAPS ? cap_names[cap] : "CAP_?";
}

static int
last_cap (void)
{
  char buf[16] = "";
  FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
  int n = -1;

  if (f)
    {
      if (fgets (buf, sizeof buf, f))
        n = atoi (buf);
      fclose (f);
    }
  return n > 0 && n < 64 ? n : N_CAPS - 1;
}

static int
capget_self (struct __user_cap_data_struct data[2])
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  return syscall (SYS_capget, &hdr, data);
}

static int
drop_bounding (uint64_t keep, int last, hako_error_t *err)
{
  int cap;

  for (cap = 0; cap <= last; cap++)
    {
      if (keep & (1ull << cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        return hako_make_error (err, errno, "drop %s from the bounding set", cap_name (cap));
    }
  return 0;
}

static int
set_user (const struct hako_spec *spec, hako_error_t *err)
{
  if (setgroups (spec->n_additional_gids, spec->additional_gids) < 0)
    return hako_make_error (err, errno, "setgroups");
  if (setresgid (spec->gid, spec->gid, spec->gid) < 0)
    return hako_make_error (err, errno, "setgid %u", (unsigned) spec->gid);
  if (setresuid (spec->uid, spec->uid, spec->uid) < 0)
    return hako_make_error (err, errno, "setuid %u", (unsigned) spec->uid);
  return 0;
}

/* A capability the shim does not hold cannot be granted: name the first one, rather than a bare EPERM. */
static int
check_held (const struct hako_spec *spec, hako_error_t *err)
{
  struct __user_cap_data_struct cur[2];
  uint64_t held, wanted;
  int cap;

  if (capget_self (cur) < 0)
    return hako_make_error (err, errno, "capget");
  held = (uint64_t) cur[0].permitted | ((uint64_t) cur[1].permitted << 32);
  wanted = spec->caps[CAP_SET_PERMITTED] | spec->caps[CAP_SET_EFFECTIVE] | spec->caps[CAP_SET_AMBIENT];
  for (cap = 0; cap < 64; cap++)
    if ((wanted & (1ull << cap)) && !(held & (1ull << cap)))
      return hako_make_error (err, 0, "apply capabilities: %s is not held by the runtime, so it cannot be granted",
                              cap_name (cap));
  return 0;
}

int
caps_apply_with_user (const struct hako_spec *spec, hako_error_t *err)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  int cap, last = last_cap ();

  if (!spec->has_capabilities)
    return set_user (spec, err);
  if (check_held (spec, err) < 0)
    return -1;
  /* keep the permitted set across setuid to a non-root user; the sets are replaced just after */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return hako_make_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (drop_bounding (spec->caps[CAP_SET_BOUNDING], last, err) < 0)
    return -1;
  if (set_user (spec, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return hako_make_error (err, errno, "prctl PR_SET_KEEPCAPS");

  memset (data, 0, sizeof data);
  data[0].effective = (uint32_t) spec->caps[CAP_SET_EFFECTIVE];
  data[1].effective = (uint32_t) (spec->caps[CAP_SET_EFFECTIVE] >> 32);
  data[0].permitted = (uint32_t) spec->caps[CAP_SET_PERMITTED];
  data[1].permitted = (uint32_t) (spec->caps[CAP_SET_PERMITTED] >> 32);
  data[0].inheritable = (uint32_t) spec->caps[CAP_SET_INHERITABLE];
  data[1].inheritable = (uint32_t) (spec->caps[CAP_SET_INHERITABLE] >> 32);
  if (syscall (SYS_capset, &hdr, data) < 0)
    return hako_make_error (err, errno, "capset");

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return hako_make_error (err, errno, "clear the ambient capabilities");
  for (cap = 0; cap <= last; cap++)
    {
      if (!(spec->caps[CAP_SET_AMBIENT] & (1ull << cap)))
        continue;
      /* an ambient capability must be permitted and inheritable; runc skips the others the same way */
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
        return hako_make_error (err, errno, "raise ambient %s", cap_name (cap));
    }
  return 0;
}
