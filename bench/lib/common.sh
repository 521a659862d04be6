# shellcheck shell=bash
# Shared helpers for the benchmarks in bench/ (sourced, not run).
#
#   bench_require_root                 exit with a clear message unless uid 0
#   bench_ensure_pkgs PKG...           apt-get install the Debian packages that are missing (root only)
#   bench_busybox_layout WORKDIR       print the path of an OCI layout holding busybox:1.38.0-glibc
#   bench_extract_rootfs LAYOUT DEST   unpack the image's layers (in order) into DEST
#   bench_median_ms JSON [INDEX]       median of one hyperfine result, in milliseconds ("%.1f")
#   bench_ratio A B                    A/B to two decimals
#   bench_mbps BYTES MS                throughput in MB/s (10^6 bytes)
#   bench_pool OUT NAME FILE...        pools hyperfine exports of one command (the rounds)
#   bench_layout_from_rootfs …         a one-layer OCI layout of a directory
#   bench_init / bench_on_exit / bench_start_hakod / bench_load_busybox / bench_header / bench_rounds
#                                      the frame of a benchmark: temp dir, private hakod, interleaved rounds, cleanup
#                                      (described where they are defined, below)
#
# Expects BENCH_REPO (the repository root) to be set by the caller.

bench_log() { printf '[bench] %s\n' "$*" >&2; }
bench_die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

bench_require_root() {
  [ "$(id -u)" = 0 ] || bench_die "benchmarks start containers: run as root"
}

bench_ensure_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  bench_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
}

# The busybox image as an OCI layout directory. In order of preference:
#   1. $HAKO_FIXTURES/images/busybox-glibc-oci (HAKO_FIXTURES defaults to ../shared next to the repository), the
#      official upstream image;
#   2. the project's test fixture (runtime/testing/fixtures.ts, which builds one from busybox-static), when present;
#   3. an equivalent layout built here from Debian's busybox-static (one layer: /bin/busybox, its applet links,
#      a minimal /etc), named busybox:1.38.0-glibc so that the same docker commands work.
bench_busybox_layout() {
  local work=$1
  local fixtures=${HAKO_FIXTURES:-$(cd "$BENCH_REPO/.." && pwd)/shared}
  local shared=$fixtures/images/busybox-glibc-oci
  if [ -f "$shared/index.json" ]; then
    printf '%s\n' "$shared"
    return 0
  fi
  local out=$work/busybox-oci
  if [ -f "$BENCH_REPO/runtime/testing/fixtures.ts" ] && [ -d "$BENCH_REPO/node_modules/tsx" ]; then
    bench_log "no $shared: taking the busybox OCI layout from runtime/testing/fixtures.ts"
    local dir
    if dir=$(cd "$BENCH_REPO" && node --import tsx bench/lib/fixture-layout.ts) && [ -f "$dir/index.json" ]; then
      printf '%s\n' "$dir"
      return 0
    fi
    bench_log "runtime/testing/fixtures.ts gave no layout; building one here"
  fi
  bench_log "no $shared: building an equivalent OCI layout from Debian's busybox-static"
  bench_build_layout "$out" >&2
  printf '%s\n' "$out"
}

# Builds a one-layer OCI image layout from /bin/busybox (Debian busybox-static) in $1.
bench_build_layout() {
  local out=$1
  bench_ensure_pkgs busybox-static
  local bb
  bb=$(command -v busybox) || bench_die "busybox not found after installing busybox-static"
  local tmp=$out.build
  rm -rf "$out" "$tmp"
  mkdir -p "$out/blobs/sha256" "$tmp/rootfs"
  local r=$tmp/rootfs d a
  for d in bin dev etc home proc root sys tmp usr/sbin var/spool/mail; do mkdir -p "$r/$d"; done
  chmod 1777 "$r/tmp"
  chmod 700 "$r/root"
  install -m 0755 "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
  bench_layout_from_rootfs "$r" "$out" busybox:1.38.0-glibc "bench/lib/common.sh: Debian busybox-static" '["sh"]'
  rm -rf "$tmp"
}

# bench_layout_from_rootfs ROOTFS OUT REF CREATED_BY CMD_JSON: a one-layer OCI image layout in OUT (created fresh) of
# the directory ROOTFS (tar, gzip -n), its index naming it REF. Deterministic for the same ROOTFS.
bench_layout_from_rootfs() {
  local r=$1 out=$2 ref=$3 createdby=$4 cmd=$5
  local tmp=$out.layer
  rm -rf "$out" "$tmp"
  mkdir -p "$out/blobs/sha256" "$tmp"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$r" -cf "$tmp/layer.tar" .
  local diffid layer layersize
  diffid=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  gzip -n -c "$tmp/layer.tar" >"$tmp/layer.tar.gz"
  rm -f "$tmp/layer.tar"
  layer=$(sha256sum "$tmp/layer.tar.gz" | cut -d' ' -f1)
  layersize=$(stat -c %s "$tmp/layer.tar.gz")
  mv "$tmp/layer.tar.gz" "$out/blobs/sha256/$layer"
  local arch
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"%s"}]}' \
    "$arch" "$cmd" "$diffid" "$createdby" >"$tmp/config.json"
  local cfg cfgsize
  cfg=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
  cfgsize=$(stat -c %s "$tmp/config.json")
  mv "$tmp/config.json" "$out/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cfgsize" "$layer" "$layersize" >"$tmp/manifest.json"
  local man mansize
  man=$(sha256sum "$tmp/manifest.json" | cut -d' ' -f1)
  mansize=$(stat -c %s "$tmp/manifest.json")
  mv "$tmp/manifest.json" "$out/blobs/sha256/$man"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}}]}' \
    "$man" "$mansize" "$arch" "$ref" "$ref" >"$out/index.json"
  rm -rf "$tmp"
}

# Unpacks the layers of the layout's first manifest into DEST, in order. The busybox image has one layer, so
# whiteouts never occur; a multi-layer image would need them applied (not needed here).
bench_extract_rootfs() {
  local layout=$1 dest=$2
  mkdir -p "$dest"
  local line digest media
  while read -r line; do
    media=${line%% *}
    digest=${line#* }
    case $media in
      *gzip) tar -xzf "$layout/blobs/sha256/$digest" -C "$dest" ;;
      *zstd) zstd -dc "$layout/blobs/sha256/$digest" | tar -xf - -C "$dest" ;;
      *) tar -xf "$layout/blobs/sha256/$digest" -C "$dest" ;;
    esac
  done < <(node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    const blob = (d) => JSON.parse(fs.readFileSync(path.join(dir, "blobs", "sha256", d.split(":")[1])));
    let m = JSON.parse(fs.readFileSync(path.join(dir, "index.json"))).manifests[0];
    let doc = blob(m.digest);
    if (doc.manifests) doc = blob(doc.manifests[0].digest); // nested index
    for (const l of doc.layers) console.log(l.mediaType + " " + l.digest.split(":")[1]);
  ' "$layout")
}

bench_median_ms() {
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])).results[+process.argv[2] || 0];
    console.log((r.median * 1000).toFixed(1));' "$1" "${2:-0}"
}

bench_ratio() {
  node -e 'console.log((+process.argv[1] / +process.argv[2]).toFixed(2))' "$1" "$2"
}

# bench_pool OUT NAME FILE...: pools the run times of several hyperfine exports of one command (the rounds) into OUT,
# in hyperfine's own shape ({results: [{command, times, mean, median, min, max, ...}]}), so bench_median_ms reads it.
bench_pool() {
  node -e '
    const fs = require("fs");
    const [out, name, ...files] = process.argv.slice(1);
    const times = files.flatMap((f) => JSON.parse(fs.readFileSync(f)).results[0].times);
    const sorted = [...times].sort((a, b) => a - b);
    const n = sorted.length, mid = n >> 1;
    const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const mean = times.reduce((a, b) => a + b, 0) / n;
    const stddev = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
    const result = { command: name, mean, stddev, median, min: sorted[0], max: sorted[n - 1], times, rounds: files.length };
    fs.writeFileSync(out, JSON.stringify({ results: [result] }, null, 2) + "\n");
  ' "$@"
}

# ---- the frame most benchmarks share: a temp dir, a private hakod, cleanup on every exit ----------------------------
#   bench_init NAME                  sets RESULTS, STAMP, OUT ($RESULTS/NAME-STAMP), WORK (a fresh /tmp/hako-bench.*),
#                                    DOCKER; traps EXIT/INT/TERM to bench_cleanup
#   bench_on_exit 'CMD'              adds a cleanup step (run in reverse order, before hakod stops; failures ignored)
#   bench_start_hakod                starts $HAKOD (default bin/hakod) on $WORK/hako.sock with data root $WORK/data,
#                                    exports DOCKER_HOST/DOCKER_CONFIG, waits until it answers; sets HAKOD_PID
#   bench_load_busybox               docker load of the busybox layout (sets LAYOUT) unless the image is present
#   bench_header TEXT                "# TEXT, <time> on <kernel>, N cores, load average a b c" (one line)
# The cleanup removes every container of the private hakod (they outlive the engine by design: one hako-shim each),
# stops hakod (TERM, then KILL after 10 s), unmounts whatever is left under $WORK and removes $WORK (kept when the
# script failed or with BENCH_KEEP_TMP=1).
bench_init() {
  BENCH_NAME=$1
  RESULTS=$BENCH_REPO/bench/results
  mkdir -p "$RESULTS"
  STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  OUT=$RESULTS/$BENCH_NAME-$STAMP
  WORK=$(mktemp -d /tmp/hako-bench.XXXXXX)
  HAKOD=${HAKOD:-$BENCH_REPO/bin/hakod}
  HAKOD_PID=
  BENCH_CLEANUP=()
  DOCKER=${DOCKER:-/usr/local/bin/docker}
  [ -x "$DOCKER" ] || DOCKER=$(command -v docker || true)
  trap bench_cleanup EXIT
  trap 'bench_log "interrupted"; exit 130' INT TERM
}

bench_on_exit() { BENCH_CLEANUP+=("$1"); }

bench_cleanup() {
  local rc=$?
  set +e
  local i
  for ((i = ${#BENCH_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${BENCH_CLEANUP[$i]}" >/dev/null 2>&1; done
  if [ -n "$HAKOD_PID" ] && kill -0 "$HAKOD_PID" 2>/dev/null; then
    local ids
    ids=$("$DOCKER" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || timeout -k 5 300 "$DOCKER" rm -f $ids >/dev/null 2>&1
    kill -TERM "$HAKOD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$HAKOD_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$HAKOD_PID" 2>/dev/null; then
      bench_log "hakod (pid $HAKOD_PID) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$HAKOD_PID" 2>/dev/null
    fi
    wait "$HAKOD_PID" 2>/dev/null
  fi
  # hakod removes a container's rootfs mount and cgroup in the background after answering; a SIGTERM right after
  # leaves them (its next start would clear them). The cgroups: /hako-<sha256(data root)[0:12]>/<id>, empty by now.
  local inst c
  inst=$(printf %s "$WORK/data" | sha256sum | cut -c1-12)
  local left=0
  for c in /sys/fs/cgroup/*/"hako-$inst"/* /sys/fs/cgroup/*/"hako-$inst"; do
    [ -d "$c" ] && rmdir "$c" 2>/dev/null && left=$((left + 1))
  done
  [ $left -eq 0 ] || bench_log "removed $left cgroup directories hakod left behind (/sys/fs/cgroup/*/hako-$inst)"
  local mounts m
  mounts=$(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r)
  if [ -n "$mounts" ]; then
    bench_log "left mounted under $WORK (unmounting):"$'\n'"$mounts"
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  fi
  if [ -n "${BENCH_KEEP_TMP:-}" ] || [ $rc -ne 0 ]; then
    bench_log "temp dir kept: $WORK"
  elif ! awk -v w="$WORK/" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    rm -rf "$WORK"
  fi
  exit $rc
}

bench_start_hakod() {
  [ -n "$DOCKER" ] || bench_die "no docker CLI (expected /usr/local/bin/docker)"
  [ -x "$HAKOD" ] || bench_die "no engine at $HAKOD"
  export DOCKER_CONFIG=$WORK/docker-config DOCKER_CLI_HINTS=false DOCKER_HOST=unix://$WORK/hako.sock
  mkdir -p "$DOCKER_CONFIG"
  # A private copy of the native helpers: another build of runtime/native rewriting hako-shim under a running
  # benchmark made spawns fail with EACCES. bin/hakod's own build step (make under flock) runs first.
  if [ -z "${HAKO_SHIM:-}" ] && [ "$HAKOD" = "$BENCH_REPO/bin/hakod" ]; then
    local dir
    mkdir -p "$WORK/native"
    for dir in native init; do
      flock "$BENCH_REPO/runtime/$dir" sh -c 'make -s -C "$1" >&2 && cp "$1"/out/hako-* "$2"/' _ \
        "$BENCH_REPO/runtime/$dir" "$WORK/native" || bench_die "building runtime/$dir failed"
    done
    export HAKO_SHIM=$WORK/native/hako-shim HAKO_INIT=$WORK/native/hako-init
  fi
  bench_log "engine: $HAKOD --data-root $WORK/data --host $DOCKER_HOST (log: $WORK/hakod.log)"
  "$HAKOD" --data-root "$WORK/data" --host "$DOCKER_HOST" "$@" >"$WORK/hakod.log" 2>&1 &
  HAKOD_PID=$!
  for _ in $(seq 150); do
    "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    kill -0 "$HAKOD_PID" 2>/dev/null || { tail -n 30 "$WORK/hakod.log" >&2; bench_die "hakod exited during start"; }
    sleep 0.2
  done
  tail -n 30 "$WORK/hakod.log" >&2
  bench_die "hakod did not answer on $DOCKER_HOST within 30 s"
}

bench_load_busybox() {
  LAYOUT=${LAYOUT:-$(bench_busybox_layout "$WORK")}
  "$DOCKER" image inspect busybox:1.38.0-glibc >/dev/null 2>&1 && return 0
  tar -C "$LAYOUT" -cf - . | timeout -k 5 120 "$DOCKER" load >&2 || bench_die "docker load of $LAYOUT failed"
}

bench_header() {
  echo "# $*, $(date -u +%FT%TZ) on $(uname -sr), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg)"
}

# bench_rounds ROUNDS PER_ROUND WARMUP SIDE... : hyperfine, the sides taking turns; each SIDE names the associative
# arrays' keys: LABEL[side], CMD[side], and optionally PREP[side] (hyperfine --prepare). Pools each side's runs into
# $OUT.SIDE.json and sets MS[side] (median, ms). Declare LABEL, CMD, PREP and MS (-A) before calling.
bench_rounds() {
  local rounds=$1 per=$2 warmup=$3 r side
  shift 3
  for r in $(seq "$rounds"); do
    for side in "$@"; do
      bench_log "round $r/$rounds: ${LABEL[$side]}"
      local prep=()
      [ -n "${PREP[$side]:-}" ] && prep=(--prepare "${PREP[$side]}")
      hyperfine --style basic --shell bash --runs "$per" --warmup "$warmup" "${prep[@]}" \
        -n "${LABEL[$side]}" --export-json "$OUT.$side.r$r.json" "${CMD[$side]}" >&2
    done
  done
  for side in "$@"; do
    local files=()
    for r in $(seq "$rounds"); do files+=("$OUT.$side.r$r.json"); done
    bench_pool "$OUT.$side.json" "${LABEL[$side]}" "${files[@]}"
    rm -f "${files[@]}"
    MS[$side]=$(bench_median_ms "$OUT.$side.json")
  done
}

# bench_mbps BYTES MS: throughput in MB/s (10^6 bytes), one decimal
bench_mbps() { node -e 'console.log((+process.argv[1] / 1e6 / (+process.argv[2] / 1000)).toFixed(1))' "$1" "$2"; }
