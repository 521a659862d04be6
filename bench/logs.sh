#!/usr/bin/env bash
# Log throughput benchmark: a container writing 200 MB to stdout (2,000,000 lines of 100 bytes), attached, output to
# /dev/null — `docker run --rm` through the stock docker CLI against a private hakod (hako-shim writes the container's
# log and the stream itself, to the attached client's connection that hakod hands it: runtime/native/README.md, frame 9;
# hakod only answers the API calls) — side by side with `runc run` of the same command on an equivalent
# bundle: with stdout straight to /dev/null (runc hands the container its own stdio: no copy at all, the producer's
# speed) and through a pipe to `cat >/dev/null` (one relay, like a shim without a log). Then `docker logs` reading
# those 200 MB back from hakod's log. Prints MB/s (10^6 bytes per second) and ratios; never fails on numbers.
# See bench/README.md.
#
# The engine's containers run with --network none: runc's bundle (runc spec) has a network namespace with only `lo`,
# which is what --network none is; the default bridge would add hakod's network setup (tens of `ip` calls) to a
# measurement of output throughput.
#
# Run it when the machine is otherwise idle (the header prints the load average): the engine side is a pipeline of
# three processes (producer, hako-shim, docker CLI) against runc's one, so other load on the cores costs it more.
#
# Environment (all optional): BENCH_LOGS_MB=200, BENCH_RUNS=6 (per side in all), BENCH_ROUNDS=3, BENCH_WARMUP=1,
# HAKOD, HAKO_FIXTURES, BENCH_KEEP_TMP — as for start.sh.
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

MB=${BENCH_LOGS_MB:-200}
RUNS=${BENCH_RUNS:-6}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-1}
[ $((RUNS / ROUNDS)) -ge 2 ] || ROUNDS=$((RUNS / 2))
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
BYTES=$((MB * 1000000))
IMAGE=busybox:1.38.0-glibc
CG_PARENT=hako-bench
CG_NAME=logs-$$

bench_require_root
bench_ensure_pkgs hyperfine runc
bench_init logs
LAYOUT=$(bench_busybox_layout "$WORK")

# The producer, the same on both sides: 10 MB of 100-byte lines written once into /tmp, then cat'ed MB/10 times in
# one process (so the shell's loop and the line generator cost next to nothing).
LINE=$(printf 'a%.0s' $(seq 99))
CATS=$(printf ' /tmp/f%.0s' $(seq $((MB / 10))))
PRODUCER="yes $LINE | head -c 10000000 >/tmp/f && cat$CATS && rm /tmp/f"

# ---- runc: the reference bundle, same busybox layer in a plain directory --------------------------------------------
BUNDLE=$WORK/bundle
bench_extract_rootfs "$LAYOUT" "$BUNDLE/rootfs"
(cd "$BUNDLE" && runc spec)
node -e '
  const fs = require("fs");
  const [file, cgroup, cmd] = process.argv.slice(1);
  const spec = JSON.parse(fs.readFileSync(file));
  spec.process.args = ["sh", "-c", cmd];
  spec.process.terminal = false;
  spec.root.readonly = false; // the producer writes /tmp/f, as it does in the engine container
  spec.linux.cgroupsPath = cgroup;
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
' "$BUNDLE/config.json" "/$CG_PARENT/$CG_NAME" "$PRODUCER"
mkdir -p "$WORK/runc-state"
bench_on_exit 'for id in $(runc --root "$WORK/runc-state" list -q); do runc --root "$WORK/runc-state" delete -f "$id"; done; for c in /sys/fs/cgroup/*/"$CG_PARENT"/"$CG_NAME" /sys/fs/cgroup/*/"$CG_PARENT"; do [ -d "$c" ] && rmdir "$c"; done'
RUNC_BASE="runc --root $WORK/runc-state run --bundle $BUNDLE hako-bench-\$\$-\$SRANDOM </dev/null"
n=$(bash -c "$RUNC_BASE" | wc -c)
[ "$n" -eq "$BYTES" ] || bench_die "runc run wrote $n bytes, not $BYTES"

# ---- hakod ----------------------------------------------------------------------------------------------------------
bench_start_hakod
bench_load_busybox
n=$("$DOCKER" run --rm --network none "$IMAGE" sh -c "$PRODUCER" | wc -c)
[ "$n" -eq "$BYTES" ] || bench_die "docker run --rm wrote $n bytes, not $BYTES"

declare -A LABEL=([runc]="runc run >/dev/null" [runcpipe]="runc run | cat >/dev/null" [engine]="docker run --rm >/dev/null (hakod)")
declare -A CMD=(
  [runc]="$RUNC_BASE >/dev/null"
  [runcpipe]="$RUNC_BASE | cat >/dev/null"
  [engine]="$DOCKER run --rm --network none $IMAGE sh -c '$PRODUCER' >/dev/null"
)
declare -A PREP=() MS=()
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" runc runcpipe engine

# ---- docker logs: the same 200 MB read back from hakod's log --------------------------------------------------------
"$DOCKER" run --name hako-bench-logs --network none "$IMAGE" sh -c "$PRODUCER" >/dev/null
n=$("$DOCKER" logs hako-bench-logs 2>/dev/null | wc -c)
[ "$n" -eq "$BYTES" ] || bench_log "note: docker logs returned $n bytes, not $BYTES (rotation or loss?)"
LOG_BYTES=$n
LOG_DISK=$(du -sb "$WORK/data/containers" 2>/dev/null | cut -f1 || echo "?")
LABEL[logs]="docker logs >/dev/null (hakod)"
CMD[logs]="$DOCKER logs hako-bench-logs >/dev/null 2>&1"
bench_rounds 1 "$((PER_ROUND * 2 > 5 ? PER_ROUND * 2 : 5))" 1 logs
"$DOCKER" rm -f hako-bench-logs >/dev/null

{
  bench_header "log throughput benchmark ($MB MB as 100-byte lines; $ROUNDS rounds x $PER_ROUND runs (+$WARMUP warmup) per side)"
  echo "attached stdout: hakod $(bench_mbps "$BYTES" "${MS[engine]}") MB/s (${MS[engine]} ms), runc >/dev/null $(bench_mbps "$BYTES" "${MS[runc]}") MB/s (${MS[runc]} ms), ratio $(bench_ratio "${MS[runc]}" "${MS[engine]}")x (target >= 0.5x)"
  echo "vs runc | cat (one relay): $(bench_mbps "$BYTES" "${MS[runcpipe]}") MB/s (${MS[runcpipe]} ms), ratio $(bench_ratio "${MS[runcpipe]}" "${MS[engine]}")x"
  echo "docker logs read-back: $(bench_mbps "$LOG_BYTES" "${MS[logs]}") MB/s (${MS[logs]} ms for $LOG_BYTES bytes; log on disk $LOG_DISK bytes) (target >= 50 MB/s)"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/logs-latest.txt"
bench_log "results: $OUT.*"
