#!/usr/bin/env bash
# The run command: starts the backend locally (the ASP.NET Core local host on http://127.0.0.1:7071).
# Starts a private PostgreSQL cluster under .data/ (kept between runs) unless Postgres__ConnectionString
# is set, and Redis if redis-server is installed; stops what it started on Ctrl+C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PG_PORT="${RUN_PG_PORT:-55432}"
REDIS_PORT="${RUN_REDIS_PORT:-56379}"
DATA="$PWD/.data"
started_pg=""
redis_pid=""

say() { printf '==> %s\n' "$*"; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }

cleanup() {
  [[ -n "$redis_pid" ]] && { say "Stopping Redis"; kill "$redis_pid" 2>/dev/null || true; }
  [[ -n "$started_pg" ]] && { say "Stopping PostgreSQL"; as_postgres "$(pg_bin pg_ctl)" -D "$DATA/postgres" -m fast stop >/dev/null || true; }
}
trap cleanup EXIT INT TERM

if [[ ! -f local.settings.json ]]; then
  say "Creating local.settings.json from local.settings.sample.json"
  cp local.settings.sample.json local.settings.json
fi

if [[ -z "${Postgres__ConnectionString:-}" ]]; then
  mkdir -p "$DATA"
  if [[ ! -d "$DATA/postgres" ]]; then
    say "Creating a PostgreSQL cluster in .data/postgres"
    mkdir -p "$DATA/postgres"
    [[ $(id -u) -eq 0 ]] && chown postgres "$DATA" "$DATA/postgres"
    as_postgres "$(pg_bin initdb)" -D "$DATA/postgres" -U postgres -A trust -E UTF8 >/dev/null
  fi
  # max_connections 200 leaves headroom over the API's pool (Postgres__MaxPoolSize, default 20) for psql,
  # a second instance or a benchmark: see README, "Connections".
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_postgres "$(pg_bin pg_ctl)" -D "$DATA/postgres" -l "$DATA/postgres.log" -w \
    -o "-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  started_pg=1
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname = 'eventsourcing'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database eventsourcing"
  export Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Database=eventsourcing;Username=postgres"
fi

if [[ -z "${Redis__ConnectionString:-}" ]]; then
  if command -v redis-server >/dev/null 2>&1; then
    say "Starting Redis on 127.0.0.1:$REDIS_PORT (snapshot cache)"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$DATA/redis.log" 2>&1 &
    redis_pid=$!
    export Redis__ConnectionString="127.0.0.1:$REDIS_PORT,abortConnect=false"
  else
    say "redis-server not installed: running without the snapshot cache"
    export Redis__ConnectionString=""
  fi
fi

say "Building the local host"
dotnet build src/Hosts/LocalHost -c Release --nologo -v quiet -clp:NoSummary

url="${ASPNETCORE_URLS:-http://127.0.0.1:7071}"
cat <<MSG
==> Starting the API on $url (migrations apply at start-up; Ctrl+C stops everything)
    Try:  curl -s -X POST $url/api/aggregates/account/42/commands/open \\
            -H 'content-type: application/json' -d '{"owner":"Ada","currency":"EUR"}'
MSG
dotnet src/Hosts/LocalHost/bin/Release/net10.0/Serverless.EventSourcing.LocalHost.dll --urls "$url" &
app_pid=$!
trap 'kill -TERM $app_pid 2>/dev/null; wait $app_pid 2>/dev/null; cleanup' EXIT INT TERM
wait "$app_pid"
