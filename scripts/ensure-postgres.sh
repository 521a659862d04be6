#!/usr/bin/env bash
# Makes a real PostgreSQL available for the database tests and prints its URL on stdout (nothing else goes to stdout).
#
#   export HAKO_TEST_POSTGRES_URL="$(bash scripts/ensure-postgres.sh)"
#
# Idempotent: installs Debian's postgresql if missing, starts the cluster, creates the role and the database if absent.
# The role gets CREATEDB because the migration engine replays the history into throw-away shadow databases.
# Needs root (apt-get, and `su postgres` for the peer-authenticated admin connection).
# Overridable: HAKO_PG_VERSION (15), HAKO_PG_CLUSTER (main), HAKO_PG_PORT (5432), HAKO_PG_USER/PASSWORD/DB.
set -euo pipefail

version="${HAKO_PG_VERSION:-15}"
cluster="${HAKO_PG_CLUSTER:-main}"
port="${HAKO_PG_PORT:-5432}"
user="${HAKO_PG_USER:-hako}"
password="${HAKO_PG_PASSWORD:-hako}"
db="${HAKO_PG_DB:-hako_test}"

log() { echo "ensure-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null || [ ! -d "/usr/lib/postgresql/$version" ]; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

if [ ! -d "/etc/postgresql/$version/$cluster" ]; then
  log "creating cluster $version/$cluster on port $port"
  pg_createcluster "$version" "$cluster" --port "$port" >&2
fi

if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
  log "starting cluster $version/$cluster"
  pg_ctlcluster "$version" "$cluster" start >&2
fi

# Wait for the server to accept connections (start can return before it does on a slow machine).
for _ in $(seq 1 50); do
  if (cd / && su postgres -c "pg_isready -q -p $port"); then break; fi
  sleep 0.2
done

# As the postgres superuser over the local socket (peer authentication); psql reads the script from stdin.
psql_admin() { (cd / && su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qAt") >&2; }

psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE "$user" LOGIN CREATEDB PASSWORD '$password';
  ELSE
    ALTER ROLE "$user" LOGIN CREATEDB PASSWORD '$password';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE "$db" OWNER "$user"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')
\\gexec
SQL

echo "postgresql://$user:$password@127.0.0.1:$port/$db"
