#!/usr/bin/env bash
# The one test command (`npm test`, the README's second command; `.ci/run` calls it). On a fresh machine it first
# installs what the tests need (Debian packages, node_modules, a build, a PostgreSQL on 127.0.0.1), then runs, in
# order: type-check, lint, vitest (unit + integration against real engines, SQLite and PostgreSQL), Playwright
# (real chromium against a real console and hakod). Prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/system-deps.sh test
scripts/ensure-node-modules.sh
bash scripts/build.sh

# Fixtures: one setting. Without ../shared the tests build equivalents from Debian's busybox-static.
export HAKO_FIXTURES="${HAKO_FIXTURES:-$root/../shared}"
if [ -d "$HAKO_FIXTURES/images/busybox-glibc-oci" ]; then
  echo "fixtures: upstream images from $HAKO_FIXTURES/images"
else
  echo "fixtures: $HAKO_FIXTURES/images not found; tests build equivalents from Debian's busybox-static"
fi

if [ -z "${HAKO_TEST_POSTGRES_URL:-}" ] && [ -z "${HAKO_SKIP_POSTGRES:-}" ]; then
  HAKO_TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
  export HAKO_TEST_POSTGRES_URL
fi

out="$root/.hako/test-reports"; mkdir -p "$out"  # not test-results/: Playwright empties that at start
echo "== type-check"; npx tsc --noEmit
echo "== lint"; npx eslint --max-warnings 0 .
echo "== vitest"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" || status=$?
echo "== playwright"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || status=$?
node scripts/test-summary.mjs "$out/vitest.json" "$out/playwright.json"
exit $status
