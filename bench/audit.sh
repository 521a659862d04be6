#!/usr/bin/env bash
# Audit benchmark (issue 6 item 9), on SQLite and on PostgreSQL:
#   (a) what the audit path adds to a mutation: bench/audit/mutation-cost.ts times cheap tRPC mutations in process with
#       the real audit writer and with a no-op one, in alternating rounds, and prints the ratio;
#   (b) the audit viewer on 1,000,000 rows: bench/audit/query-1m.ts fills the log once (kept between runs, resumed if
#       short) and prints p50/p95 of each filtered first page and a 50-pages-deep keyset page, and one verify walk.
# No engine is involved. Prints numbers and never fails on them; fails only when a side cannot run.
#
# Environment (all optional): BENCH_AUDIT_ROWS=1000000, BENCH_AUDIT_RUNS=20 (per query case), BENCH_AUDIT_CALLS=1000
# (per side and procedure), BENCH_AUDIT_DIR=/var/tmp/hako-audit-bench (the filled SQLite log, reused; delete it to
# refill), BENCH_AUDIT_PG=1 (0 skips PostgreSQL; otherwise scripts/ensure-postgres.sh provides it, databases
# hako_audit_bench and hako_audit_cost).
set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_REPO/bench/lib/common.sh"

ROWS=${BENCH_AUDIT_ROWS:-1000000}
RUNS=${BENCH_AUDIT_RUNS:-20}
CALLS=${BENCH_AUDIT_CALLS:-1000}
DIR=${BENCH_AUDIT_DIR:-/var/tmp/hako-audit-bench}
PG=${BENCH_AUDIT_PG:-1}

bench_init audit
mkdir -p "$DIR"
tsx() { (cd "$BENCH_REPO" && node --import ./node_modules/tsx/dist/loader.mjs "$@"); }

providers=("sqlite")
if [ "$PG" != 0 ]; then
  bench_require_root # ensure-postgres installs and starts the cluster
  PG_QUERY_URL=$(HAKO_PG_DB=hako_audit_bench bash "$BENCH_REPO/scripts/ensure-postgres.sh")
  PG_COST_URL=$(HAKO_PG_DB=hako_audit_cost bash "$BENCH_REPO/scripts/ensure-postgres.sh")
  providers+=("postgresql")
fi

{
  bench_header "audit: mutation cost and the viewer on $ROWS rows"
  for p in "${providers[@]}"; do
    echo
    echo "## $p: cost of the audit path per mutation"
    if [ "$p" = sqlite ]; then cost_url="file:$WORK/cost.db"; else cost_url=$PG_COST_URL; fi
    tsx bench/audit/mutation-cost.ts --calls "$CALLS" --url "$cost_url" || bench_die "mutation-cost on $p failed"
    echo
    echo "## $p: filtered audit queries on $ROWS rows"
    if [ "$p" = sqlite ]; then query_url="file:$DIR/audit-$ROWS.db"; else query_url=$PG_QUERY_URL; fi
    tsx bench/audit/query-1m.ts --rows "$ROWS" --runs "$RUNS" --url "$query_url" || bench_die "query-1m on $p failed"
    echo "# load average after $p: $(cut -d" " -f1-3 /proc/loadavg)"
  done
} | tee "$OUT.txt"
cp "$OUT.txt" "$RESULTS/audit-latest.txt"
bench_log "summary: $OUT.txt"
