/* Test tool, not part of hako-shim: copied into a test container, it makes one raw syscall and says what happened.
 *
 *   syscall-probe NAME|NUMBER [ARG...]    arguments are numbers (0x… for hex), 64 bits each
 *
 * Prints "ok RESULT" or "errno N" and exits 0 (a seccomp kill ends it by a signal instead). A clone that succeeds
 * returns in the child too: the child exits at once and the parent reaps it. */
#include "../hako-shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  unsigned long long a[6] = { 0 };
  char *end;
  long nr, ret;
  int i;

  if (argc < 2 || argc > 8)
    {
      fprintf (stderr, "usage: syscall-probe NAME|NUMBER [ARG...]\n");
      return 2;
    }
  nr = strtol (argv[1], &end, 0);
  if (*end != '\0')
    nr = seccomp_syscall_number (argv[1]);
  if (nr < 0)
    {
      fprintf (stderr, "syscall-probe: unknown syscall %s\n", argv[1]);
      return 2;
    }
  for (i = 2; i < argc; i++)
    a[i - 2] = strtoull (argv[i], NULL, 0);
  fflush (stdout);
  ret = syscall (nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (ret == 0 && (nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork))
    _exit (0);
  if (ret > 0 && (nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork))
    waitpid ((pid_t) ret, NULL, __WALL);
  if (ret < 0)
    printf ("errno %d\n", errno);
  else
    printf ("ok %ld\n", ret);
  return 0;
}
