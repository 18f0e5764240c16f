#!/usr/bin/env bash
# Builds everything (the Functions app included) and runs the tests.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Contoso.Orders.sln -c Release --nologo -v quiet
dotnet test Contoso.Orders.sln -c Release --no-build --nologo
