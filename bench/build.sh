#!/usr/bin/env bash
# Build benchmark: a small Dockerfile (FROM busybox, two RUN, one COPY) built through `docker build` (the stock CLI's
# classic builder: POST /build with a tar context) against a private hakod, side by side with Debian's
# `buildah bud --layers` (runc as its runtime, its storage in the temp dir) — cold (the base image present, every step
# run: --no-cache) and fully cached (every step from the cache). Prints medians and ratios; never fails on numbers.
# See bench/README.md.
#
# Environment (all optional): BENCH_RUNS=6 (per side and mode, in all), BENCH_ROUNDS=3, BENCH_WARMUP=1, HAKOD,
# HAKO_FIXTURES, BENCH_KEEP_TMP — as for start.sh.
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

RUNS=${BENCH_RUNS:-6}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-1}
[ $((RUNS / ROUNDS)) -ge 2 ] || ROUNDS=$((RUNS / 2))
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
PER_ROUND=$(((RUNS + ROUNDS - 1) / ROUNDS))
IMAGE=busybox:1.38.0-glibc

bench_require_root
bench_ensure_pkgs hyperfine runc buildah
bench_init build
LAYOUT=$(bench_busybox_layout "$WORK")

CTX=$WORK/ctx
mkdir -p "$CTX"
echo "hello from the build context" >"$CTX/hello.txt"
cat >"$CTX/Dockerfile" <<DOCKERFILE
FROM $IMAGE
RUN echo one > /one && mkdir -p /app
RUN echo two > /two && cat /one /two > /app/both
COPY hello.txt /app/hello.txt
DOCKERFILE

# ---- buildah: private storage, runc, the base image from the OCI layout ---------------------------------------------
BUILDAH="buildah --root $WORK/buildah/root --runroot $WORK/buildah/runroot --storage-driver overlay"
bench_on_exit "$BUILDAH rm --all; $BUILDAH rmi --all --force"
id=$($BUILDAH pull -q "oci:$LAYOUT" 2>"$WORK/buildah.err") || bench_die "buildah pull oci:$LAYOUT failed: $(cat "$WORK/buildah.err")"
$BUILDAH tag "$id" "docker.io/library/$IMAGE"
BUD="$BUILDAH bud --runtime runc --layers --pull-never -t bench/small:1"
out=$($BUD --no-cache "$CTX" 2>&1) || bench_die "buildah bud failed: $out"
out=$($BUILDAH from --pull-never --quiet bench/small:1 2>&1) && ctr=$out && \
  both=$($BUILDAH run --runtime runc "$ctr" cat /app/both /app/hello.txt 2>&1) && $BUILDAH rm "$ctr" >/dev/null || true
[ "${both:-}" = $'one\ntwo\nhello from the build context' ] || bench_log "note: could not check buildah's image: ${both:-$out}"

# ---- hakod ----------------------------------------------------------------------------------------------------------
bench_start_hakod
bench_load_busybox
export DOCKER_BUILDKIT=0 # the classic builder (POST /build), as the CLI falls back to without buildx
out=$("$DOCKER" build --no-cache -t bench/small:1 "$CTX" 2>&1) || bench_die "docker build failed: $out"
both=$("$DOCKER" run --rm bench/small:1 cat /app/both /app/hello.txt 2>&1) || true
[ "$both" = $'one\ntwo\nhello from the build context' ] || bench_die "the image hakod built is wrong: '$both'"
# a cached rebuild must really come from the cache: the same image ID
id1=$("$DOCKER" image inspect -f '{{.Id}}' bench/small:1)
"$DOCKER" build -t bench/small:1 "$CTX" >/dev/null 2>&1
id2=$("$DOCKER" image inspect -f '{{.Id}}' bench/small:1)
[ "$id1" = "$id2" ] || bench_log "note: hakod's cached rebuild gave a new image ID ($id1 -> $id2): not fully cached"

declare -A LABEL=(
  [buildah_cold]="buildah bud --layers --no-cache" [engine_cold]="docker build --no-cache (hakod)"
  [buildah_cached]="buildah bud --layers (cached)" [engine_cached]="docker build (hakod, cached)"
)
declare -A CMD=(
  [buildah_cold]="$BUD --no-cache $CTX >/dev/null 2>&1" [engine_cold]="$DOCKER build --no-cache -t bench/small:1 $CTX >/dev/null 2>&1"
  [buildah_cached]="$BUD $CTX >/dev/null 2>&1" [engine_cached]="$DOCKER build -t bench/small:1 $CTX >/dev/null 2>&1"
)
declare -A PREP=() MS=()
bench_rounds "$ROUNDS" "$PER_ROUND" "$WARMUP" buildah_cold engine_cold buildah_cached engine_cached

{
  bench_header "build benchmark ($ROUNDS rounds x $PER_ROUND runs (+$WARMUP warmup) per side and mode)"
  echo "cold (--no-cache, base present): hakod ${MS[engine_cold]} ms, buildah ${MS[buildah_cold]} ms, ratio $(bench_ratio "${MS[engine_cold]}" "${MS[buildah_cold]}")x (target <= 0.5x)"
  echo "cached rebuild: hakod ${MS[engine_cached]} ms, buildah ${MS[buildah_cached]} ms, ratio $(bench_ratio "${MS[engine_cached]}" "${MS[buildah_cached]}")x (target <= 0.3x)"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/build-latest.txt"
bench_log "results: $OUT.*"
