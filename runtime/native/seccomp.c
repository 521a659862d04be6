/* linux.seccomp of the OCI runtime spec -> rules for the compiler (seccomp_bpf.c), and loading the result.
 * Where the spec is silent this does what runc with libseccomp does:
 *  - a syscall name this build's table does not know (another architecture's, or newer than it) is skipped;
 *  - a rule that compares the same argument twice becomes one rule per comparison, either of which matches;
 *  - with a denying default action, syscalls numbered above every one the profile names get ENOSYS (runc's
 *    "-ENOSYS stub"), so that a libc newer than the profile falls back to the older call;
 *  - the native architecture (x86_64) is always filtered; another one's syscalls (i386, x32), listed or not, are
 *    killed: this shim has no tables for them (libseccomp's default "bad architecture" action is also a kill).
 * Unlike libseccomp, rules for the same syscall never conflict: the first (in the spec's order) whose comparisons
 * all hold decides, and the default action applies when none does. */
#include "hako-shim.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const char *const known_arches[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH",
  "SCMP_ARCH_SHEB", NULL,
};

static const struct { const char *name; unsigned flag; } flag_names[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static const struct { const char *name; enum hako_seccomp_op op; } op_names[] = {
  { "SCMP_CMP_NE", SECCOMP_CMP_NE }, { "SCMP_CMP_LT", SECCOMP_CMP_LT }, { "SCMP_CMP_LE", SECCOMP_CMP_LE },
  { "SCMP_CMP_EQ", SECCOMP_CMP_EQ }, { "SCMP_CMP_GE", SECCOMP_CMP_GE }, { "SCMP_CMP_GT", SECCOMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SECCOMP_CMP_MASKED_EQ },
};

/* action name (+ errnoRet, when given) -> SECCOMP_RET_* with its data. SCMP_ACT_KILL is libseccomp's KILL_THREAD;
 * TRACE without a tracer makes the syscall fail with ENOSYS (the kernel's doing, as under Docker). */
static int
parse_action (const struct json_value *o, const char *action_key, const char *errno_key, const char *field,
              uint32_t *out, hako_error_t *err)
{
  cleanup_free char *name = NULL;
  uint64_t errno_ret = EPERM;
  int has_errno;

  if (spec_get_string (o, action_key, field, &name, err) <= 0)
    return hako_make_error (err, 0, "config.json: %s is required", field);
  if ((has_errno = spec_get_uint (o, errno_key, field, &errno_ret, err)) < 0)
    return -1;
  if (errno_ret > SECCOMP_RET_DATA)
    return hako_make_error (err, 0, "config.json: %s: errnoRet %llu is out of range", field,
                            (unsigned long long) errno_ret);
  if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    return (*out = SECCOMP_RET_ERRNO | (uint32_t) errno_ret), 0;
  if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    return (*out = SECCOMP_RET_TRACE | (uint32_t) errno_ret), 0;
  if (has_errno)
    return hako_make_error (err, 0, "config.json: %s: %s takes no errnoRet", field, name);
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SECCOMP_RET_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SECCOMP_RET_LOG;
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SECCOMP_RET_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SECCOMP_RET_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SECCOMP_RET_TRAP;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    return hako_make_error (err, 0, "config.json: %s: SCMP_ACT_NOTIFY (a seccomp agent) is not supported", field);
  else
    return hako_make_error (err, 0, "config.json: %s: unknown action `%s`", field, name);
  return 0;
}

static int
parse_cmp (const struct json_value *a, struct hako_seccomp_cmp *c, hako_error_t *err)
{
  cleanup_free char *op = NULL;
  uint64_t index = 0;
  size_t i;

  memset (c, 0, sizeof *c);
  if (a == NULL || a->type != JSON_OBJECT)
    return spec_type_error (err, "linux.seccomp.syscalls[].args[]", "an object");
  if (spec_get_uint (a, "index", "linux.seccomp.syscalls[].args[].index", &index, err) <= 0
      || spec_get_uint (a, "value", "linux.seccomp.syscalls[].args[].value", &c->value, err) <= 0
      || spec_get_uint (a, "valueTwo", "linux.seccomp.syscalls[].args[].valueTwo", &c->value_two, err) < 0
      || spec_get_string (a, "op", "linux.seccomp.syscalls[].args[].op", &op, err) <= 0)
    return hako_make_error (err, 0, "config.json: linux.seccomp.syscalls[].args[] needs index, value and op");
  if (index > 5)
    return hako_make_error (err, 0, "config.json: seccomp argument index %llu is not 0 to 5",
                            (unsigned long long) index);
  c->index = (unsigned) index;
  for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
    if (strcmp (op, op_names[i].name) == 0)
      return (c->op = op_names[i].op), 0;
  return hako_make_error (err, 0, "config.json: unknown seccomp operator `%s`", op);
}

struct rule_list {
  struct hako_seccomp_rules r;
  size_t cap;
  int64_t highest; /* the highest syscall number the profile names */
};

static void
add_rule (struct rule_list *l, int nr, uint32_t action, const struct hako_seccomp_cmp *cmps, size_t n_cmps)
{
  struct hako_seccomp_rule *rule;

  if (l->r.n_rules == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 512;
      l->r.rules = realloc (l->r.rules, l->cap * sizeof *l->r.rules);
      if (l->r.rules == NULL)
        abort ();
    }
  rule = &l->r.rules[l->r.n_rules];
  rule->nr = (uint32_t) nr;
  rule->action = action;
  rule->order = l->r.n_rules++;
  rule->n_cmps = n_cmps;
  if (n_cmps)
    memcpy (rule->cmps, cmps, n_cmps * sizeof *cmps);
}

static int
parse_syscall (const struct json_value *s, struct rule_list *l, hako_error_t *err)
{
  const struct json_value *names = json_get (s, "names"), *args = json_get (s, "args");
  struct hako_seccomp_cmp cmps[6];
  size_t n_cmps = 0, i, j;
  int repeated = 0;
  uint32_t action;

  if (s == NULL || s->type != JSON_OBJECT)
    return spec_type_error (err, "linux.seccomp.syscalls[]", "an object");
  if (names == NULL || names->type != JSON_ARRAY || names->len == 0)
    return spec_type_error (err, "linux.seccomp.syscalls[].names", "a non-empty array of syscall names");
  if (parse_action (s, "action", "errnoRet", "linux.seccomp.syscalls[].action", &action, err) < 0)
    return -1;
  if (args && args->type != JSON_NULL && args->type != JSON_ARRAY)
    return spec_type_error (err, "linux.seccomp.syscalls[].args", "an array");
  for (i = 0; args && args->type == JSON_ARRAY && i < args->len; i++)
    {
      if (n_cmps == 6)
        return hako_make_error (err, 0, "config.json: a seccomp rule compares at most 6 arguments");
      if (parse_cmp (args->items[i], &cmps[n_cmps], err) < 0)
        return -1;
      for (j = 0; j < n_cmps; j++)
        repeated |= cmps[j].index == cmps[n_cmps].index;
      n_cmps++;
    }
  for (i = 0; i < names->len; i++)
    {
      int nr;
      if (names->items[i]->type != JSON_STRING)
        return spec_type_error (err, "linux.seccomp.syscalls[].names", "an array of syscall names");
      nr = seccomp_syscall_number (names->items[i]->string);
      if (nr < 0)
        continue; /* not a syscall of this architecture or of this build's table: runc skips it too */
      if (nr > l->highest)
        l->highest = nr;
      if (!repeated)
        add_rule (l, nr, action, cmps, n_cmps);
      else
        for (j = 0; j < n_cmps; j++)
          add_rule (l, nr, action, &cmps[j], 1); /* as runc: either comparison matches */
    }
  return 0;
}

static int
parse_strings_in (const struct json_value *o, const char *key, const char *field, hako_error_t *err,
                  int (*each) (const char *s, unsigned *acc, hako_error_t *err), unsigned *acc)
{
  cleanup_free char **list = NULL;
  size_t n = 0, i;
  int ret = 0;

  if (spec_get_strings (o, key, field, &list, &n, err) < 0)
    ret = -1;
  for (i = 0; list && list[i]; i++)
    {
      if (ret == 0 && each (list[i], acc, err) < 0)
        ret = -1;
      free (list[i]);
    }
  return ret;
}

static int
check_arch (const char *name, unsigned *acc, hako_error_t *err)
{
  size_t i;

  (void) acc;
  for (i = 0; known_arches[i]; i++)
    if (strcmp (name, known_arches[i]) == 0)
      return 0;
  return hako_make_error (err, 0, "config.json: unknown seccomp architecture `%s`", name);
}

static int
add_flag (const char *name, unsigned *acc, hako_error_t *err)
{
  size_t i;

  for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    if (strcmp (name, flag_names[i].name) == 0)
      return (*acc |= flag_names[i].flag), 0;
  return hako_make_error (err, 0, "config.json: unknown seccomp flag `%s`", name);
}

/* runc adds the ENOSYS stub unless the default action lets syscalls through (allow, log, trace) or already is
 * ENOSYS */
static int
wants_enosys_stub (uint32_t default_action)
{
  uint32_t kind = default_action & SECCOMP_RET_ACTION_FULL;

  if (kind == SECCOMP_RET_ALLOW || kind == SECCOMP_RET_LOG || kind == SECCOMP_RET_TRACE)
    return 0;
  return default_action != (SECCOMP_RET_ERRNO | ENOSYS);
}

int
seccomp_parse (const struct json_value *o, struct hako_seccomp **out, hako_error_t *err)
{
  const struct json_value *syscalls = json_get (o, "syscalls");
  struct rule_list l = { .highest = -1 };
  struct hako_seccomp *sc;
  unsigned flags = 0;
  size_t i;

  *out = NULL;
  if (o == NULL || o->type == JSON_NULL)
    return 0;
  if (o->type != JSON_OBJECT)
    return spec_type_error (err, "linux.seccomp", "an object");
  if (parse_action (o, "defaultAction", "defaultErrnoRet", "linux.seccomp.defaultAction", &l.r.default_action, err)
          < 0
      || parse_strings_in (o, "architectures", "linux.seccomp.architectures", err, check_arch, NULL) < 0
      || parse_strings_in (o, "flags", "linux.seccomp.flags", err, add_flag, &flags) < 0)
    return -1;
  if (syscalls && syscalls->type != JSON_NULL && syscalls->type != JSON_ARRAY)
    return spec_type_error (err, "linux.seccomp.syscalls", "an array");
  for (i = 0; syscalls && syscalls->type == JSON_ARRAY && i < syscalls->len; i++)
    if (parse_syscall (syscalls->items[i], &l, err) < 0)
      {
        free (l.r.rules);
        return -1;
      }
  l.r.enosys_above = wants_enosys_stub (l.r.default_action) ? l.highest : -1;
  sc = hako_xcalloc (1, sizeof *sc);
  sc->flags = flags;
  if (seccomp_compile (&l.r, sc, err) < 0)
    {
      free (sc);
      sc = NULL;
    }
  free (l.r.rules);
  *out = sc;
  return sc ? 0 : -1;
}

int
seccomp_parse_file (const char *path, struct hako_seccomp **out, hako_error_t *err)
{
  cleanup_free char *text = NULL;
  struct json_value *doc = NULL;
  const struct json_value *o;
  size_t len;
  int ret;

  *out = NULL;
  if (hako_read_file (path, &text, &len, err) < 0 || json_parse (text, len, &doc, err) < 0)
    return -1;
  /* a bare linux.seccomp object has a defaultAction; anything else is taken for a config.json */
  o = json_get (doc, "defaultAction") ? doc : json_get (json_get (doc, "linux"), "seccomp");
  if (doc->type != JSON_OBJECT)
    ret = hako_make_error (err, 0, "`%s`: not a JSON object", path);
  else
    ret = seccomp_parse (o, out, err);
  json_free (doc);
  return ret;
}

int
seccomp_load (const struct hako_seccomp *sc, hako_error_t *err)
{
  struct sock_fprog prog = { sc->len, sc->program };

  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, sc->flags, &prog) < 0)
    return hako_make_error (err, errno, "load the seccomp filter");
  return 0;
}

void
seccomp_free (struct hako_seccomp *sc)
{
  if (sc == NULL)
    return;
  free (sc->program);
  free (sc);
}
