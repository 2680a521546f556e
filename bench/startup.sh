#!/usr/bin/env bash
# Cold start of `mpolc check` on a trivial policy: the JIT build (`dotnet mpolc.dll`, what
# `dotnet build` and the .NET tool give), the ReadyToRun publish and the Native AOT publish (what
# the README's install gives), alternating, RUNS runs each; medians of wall and CPU (user +
# system) time, and the largest peak RSS (/usr/bin/time -f %M).
#
#   bench/startup.sh            # RUNS=10 by default; builds and publishes into /tmp/policykit-startup
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/policykit-startup}
runs=${RUNS:-10}
[ -x /usr/bin/time ] || { echo "startup.sh: /usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
mkdir -p "$work"

dotnet build "$repo/compiler/mpolc" -c Release -nologo -v quiet > "$work/build.log" || { cat "$work/build.log" >&2; exit 2; }
dotnet publish "$repo/compiler/mpolc" -c Release -r linux-x64 -o "$work/r2r" -nologo -v quiet > "$work/r2r.log" || { cat "$work/r2r.log" >&2; exit 2; }
dotnet publish "$repo/compiler/mpolc" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo -v quiet > "$work/aot.log" || { cat "$work/aot.log" >&2; exit 2; }

policy="$work/trivial.mpol"
printf 'groups iptv { 232.1.0.0/16; }\nfilter f { permit groups iptv; }\n' > "$policy"
declare -A command=(
    [jit]="dotnet $repo/compiler/mpolc/bin/Release/net10.0/mpolc.dll"
    [r2r]="$work/r2r/mpolc"
    [aot]="$work/aot/mpolc"
)
builds=(jit r2r aot)
for b in "${builds[@]}"; do : > "$work/$b.times"; done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= runs; r++)); do
    for b in "${builds[@]}"; do
        read -r -a cmd <<< "${command[$b]}"
        /usr/bin/time -f "%e %M %U %S" -a -o "$work/$b.times" "${cmd[@]}" check "$policy" > /dev/null
    done
done
for b in "${builds[@]}"; do
    wall=$(cut -d' ' -f1 "$work/$b.times" | median)
    cpu=$(awk '{ print $3 + $4 }' "$work/$b.times" | median)
    rss=$(cut -d' ' -f2 "$work/$b.times" | sort -n | tail -1)
    printf '%s: %s s wall, %s s CPU (medians of %d), %d MB peak RSS\n' "$b" "$wall" "$cpu" "$runs" $((rss / 1024))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); raw figures (wall s, peak KB, user s, system s): $work/*.times"
