#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas up to the server's version
# (run by the temporal-schema job in docker-compose.yml, and by `rectify cluster up` with its own
# build's temporal-sql-tool and schemas; safe to run again).
# After temporalio/samples-server compose/scripts/setup-postgres.sh.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
export SQL_PASSWORD="$POSTGRES_PWD"
# The admin-tools image keeps the schemas here; `rectify cluster` passes those of its own build.
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

# Wait for the server: nc in the admin-tools image, bash's /dev/tcp where there is no nc.
reachable() {
  if command -v nc >/dev/null 2>&1; then nc -z "$POSTGRES_SEEDS" "${DB_PORT:-5432}"
  else bash -c "exec 3<>/dev/tcp/$POSTGRES_SEEDS/${DB_PORT:-5432}" 2>/dev/null; fi
}
tries=0
until reachable; do
  tries=$((tries + 1))
  [ "$tries" -ge 120 ] && { echo "PostgreSQL at $POSTGRES_SEEDS:${DB_PORT:-5432} not reachable" >&2; exit 1; }
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:${DB_PORT:-5432}"
  sleep 1
done

for db in temporal temporal_visibility; do
  dir=temporal
  [ "$db" = temporal_visibility ] && dir=visibility
  sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "${DB_PORT:-5432}" --db "$db" "$@"; }
  sql create || echo "database $db exists"
  sql setup-schema -v 0.0
  sql update-schema -d "$SCHEMA_DIR/$dir/versioned"
done
# The desk's own database (accounts, sign-ins, installed years, evidence): its tables are rectify's
# to migrate (deploy/rectify-db/migrations, applied by whichever rectify process opens it first).
temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "${DB_PORT:-5432}" --db rectify create ||
  echo "database rectify exists"
echo "schemas ready"
