#!/usr/bin/env bash
# Summarises iost-sim output (JSON lines on stdin): the per-process tallies
# ({"runs":N,"failed":M}) are added up and every failing run is listed with
# its seed, so it can be replayed and kept as a regression test.
set -euo pipefail
python3 -c '
import json, sys
runs = failed = 0
bad = []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        if line: bad.append(line)   # replay commands and other text
        continue
    o = json.loads(line)
    if "runs" in o and "failed" in o and "seed" not in o:
        runs += o["runs"]; failed += o["failed"]
    elif o.get("safety_violations", 0):
        bad.append(json.dumps(o))
print(f"sim-sweep: {runs} runs, {failed} failed")
for b in bad:
    print("  " + b)
sys.exit(1 if failed else 0)
'
