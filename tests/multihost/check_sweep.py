#!/usr/bin/env python3
"""check_sweep.py FOLDER [--expect-configs N] [--max-hosts H] [--transports a,b] [--launcher NAME]

Checks a bench/sweep results folder: results.jsonl, results.csv, summary.json
and meta.json exist; every run validated and none failed; the configuration
count; how many distinct hosts the largest run spread over; which transports
the records carry (sweep.transport); and the launcher named in meta.json."""
import argparse
import json
import os
import sys


def fail(text):
    print(f"FAIL: {text}")
    sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--expect-configs", type=int)
    p.add_argument("--max-hosts", type=int)
    p.add_argument("--transports")
    p.add_argument("--launcher")
    a = p.parse_args()
    for name in ("results.jsonl", "results.csv", "summary.json", "meta.json"):
        if not os.path.isfile(os.path.join(a.folder, name)):
            fail(f"{a.folder} has no {name}")
    with open(os.path.join(a.folder, "results.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(a.folder, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(a.folder, "meta.json")) as f:
        meta = json.load(f)
    if not records:
        fail("no record")
    for r in records:
        s = r.get("sweep") or {}
        if s.get("failure") or r.get("validated") is not True:
            fail(f"{s.get('config_id')}: {s.get('failure') or 'not validated'}\n{s.get('stderr_tail') or ''}")
    if not summary.get("complete") or summary.get("runs_failed"):
        fail(f"summary: complete={summary.get('complete')} failed={summary.get('runs_failed')}")
    configs = sorted({r["sweep"]["config_id"] for r in records})
    if a.expect_configs is not None and len(configs) != a.expect_configs:
        fail(f"{len(configs)} configurations, expected {a.expect_configs}: {configs}")
    if a.max_hosts is not None:
        most = max(len({b.get("host") for b in r.get("binding") or []}) for r in records)
        if most != a.max_hosts:
            fail(f"the widest run spread over {most} hosts, expected {a.max_hosts}")
    if a.transports is not None:
        want = set(a.transports.split(","))
        got = {r["sweep"].get("transport") for r in records if r.get("backend") in ("mpi", "hybrid")}
        if got != want:
            fail(f"transports in the records {sorted(map(str, got))}, expected {sorted(want)}")
    if a.launcher is not None:
        name = ((meta.get("mpi") or {}).get("name"))
        if name != a.launcher:
            fail(f"meta.json names launcher {name!r}, expected {a.launcher!r}")
    for c in configs:
        hosts = sorted({b.get("host") for r in records if r["sweep"]["config_id"] == c for b in r.get("binding") or []})
        print(f"{c}: ok on {', '.join(map(str, hosts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
