/* Syscall names -> numbers for the native architecture (x86_64), the table libseccomp would use. The Makefile
 * generates out/syscalls.inc at build time from the kernel headers (<asm/unistd_64.h>) plus the syscalls newer than
 * those headers (seccomp_syscalls_newer.txt), sorted by name (C locale) for a binary search. */
#include "hako-shim.h"

#include <stdlib.h>
#include <string.h>

struct syscall_name {
  const char *name;
  int nr;
};

static const struct syscall_name table[] = {
#include "syscalls.inc"
};

#define N_TABLE (sizeof table / sizeof table[0])

static int
compare (const void *key, const void *entry)
{
  return strcmp (key, ((const struct syscall_name *) entry)->name);
}

int
seccomp_syscall_number (const char *name)
{
  const struct syscall_name *s = bsearch (name, table, N_TABLE, sizeof table[0], compare);

  return s ? s->nr : -1;
}

const char *
seccomp_syscall_at (size_t i, int *nr)
{
  if (i >= N_TABLE)
    return NULL;
  *nr = table[i].nr;
  return table[i].name;
}
