#!/usr/bin/env bash
# The test command: builds and tests every project except the Azure Functions app (its worker SDK
# packages cannot be restored on our build machines; see README "Run on Azure Functions Core Tools").
# The tests start their own throwaway PostgreSQL and Redis servers unless POSTGRES_CONNECTION_STRING /
# REDIS_CONNECTION_STRING point at existing ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

have_postgres() { command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
missing=()
[[ -n "${POSTGRES_CONNECTION_STRING:-}" ]] || have_postgres || missing+=("PostgreSQL server binaries (apt-get install -y postgresql)")
[[ -n "${REDIS_CONNECTION_STRING:-}" ]] || command -v redis-server >/dev/null 2>&1 || missing+=("redis-server (apt-get install -y redis-server)")
if ((${#missing[@]})); then
  printf 'Cannot test without real servers. Missing:\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  printf 'Install them (.ci/run does) or set the connection-string variables.\n' >&2
  exit 1
fi

echo "==> Building (all projects but the Azure Functions app: .ci/testable.slnf)"
dotnet build .ci/testable.slnf -c Release --nologo -v quiet -clp:NoSummary

echo "==> Testing (fixtures start PostgreSQL and Redis on free ports)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test .ci/testable.slnf -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line over all test assemblies.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
