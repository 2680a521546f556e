#!/usr/bin/env bash
# The main job: check every example policy with mpolc (the compile and agent stages join
# this script as they land). Prints each policy's diagnostics and a summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

dotnet build compiler/mpolc -c Release --verbosity quiet -nologo >/dev/null
mpolc=(dotnet compiler/mpolc/bin/Release/net10.0/mpolc.dll)

echo "== mpolc check policies/examples/*.mpol"
"${mpolc[@]}" check policies/examples/*.mpol
