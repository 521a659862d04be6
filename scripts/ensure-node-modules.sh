#!/usr/bin/env bash
# Installs node_modules from package-lock.json when missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci; better-sqlite3 compiles from source, ~2 min)"
  npm ci --no-audit --no-fund --loglevel=error
fi
