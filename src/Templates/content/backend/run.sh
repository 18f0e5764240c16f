#!/usr/bin/env bash
# Starts the local host on http://127.0.0.1:7071/api (ASPNETCORE_URLS changes it). PostgreSQL: Postgres__ConnectionString
# when set, otherwise a private cluster under .data/ (RUN_DATA_DIR changes it; RUN_PG_PORT its port, 55432). It needs
# the PostgreSQL server binaries, and runs them as the postgres user when this is root.
set -euo pipefail
cd "$(dirname "$0")"
[[ -f local.settings.json ]] || cp local.settings.sample.json local.settings.json
export LOCAL_SETTINGS_PATH="$PWD/local.settings.json"

as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }

if [[ -z "${Postgres__ConnectionString:-}" ]]; then
  port=${RUN_PG_PORT:-55432}
  root="${RUN_DATA_DIR:-$PWD/.data}"
  data="$root/pg"
  mkdir -p "$root"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$root"
    if ! runuser -u postgres -- test -w "$root"; then
      echo "As root, PostgreSQL runs as the postgres user, which cannot reach $root (a parent directory is private)." >&2
      echo "Set RUN_DATA_DIR to a directory it can reach (for example /var/tmp/$(basename "$PWD")), or Postgres__ConnectionString." >&2
      exit 1
    fi
  fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_postgres "$(pg_bin initdb)" -D "$data" -U postgres -A trust -E UTF8 >/dev/null
  fi
  as_postgres "$(pg_bin pg_ctl)" -D "$data" -l "$data/server.log" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null
  trap 'as_postgres "$(pg_bin pg_ctl)" -D "$data" -m fast stop >/dev/null' EXIT
  "$(pg_bin psql)" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname = 'eventsourcing'" | grep -q 1 \
    || "$(pg_bin createdb)" -h 127.0.0.1 -p "$port" -U postgres eventsourcing
  export Postgres__ConnectionString="Host=127.0.0.1;Port=$port;Database=eventsourcing;Username=postgres"
fi

dotnet run --project src/Contoso.Orders.LocalHost -c Release
