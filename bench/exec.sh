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
IMAGE=busybox:1.38.0-glibc
CG_PARENT=hako-bench

bench_require_root
bench_ensure_pkgs hyperfine runc
bench_init exec
RUNC_ID=hako-bench-exec-$$
bench_on_exit 'runc --root "$WORK/runc-state" delete -f "$RUNC_ID"; for c in /sys/fs/cgroup/*/"$CG_PARENT"/"$RUNC_ID" /sys/fs/cgroup/*/"$CG_PARENT"; do [ -d "$c" ] && rmdir "$c"; done'

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
bench_start_hakod
bench_load_busybox
"$DOCKER" run -d --name hako-bench-exec "$IMAGE" sleep 100000 >/dev/null || bench_die "docker run -d failed"
hello=$("$DOCKER" exec hako-bench-exec echo hello 2>&1) || bench_die "docker exec failed: $hello"
[ "$hello" = hello ] || bench_die "docker exec printed '$hello', not 'hello'"
ENGINE_CMD="$DOCKER exec hako-bench-exec true"

# ---- the timed rounds: the sides take turns -------------------------------------------------------------------------
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
declare -A LABEL=([runc]="runc exec" [engine]="docker exec (hakod)")
declare -A CMD=([runc]="$RUNC_CMD" [engine]="$ENGINE_CMD")
declare -A PREP=() MS=()
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" runc engine
hyperfine --style basic --shell bash --runs "$RUNS" --warmup "$WARMUP" --export-json "$OUT.floor.json" \
  -n "docker version" "$DOCKER version --format '{{.Server.Version}}'" >/dev/null

{
  bench_header "exec benchmark ($ROUNDS rounds x $PER_ROUND runs (+$WARMUP warmup) per side)"
  echo "exec: hakod ${MS[engine]} ms, runc ${MS[runc]} ms, ratio $(bench_ratio "${MS[engine]}" "${MS[runc]}")x (target <= 2.5x)"
  echo "client floor: docker version $(bench_median_ms "$OUT.floor.json") ms (CLI start + 1 round trip; docker exec makes 4 requests)"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/exec-latest.txt"
bench_log "results: $OUT.*"
