#!/usr/bin/env python3
"""Run a triobench command with a fault on purpose and check what came of it.

    fault_run.py [options] -- COMMAND...

The run gets --json FILE appended and a deadline (--timeout): a job still
running then is killed with its whole process group (so no test can hang the
suite) and counts as "hung-and-killed". The outcome is classified as
bench/sweep does (bench/triobench_sweep/faults.py): aborted, detected,
recovered, resumed, hung-and-killed, completed, failed.

  --expect A[,B]     the outcome must be one of these
  --status N         and the exit status N (128+S for a signal S)
  --stderr REGEX     and stderr must match REGEX
  --seed S           {after} and {worker} in COMMAND become numbers drawn from
  --max-after N      random.Random(S): after in [1, N), worker in [1, --workers]
  --workers N
  --resume          run with --checkpoint F --checkpoint-interval 0 (expect
                     --first-expect), then without --inject-fault with
                     --checkpoint F --resume: it must be "resumed", validated,
                     and must have loaded every task the file held (and at
                     least --min-loaded), so that no saved task is computed again
  --damage KIND      run to completion with --checkpoint F, damage F (truncate,
                     flip, version, identity: rerun with --chunk 8), rerun with
                     --resume: it must be refused (status 2, one error line
                     matching --stderr), never used
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "bench"))
from triobench_sweep import faults  # noqa: E402  (the harness's own classification)

CKPT_DONE_OFFSET = 8 + 4 + 4 + 128 + 8 + 8   # common/tb_checkpoint.c: the header's "tasks done"


def run(cmd, timeout):
    """(exit status as a shell shows it, timed out, stderr text, the record or None, wall seconds)"""
    fd, json_path = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd + ["--json", json_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True, text=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        for sig, grace in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                out, err = proc.communicate(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
    wall = time.monotonic() - t0
    rc = proc.returncode
    status = 128 - rc if rc is not None and rc < 0 else rc
    record = None
    with open(json_path) as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                pass
    os.unlink(json_path)
    return status, timed_out, err or "", record, wall


def show(what, status, timed_out, err, record, wall):
    fault = (record or {}).get("fault")
    print(f"--- {what}: exit {status}{' (timed out)' if timed_out else ''}, {wall:.2f} s")
    if err.strip():
        print("stderr:\n  " + "\n  ".join(err.strip().splitlines()[-12:]))
    if fault is not None:
        print("record fault: " + json.dumps(fault))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def without_fault(cmd):
    out, skip = [], False
    for a in cmd:
        if skip:
            skip = False
            continue
        if a == "--inject-fault":
            skip = True
            continue
        if not a.startswith("--inject-fault="):
            out.append(a)
    return out


def check_outcome(what, result, expect, status=None, stderr=None):
    st, timed_out, err, record, wall = result
    show(what, *result)
    outcome = faults.classify(st, timed_out, record, err)
    print(f"outcome: {outcome}")
    if expect and outcome not in expect:
        fail(f"{what}: outcome {outcome}, expected {' or '.join(expect)}")
    if status is not None and st != status:
        fail(f"{what}: exit status {st}, expected {status}")
    if stderr and not re.search(stderr, err):
        fail(f"{what}: stderr does not match /{stderr}/")
    if outcome in ("recovered", "resumed", "completed") and (record or {}).get("validated") is not True:
        fail(f"{what}: {outcome} but the answer did not validate")
    if outcome == "recovered":
        f = record["fault"]
        if not f["lost"] or f["tasks"]["reassigned"] < 1:
            fail(f"{what}: recovered without a lost worker and reassigned tasks")
    return outcome, record


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--expect")
    p.add_argument("--first-expect", default="aborted")
    p.add_argument("--status", type=int)
    p.add_argument("--stderr")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-after", type=int, default=1)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--min-loaded", default="0")
    p.add_argument("--damage", choices=("truncate", "flip", "version", "identity"))
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    rng = random.Random(a.seed)
    values = {"after": str(rng.randrange(1, max(2, a.max_after))), "worker": str(1 + rng.randrange(a.workers))}
    cmd = [re.sub(r"\{(after|worker)\}", lambda m: values[m.group(1)], x) for x in cmd]
    print("values: " + json.dumps(values) + "\ncommand: " + " ".join(cmd))
    expect = a.expect.split(",") if a.expect else None
    tmp = tempfile.mkdtemp(prefix="triobench-fault-")
    ckpt = os.path.join(tmp, "ep.ckpt")
    try:
        if a.damage:
            result = run(cmd + ["--checkpoint", ckpt], a.timeout)
            show("the run that writes the checkpoint", *result)
            if result[0] != 0:
                fail("the checkpointed run failed")
            data = bytearray(open(ckpt, "rb").read())
            if a.damage == "truncate":
                data = data[:len(data) - 9]
            elif a.damage == "flip":
                data[CKPT_DONE_OFFSET + 20] ^= 0x10        # a byte of the done bits or the result
            elif a.damage == "version":
                data[8:12] = struct.pack("<I", 99)
            open(ckpt, "wb").write(bytes(data))
            again = cmd + (["--chunk", "8"] if a.damage == "identity" else [])
            st, timed_out, err, record, wall = result = run(again + ["--checkpoint", ckpt, "--resume"], a.timeout)
            show(f"--resume from a checkpoint damaged by {a.damage}", *result)
            lines = [l for l in err.splitlines() if re.match(r"^triobench-[a-z]+: error: ", l)]
            if st != 2 or timed_out:
                fail(f"exit status {st}, expected 2 (refused)")
            if len(lines) != 1:
                fail(f"expected one error line, found {len(lines)}")
            if a.stderr and not re.search(a.stderr, lines[0]):
                fail(f"the error line does not match /{a.stderr}/: {lines[0]}")
            if record is not None:
                fail("a damaged checkpoint produced a record")
            print("ok: refused: " + lines[0])
            return 0
        if not a.resume:
            check_outcome("the run", run(cmd, a.timeout), expect, a.status, a.stderr)
            print("ok")
            return 0
        check_outcome("the run with --checkpoint", run(cmd + ["--checkpoint", ckpt, "--checkpoint-interval", "0"],
                                                      a.timeout), a.first_expect.split(","))
        saved = struct.unpack_from("<Q", open(ckpt, "rb").read(), CKPT_DONE_OFFSET)[0]
        print(f"the checkpoint holds {saved} done tasks")
        outcome, record = check_outcome("the rerun with --resume",
                                        run(without_fault(cmd) + ["--checkpoint", ckpt, "--resume"], a.timeout),
                                        expect or ["resumed"], a.status, a.stderr)
        loaded = record["fault"]["tasks"]["from_checkpoint"]
        minimum = int(values.get(a.min_loaded.strip("{}"), a.min_loaded)) if a.min_loaded.startswith("{") \
            else int(a.min_loaded)
        if loaded != saved or loaded < minimum:
            fail(f"the rerun loaded {loaded} tasks; the file held {saved} (at least {minimum} expected)")
        print(f"ok: {loaded} of {record['fault']['tasks']['total']} tasks came from the checkpoint")
        return 0
    finally:
        shutil.rmtree(tmp, True)


if __name__ == "__main__":
    sys.exit(main())
