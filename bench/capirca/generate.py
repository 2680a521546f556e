#!/usr/bin/env python3
"""Writes one Capirca-shaped workload twice: as a PolicyKit policy and as a Capirca policy.

N ACL terms over named address sets, each term: a source set, a destination set, TCP or UDP,
one destination port, accept (every tenth: deny). The same terms, the same sets and the same
order on both sides, compiled for an IOS-XE router and a Junos router:

  OUT/policy.mpol                    mpolc compile OUT/policy.mpol -t ios-xe -t junos
  OUT/capirca/pol/edge.pol           aclgen --base_directory OUT/capirca/pol
  OUT/capirca/def/NETWORK.net          --definitions_directory OUT/capirca/def
  OUT/capirca/def/SERVICES.svc

Sets: N/4 of them (at least 8), two disjoint /24s each, all in public unicast space; a term's
port is its own (1024 + i), so no term is covered by an earlier one (mpolc MP3008, Capirca's
shade check). Deterministic: the same N gives the same files, byte for byte.

Usage: generate.py N OUT
"""
import os
import sys


def slash24(i):
    # The i-th of disjoint /24s from 11.0.0.0 on (11.0.0.0/24, 11.0.1.0/24, ...).
    return f"{11 + i // 65536}.{i // 256 % 256}.{i % 256}.0/24"


def terms(n):
    sets = max(8, n // 4)
    for i in range(n):
        source = i % sets
        destination = (i * 7 + 3) % sets
        if destination == source:
            destination = (destination + 1) % sets
        protocol = "tcp" if i % 3 else "udp"
        action = "deny" if i % 10 == 9 else "permit"
        yield i, source, destination, protocol, 1024 + i, action


def write_mpol(n, path):
    sets = max(8, n // 4)
    with open(path, "w") as f:
        f.write(f"// Capirca-shaped workload: {n} terms over {sets} address sets (bench/capirca/generate.py).\n\n")
        for s in range(sets):
            f.write(f"sources net{s} {{ {slash24(2 * s)}; {slash24(2 * s + 1)}; }}\n")
        f.write("\nfilter edge-in {\n")
        for i, src, dst, protocol, port, action in terms(n):
            f.write(f"    {action} sources net{src} to net{dst} protocol {protocol} port {port};\n")
        f.write("}\n\n")
        f.write('device edge-ios platform ios-xe {\n    interface "GigabitEthernet0/0/0" {\n        source-filter edge-in;\n    }\n}\n\n')
        f.write('device edge-junos platform junos {\n    interface "ge-0/0/0" {\n        source-filter edge-in;\n    }\n}\n')


def write_capirca(n, root):
    sets = max(8, n // 4)
    os.makedirs(os.path.join(root, "def"), exist_ok=True)
    os.makedirs(os.path.join(root, "pol"), exist_ok=True)
    with open(os.path.join(root, "def", "NETWORK.net"), "w") as f:
        for s in range(sets):
            f.write(f"NET{s} = {slash24(2 * s)}\n        {slash24(2 * s + 1)}\n\n")
    with open(os.path.join(root, "def", "SERVICES.svc"), "w") as f:
        for i, _, _, protocol, port, _ in terms(n):
            f.write(f"SVC{i} = {port}/{protocol}\n")
    with open(os.path.join(root, "pol", "edge.pol"), "w") as f:
        f.write("header {\n  target:: cisco edge-in extended\n  target:: juniper edge-in inet\n}\n\n")
        for i, src, dst, protocol, _, action in terms(n):
            verdict = "deny" if action == "deny" else "accept"
            f.write(f"term t{i} {{\n  source-address:: NET{src}\n  destination-address:: NET{dst}\n"
                    f"  protocol:: {protocol}\n  destination-port:: SVC{i}\n  action:: {verdict}\n}}\n\n")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    write_mpol(n, os.path.join(out, "policy.mpol"))
    write_capirca(n, os.path.join(out, "capirca"))


if __name__ == "__main__":
    main()
