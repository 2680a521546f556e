#!/usr/bin/env bash
# The main job: check the example policies, compile them to every target, then run mpol-agent on
# the broadband example's table with its embedded MQTT broker, replaying a recorded evening of
# IGMP joins (policies/examples/traces/broadband-edge.jsonl), printing every decision and, at the
# end, each limit's use. DEMO_SPEED=fast|recorded|10x changes the replay speed (default 4x).
#
# Secrets: the examples take their keys from env("…"); the demo compiles with --redact, so the
# configurations carry placeholders instead and no secret is needed. For deployable output,
# export the variables the policy names and drop --redact.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

dotnet build compiler/mpolc -c Release --verbosity quiet -nologo >/dev/null
dotnet build agent/mpol-agent -c Release --verbosity quiet -nologo >/dev/null
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

echo
echo "== mpol-agent run: pe-agg-1's table, embedded MQTT broker, replay of a recorded evening"
# The embedded broker takes any free loopback port; the status endpoint is off so the demo never
# collides with an agent already running here. Telemetry: policykit/v1/north-pop-1/pe-agg-1/#.
dotnet agent/mpol-agent/bin/Release/net10.0/mpol-agent.dll run \
  --table "$out/pe-agg-1/pe-agg-1.mpt" \
  --replay policies/examples/traces/broadband-edge.jsonl --speed "${DEMO_SPEED:-4x}" --exit-when-done \
  --embedded-broker --set mqtt.embedded_listen=127.0.0.1:0 --set agent.status_listen= \
  --print-decisions
