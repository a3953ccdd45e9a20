#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas up to this admin-tools
# image's version (run by the temporal-schema job in docker-compose.yml; safe to run again).
# After temporalio/samples-server compose/scripts/setup-postgres.sh.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
export SQL_PASSWORD="$POSTGRES_PWD"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

until nc -z "$POSTGRES_SEEDS" "${DB_PORT:-5432}"; do
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
echo "schemas ready"
