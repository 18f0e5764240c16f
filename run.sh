#!/usr/bin/env bash
# The run command: starts the backend locally (the ASP.NET Core local host on http://127.0.0.1:7071).
# Starts a private PostgreSQL cluster under .data/ (kept between runs) unless Postgres__ConnectionString
# is set, and Redis if redis-server is installed; stops what it started however the API ends (Ctrl+C,
# SIGTERM, or the API dying), and takes over what a run killed outright left behind.
# Environment: RUN_PG_PORT, RUN_REDIS_PORT, RUN_DATA_DIR (default .data), ASPNETCORE_URLS,
# LOCAL_SETTINGS_PATH (default local.settings.json), RUN_SKIP_BUILD=1 (use the last build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PG_PORT="${RUN_PG_PORT:-55432}"
REDIS_PORT="${RUN_REDIS_PORT:-56379}"
DATA="${RUN_DATA_DIR:-$PWD/.data}"
export LOCAL_SETTINGS_PATH="${LOCAL_SETTINGS_PATH:-$PWD/local.settings.json}"
APP_DLL=src/Hosts/LocalHost/bin/Release/net10.0/Serverless.EventSourcing.LocalHost.dll
started_pg=""
redis_pid=""
app_pid=""

say() { printf '==> %s\n' "$*"; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }
pg_ctl() { as_postgres "$(pg_bin pg_ctl)" -D "$DATA/postgres" "$@"; }
# True when $1 is a live process whose command line mentions $2 (a pid file may name a recycled pid).
is_running() { [[ -n "$1" && -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }

# Stops a process by pid: SIGTERM, up to $3 seconds of grace, then SIGKILL. Never fails.
stop_process() {
  local pid="$1" name="$2" grace="${3:-10}"
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$name did not stop within ${grace} s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# Runs once on every way out (normal exit, Ctrl+C, SIGTERM, the API dying, a failed step); must not fail itself.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n "$app_pid" ]]; then say "Stopping the API"; stop_process "$app_pid" "The API" 30; wait "$app_pid" 2>/dev/null; rm -f "$DATA/app.pid"; fi
  if [[ -n "$redis_pid" ]]; then say "Stopping Redis"; stop_process "$redis_pid" "Redis"; wait "$redis_pid" 2>/dev/null; rm -f "$DATA/redis.pid"; fi
  if [[ -n "$started_pg" ]]; then
    say "Stopping PostgreSQL"
    pg_ctl -m fast -w -t 30 stop >/dev/null 2>&1 || pg_ctl -m immediate -w stop >/dev/null 2>&1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What a run that was killed outright (SIGKILL, a closed terminal) left running: stop it, so this run owns its servers.
take_over_leftovers() {
  local pid
  pid=$(cat "$DATA/app.pid" 2>/dev/null || true)
  if is_running "$pid" "$APP_DLL"; then say "Stopping the API a previous run left running (pid $pid)"; stop_process "$pid" "The old API" 30; fi
  pid=$(cat "$DATA/redis.pid" 2>/dev/null || true)
  if is_running "$pid" redis-server; then say "Stopping the Redis a previous run left running (pid $pid)"; stop_process "$pid" "The old Redis"; fi
  rm -f "$DATA/app.pid" "$DATA/redis.pid"
  if [[ -f "$DATA/postgres/postmaster.pid" ]]; then
    pid=$(head -n 1 "$DATA/postgres/postmaster.pid")
    if is_running "$pid" "$DATA/postgres"; then
      say "Stopping the PostgreSQL a previous run left running (pid $pid)"
      pg_ctl -m fast -w -t 30 stop >/dev/null
    elif kill -0 "$pid" 2>/dev/null; then
      # The cluster died and its pid now belongs to another process: PostgreSQL would refuse to start.
      say "Removing a stale postmaster.pid (pid $pid is no longer PostgreSQL)"
      rm -f "$DATA/postgres/postmaster.pid"
    fi
    # A dead pid needs nothing: PostgreSQL replaces its own stale lock file.
  fi
}

if [[ ! -f "$LOCAL_SETTINGS_PATH" ]]; then
  say "Creating $LOCAL_SETTINGS_PATH from local.settings.sample.json"
  cp local.settings.sample.json "$LOCAL_SETTINGS_PATH"
fi

mkdir -p "$DATA"
# One run per data folder, held until its cleanup has stopped everything: a run started while the previous one is
# still stopping its servers waits for it instead of binding ports that are about to close (or having its own
# PostgreSQL stopped by the old run's cleanup). Every server and build below gets `9>&-`, so no child outlives the run
# holding the lock. A run killed outright releases it with its death; take_over_leftovers then handles its servers.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DATA/run.lock"
  if ! flock -n 9; then
    if is_running "$(cat "$DATA/app.pid" 2>/dev/null || true)" "$APP_DLL"; then
      say "Another ./run.sh is serving from $DATA: stop it first (Ctrl+C in its terminal), or set RUN_DATA_DIR"
      exit 1
    fi
    say "Waiting for the previous run to finish stopping"
    flock -w 90 9 || { say "The previous run did not stop within 90 s"; exit 1; }
  fi
fi
take_over_leftovers

if [[ -z "${Postgres__ConnectionString:-}" ]]; then
  if [[ ! -d "$DATA/postgres" ]]; then
    say "Creating a PostgreSQL cluster in $DATA/postgres"
    mkdir -p "$DATA/postgres"
    [[ $(id -u) -eq 0 ]] && chown postgres "$DATA" "$DATA/postgres"
    as_postgres "$(pg_bin initdb)" -D "$DATA/postgres" -U postgres -A trust -E UTF8 >/dev/null 9>&-
  fi
  # max_connections 200 leaves headroom over the API's pool (Postgres__MaxPoolSize, default 20) for psql,
  # a second instance or a benchmark: see README, "Connections".
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  started_pg=1
  pg_ctl -l "$DATA/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null 9>&-
  sql() { "$(pg_bin psql)" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
  sql -tAc "select 1 from pg_database where datname = 'eventsourcing'" | grep -q 1 || sql -qc "create database eventsourcing"
  export Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Database=eventsourcing;Username=postgres"
fi

if [[ -z "${Redis__ConnectionString:-}" ]]; then
  if command -v redis-server >/dev/null 2>&1; then
    say "Starting Redis on 127.0.0.1:$REDIS_PORT (snapshot cache)"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$DATA/redis.log" 2>&1 9>&- &
    redis_pid=$!
    echo "$redis_pid" >"$DATA/redis.pid"
    export Redis__ConnectionString="127.0.0.1:$REDIS_PORT,abortConnect=false"
  else
    say "redis-server not installed: running without the snapshot cache"
    export Redis__ConnectionString=""
  fi
fi

# The bank encrypts personal fields under a master key (README, "Personal data"). Without one configured, a development
# key is made once and kept beside the data it protects, in $DATA (a deployment takes it from Key Vault).
if [[ -z "${PersonalData__MasterKeys__1:-}" ]] && ! grep -q '"PersonalData__MasterKeys__1": *"[^"]' "$LOCAL_SETTINGS_PATH"; then
  if [[ ! -s "$DATA/master-key" ]]; then
    say "Creating a development master key for personal data in $DATA/master-key"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$DATA/master-key")
  fi
  export PersonalData__MasterKeys__1="$(cat "$DATA/master-key")"
fi

if [[ "${RUN_SKIP_BUILD:-}" == 1 ]]; then
  say "Using the last build of the local host (RUN_SKIP_BUILD=1)"
else
  say "Building the local host"
  dotnet build src/Hosts/LocalHost -c Release --nologo -v quiet -clp:NoSummary 9>&-
fi

url="${ASPNETCORE_URLS:-http://127.0.0.1:7071}"
cat <<MSG
==> Starting the API on $url (migrations apply at start-up; Ctrl+C stops everything)
    Try:  curl -s -X POST $url/api/aggregates/account/42/commands/open \\
            -H 'content-type: application/json' -d '{"owner":"Ada","currency":"EUR"}'
MSG
dotnet "$APP_DLL" --urls "$url" 9>&- &
app_pid=$!
echo "$app_pid" >"$DATA/app.pid"
status=0
wait "$app_pid" || status=$?
app_pid=""
rm -f "$DATA/app.pid"
say "The API exited with status $status"
exit "$status"
