#!/usr/bin/env bash
# Runs every test of PolicyKit. Installs what the tests need first (system packages through
# scripts/install-prereqs, NuGet packages through dotnet restore, the pinned antlr-ng through npm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

scripts/install-prereqs
(cd grammar && npm ci --no-audit --no-fund --silent)
dotnet restore PolicyKit.sln --verbosity quiet
dotnet build PolicyKit.sln -c Release --no-restore --verbosity quiet -nologo

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test PolicyKit.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain "N passed, N failed" form, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
