#!/usr/bin/env bash
# Runs every benchmark in bench/ (each bench/*.sh except this one), one after the other; `npm run bench` calls it.
# Arguments are benchmark names to run only those (e.g. `bench/run.sh start`). Exit status: non-zero if any
# benchmark could not run; timings never fail it.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$here"/*.sh; do
    n=$(basename "$f" .sh)
    [ "$n" = run ] || names+=("$n")
  done
fi
failed=()
for n in "${names[@]}"; do
  [ -f "$here/$n.sh" ] || { echo "[bench] no such benchmark: $n" >&2; failed+=("$n"); continue; }
  echo "[bench] === $n ===" >&2
  bash "$here/$n.sh" || failed+=("$n")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "[bench] could not run: ${failed[*]}" >&2
  exit 1
fi
