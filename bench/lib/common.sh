# shellcheck shell=bash
# Shared helpers for the benchmarks in bench/ (sourced, not run).
#
#   bench_require_root                 exit with a clear message unless uid 0
#   bench_ensure_pkgs PKG...           apt-get install the Debian packages that are missing (root only)
#   bench_busybox_layout WORKDIR       print the path of an OCI layout holding busybox:1.38.0-glibc
#   bench_extract_rootfs LAYOUT DEST   unpack the image's layers (in order) into DEST
#   bench_median_ms JSON [INDEX]       median of one hyperfine result, in milliseconds ("%.1f")
#   bench_ratio A B                    A/B to two decimals
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
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$r" -cf "$tmp/layer.tar" .
  local diffid layer layersize
  diffid=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  gzip -n -c "$tmp/layer.tar" >"$tmp/layer.tar.gz"
  layer=$(sha256sum "$tmp/layer.tar.gz" | cut -d' ' -f1)
  layersize=$(stat -c %s "$tmp/layer.tar.gz")
  mv "$tmp/layer.tar.gz" "$out/blobs/sha256/$layer"
  local arch
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"bench/lib/common.sh: Debian busybox-static"}]}' \
    "$arch" "$diffid" >"$tmp/config.json"
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
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"busybox:1.38.0-glibc","io.containerd.image.name":"busybox:1.38.0-glibc"}}]}' \
    "$man" "$mansize" "$arch" >"$out/index.json"
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
