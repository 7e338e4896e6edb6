"""Compare a kernel's model_inputs with the traffic its MPI driver really makes.

Usage: check_counts.py --launch MPIEXEC ... EXE --ranks R -- KERNEL ARGS...

EXE is a test copy of triobench-mpi or triobench-hybrid with the PMPI counter
of pmpi_count.c. The case runs twice, with --iters 2 and --iters 5 (the same
warm-up): everything a driver sends outside its loop (set-up, validation) is
the same in both, so (count at 5 - count at 2) / 3 is what one iteration
sends. That must equal the record's model_inputs: the busiest rank's
point-to-point messages (count, bytes, sizes) and rank 0's collectives (the
timed ones plus the "untimed" ones a loop iteration makes outside its timed
part). Exit 0 when they agree; otherwise each difference on one line.
"""

import json
import os
import subprocess
import sys
import tempfile

ITERS = (2, 5)


def parse(argv):
    if "--launch" not in argv or "--ranks" not in argv or "--" not in argv:
        sys.exit("usage: check_counts.py --launch CMD... --ranks R -- KERNEL ARGS...")
    launch = argv[argv.index("--launch") + 1:argv.index("--ranks")]
    ranks = int(argv[argv.index("--ranks") + 1])
    return launch, ranks, argv[argv.index("--") + 1:]


def run(launch, ranks, args, iters, tmp):
    """One run: its record and every rank's counts."""
    counts = os.path.join(tmp, f"counts{iters}")
    record = os.path.join(tmp, f"record{iters}.json")
    cmd = launch + args + ["--iters", str(iters), "--json", record]
    try:
        done = subprocess.run(cmd, env=dict(os.environ, TB_PMPI_COUNTS=counts), capture_output=True,
                              text=True, timeout=150)
    except subprocess.TimeoutExpired:
        sys.exit(f"{' '.join(cmd)} took more than 150 s")
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    with open(record, encoding="utf-8") as f:
        rec = json.loads(f.read().splitlines()[-1])
    per_rank = []
    for r in range(ranks):
        with open(f"{counts}.{r}", encoding="utf-8") as f:
            c = json.load(f)
        if c["overflow"]:
            sys.exit(f"rank {r}: the counter's table overflowed")
        per_rank.append(({b: n for b, n in c["sends"]}, {(op, b): n for op, b, n in c["collectives"]}))
    return rec, per_rank


def per_iteration(low, high, what, problems):
    """(high - low) / (ITERS[1] - ITERS[0]) per key; a problem when not whole."""
    out = {}
    for key in set(low) | set(high):
        diff = high.get(key, 0) - low.get(key, 0)
        q, rem = divmod(diff, ITERS[1] - ITERS[0])
        if rem:
            problems.append(f"{what} {key}: {diff} more calls over {ITERS[1] - ITERS[0]} iterations")
        if q:
            out[key] = q
    return out


def compare(rec, low, high, ranks):
    problems = []
    m = rec.get("model_inputs")
    if not m:
        return ["the record has no model_inputs"]
    if not rec.get("validated"):
        problems.append("the run did not validate")
    sends = [per_iteration(low[r][0], high[r][0], f"rank {r} sends of", problems) for r in range(ranks)]
    totals = [(sum(b * n for b, n in s.items()), sum(s.values()), r) for r, s in enumerate(sends)]
    bytes_, count, busiest = max(totals)
    msg = m["messages"]
    model_sizes = {int(g["bytes"]): int(g["count"]) for g in msg["sizes"]}
    if (msg["count"], msg["bytes"]) != (count, bytes_):
        problems.append(f"messages: model {msg['count']} of {msg['bytes']} bytes, counted "
                        f"{count} of {bytes_} bytes (rank {busiest})")
    if model_sizes != sends[busiest]:
        problems.append(f"message sizes: model {sorted(model_sizes.items())}, counted "
                        f"{sorted(sends[busiest].items())} (rank {busiest})")
    coll = per_iteration(low[0][1], high[0][1], "rank 0 collective", problems)
    model_coll = {}
    for g in m["collectives"] + m["untimed"]:
        key = (g["op"], int(g["bytes"]))
        model_coll[key] = model_coll.get(key, 0) + int(g["count"])
    if model_coll != coll:
        problems.append(f"collectives of rank 0: model (timed + untimed) {sorted(model_coll.items())}, "
                        f"counted {sorted(coll.items())}")
    return problems


def main():
    launch, ranks, args = parse(sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        rec_low, low = run(launch, ranks, args, ITERS[0], tmp)
        rec, high = run(launch, ranks, args, ITERS[1], tmp)
    if rec_low.get("model_inputs") != rec.get("model_inputs"):
        print("model_inputs differ between --iters values")
        return 1
    problems = compare(rec, low, high, ranks)
    for p in problems:
        print(p)
    if not problems:
        print(f"{' '.join(args)} at {ranks} ranks: model_inputs match the counted traffic: "
              f"{json.dumps(rec['model_inputs'])}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
