#!/usr/bin/env bash
# Registry benchmark: push and pull of an image with one 100 MiB layer of random bytes (gzip'd: as large compressed as
# not), against Debian's docker-registry (distribution 2.8) on 127.0.0.1, its own config and storage in the temp dir.
#   push: `docker push` from a private hakod (image loaded with docker load)  vs  `skopeo copy oci:… docker://…`
#   pull: `docker pull` into hakod's store after `docker rmi` (blobs fetched, verified, layer unpacked: ready to run)
#         vs `skopeo copy docker://… oci:…` (blobs fetched and verified, stored as they come: no unpacking)
#         and `skopeo copy docker://… containers-storage:…` (into an overlay store like buildah/podman: unpacked)
#   pull, zstd: the same image with its layer as tar+zstd, hakod vs `skopeo copy docker://… oci:…`
# Every run starts from an empty registry (push) or an image-less store (pull). Prints MB/s (10^6 bytes of the
# compressed layer per second) and ratios; never fails on numbers. See bench/README.md.
#
# Environment (all optional): BENCH_REG_MIB=100, BENCH_RUNS=6 (per side in all), BENCH_ROUNDS=3, BENCH_WARMUP=0,
# HAKOD, BENCH_KEEP_TMP — as for start.sh.
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

MIB=${BENCH_REG_MIB:-100}
RUNS=${BENCH_RUNS:-6}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-0}
[ $((RUNS / ROUNDS)) -ge 2 ] || ROUNDS=$((RUNS / 2))
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
REGISTRY_BIN=/usr/bin/docker-registry

bench_require_root
bench_ensure_pkgs hyperfine skopeo docker-registry buildah
bench_init registry

# ---- the image: one layer of random bytes, as an OCI layout ---------------------------------------------------------
bench_log "building a ${MIB} MiB random layer"
mkdir -p "$WORK/bigroot"
head -c $((MIB * 1048576)) /dev/urandom >"$WORK/bigroot/random.bin"
BIG=$WORK/big-oci
bench_layout_from_rootfs "$WORK/bigroot" "$BIG" bench/big:1 "bench/registry.sh: ${MIB} MiB of /dev/urandom" '["/random.bin"]'
rm -rf "$WORK/bigroot"
LAYER_BYTES=$(find "$BIG/blobs/sha256" -type f -size +1M -printf '%s\n' | head -1)

# ---- the registry ---------------------------------------------------------------------------------------------------
REG=$WORK/registry
mkdir -p "$REG/storage"
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
cat >"$REG/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
YAML
"$REGISTRY_BIN" serve "$REG/config.yml" >"$REG/registry.log" 2>&1 &
REG_PID=$!
bench_on_exit "kill $REG_PID; wait $REG_PID"
for _ in $(seq 75); do
  curl -fsS "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 && break
  kill -0 "$REG_PID" 2>/dev/null || { cat "$REG/registry.log" >&2; bench_die "docker-registry exited"; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/v2/" >/dev/null || bench_die "docker-registry did not answer on 127.0.0.1:$PORT"
R=127.0.0.1:$PORT
WIPE="rm -rf $REG/storage/docker"

# ---- hakod ----------------------------------------------------------------------------------------------------------
bench_start_hakod
tar -C "$BIG" -cf - . | timeout -k 5 300 "$DOCKER" load >&2 || bench_die "docker load of the ${MIB} MiB image failed"
"$DOCKER" tag bench/big:1 "$R/hako/big:1"
out=$("$DOCKER" push "$R/hako/big:1" 2>&1) || bench_die "docker push failed: $out"

# ---- skopeo; buildah's storage as the containers-storage destination ------------------------------------------------
CS="overlay@$WORK/cs/root+$WORK/cs/runroot"
BUILDAH="buildah --root $WORK/cs/root --runroot $WORK/cs/runroot --storage-driver overlay"
bench_on_exit "$BUILDAH rmi --all --force"
SKOPEO_PUSH="skopeo copy -q --dest-tls-verify=false oci:$BIG:bench/big:1 docker://$R/skopeo/big:1"
out=$($SKOPEO_PUSH 2>&1) || bench_die "skopeo copy (push) failed: $out"

declare -A LABEL=([engine_push]="docker push (hakod)" [skopeo_push]="skopeo copy oci: -> docker://")
declare -A CMD=(
  [engine_push]="$DOCKER push -q $R/hako/big:1 >/dev/null"
  [skopeo_push]="$SKOPEO_PUSH >/dev/null"
)
declare -A PREP=([engine_push]="$WIPE" [skopeo_push]="$WIPE") MS=()
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" engine_push skopeo_push
# the push must have sent the layer (a registry that lost it rejects the manifest; check the blob is there)
$WIPE
"$DOCKER" push -q "$R/hako/big:1" >/dev/null
$SKOPEO_PUSH >/dev/null
got=$(find "$REG/storage" -name data -size +1M -printf '%s\n' | head -1)
[ "${got:-0}" = "$LAYER_BYTES" ] || bench_log "note: the registry holds no ${LAYER_BYTES}-byte blob after the pushes (got '${got:-none}')"

# ---- pull: hakod into its store after rmi; skopeo into an OCI layout and into containers-storage ----------------------
"$DOCKER" rmi bench/big:1 >/dev/null
"$DOCKER" rmi "$R/hako/big:1" >/dev/null
before=$(du -sb "$WORK/data" | cut -f1)
out=$("$DOCKER" pull -q "$R/hako/big:1" 2>&1) || bench_die "docker pull failed: $out"
after=$(du -sb "$WORK/data" | cut -f1)
[ $((after - before)) -gt "$LAYER_BYTES" ] || bench_log "note: docker pull grew hakod's data root by only $((after - before)) bytes: is the layer kept after rmi?"
LABEL+=([engine_pull]="docker pull (hakod, after rmi)" [skopeo_pull]="skopeo copy docker:// -> oci:" [skopeo_cs]="skopeo copy docker:// -> containers-storage:")
CMD+=(
  [engine_pull]="$DOCKER pull -q $R/hako/big:1 >/dev/null"
  [skopeo_pull]="skopeo copy -q --src-tls-verify=false docker://$R/skopeo/big:1 oci:$WORK/pulled:big >/dev/null"
  [skopeo_cs]="skopeo copy -q --src-tls-verify=false docker://$R/skopeo/big:1 containers-storage:[$CS]bench/big:1 >/dev/null"
)
PREP+=(
  [engine_pull]="$DOCKER rmi $R/hako/big:1 >/dev/null 2>&1 || true"
  [skopeo_pull]="rm -rf $WORK/pulled"
  [skopeo_cs]="$BUILDAH rmi --all --force >/dev/null 2>&1 || true"
)
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" engine_pull skopeo_pull skopeo_cs

# ---- pull of the same image with its layer zstd-compressed (tar+zstd, as `skopeo --dest-compress-format zstd` or
# BuildKit's compression=zstd push it): hakod decompresses through Debian's zstd program -------------------------------
ZBIG=$WORK/big-zstd-oci
skopeo copy -q --dest-compress-format zstd "oci:$BIG:bench/big:1" "oci:$ZBIG:bench/big:1" || bench_die "skopeo could not recompress the layout with zstd"
out=$(skopeo copy -q --dest-tls-verify=false "oci:$ZBIG:bench/big:1" "docker://$R/zstd/big:1" 2>&1) || bench_die "skopeo copy (zstd push) failed: $out"
ZLAYER_BYTES=$(find "$ZBIG/blobs/sha256" -type f -size +1M -printf '%s\n' | head -1)
LABEL+=([engine_zpull]="docker pull, zstd layer (hakod)" [skopeo_zpull]="skopeo copy docker:// -> oci:, zstd layer")
CMD+=(
  [engine_zpull]="$DOCKER pull -q $R/zstd/big:1 >/dev/null"
  [skopeo_zpull]="skopeo copy -q --src-tls-verify=false docker://$R/zstd/big:1 oci:$WORK/zpulled:big >/dev/null"
)
PREP+=(
  [engine_zpull]="$DOCKER rmi $R/zstd/big:1 >/dev/null 2>&1 || true"
  [skopeo_zpull]="rm -rf $WORK/zpulled"
)
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" engine_zpull skopeo_zpull

{
  bench_header "registry benchmark (one ${MIB} MiB random layer, $LAYER_BYTES bytes gzip'd; docker-registry 2.8 on 127.0.0.1; $ROUNDS rounds x $PER_ROUND runs per side)"
  echo "push: hakod $(bench_mbps "$LAYER_BYTES" "${MS[engine_push]}") MB/s (${MS[engine_push]} ms), skopeo $(bench_mbps "$LAYER_BYTES" "${MS[skopeo_push]}") MB/s (${MS[skopeo_push]} ms), ratio $(bench_ratio "${MS[skopeo_push]}" "${MS[engine_push]}")x (target >= 1.0x)"
  echo "pull: hakod $(bench_mbps "$LAYER_BYTES" "${MS[engine_pull]}") MB/s (${MS[engine_pull]} ms, unpacked), skopeo -> oci: $(bench_mbps "$LAYER_BYTES" "${MS[skopeo_pull]}") MB/s (${MS[skopeo_pull]} ms, not unpacked), ratio $(bench_ratio "${MS[skopeo_pull]}" "${MS[engine_pull]}")x (target >= 1.0x)"
  echo "pull, both unpacking: skopeo -> containers-storage (overlay) $(bench_mbps "$LAYER_BYTES" "${MS[skopeo_cs]}") MB/s (${MS[skopeo_cs]} ms), ratio $(bench_ratio "${MS[skopeo_cs]}" "${MS[engine_pull]}")x"
  echo "pull, zstd layer: hakod $(bench_mbps "$ZLAYER_BYTES" "${MS[engine_zpull]}") MB/s (${MS[engine_zpull]} ms, unpacked), skopeo -> oci: $(bench_mbps "$ZLAYER_BYTES" "${MS[skopeo_zpull]}") MB/s (${MS[skopeo_zpull]} ms), ratio $(bench_ratio "${MS[skopeo_zpull]}" "${MS[engine_zpull]}")x"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/registry-latest.txt"
bench_log "results: $OUT.*"
