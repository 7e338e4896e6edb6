#!/usr/bin/env python3
"""check_records.py --hosts H --ranks R --threads T FILE.jsonl

Passes when FILE holds at least one record, every record validated, has R
ranks of T threads, and its ranks ran on exactly H distinct hosts (from the
record's per-rank binding, which names each rank's host)."""
import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hosts", type=int, required=True)
    p.add_argument("--ranks", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("file")
    a = p.parse_args()
    try:
        with open(a.file) as f:
            records = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print(f"FAIL: cannot read the records in {a.file}: {e}")
        return 1
    if not records:
        print(f"FAIL: no record in {a.file}")
        return 1
    for r in records:
        where = f"{r.get('kernel')} {r.get('backend')} {r.get('ranks')}x{r.get('threads')}"
        if r.get("validated") is not True:
            print(f"FAIL: {where}: did not validate")
            return 1
        if (r.get("ranks"), r.get("threads")) != (a.ranks, a.threads):
            print(f"FAIL: {where}: expected {a.ranks}x{a.threads}")
            return 1
        binding = r.get("binding") or []
        by_rank = {b.get("rank"): b.get("host") for b in binding}
        hosts = sorted(set(by_rank.values()))
        if len(by_rank) != a.ranks or len(hosts) != a.hosts:
            print(f"FAIL: {where}: ranks on hosts {by_rank}, expected {a.ranks} ranks on {a.hosts} hosts")
            return 1
        threads = [len(b.get("threads") or []) for b in binding]
        if any(t != a.threads for t in threads):
            print(f"FAIL: {where}: threads per rank {threads}, expected {a.threads}")
            return 1
        print(f"{where}: validated, ranks on {', '.join(f'{k}:{v}' for k, v in sorted(by_rank.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
