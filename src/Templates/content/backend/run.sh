#!/usr/bin/env bash
# Starts the local host on http://127.0.0.1:7071/api. PostgreSQL: Postgres__ConnectionString when set, otherwise a
# private cluster under .data/ (needs the PostgreSQL server binaries; run as the postgres user when this is root).
set -euo pipefail
cd "$(dirname "$0")"
[[ -f local.settings.json ]] || cp local.settings.sample.json local.settings.json

if [[ -z "${Postgres__ConnectionString:-}" ]]; then
  bin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
  port=${RUN_PG_PORT:-55432}
  data="$PWD/.data/pg"
  as=()
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  if [[ ! -f "$data/PG_VERSION" ]]; then
    mkdir -p "$data"
    [[ $(id -u) -eq 0 ]] && chown -R postgres "$PWD/.data"
    "${as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null
  trap '"${as[@]}" "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null' EXIT
  "${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tc "select 1 from pg_database where datname = 'eventsourcing'" | grep -q 1 \
    || "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres eventsourcing
  export Postgres__ConnectionString="Host=127.0.0.1;Port=$port;Database=eventsourcing;Username=postgres"
fi

dotnet run --project src/Contoso.Orders.LocalHost -c Release
