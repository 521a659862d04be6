#!/usr/bin/env bash
# Exec benchmark: `docker exec C true` through the stock docker CLI against a private hakod, side by side with
# `runc exec` into a running container of an equivalent bundle (same busybox layer, plain rootfs directory).
# Prints the medians and the ratio hakod/runc; writes hyperfine's JSON and a summary to bench/results/.
# It reports numbers and never fails on them; it fails only when a side cannot run at all. See bench/README.md.
#
# Environment (all optional): BENCH_RUNS=30, BENCH_ROUNDS=3, BENCH_WARMUP=2, HAKOD=bin/hakod, HAKO_FIXTURES=../shared,
# BENCH_KEEP_TMP=1 — as for start.sh.
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-3}
[ "$RUNS" -ge 10 ] || RUNS=10
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
[ $((RUNS / ROUNDS)) -ge 2 ] || ROUNDS=$((RUNS / 2))
HAKOD=${HAKOD:-$BENCH_REPO/bin/hakod}
IMAGE=busybox:1.38.0-glibc
DOCKER=${DOCKER:-/usr/local/bin/docker}
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || true)
[ -n "$DOCKER" ] || bench_die "no docker CLI (expected /usr/local/bin/docker)"

bench_require_root
bench_ensure_pkgs hyperfine runc

RESULTS=$BENCH_REPO/bench/results
mkdir -p "$RESULTS"
OUT=$RESULTS/exec-$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/hako-bench.XXXXXX)
CG_PARENT=hako-bench
RUNC_ID=hako-bench-exec-$$
HAKOD_PID=

cleanup() {
  local rc=$?
  set +e
  if [ -n "$HAKOD_PID" ] && kill -0 "$HAKOD_PID" 2>/dev/null; then
    "$DOCKER" rm -f hako-bench-exec >/dev/null 2>&1
    kill -TERM "$HAKOD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$HAKOD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$HAKOD_PID" 2>/dev/null && kill -KILL "$HAKOD_PID" 2>/dev/null
    wait "$HAKOD_PID" 2>/dev/null
  fi
  runc --root "$WORK/runc-state" delete -f "$RUNC_ID" >/dev/null 2>&1
  local c
  for c in /sys/fs/cgroup/*/"$CG_PARENT"/"$RUNC_ID"; do [ -d "$c" ] && rmdir "$c" 2>/dev/null; done
  local m
  for m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  if [ -n "${BENCH_KEEP_TMP:-}" ] || [ $rc -ne 0 ]; then
    bench_log "temp dir kept: $WORK"
  elif ! awk -v w="$WORK/" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'bench_log "interrupted"; exit 130' INT TERM

LAYOUT=$(bench_busybox_layout "$WORK")

# ---- runc: a running container of the reference bundle --------------------------------------------------------------
BUNDLE=$WORK/bundle
bench_extract_rootfs "$LAYOUT" "$BUNDLE/rootfs"
(cd "$BUNDLE" && runc spec)
node -e '
  const fs = require("fs");
  const [file, cgroup] = process.argv.slice(1);
  const spec = JSON.parse(fs.readFileSync(file));
  spec.process.args = ["sleep", "100000"];
  spec.process.terminal = false;
  spec.linux.cgroupsPath = cgroup;
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
' "$BUNDLE/config.json" "/$CG_PARENT/$RUNC_ID"
mkdir -p "$WORK/runc-state"
runc --root "$WORK/runc-state" run -d --bundle "$BUNDLE" "$RUNC_ID" </dev/null >/dev/null 2>"$WORK/runc.err" \
  || bench_die "runc run -d failed: $(cat "$WORK/runc.err")"
RUNC_CMD="runc --root $WORK/runc-state exec $RUNC_ID true"
bash -c "$RUNC_CMD" || bench_die "runc exec failed"

# ---- hakod: a running container, exec'd into through the stock docker CLI ------------------------------------------
export DOCKER_CONFIG=$WORK/docker-config DOCKER_CLI_HINTS=false DOCKER_HOST=unix://$WORK/hako.sock
mkdir -p "$DOCKER_CONFIG"
"$HAKOD" --data-root "$WORK/data" --host "$DOCKER_HOST" >"$WORK/hakod.log" 2>&1 &
HAKOD_PID=$!
for _ in $(seq 150); do
  "$DOCKER" version >/dev/null 2>&1 && break
  kill -0 "$HAKOD_PID" 2>/dev/null || { tail -n 30 "$WORK/hakod.log" >&2; bench_die "hakod exited during start"; }
  sleep 0.2
done
tar -C "$LAYOUT" -cf - . | timeout -k 5 120 "$DOCKER" load >&2 || bench_die "docker load of $LAYOUT failed"
"$DOCKER" run -d --name hako-bench-exec "$IMAGE" sleep 100000 >/dev/null || bench_die "docker run -d failed"
hello=$("$DOCKER" exec hako-bench-exec echo hello 2>&1) || bench_die "docker exec failed: $hello"
[ "$hello" = hello ] || bench_die "docker exec printed '$hello', not 'hello'"
ENGINE_CMD="$DOCKER exec hako-bench-exec true"

# ---- the timed rounds: the sides take turns -------------------------------------------------------------------------
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
declare -A LABEL=([runc]="runc exec" [engine]="docker exec (hakod)")
declare -A CMD=([runc]="$RUNC_CMD" [engine]="$ENGINE_CMD")
for r in $(seq "$ROUNDS"); do
  for side in runc engine; do
    bench_log "round $r/$ROUNDS: ${LABEL[$side]}"
    hyperfine --style basic --shell bash --runs "$PER_ROUND" --warmup "$WARMUP" \
      -n "${LABEL[$side]}" --export-json "$OUT.$side.r$r.json" "${CMD[$side]}"
  done
done
declare -A MS=()
for side in runc engine; do
  files=()
  for r in $(seq "$ROUNDS"); do files+=("$OUT.$side.r$r.json"); done
  bench_pool "$OUT.$side.json" "${LABEL[$side]}" "${files[@]}"
  rm -f "${files[@]}"
  MS[$side]=$(bench_median_ms "$OUT.$side.json")
done
hyperfine --style basic --shell bash --runs "$RUNS" --warmup "$WARMUP" --export-json "$OUT.floor.json" \
  -n "docker version" "$DOCKER version --format '{{.Server.Version}}'" >/dev/null

{
  echo "# exec benchmark, $(date -u +%FT%TZ) on $(uname -sr), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); $ROUNDS rounds x $PER_ROUND runs (+$WARMUP warmup) per side"
  echo "exec: hakod ${MS[engine]} ms, runc ${MS[runc]} ms, ratio $(bench_ratio "${MS[engine]}" "${MS[runc]}")x (target <= 2.5x)"
  echo "client floor: docker version $(bench_median_ms "$OUT.floor.json") ms (CLI start + 1 round trip; docker exec makes 4 requests)"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/exec-latest.txt"
bench_log "results: $OUT.*"
