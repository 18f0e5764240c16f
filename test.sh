#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks, builds every project of the solution (the Azure
# Functions app included, without its one KafkaTrigger file: see README) and runs every test (headless Chromium included). The fixtures start
# their own throwaway PostgreSQL (also behind PgBouncer), Redis, Azurite and Kafka-protocol servers unless POSTGRES_CONNECTION_STRING,
# REDIS_CONNECTION_STRING, AZURITE_CONNECTION_STRING or KAFKA_BOOTSTRAP_SERVERS point at existing ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
started=$SECONDS
say() { printf '==> %s\n' "$*"; }

# Pinned test tools, installed under .tools/ (git-ignored).
AZURITE_VERSION=3.37.0
export AZURITE_PATH="${AZURITE_PATH:-$PWD/.tools/azurite/node_modules/.bin/azurite}"
# The OpenAPI document is linted and turned into clients (GeneratedClientTests) with these.
REDOCLY_VERSION=2.77.0
KIOTA_VERSION=1.38.0
NSWAG_VERSION=14.8.0
export REDOCLY_PATH="${REDOCLY_PATH:-$PWD/.tools/redocly/node_modules/.bin/redocly}"
export KIOTA_PATH="${KIOTA_PATH:-$PWD/.tools/kiota/kiota}"
export NSWAG_PATH="${NSWAG_PATH:-$PWD/.tools/nswag/nswag}"

have_postgres() { command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
packages=()
[[ -n "${POSTGRES_CONNECTION_STRING:-}" ]] || have_postgres || packages+=(postgresql)
[[ -n "${REDIS_CONNECTION_STRING:-}" ]] || command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v runuser >/dev/null 2>&1 || packages+=(util-linux)
# PgBouncer in transaction mode in front of the test cluster (Tests/PgBouncer).
command -v pgbouncer >/dev/null 2>&1 || [[ -x /usr/sbin/pgbouncer ]] || packages+=(pgbouncer)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# Headless Chromium drives a cross-origin page (CORS, EventSource) against the local host (BrowserCorsTests).
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || packages+=(chromium)
if ((${#packages[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    printf 'Missing: %s\nInstall them first:  sudo apt-get update && sudo apt-get install -y %s\n' "${packages[*]}" "${packages[*]}" >&2
    exit 1
  fi
  say "Installing: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [[ -z "${AZURITE_CONNECTION_STRING:-}" && ! -x "$AZURITE_PATH" ]]; then
  say "Installing Azurite $AZURITE_VERSION (npm) into .tools/azurite"
  npm install --silent --no-audit --no-fund --prefix .tools/azurite "azurite@$AZURITE_VERSION" >/dev/null
fi

if [[ ! -x "$REDOCLY_PATH" ]]; then
  say "Installing Redocly CLI $REDOCLY_VERSION (npm) into .tools/redocly"
  npm install --silent --no-audit --no-fund --prefix .tools/redocly "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet not on PATH)." >&2; exit 1; }

if [[ ! -x "$KIOTA_PATH" ]]; then
  say "Installing Kiota $KIOTA_VERSION (dotnet tool) into .tools/kiota"
  dotnet tool install Microsoft.OpenApi.Kiota --version "$KIOTA_VERSION" --tool-path .tools/kiota >/dev/null
fi
if [[ ! -x "$NSWAG_PATH" ]]; then
  say "Installing NSwag $NSWAG_VERSION (dotnet tool) into .tools/nswag"
  dotnet tool install NSwag.ConsoleCore --version "$NSWAG_VERSION" --tool-path .tools/nswag >/dev/null
fi

say "Building Serverless.EventSourcing.sln (every project; -p:ExcludeKafkaTrigger=true leaves out the one unserved package)"
dotnet build Serverless.EventSourcing.sln -c Release --nologo -v quiet -clp:NoSummary -p:ExcludeKafkaTrigger=true
say "Functions app built: $(grep -c '"entryPoint"' src/Hosts/Functions/bin/Release/net10.0/functions.metadata) functions in functions.metadata"

say "Testing (fixtures start PostgreSQL, Redis, Azurite and a Kafka-protocol endpoint on free ports)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Serverless.EventSourcing.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line over all test assemblies.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# A crashed test host reports no failures of its own: name it, so "0 failed" beside a non-zero status is not a riddle.
grep -q "Test Run Aborted" "$log" && echo "A test host process crashed (see 'The active test run was aborted' above): its remaining tests did not run." >&2
say "Wall time: $((SECONDS - started)) s"
exit "$status"
