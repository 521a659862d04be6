#!/usr/bin/env bash
# Generates the Prisma clients of both providers, offline:
#   prisma/schema.prisma            → server/db/generated/sqlite
#   prisma/postgresql/schema.prisma → server/db/generated/postgresql
# `prisma generate` first tries to download the schema-engine binary, which it never runs for generation; pointing
# PRISMA_SCHEMA_ENGINE_BINARY at /bin/false skips the download (not /bin/true: a `migrate deploy` run by mistake
# would then "succeed" having applied nothing). Skipped when the output is newer than the schemas and the prisma
# version (package-lock.json); HAKO_PRISMA_GENERATE=always forces it.
set -euo pipefail
cd "$(dirname "$0")/.."

generate() { # generate SCHEMA OUTPUT_DIR
  local schema=$1 out=$2
  if [ "${HAKO_PRISMA_GENERATE:-}" != always ] && [ -f "$out/client.ts" ] &&
    [ -z "$(find "$schema" package-lock.json -newer "$out/client.ts" -print -quit)" ]; then
    return 0
  fi
  echo "prisma generate: $schema → $out"
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 \
    npx --no-install prisma generate --schema "$schema" >/tmp/hako-prisma-generate.log 2>&1 ||
    { cat /tmp/hako-prisma-generate.log >&2; exit 1; }
}

generate prisma/schema.prisma server/db/generated/sqlite
generate prisma/postgresql/schema.prisma server/db/generated/postgresql
