/* Test tool, not part of hako-shim: the seccomp compiler from the command line.
 *
 *   seccomp-tool compile FILE [N]   FILE: a linux.seccomp object or a config.json. Prints one JSON object:
 *                                   {"instructions": n, "jsonUs": t, "buildUs": t, "program": [[code, jt, jf, k], ...]}
 *                                   where the times are the mean of N runs (default 1) of parsing the JSON text and
 *                                   of building the filter from it (names resolved, rules compiled).
 *   seccomp-tool syscalls           The syscall table, one "name number" per line. */
#include "../hako-shim.h"

#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
fail (hako_error_t err)
{
  printf ("error %s\n", err ? err->msg : "?");
  return 1;
}

static int
compile (const char *path, int n)
{
  hako_error_t err = NULL;
  struct hako_seccomp *sc = NULL;
  struct json_value *doc = NULL;
  const struct json_value *o;
  char *text = NULL;
  size_t len, i;
  double t0, json_us, build_us;
  int k;

  if (hako_read_file (path, &text, &len, &err) < 0)
    return fail (err);
  t0 = now_us ();
  for (k = 0; k < n; k++)
    {
      json_free (doc);
      if (json_parse (text, len, &doc, &err) < 0)
        return fail (err);
    }
  json_us = (now_us () - t0) / n;
  o = json_get (doc, "defaultAction") ? doc : json_get (json_get (doc, "linux"), "seccomp");
  t0 = now_us ();
  for (k = 0; k < n; k++)
    {
      seccomp_free (sc);
      if (seccomp_parse (o, &sc, &err) < 0)
        return fail (err);
    }
  build_us = (now_us () - t0) / n;
  if (sc == NULL)
    {
      printf ("{\"instructions\": 0, \"jsonUs\": %.1f, \"buildUs\": %.1f, \"program\": []}\n", json_us, build_us);
      return 0;
    }
  printf ("{\"instructions\": %u, \"flags\": %u, \"jsonUs\": %.1f, \"buildUs\": %.1f, \"program\": [", sc->len,
          sc->flags, json_us, build_us);
  for (i = 0; i < sc->len; i++)
    printf ("%s[%u,%u,%u,%u]", i ? "," : "", sc->program[i].code, sc->program[i].jt, sc->program[i].jf,
            sc->program[i].k);
  printf ("]}\n");
  seccomp_free (sc);
  json_free (doc);
  free (text);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *name;
  size_t i;
  int nr;

  if (argc >= 3 && strcmp (argv[1], "compile") == 0)
    return compile (argv[2], argc > 3 ? atoi (argv[3]) : 1);
  if (argc == 2 && strcmp (argv[1], "syscalls") == 0)
    {
      for (i = 0; (name = seccomp_syscall_at (i, &nr)) != NULL; i++)
        printf ("%s %d\n", name, nr);
      return 0;
    }
  fprintf (stderr, "usage: seccomp-tool compile FILE [N] | seccomp-tool syscalls\n");
  return 2;
}
