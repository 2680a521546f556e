#!/usr/bin/env bash
# mpolc against Capirca (Debian's python3-capirca 2.0.6, `aclgen`) on the same Capirca-shaped
# terms (generate.py), compiled to IOS and Junos: two whole processes, alternating, in one run;
# medians of the wall and CPU (user + system, children included) times, and each side's largest
# peak RSS (/usr/bin/time -f %M). On a shared machine the CPU time is the steadier figure.
#
#   bench/capirca/compare.sh                 # 1k and 20k terms, 5 runs each side
#   SIZES="1000 20000" RUNS=5 MPOLC=/path/to/mpolc bench/capirca/compare.sh
#
# MPOLC is the mpolc command measured; by default this publishes the Native AOT build (what the
# README's install gives) into /tmp/policykit-capirca/aot. MPOLC="dotnet path/to/mpolc.dll"
# measures a JIT build instead. Needs: python3-capirca (apt-get install -y python3-capirca), time.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-/tmp/policykit-capirca}
sizes=${SIZES:-1000 20000}
runs=${RUNS:-5}

command -v aclgen > /dev/null || { echo "compare.sh: aclgen missing: apt-get install -y python3-capirca" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
mkdir -p "$work"

if [ -z "${MPOLC:-}" ]; then
    dotnet publish "$repo/compiler/mpolc" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo -v quiet > "$work/publish.log" \
        || { cat "$work/publish.log" >&2; exit 2; }
    MPOLC="$work/aot/mpolc"
fi
read -r -a mpolc <<< "$MPOLC"

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maximum() { sort -n | tail -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mpolc: ${mpolc[*]}; aclgen: Capirca $(dpkg-query -W -f='${Version}' python3-capirca 2>/dev/null || echo '?')"
for n in $sizes; do
    in="$work/in-$n"
    rm -rf "$in" && python3 "$repo/bench/capirca/generate.py" "$n" "$in"
    : > "$work/mpolc-$n.times"; : > "$work/capirca-$n.times"
    for ((r = 1; r <= runs; r++)); do
        # Alternating: mpolc, then Capirca, each into a fresh output folder.
        rm -rf "$in/out-mpolc" "$in/out-capirca"
        /usr/bin/time -f "%e %M %U %S" -a -o "$work/mpolc-$n.times" \
            "${mpolc[@]}" compile "$in/policy.mpol" -t ios-xe -t junos -o "$in/out-mpolc" > /dev/null 2>> "$work/mpolc.log"
        /usr/bin/time -f "%e %M %U %S" -a -o "$work/capirca-$n.times" \
            aclgen --base_directory "$in/capirca" --definitions_directory "$in/capirca/def" \
            --output_directory "$in/out-capirca" > /dev/null 2>&1
    done
    [ -s "$in/out-capirca/edge.acl" ] && [ -s "$in/out-capirca/edge.jcl" ] || { echo "compare.sh: aclgen wrote no ACL for $n terms" >&2; exit 1; }
    m_time=$(cut -d' ' -f1 "$work/mpolc-$n.times" | median); m_rss=$(cut -d' ' -f2 "$work/mpolc-$n.times" | maximum)
    c_time=$(cut -d' ' -f1 "$work/capirca-$n.times" | median); c_rss=$(cut -d' ' -f2 "$work/capirca-$n.times" | maximum)
    m_cpu=$(awk '{ print $3 + $4 }' "$work/mpolc-$n.times" | median); c_cpu=$(awk '{ print $3 + $4 }' "$work/capirca-$n.times" | median)
    m_bytes=$(cat "$in"/out-mpolc/*/* | wc -c); c_bytes=$(cat "$in"/out-capirca/* | wc -c)
    awk -v n="$n" -v r="$runs" -v mt="$m_time" -v mc="$m_cpu" -v mr="$m_rss" -v ct="$c_time" -v cc="$c_cpu" -v cr="$c_rss" -v mb="$m_bytes" -v cb="$c_bytes" 'BEGIN {
        printf "%6d terms, %d runs each, medians: mpolc %.2f s wall, %.2f s CPU, %.0f MB peak RSS (%.1f MB written) | Capirca %.2f s wall, %.2f s CPU, %.0f MB peak RSS (%.1f MB written) | mpolc faster: %.1fx wall, %.1fx CPU\n",
            n, r, mt, mc, mr / 1024, mb / 1e6, ct, cc, cr / 1024, cb / 1e6, (mt > 0 ? ct / mt : 0), (mc > 0 ? cc / mc : 0) }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); raw figures (wall s, peak KB, user s, system s): $work/*.times"
