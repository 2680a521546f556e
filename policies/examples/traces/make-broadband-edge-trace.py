#!/usr/bin/env python3
"""Writes broadband-edge.jsonl: a recorded evening on pe-agg-1 (policies/examples/broadband-edge.mpol),
replayed by the demo. Deterministic: run it again and the file is identical.

Each line is {"t": seconds, "event": "<event-script event>"} or {"t": ..., "note": "..."}
(docs/telemetry.md, "Replay"). The story exercises every kind of decision the example makes."""
import json

lines = []
def note(t, text): lines.append({"t": round(t, 3), "note": text})
def ev(t, text): lines.append({"t": round(t, 3), "event": text})

CP1, CP2, CP3 = "198.51.100.10", "198.51.100.70", "203.0.113.10"
GUIDE = "239.255.255.254"

note(0.0, "FTTH subscriber 1001 (Gi0/0/10) switches on: channel guide plus one channel")
ev(0.1, f"join GigabitEthernet0/0/10 {GUIDE} from 10.1.10.2 version 3")
ev(0.3, f"join GigabitEthernet0/0/10 232.1.0.10 source {CP1} from 10.1.10.2 version 3")
note(1.0, "a second channel on the same port is one too many (default-limit 1)")
ev(1.1, f"join GigabitEthernet0/0/10 232.1.0.11 source {CP1} from 10.1.10.2 version 3")
note(1.5, "zapping: leave first, then join, and it fits")
ev(1.6, f"leave GigabitEthernet0/0/10 232.1.0.10 source {CP1}")
ev(1.7, f"join GigabitEthernet0/0/10 232.1.0.11 source {CP1} from 10.1.10.2 version 3")

note(2.0, "subscriber 1003 (Gi0/0/12) has two set-top boxes: limit 2")
ev(2.1, f"join GigabitEthernet0/0/12 232.2.0.1 source {CP2} from 10.1.12.2 version 3")
ev(2.2, f"join GigabitEthernet0/0/12 232.2.0.2 source {CP2} from 10.1.12.3 version 3")
ev(2.3, f"join GigabitEthernet0/0/12 232.2.0.3 source {CP2} from 10.1.12.3 version 3")

note(3.0, "subscriber 1002 (Gi0/0/11): a spoofed head-end, an old IGMPv2 stack, an ASM group off the line-up")
ev(3.1, f"join GigabitEthernet0/0/11 232.1.0.5 source {CP3} from 10.1.11.2 version 3")
ev(3.2, f"join GigabitEthernet0/0/11 {GUIDE} from 10.1.11.2 version 2")
ev(3.3, "join GigabitEthernet0/0/11 239.1.2.3 from 10.1.11.2 version 3")

note(4.0, "Witty-worm style: an infected PC on Gi0/0/11 joins random groups, 30 in 3 seconds")
for i in range(30):
    g = f"{224 + (i * 7) % 16}.{(i * 37) % 256}.{(i * 91) % 256}.{1 + (i * 53) % 254}"
    ev(4.1 + i * 0.1, f"join GigabitEthernet0/0/11 {g} from 10.1.11.66 version 3")

note(8.0, "prime time behind DSLAM north-1 (Gi0/0/1): SD channels pile up to the guide's 125")
t = 8.1
for i in range(130):
    provider, src = [(1, CP1), (2, CP2), (3, CP3)][i % 3]
    ev(t, f"join GigabitEthernet0/0/1 232.{provider}.0.{1 + i // 3} source {src} from 10.2.1.1 version 3")
    t += 0.05

note(15.0, "DSLAM north-2 (Gi0/0/2): HD streams from CP1 take 18 Mbps each out of its 250 Mbps")
t = 15.1
for i in range(15):
    ev(t, f"state {CP1} 232.1.64.{1 + i} rpf TenGigabitEthernet0/1/0 out GigabitEthernet0/0/2")
    t += 0.1
note(17.0, "CP2 is a separate 250 Mbps budget: unaffected")
ev(17.1, f"state {CP2} 232.2.64.1 rpf TenGigabitEthernet0/1/0 out GigabitEthernet0/0/2")

note(18.0, "late evening: north-1 viewers switch off")
t = 18.1
for i in range(60):
    provider, src = [(1, CP1), (2, CP2), (3, CP3)][i % 3]
    ev(t, f"leave GigabitEthernet0/0/1 232.{provider}.0.{1 + i // 3} source {src}")
    t += 0.02

with open("broadband-edge.jsonl", "w") as f:
    for line in lines:
        f.write(json.dumps(line, separators=(", ", ": ")) + "\n")
