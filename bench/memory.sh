#!/usr/bin/env bash
# Memory benchmark: what idle containers cost in resident memory. A private hakod runs N idle `sleep` containers
# (busybox); the script reads VmRSS (and Pss from smaps_rollup: shared pages divided among their users) of every
# hako-shim (one per container) and of hakod itself. runc keeps no process per running container (it exits after
# start), so there is no per-container reference to divide by: the numbers stand alone, against the targets.
# It reports numbers and never fails on them. See bench/README.md.
#
# Environment (all optional):
#   BENCH_MEM_SHIMS=20     containers whose shims are measured (the per-container figure)
#   BENCH_MEM_TOTAL=100    containers running when hakod's own RSS is read
#   BENCH_MEM_PAR=4        docker run -d calls in flight at once while filling up
#   HAKOD, HAKO_FIXTURES, BENCH_KEEP_TMP — as for start.sh
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

SHIMS=${BENCH_MEM_SHIMS:-20}
TOTAL=${BENCH_MEM_TOTAL:-100}
PAR=${BENCH_MEM_PAR:-4}
[ "$TOTAL" -ge "$SHIMS" ] || TOTAL=$SHIMS
IMAGE=busybox:1.38.0-glibc

bench_require_root
bench_init memory
bench_start_hakod
bench_load_busybox

kib() { awk -v k="$2" '$1 == k":" { print $2; exit }' "$1" 2>/dev/null; } # kib FILE FIELD
# The hako-shim processes of this hakod: executable named hako-shim with this temp dir on its command line (its
# bundle and state live under $WORK/data).
shim_pids() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [ "${exe##*/}" = hako-shim ] || continue
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$WORK/"; then echo "${p#/proc/}"; fi
  done
}
# fill_to N: docker run -d until N containers run
fill_to() {
  local have
  have=$("$DOCKER" ps -q | wc -l)
  [ "$have" -lt "$1" ] || return 0
  seq "$have" $(($1 - 1)) | xargs -P "$PAR" -I{} "$DOCKER" run -d --name "hako-bench-mem-{}" "$IMAGE" sleep 1000000 >/dev/null \
    || bench_die "docker run -d failed while starting $1 idle containers"
  have=$("$DOCKER" ps -q | wc -l)
  [ "$have" -ge "$1" ] || bench_die "only $have of $1 containers are running"
}
# stats FIELD FILE PIDS...: "sum median max" in KiB of FIELD in /proc/<pid>/FILE (status or smaps_rollup)
stats() {
  local field=$1 file=$2 p
  shift 2
  for p in "$@"; do kib "/proc/$p/$file" "$field"; done | sort -n | awk '
    { v[NR] = $1; s += $1 } END { if (!NR) { print "0 0 0"; exit } m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print s, m, v[NR] }'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }

sleep 2
HAKOD_IDLE=$(kib "/proc/$HAKOD_PID/status" VmRSS)
bench_log "starting $SHIMS idle containers"
fill_to "$SHIMS"
sleep 3 # let the shims settle (lazy allocations after start)
mapfile -t PIDS < <(shim_pids)
[ ${#PIDS[@]} -gt 0 ] || bench_die "no hako-shim processes found for $SHIMS running containers (is hakod using hako-shim?)"
read -r RSS_SUM RSS_MED RSS_MAX < <(stats VmRSS status "${PIDS[@]}")
read -r PSS_SUM PSS_MED _ < <(stats Pss smaps_rollup "${PIDS[@]}")
HAKOD_AT_SHIMS=$(kib "/proc/$HAKOD_PID/status" VmRSS)
bench_log "starting $TOTAL idle containers in all"
fill_to "$TOTAL"
sleep 3
mapfile -t PIDS_ALL < <(shim_pids)
read -r RSS_SUM_ALL RSS_MED_ALL _ < <(stats VmRSS status "${PIDS_ALL[@]}")
HAKOD_AT_TOTAL=$(kib "/proc/$HAKOD_PID/status" VmRSS)
HAKOD_HWM=$(kib "/proc/$HAKOD_PID/status" VmHWM)
# A request on the full engine, then hakod again: what `docker ps` over TOTAL containers costs it.
T0=$(date +%s%N)
"$DOCKER" ps -q >/dev/null
PS_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
HAKOD_AFTER_PS=$(kib "/proc/$HAKOD_PID/status" VmRSS)

{
  bench_header "memory benchmark"
  echo "hako-shim per idle container ($SHIMS containers, ${#PIDS[@]} shims): VmRSS median $(mib "$RSS_MED") MiB (max $(mib "$RSS_MAX"), sum $(mib "$RSS_SUM") MiB); Pss median $(mib "$PSS_MED") MiB (sum $(mib "$PSS_SUM") MiB) (target <= 2 MiB; runc keeps no process per container)"
  echo "hako-shim with $TOTAL containers (${#PIDS_ALL[@]} shims): VmRSS median $(mib "$RSS_MED_ALL") MiB, sum $(mib "$RSS_SUM_ALL") MiB"
  echo "hakod VmRSS: idle $(mib "$HAKOD_IDLE") MiB; with $SHIMS containers $(mib "$HAKOD_AT_SHIMS") MiB; with $TOTAL containers $(mib "$HAKOD_AT_TOTAL") MiB (target <= 150 MiB; peak VmHWM $(mib "$HAKOD_HWM") MiB); after docker ps ($PS_MS ms) $(mib "$HAKOD_AFTER_PS") MiB"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/memory-latest.txt"
bench_log "removing $TOTAL containers (cleanup)"
bench_log "results: $OUT.*"
