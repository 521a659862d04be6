#!/usr/bin/env bash
# Container start benchmark: `docker run --rm busybox:1.38.0-glibc true` through the stock docker CLI against a
# private hakod, side by side with `runc run` of an equivalent bundle (same busybox layer, plain rootfs directory).
# Prints the medians and the ratio hakod/runc; writes hyperfine's JSON and a summary to bench/results/.
# It reports numbers and never fails on them; it fails only when a side cannot run at all. See bench/README.md.
#
# Environment (all optional):
#   BENCH_RUNS=30                  timed runs per side in all (>= 10 is enforced), spread over the rounds
#   BENCH_ROUNDS=3                 the sides take turns this many times (each with BENCH_WARMUP=2 warmup runs);
#                                  each side's median is over all its runs
#   BENCH_TARGETS="runc hakod shim" which sides to measure; "runc" alone works without a hakod; "shim" times
#                                  hako-shim alone on runc's bundle (bench/lib/shim-run.c), skipped when not built
#   BENCH_SPLIT=1                  also time the client path in pieces (docker version / create / start -a / rm)
#   HAKOD=bin/hakod                the engine binary to start (foreground, own data root and socket under a temp dir)
#   BENCH_ENGINE_HOST=unix://…     measure an engine that is already running there instead of starting hakod
#   BENCH_ENGINE_NAME=hakod        label for the engine side
#   HAKO_FIXTURES=../shared        where images/busybox-glibc-oci lives
#   BENCH_KEEP_TMP=1               keep the temp dir (hakod log, bundle) for inspection
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-3}
[ "$RUNS" -ge 10 ] || { bench_log "BENCH_RUNS=$RUNS raised to 10 (the minimum)"; RUNS=10; }
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
[ $((RUNS / ROUNDS)) -ge 2 ] || ROUNDS=$((RUNS / 2)) # hyperfine wants at least 2 runs per round
TARGETS=${BENCH_TARGETS:-runc hakod shim}
SPLIT=${BENCH_SPLIT:-1}
HAKOD=${HAKOD:-$BENCH_REPO/bin/hakod}
ENGINE_NAME=${BENCH_ENGINE_NAME:-hakod}
IMAGE=busybox:1.38.0-glibc
DOCKER=${DOCKER:-/usr/local/bin/docker}
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || true)

want() { case " $TARGETS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

bench_require_root
pkgs=(hyperfine)
want runc && pkgs+=(runc)
bench_ensure_pkgs "${pkgs[@]}"

RESULTS=$BENCH_REPO/bench/results
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$RESULTS/start-$STAMP
WORK=$(mktemp -d /tmp/hako-bench.XXXXXX)
CG_PARENT=hako-bench
CG_NAME=start-$$
HAKOD_PID=

cleanup() {
  local rc=$?
  set +e
  if [ -n "$HAKOD_PID" ] && kill -0 "$HAKOD_PID" 2>/dev/null; then
    "$DOCKER" rm -f hako-bench-split >/dev/null 2>&1
    kill -TERM "$HAKOD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$HAKOD_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$HAKOD_PID" 2>/dev/null; then
      bench_log "hakod (pid $HAKOD_PID) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$HAKOD_PID" 2>/dev/null
    fi
    wait "$HAKOD_PID" 2>/dev/null
  fi
  # runc removes its container and cgroup on exit; clear anything a failed run left behind.
  if [ -d "$WORK/runc-state" ]; then
    local id
    for id in $(runc --root "$WORK/runc-state" list -q 2>/dev/null); do
      runc --root "$WORK/runc-state" delete -f "$id" >/dev/null 2>&1
    done
  fi
  local c
  for c in /sys/fs/cgroup/*/"$CG_PARENT"/"$CG_NAME" /sys/fs/cgroup/*/"$CG_PARENT"; do
    [ -d "$c" ] && rmdir "$c" 2>/dev/null
  done
  # Never rm -rf through a mount that hakod left behind (an overlay rootfs, a bind mount).
  local mounts
  mounts=$(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r)
  if [ -n "$mounts" ]; then
    bench_log "left mounted under $WORK by the engine:"$'\n'"$mounts"
    local m
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  fi
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
bench_log "image: $LAYOUT"

BUNDLE=$WORK/bundle
make_bundle() {
  [ -f "$BUNDLE/config.json" ] && return 0
  command -v runc >/dev/null || bench_ensure_pkgs runc # `runc spec` writes the bundle's config
  bench_extract_rootfs "$LAYOUT" "$BUNDLE/rootfs"
  (cd "$BUNDLE" && runc spec)
  node -e '
    const fs = require("fs");
    const [file, cgroup] = process.argv.slice(1);
    const spec = JSON.parse(fs.readFileSync(file));
    spec.process.args = ["true"];
    spec.process.terminal = false;
    spec.linux.cgroupsPath = cgroup; // absolute, under our own parent: an empty path nests under the caller here
    fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  ' "$BUNDLE/config.json" "/$CG_PARENT/$CG_NAME"
}

# Each side: a label, a command for hyperfine, and whether it is set up. One checked run first on every side, so a
# broken setup shows the tool's own error instead of hyperfine's.
SIDES=()
RUNC_CMD='' ENGINE_CMD='' SHIM_CMD='' SHIM_NOTE=''

# ---- runc: the reference ------------------------------------------------------------------------------------------
if want runc; then
  make_bundle
  mkdir -p "$WORK/runc-state"
  RUNC_CMD="runc --root $WORK/runc-state run --bundle $BUNDLE hako-bench-\$\$-\$SRANDOM"
  out=$(bash -c "$RUNC_CMD" </dev/null 2>&1) || bench_die "runc run failed: $out"
  bench_log "runc: $RUNC_CMD"
  SIDES+=(runc)
fi

# ---- the engine through the stock docker CLI ----------------------------------------------------------------------
if want hakod; then
  [ -n "$DOCKER" ] || bench_die "no docker CLI (expected /usr/local/bin/docker)"
  export DOCKER_CONFIG=$WORK/docker-config DOCKER_CLI_HINTS=false
  mkdir -p "$DOCKER_CONFIG"
  if [ -n "${BENCH_ENGINE_HOST:-}" ]; then
    export DOCKER_HOST=$BENCH_ENGINE_HOST
    bench_log "engine: $ENGINE_NAME at $DOCKER_HOST (already running)"
  else
    [ -x "$HAKOD" ] || bench_die "no engine at $HAKOD (build it first, or BENCH_TARGETS=runc)"
    SOCK=$WORK/hako.sock
    export DOCKER_HOST=unix://$SOCK
    bench_log "engine: $HAKOD --data-root $WORK/data --host $DOCKER_HOST (log: $WORK/hakod.log)"
    "$HAKOD" --data-root "$WORK/data" --host "$DOCKER_HOST" >"$WORK/hakod.log" 2>&1 &
    HAKOD_PID=$!
    for _ in $(seq 150); do
      "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
      kill -0 "$HAKOD_PID" 2>/dev/null || { tail -n 30 "$WORK/hakod.log" >&2; bench_die "hakod exited during start"; }
      sleep 0.2
    done
    "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 \
      || { tail -n 30 "$WORK/hakod.log" >&2; bench_die "hakod did not answer on $SOCK within 30 s"; }
  fi
  if ! "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
    tar -C "$LAYOUT" -cf - . | timeout -k 5 120 "$DOCKER" load >&2 || bench_die "docker load of $LAYOUT failed"
  fi
  # The container must really run (output and exit status), or the timing means nothing. `timeout -k`: on SIGTERM
  # the docker CLI only forwards the signal to the container (sig-proxy) and keeps waiting.
  rc=0
  hello=$(timeout -k 5 60 "$DOCKER" run --rm "$IMAGE" echo hello 2>&1) || rc=$?
  if [ $rc -ne 0 ]; then
    [ -f "$WORK/hakod.log" ] && tail -n 30 "$WORK/hakod.log" >&2
    { [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && hello="no exit within 60 s${hello:+; output: $hello}"
    bench_die "docker run --rm $IMAGE echo hello failed (status $rc): $hello"
  fi
  [ "$hello" = hello ] || bench_die "docker run --rm $IMAGE echo hello printed '$hello', not 'hello'"
  # Like for like: runc's bundle gets a fresh network namespace with only loopback, which is `--network none`. The
  # default bridge (veth, namespace file, maybe the bridge itself) is measured as a side of its own.
  ENGINE_CMD="$DOCKER run --rm --network none $IMAGE true"
  BRIDGE_CMD="$DOCKER run --rm $IMAGE true"
  SIDES+=(engine bridge)
fi

# ---- hako-shim alone, on runc's bundle: the runtime without the engine around it ------------------------------------
SHIM_BIN=$BENCH_REPO/runtime/native/out/hako-shim
if want shim; then
  if [ ! -x "$SHIM_BIN" ]; then
    SHIM_NOTE="not built ($SHIM_BIN; bin/hakod or make -C runtime/native builds it)"
  elif ! command -v gcc >/dev/null; then
    SHIM_NOTE="no gcc to build bench/lib/shim-run.c"
  else
    make_bundle
    gcc -O2 -o "$WORK/shim-run" "$BENCH_REPO/bench/lib/shim-run.c"
    mkdir -p "$WORK/shim-state"
    SHIM_CMD="$WORK/shim-run $SHIM_BIN $BUNDLE hako-bench-\$\$-\$SRANDOM $WORK/shim-state"
    out=$(bash -c "$SHIM_CMD" </dev/null 2>&1) || bench_die "hako-shim on runc's bundle failed: $out"
    SIDES+=(shim)
  fi
fi

# ---- the timed rounds: the sides take turns, so a change in the machine's load hits them all alike -------------------
[ ${#SIDES[@]} -gt 0 ] || bench_die "nothing to measure (BENCH_TARGETS=$TARGETS)"
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
declare -A LABEL=([runc]="runc run" [engine]="docker run --rm --network none ($ENGINE_NAME)"
  [bridge]="docker run --rm, default bridge ($ENGINE_NAME)" [shim]="hako-shim (shim-run)")
declare -A CMD=([runc]="$RUNC_CMD" [engine]="$ENGINE_CMD" [bridge]="${BRIDGE_CMD:-}" [shim]="$SHIM_CMD")
for r in $(seq "$ROUNDS"); do
  for side in "${SIDES[@]}"; do
    bench_log "round $r/$ROUNDS: ${LABEL[$side]}"
    hyperfine --style basic --shell bash --runs "$PER_ROUND" --warmup "$WARMUP" \
      -n "${LABEL[$side]}" --export-json "$OUT.$side.r$r.json" "${CMD[$side]}"
  done
done
declare -A MS=()
for side in "${SIDES[@]}"; do
  files=()
  for r in $(seq "$ROUNDS"); do files+=("$OUT.$side.r$r.json"); done
  bench_pool "$OUT.$side.json" "${LABEL[$side]}" "${files[@]}"
  rm -f "${files[@]}"
  MS[$side]=$(bench_median_ms "$OUT.$side.json")
done
RUNC_MS=${MS[runc]:-} ENGINE_MS=${MS[engine]:-} SHIM_MS=${MS[shim]:-} BRIDGE_MS=${MS[bridge]:-}
if [ -n "$ENGINE_CMD" ]; then
  leftover=$("$DOCKER" ps -aq 2>/dev/null | wc -l)
  [ "$leftover" -eq 0 ] || bench_log "note: $leftover containers remain after the run --rm loop (AutoRemove lagging?)"
fi

# ---- the client path in pieces ------------------------------------------------------------------------------------
if [ -n "$ENGINE_CMD" ] && [ "$SPLIT" = 1 ]; then
  # One CLI invocation per API step. Each pays the CLI's own start (the `version` line is that floor plus one round
  # trip), so their sum exceeds `run --rm`, which does all of it in one process.
  N=hako-bench-split
  RM="$DOCKER rm -f $N >/dev/null 2>&1 || true"
  CREATE="$DOCKER create --name $N $IMAGE true >/dev/null"
  bench_log "client path in pieces"
  hyperfine --style basic --shell bash --runs "$RUNS" --warmup "$WARMUP" --export-json "$OUT.split.json" \
    -n "docker version" --prepare true "$DOCKER version --format '{{.Server.Version}}'" \
    -n "docker create" --prepare "$RM" "$CREATE" \
    -n "docker start -a" --prepare "$RM; $CREATE" "$DOCKER start -a $N" \
    -n "docker rm" --prepare "$RM; $CREATE; $DOCKER start -a $N" "$DOCKER rm $N"
  "$DOCKER" rm -f "$N" >/dev/null 2>&1 || true
fi

# A sanitizer build of the shim (a test run may leave one behind) is several times slower: say so next to the numbers.
SHIM_WARN=
if [ -f "$SHIM_BIN" ] && grep -aq -e __asan_init -e __ubsan_handle -e __tsan_init "$SHIM_BIN"; then
  SHIM_WARN="warning: $SHIM_BIN is a sanitizer build; hakod and shim times are not representative (make -C runtime/native clean all)"
fi

# ---- summary ------------------------------------------------------------------------------------------------------
{
  echo "# container start benchmark, $(date -u +%FT%TZ) on $(uname -sr), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); $ROUNDS rounds x $PER_ROUND runs (+$WARMUP warmup) per side"
  echo "# image: $LAYOUT"
  [ -z "$SHIM_WARN" ] || echo "# $SHIM_WARN"
  if [ -n "$ENGINE_MS" ] && [ -n "$RUNC_MS" ]; then
    echo "start: $ENGINE_NAME $ENGINE_MS ms, runc $RUNC_MS ms, ratio $(bench_ratio "$ENGINE_MS" "$RUNC_MS")x (target <= 3x; both loopback-only)"
    [ -z "$BRIDGE_MS" ] || echo "start on the default bridge: $ENGINE_NAME $BRIDGE_MS ms, ratio $(bench_ratio "$BRIDGE_MS" "$RUNC_MS")x to runc without a network, $(bench_ratio "$BRIDGE_MS" "$ENGINE_MS")x to --network none"
  elif [ -n "$ENGINE_MS" ] && [ -n "$BRIDGE_MS" ]; then
    echo "start: $ENGINE_NAME $ENGINE_MS ms with --network none, $BRIDGE_MS ms on the default bridge, ratio $(bench_ratio "$BRIDGE_MS" "$ENGINE_MS")x (runc not measured)"
  elif [ -n "$RUNC_MS" ]; then
    echo "start: runc $RUNC_MS ms ($ENGINE_NAME not measured)"
  elif [ -n "$ENGINE_MS" ]; then
    echo "start: $ENGINE_NAME $ENGINE_MS ms (runc not measured)"
  fi
  if [ -n "$SHIM_MS" ]; then
    if [ -n "$RUNC_MS" ]; then
      echo "runtime alone: hako-shim $SHIM_MS ms, runc $RUNC_MS ms, ratio $(bench_ratio "$SHIM_MS" "$RUNC_MS")x (same bundle, no engine)"
    else
      echo "runtime alone: hako-shim $SHIM_MS ms (same bundle as runc, no engine)"
    fi
  elif [ -n "$SHIM_NOTE" ]; then
    echo "runtime alone: hako-shim $SHIM_NOTE"
  fi
  if [ -f "$OUT.split.json" ]; then
    v=$(bench_median_ms "$OUT.split.json" 0); c=$(bench_median_ms "$OUT.split.json" 1)
    s=$(bench_median_ms "$OUT.split.json" 2); r=$(bench_median_ms "$OUT.split.json" 3)
    sum=$(node -e 'console.log((+process.argv[1] + +process.argv[2] + +process.argv[3]).toFixed(1))' "$c" "$s" "$r")
    echo "client path ($ENGINE_NAME): docker version $v ms (CLI floor + 1 round trip); create $c + start -a $s + rm $r = $sum ms as 3 CLI calls vs run --rm $ENGINE_MS ms"
  fi
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/start-latest.txt"
node -e '
  const fs = require("fs");
  const [out, engine, runcMs, engineMs, shimMs] = process.argv.slice(1);
  const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f)).results : undefined);
  const summary = {
    benchmark: "start", time: new Date().toISOString(), engine,
    medianMs: { runc: runcMs ? +runcMs : null, [engine]: engineMs ? +engineMs : null, shim: shimMs ? +shimMs : null },
    ratio: runcMs && engineMs ? +(engineMs / runcMs).toFixed(3) : null, target: 3,
    runc: read(out + ".runc.json"), engineRuns: read(out + ".engine.json"), shimRuns: read(out + ".shim.json"),
    split: read(out + ".split.json"),
  };
  fs.writeFileSync(out + ".summary.json", JSON.stringify(summary, null, 2) + "\n");
' "$OUT" "$ENGINE_NAME" "$RUNC_MS" "$ENGINE_MS" "$SHIM_MS"
bench_log "results: $OUT.*"
