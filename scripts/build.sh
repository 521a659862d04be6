#!/usr/bin/env bash
# Builds what Hako runs from: the native hako-shim (gcc), the Prisma clients (offline), the Next.js console.
# Each step is skipped when its output is newer than its inputs, so `bin/hako up` and `npm test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

make -s -C runtime/native
make -s -C runtime/init

bash scripts/prisma-generate.sh

stale() { # stale OUTPUT INPUT_DIRS...: true when OUTPUT is missing or any input file is newer
  local out=$1; shift
  [ ! -e "$out" ] && return 0
  [ -n "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}
if stale .next/BUILD_ID app server next.config.ts postcss.config.mjs package-lock.json; then
  echo "building the console (next build)"
  npx next build >/tmp/hako-next-build.log 2>&1 || { tail -40 /tmp/hako-next-build.log; exit 1; }
fi
