/* hako-init: the reaping first process of `docker run --init` containers (Docker's docker-init, tini's job).
 *
 *   /sbin/docker-init [--] COMMAND [ARG...]
 *
 * Runs COMMAND as its child in its own process group (the terminal's foreground group when stdin is a terminal),
 * forwards every signal it receives to that child, reaps every process that ends up parented to it (pid 1 of a pid
 * namespace, or a child subreaper elsewhere), and exits with the child's status: its exit code, or 128 + the signal
 * that killed it. Static, no libraries beyond libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* signals a process raises about itself: never blocked, so a fault in init is not hidden */
static const int synchronous[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };

static void
usage (void)
{
  fprintf (stderr, "usage: hako-init [--] COMMAND [ARG...]\n");
  exit (2);
}

static pid_t
spawn (char **argv, const sigset_t *parent_mask)
{
  pid_t pid = fork ();

  if (pid < 0)
    {
      fprintf (stderr, "hako-init: fork: %s\n", strerror (errno));
      exit (1);
    }
  if (pid == 0)
    {
      struct sigaction dfl = { .sa_handler = SIG_DFL };
      setpgid (0, 0);
      if (isatty (STDIN_FILENO))
        {
          /* taking the terminal from the background would stop us with SIGTTOU */
          signal (SIGTTOU, SIG_IGN);
          tcsetpgrp (STDIN_FILENO, getpgrp ());
        }
      sigaction (SIGTTOU, &dfl, NULL);
      sigaction (SIGTTIN, &dfl, NULL);
      sigprocmask (SIG_SETMASK, parent_mask, NULL);
      execvp (argv[0], argv);
      fprintf (stderr, "hako-init: exec %s: %s\n", argv[0], strerror (errno));
      _exit (errno == ENOENT ? 127 : 126);
    }
  return pid;
}

int
main (int argc, char **argv)
{
  sigset_t all, original;
  pid_t child;
  int child_status = -1;
  size_t i;
  int first = 1;

  if (argc > 1 && strcmp (argv[1], "--") == 0)
    first = 2;
  if (first >= argc)
    usage ();

  /* outside a pid namespace of our own, orphans must still come to us */
  if (getpid () != 1)
    prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  sigfillset (&all);
  for (i = 0; i < sizeof synchronous / sizeof synchronous[0]; i++)
    sigdelset (&all, synchronous[i]);
  sigprocmask (SIG_SETMASK, &all, &original);
  signal (SIGTTIN, SIG_IGN);
  signal (SIGTTOU, SIG_IGN);

  child = spawn (argv + first, &original);

  for (;;)
    {
      struct timespec tick = { .tv_sec = 1, .tv_nsec = 0 };
      siginfo_t info;
      int sig = sigtimedwait (&all, &info, &tick);

      if (sig > 0 && sig != SIGCHLD)
        {
          if (kill (child, sig) < 0 && errno != ESRCH)
            fprintf (stderr, "hako-init: forwarding signal %d: %s\n", sig, strerror (errno));
        }
      else if (sig < 0 && errno != EAGAIN && errno != EINTR)
        {
          fprintf (stderr, "hako-init: sigtimedwait: %s\n", strerror (errno));
          return 1;
        }

      /* reap everything that has ended: our child and any orphan */
      for (;;)
        {
          int status;
          pid_t pid = waitpid (-1, &status, WNOHANG);
          if (pid <= 0)
            break;
          if (pid == child)
            child_status = status;
        }
      if (child_status != -1)
        {
          if (WIFEXITED (child_status))
            return WEXITSTATUS (child_status);
          if (WIFSIGNALED (child_status))
            return 128 + WTERMSIG (child_status);
          return 1;
        }
    }
}
