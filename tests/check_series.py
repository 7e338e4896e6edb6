#!/usr/bin/env python3
"""Run a series kernel (a micro-benchmark) with --json and check its records.

usage: check_series.py --sizes MIN:MAX -- COMMAND...
One record per power of two from MIN to MAX, in order, each carrying its
size in params.bytes, validated, with a positive time and rate in MB/s (or,
for an overhead in us, the median time in us) and its checks passed; and
the table on stdout has one row per size."""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"]
    lo, hi = (int(x) for x in args.sizes.split(":"))
    sizes = []
    while lo <= hi:
        sizes.append(lo)
        lo *= 2
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.jsonl")
        proc = subprocess.run(command + ["--json", path], capture_output=True, text=True,
                              timeout=80)
        if proc.returncode != 0:
            fail("run failed (%d): %s" % (proc.returncode, proc.stderr))
        with open(path) as f:
            records = [json.loads(line) for line in f.read().splitlines()]
    rows = [line.split() for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    if [int(r[0]) for r in rows] != sizes or any(r[-1] != "yes" for r in rows):
        fail("the table does not have one validated row per size:\n" + proc.stdout)
    if [r["params"].get("bytes") for r in records] != sizes:
        fail("records' params.bytes %s, expected %s"
             % ([r["params"].get("bytes") for r in records], sizes))
    for r in records:
        t, rate = r["time"], r["rate"]
        # An overhead (the figure in us: time minus the EPCC reference) may
        # be below 0 on a noisy machine; a transfer time may not.
        overhead = rate["unit"] == "us"
        checks = [
            (r["validated"] is True and r["status"] == "ok", "validated"),
            (t["min"] <= t["median"] <= t["max"] and (overhead or t["min"] > 0), "time order"),
            (abs(rate["value"] - 1e6 * t["median"]) <= 1e-9 * max(1.0, abs(rate["value"]))
             if overhead else rate["value"] > 0 and rate["unit"] == "MB/s", "rate"),
            (r["work"]["bytes"] == r["params"]["bytes"], "work.bytes is the size"),
            (all(v["ok"] for v in r["verification"]) and r["verification"][-1]["computed"] > 0,
             "contents checked"),
        ]
        for ok, what in checks:
            if not ok:
                fail("record for %s bytes: %s\n%s" % (r["params"]["bytes"], what, json.dumps(r)))
    print("series ok: %d records, %d table rows" % (len(records), len(rows)))


if __name__ == "__main__":
    main()
