/* Test tool, not part of hako-shim: runs the shim's cgroup code against a directory shaped like a cgroup tree
 * (regular files where the kernel would have interface files), for hosts that lack that cgroup layout.
 *
 *   cgroup-shape v2 ROOT PATH MEMORY SWAP SHARES QUOTA PERIOD PIDS   (-: leave unset)
 *
 * Prints the created directory. Files it writes must exist beforehand, as in a real cgroup tree. */
#include "../hako-shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
arg (const char *s, int64_t *out)
{
  if (strcmp (s, "-") == 0)
    return 0;
  *out = strtoll (s, NULL, 10);
  return 1;
}

int
main (int argc, char **argv)
{
  struct hako_cgroup cg = { 0 };
  struct hako_cgroup_hierarchy h;
  struct hako_resources res = { 0 };
  hako_error_t err = NULL;
  int64_t v;

  if (argc != 10 || strcmp (argv[1], "v2") != 0)
    {
      fprintf (stderr, "usage: cgroup-shape v2 ROOT PATH MEMORY SWAP SHARES QUOTA PERIOD PIDS\n");
      return 2;
    }
  h.mountpoint = argv[2];
  h.controllers = NULL;
  cg.unified = 1;
  cg.hierarchies = &h;
  cg.n_hierarchies = 1;
  res.has_memory_limit = arg (argv[4], &res.memory_limit);
  res.has_memory_swap = arg (argv[5], &res.memory_swap);
  if ((res.has_cpu_shares = arg (argv[6], &v)))
    res.cpu_shares = (uint64_t) v;
  res.has_cpu_quota = arg (argv[7], &res.cpu_quota);
  if ((res.has_cpu_period = arg (argv[8], &v)))
    res.cpu_period = (uint64_t) v;
  res.has_pids_limit = arg (argv[9], &res.pids_limit);
  if (cgroup_create_in (&cg, argv[3], &res, &err) < 0)
    {
      printf ("error %s\n", err->msg);
      hako_error_free (&err);
      free (cg.dirs);
      return 1;
    }
  printf ("%s\n", cg.dirs[0]);
  free (cg.dirs[0]);
  free (cg.dirs);
  return 0;
}
