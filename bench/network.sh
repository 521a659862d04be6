#!/usr/bin/env bash
# Published-port benchmark: TCP throughput and connection rate through a port published with `-p 127.0.0.1::PORT`
# (hakod's userland proxy: host loopback -> proxy in hakod -> bridge -> veth -> container) versus straight to the
# container's address on the bridge (host -> bridge -> veth -> container, no proxy). Prints each side and the ratio
# published/direct; never fails on numbers. See bench/README.md. A connection that has carried 512 KiB leaves hakod's
# event loop for its own hako-port-relay process (splice(2), runtime/native/README-port-relay.md): the iperf3 runs
# measure that relay, the ab runs (3-byte replies) the Node proxy.
#
#   throughput   iperf3 (Debian's), client on the host, server in the container's network namespace (the same binary
#                on both sides, entered with nsenter: the busybox image has no iperf3), BENCH_NET_SECS seconds per
#                run, both directions (upload: host -> container, download: -R)
#   connections  ab (apache2-utils): BENCH_NET_CONNS requests of a 3-byte file from busybox httpd in the container,
#                no keep-alive, so each request is connect + GET + reply + close; concurrency 1 and 8
#
# Environment (all optional): BENCH_NET_SECS=3, BENCH_NET_CONNS=2000, BENCH_ROUNDS=3 (sides take turns), HAKOD,
# HAKO_FIXTURES, BENCH_KEEP_TMP — as for start.sh.
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

SECS=${BENCH_NET_SECS:-3}
CONNS=${BENCH_NET_CONNS:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
IMAGE=busybox:1.38.0-glibc
NAME=hako-bench-net

bench_require_root
bench_ensure_pkgs iperf3 apache2-utils
bench_init network
bench_start_hakod
bench_load_busybox

# ---- the container: httpd on 80 (connections), iperf3 -s on 5201 in its namespace (throughput) ------------------------
"$DOCKER" run -d --name "$NAME" -p 127.0.0.1::5201 -p 127.0.0.1::80 "$IMAGE" \
  sh -c 'mkdir -p /www && echo ok >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
bench_on_exit "\"$DOCKER\" rm -f $NAME"
PID=$("$DOCKER" inspect -f '{{.State.Pid}}' "$NAME")
IP=$("$DOCKER" inspect -f '{{.NetworkSettings.IPAddress}}' "$NAME")
port_of() { "$DOCKER" port "$NAME" "$1" | head -n1 | sed 's/.*://'; }
P_IPERF=$(port_of 5201/tcp)
P_HTTP=$(port_of 80/tcp)
if [ -z "$PID" ] || [ "$PID" -le 0 ] || [ -z "$IP" ] || [ -z "$P_IPERF" ] || [ -z "$P_HTTP" ]; then
  bench_die "container not wired: pid '$PID', address '$IP', ports '$P_IPERF' '$P_HTTP'"
fi
bench_log "container $NAME: pid $PID, address $IP; published 127.0.0.1:$P_IPERF->5201, 127.0.0.1:$P_HTTP->80"

nsenter --net="/proc/$PID/ns/net" iperf3 -s -p 5201 >"$WORK/iperf3-server.log" 2>&1 &
IPERF_PID=$!
bench_on_exit "kill $IPERF_PID"

# Both paths must answer before anything is timed.
ready=
for _ in $(seq 50); do
  if [ "$(curl -s --max-time 2 "http://127.0.0.1:$P_HTTP/")" = ok ] && [ "$(curl -s --max-time 2 "http://$IP/")" = ok ] \
    && timeout -k 2 10 iperf3 -c "$IP" -p 5201 -n 1M >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || bench_die "the container does not answer (httpd on 80, iperf3 on 5201; log $WORK/iperf3-server.log)"

# iperf3 -J → received bits per second, as MB/s (10^6 bytes)
iperf_mbs() {
  local json
  json=$(timeout -k 5 $((SECS + 30)) iperf3 -c "$1" -p "$2" -t "$SECS" -J ${3:+"$3"}) || bench_die "iperf3 -c $1 -p $2 $3 failed: $json"
  node -e 'const j = JSON.parse(process.argv[1]); console.log((j.end.sum_received.bits_per_second / 8e6).toFixed(1))' "$json"
}
# ab → requests (= connections) per second
ab_rate() {
  local out
  out=$(timeout -k 5 120 ab -q -n "$CONNS" -c "$2" "$1" 2>&1) || bench_die "ab -c $2 $1 failed: $out"
  local failed
  failed=$(awk '/^Failed requests:/ { print $3 }' <<<"$out")
  [ "${failed:-0}" = 0 ] || bench_log "note: ab $1 -c $2: $failed failed requests"
  awk '/^Requests per second:/ { print $4 }' <<<"$out"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A VALUES=()
add() { VALUES[$1]="${VALUES[$1]:-} $2"; }
for r in $(seq "$ROUNDS"); do
  bench_log "round $r/$ROUNDS"
  add up_direct "$(iperf_mbs "$IP" 5201)"
  add up_proxy "$(iperf_mbs 127.0.0.1 "$P_IPERF")"
  add down_direct "$(iperf_mbs "$IP" 5201 -R)"
  add down_proxy "$(iperf_mbs 127.0.0.1 "$P_IPERF" -R)"
  for c in 1 8; do
    add "conn${c}_direct" "$(ab_rate "http://$IP/" "$c")"
    add "conn${c}_proxy" "$(ab_rate "http://127.0.0.1:$P_HTTP/" "$c")"
  done
done
declare -A M=()
for k in "${!VALUES[@]}"; do
  # shellcheck disable=SC2086
  M[$k]=$(median ${VALUES[$k]})
done
# hakod's own CPU time over the whole run (the proxy runs in its event loop; the relays are separate processes)
HAKOD_CPU=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$HAKOD_PID/stat" 2>/dev/null || echo "?")

{
  bench_header "published-port benchmark (iperf3 ${SECS}s per run, ab $CONNS requests per run; $ROUNDS rounds, medians)"
  echo "throughput host->container: published ${M[up_proxy]} MB/s, direct ${M[up_direct]} MB/s, ratio $(bench_ratio "${M[up_proxy]}" "${M[up_direct]}")x (target >= 0.6x)"
  echo "throughput container->host: published ${M[down_proxy]} MB/s, direct ${M[down_direct]} MB/s, ratio $(bench_ratio "${M[down_proxy]}" "${M[down_direct]}")x (target >= 0.6x)"
  echo "connections/s, one at a time: published ${M[conn1_proxy]}, direct ${M[conn1_direct]}, ratio $(bench_ratio "${M[conn1_proxy]}" "${M[conn1_direct]}")x"
  echo "connections/s, 8 concurrent: published ${M[conn8_proxy]}, direct ${M[conn8_direct]}, ratio $(bench_ratio "${M[conn8_proxy]}" "${M[conn8_direct]}")x"
  echo "# all runs (MB/s, connections/s):$(for k in $(printf '%s\n' "${!VALUES[@]}" | sort); do printf ' %s=[%s]' "$k" "$(printf %s "${VALUES[$k]# }" | tr ' ' ,)"; done); hakod CPU ${HAKOD_CPU} s"
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/network-latest.txt"
bench_log "results: $OUT.*"
