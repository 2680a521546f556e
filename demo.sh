#!/usr/bin/env bash
# The main job: check the example policies, compile them to every target, and show what was
# generated. (The agent run on a replayed trace joins this script with the agent issue.)
#
# Secrets: the examples take their keys from env("…"); the demo compiles with --redact, so the
# configurations carry placeholders instead and no secret is needed. For deployable output,
# export the variables the policy names and drop --redact.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

dotnet build compiler/mpolc -c Release --verbosity quiet -nologo >/dev/null
mpolc=(dotnet compiler/mpolc/bin/Release/net10.0/mpolc.dll)
out=out/demo
rm -rf "$out"

echo "== mpolc check policies/examples/*.mpol"
"${mpolc[@]}" check policies/examples/*.mpol

echo
echo "== mpolc compile policies/examples/*.mpol --target all --redact -o $out"
"${mpolc[@]}" compile policies/examples/*.mpol --target all --redact -o "$out"
(cd "$out" && find . -type f | sort | while read -r f; do printf '  %-40s %6s lines\n' "${f#./}" "$(wc -l <"$f")"; done)

echo
echo "== the guide's DSLAM uplink on pe-agg-1 (IOS-XE): limits and cost admission"
grep -E 'ip igmp limit|ip multicast limit|ip multicast route-limit' "$out/pe-agg-1/ios-xe.cfg" | sort | uniq -c | sed 's/^/  /'
