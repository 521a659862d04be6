/* seccomp rules -> a classic BPF program, without libseccomp. The program, for seccomp_data {nr, arch, ip, args[6]}:
 *
 *   ld arch; arch != AUDIT_ARCH_X86_64        -> kill the process (libseccomp's "bad architecture" action)
 *   ld nr;   nr has the x32 bit (>= 1 << 30)  -> kill the process; nr -1 (a tracer skipping a syscall) -> default
 *   a binary search over ranges of syscall numbers, then per range either one return (most syscalls: all the
 *   numbers of a run with the same unconditional action share one range, gaps take the default action or, above
 *   every named syscall, ENOSYS) or, for a syscall with argument rules, its rules in order, then the default.
 *
 * Arguments are 64 bits, loaded as two 32-bit halves (little-endian: the low half first in memory); every
 * comparison looks at both halves, as libseccomp's do. Conditional jumps reach at most 255 instructions ahead;
 * the search tree goes through `ja` where a subtree is longer than that, and a rule is never that long. */
#include "hako-shim.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_JUMP 255

struct prog {
  struct sock_filter *insns;
  size_t len, cap;
};

static void
emit (struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
  if (p->len == p->cap)
    {
      p->cap = p->cap ? p->cap * 2 : 64;
      p->insns = realloc (p->insns, p->cap * sizeof *p->insns);
      if (p->insns == NULL)
        abort ();
    }
  p->insns[p->len++] = (struct sock_filter) { code, jt, jf, k };
}

static void
append (struct prog *p, const struct prog *q)
{
  size_t i;
  for (i = 0; i < q->len; i++)
    emit (p, q->insns[i].code, q->insns[i].jt, q->insns[i].jf, q->insns[i].k);
}

/* ---- one rule: its comparisons, then its action; a failed comparison goes on to the next rule ---- */

/* jump targets inside a rule, resolved once its length is known */
enum { TO_NEXT = 0, TO_FAIL = 0x100, TO_PASS = 0x200 };

struct rule_code {
  struct sock_filter insns[6 * 7 + 1];
  int jt[6 * 7 + 1], jf[6 * 7 + 1]; /* TO_FAIL, TO_PASS, or a plain offset */
  size_t len;
};

static void
rule_emit (struct rule_code *r, uint16_t code, int jt, int jf, uint32_t k)
{
  r->insns[r->len] = (struct sock_filter) { code, 0, 0, k };
  r->jt[r->len] = jt;
  r->jf[r->len] = jf;
  r->len++;
}

static void
load_half (struct rule_code *r, unsigned index, int high)
{
  rule_emit (r, BPF_LD | BPF_W | BPF_ABS, 0, 0,
             (uint32_t) (offsetof (struct seccomp_data, args) + 8 * index + (high ? 4 : 0)));
}

/* one comparison; TO_PASS is resolved to its end here, TO_FAIL later to the end of the rule */
static void
emit_cmp (struct rule_code *r, const struct hako_seccomp_cmp *c)
{
  uint32_t hi = (uint32_t) (c->value >> 32), lo = (uint32_t) c->value;
  uint32_t dhi = (uint32_t) (c->value_two >> 32), dlo = (uint32_t) c->value_two;
  size_t start = r->len, i;
  const uint16_t jeq = BPF_JMP | BPF_JEQ | BPF_K, jgt = BPF_JMP | BPF_JGT | BPF_K, jge = BPF_JMP | BPF_JGE | BPF_K;

  switch (c->op)
    {
    case SECCOMP_CMP_EQ:
      load_half (r, c->index, 1), rule_emit (r, jeq, TO_NEXT, TO_FAIL, hi);
      load_half (r, c->index, 0), rule_emit (r, jeq, TO_NEXT, TO_FAIL, lo);
      break;
    case SECCOMP_CMP_NE:
      load_half (r, c->index, 1), rule_emit (r, jeq, TO_NEXT, TO_PASS, hi);
      load_half (r, c->index, 0), rule_emit (r, jeq, TO_FAIL, TO_NEXT, lo);
      break;
    case SECCOMP_CMP_GT: /* hi > HI, or hi == HI and lo > LO */
    case SECCOMP_CMP_GE:
      load_half (r, c->index, 1), rule_emit (r, jgt, TO_PASS, TO_NEXT, hi), rule_emit (r, jeq, TO_NEXT, TO_FAIL, hi);
      load_half (r, c->index, 0), rule_emit (r, c->op == SECCOMP_CMP_GT ? jgt : jge, TO_NEXT, TO_FAIL, lo);
      break;
    case SECCOMP_CMP_LT: /* not >= */
    case SECCOMP_CMP_LE: /* not > */
      load_half (r, c->index, 1), rule_emit (r, jgt, TO_FAIL, TO_NEXT, hi), rule_emit (r, jeq, TO_NEXT, TO_PASS, hi);
      load_half (r, c->index, 0), rule_emit (r, c->op == SECCOMP_CMP_LT ? jge : jgt, TO_FAIL, TO_NEXT, lo);
      break;
    case SECCOMP_CMP_MASKED_EQ:
      /* a mask with no high bits and a datum with none hold for every high half: skip it (clone's flags) */
      if ((uint32_t) (c->value >> 32) != 0 || dhi != 0)
        {
          load_half (r, c->index, 1);
          rule_emit (r, BPF_ALU | BPF_AND | BPF_K, 0, 0, hi);
          rule_emit (r, jeq, TO_NEXT, TO_FAIL, dhi);
        }
      load_half (r, c->index, 0);
      rule_emit (r, BPF_ALU | BPF_AND | BPF_K, 0, 0, lo);
      rule_emit (r, jeq, TO_NEXT, TO_FAIL, dlo);
      break;
    }
  for (i = start; i < r->len; i++)
    {
      if (r->jt[i] == TO_PASS)
        r->jt[i] = (int) (r->len - i - 1);
      if (r->jf[i] == TO_PASS)
        r->jf[i] = (int) (r->len - i - 1);
    }
}

static void
emit_rule (struct prog *p, const struct hako_seccomp_rule *rule)
{
  struct rule_code r;
  size_t i;

  r.len = 0;
  for (i = 0; i < rule->n_cmps; i++)
    emit_cmp (&r, &rule->cmps[i]);
  rule_emit (&r, BPF_RET | BPF_K, 0, 0, rule->action);
  /* the next rule starts just after the return: at most 6 comparisons of 7 instructions, well within 255 */
  for (i = 0; i < r.len; i++)
    {
      int jt = r.jt[i] == TO_FAIL ? (int) (r.len - i - 1) : r.jt[i];
      int jf = r.jf[i] == TO_FAIL ? (int) (r.len - i - 1) : r.jf[i];
      emit (p, r.insns[i].code, (uint8_t) jt, (uint8_t) jf, r.insns[i].k);
    }
}

/* ---- syscall number ranges and the search tree over them ---- */

struct range {
  uint32_t lo;                             /* through the next range's lo - 1 */
  uint32_t action;                         /* when rules is NULL */
  const struct hako_seccomp_rule *rules;   /* one syscall's rules, in order */
  size_t n_rules;
};

struct ranges {
  struct range *v;
  size_t len;
  uint32_t default_action;
};

static void
add_range (struct ranges *rs, uint32_t lo, uint32_t action, const struct hako_seccomp_rule *rules, size_t n_rules)
{
  struct range *last = rs->len ? &rs->v[rs->len - 1] : NULL;

  if (rules == NULL && last && last->rules == NULL && last->action == action)
    return; /* the same return as the numbers just below: one range */
  rs->v = realloc (rs->v, (rs->len + 1) * sizeof *rs->v);
  if (rs->v == NULL)
    abort ();
  rs->v[rs->len++] = (struct range) { lo, action, rules, n_rules };
}

static void
emit_leaf (struct prog *p, const struct range *r, uint32_t default_action)
{
  size_t i;

  if (r->rules == NULL)
    {
      emit (p, BPF_RET | BPF_K, 0, 0, r->action);
      return;
    }
  for (i = 0; i < r->n_rules; i++)
    emit_rule (p, &r->rules[i]);
  if (r->rules[r->n_rules - 1].n_cmps > 0)
    emit (p, BPF_RET | BPF_K, 0, 0, default_action);
}

/* ranges [a, b): the accumulator holds the syscall number on entry */
static void
emit_tree (struct prog *p, const struct ranges *rs, size_t a, size_t b)
{
  struct prog left = { 0 };
  size_t mid = a + (b - a) / 2;

  if (b - a == 1)
    {
      emit_leaf (p, &rs->v[a], rs->default_action);
      return;
    }
  emit_tree (&left, rs, a, mid);
  if (left.len <= MAX_JUMP)
    emit (p, BPF_JMP | BPF_JGE | BPF_K, (uint8_t) left.len, 0, rs->v[mid].lo);
  else
    {
      emit (p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, rs->v[mid].lo);
      emit (p, BPF_JMP | BPF_JA, 0, 0, (uint32_t) left.len);
    }
  append (p, &left);
  free (left.insns);
  emit_tree (p, rs, mid, b);
}

static int
by_number_then_order (const void *a, const void *b)
{
  const struct hako_seccomp_rule *x = a, *y = b;

  if (x->nr != y->nr)
    return x->nr < y->nr ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* rules (sorted) -> ranges. A syscall's rules stop at its first unconditional one (the rest can never decide), and
 * trailing rules that return the default action are the default anyway. */
static void
make_ranges (const struct hako_seccomp_rules *in, struct hako_seccomp_rule *rules, struct ranges *rs)
{
  uint64_t next = 0; /* the lowest number not covered yet */
  size_t i = 0, j, n;

  rs->default_action = in->default_action;
  while (i < in->n_rules)
    {
      uint32_t nr = rules[i].nr;
      for (j = i; j < in->n_rules && rules[j].nr == nr; j++)
        ;
      for (n = 0; i + n < j && (n == 0 || rules[i + n - 1].n_cmps > 0); n++)
        ;
      while (n > 0 && rules[i + n - 1].action == in->default_action)
        n--;
      if (nr > next)
        add_range (rs, (uint32_t) next, in->default_action, NULL, 0);
      if (n == 0)
        add_range (rs, nr, in->default_action, NULL, 0);
      else if (n == 1 && rules[i].n_cmps == 0)
        add_range (rs, nr, rules[i].action, NULL, 0);
      else
        add_range (rs, nr, 0, &rules[i], n);
      next = (uint64_t) nr + 1;
      i = j;
    }
  if (in->enosys_above >= 0 && (uint64_t) in->enosys_above + 1 < X32_SYSCALL_BIT)
    {
      if ((uint64_t) in->enosys_above >= next)
        add_range (rs, (uint32_t) next, in->default_action, NULL, 0);
      next = (uint64_t) in->enosys_above + 1;
      add_range (rs, (uint32_t) next, SECCOMP_RET_ERRNO | ENOSYS, NULL, 0);
    }
  else if (next < X32_SYSCALL_BIT)
    add_range (rs, (uint32_t) next, in->default_action, NULL, 0);
  /* a range that starts below the previous one's end cannot happen: numbers ascend */
}

int
seccomp_compile (const struct hako_seccomp_rules *in, struct hako_seccomp *out, hako_error_t *err)
{
#if defined(__x86_64__)
  struct hako_seccomp_rule *rules = hako_xcalloc (in->n_rules, sizeof *rules);
  struct ranges rs = { 0 };
  struct prog p = { 0 };
  const uint32_t kill = SECCOMP_RET_KILL_PROCESS;
  size_t i;

  for (i = 0; i < in->n_rules; i++)
    if (in->rules[i].nr >= X32_SYSCALL_BIT || in->rules[i].n_cmps > 6)
      {
        free (rules);
        return hako_make_error (err, 0, "seccomp: bad rule for syscall %u", in->rules[i].nr);
      }
  memcpy (rules, in->rules, in->n_rules * sizeof *rules);
  qsort (rules, in->n_rules, sizeof *rules, by_number_then_order);
  make_ranges (in, rules, &rs);

  emit (&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, arch));
  emit (&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
  emit (&p, BPF_RET | BPF_K, 0, 0, kill);
  emit (&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, nr));
  emit (&p, BPF_JMP | BPF_JGE | BPF_K, 0, 3, X32_SYSCALL_BIT);
  emit (&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, UINT32_MAX);
  emit (&p, BPF_RET | BPF_K, 0, 0, in->default_action);
  emit (&p, BPF_RET | BPF_K, 0, 0, kill);
  emit_tree (&p, &rs, 0, rs.len);
  free (rs.v);
  free (rules);

  if (p.len > BPF_MAXINSNS)
    {
      free (p.insns);
      return hako_make_error (err, 0, "seccomp: the filter needs %zu instructions, more than the kernel's %d", p.len,
                              BPF_MAXINSNS);
    }
  out->program = p.insns;
  out->len = (unsigned short) p.len;
  return 0;
#else
  (void) in;
  (void) out;
  return hako_make_error (err, 0, "seccomp: filters are only implemented for x86_64");
#endif
}
