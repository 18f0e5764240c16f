#!/usr/bin/env bash
# Regenerates .ci/testable.slnf: every project of the solution except the Azure Functions app,
# whose packages (Microsoft.Azure.Functions.Worker.*) cannot be restored on our build machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
{
  echo '{'
  echo '  "solution": {'
  echo '    "path": "../Serverless.EventSourcing.sln",'
  echo '    "projects": ['
  dotnet sln Serverless.EventSourcing.sln list | grep '\.csproj$' | grep -v '/Serverless.EventSourcing.Functions.csproj$' | sort \
    | sed 's#/#\\\\#g; s#^#      "#; s#$#",#' | sed '$ s/,$//'
  echo '    ]'
  echo '  }'
  echo '}'
} > .ci/testable.slnf
echo "wrote .ci/testable.slnf"
