"""Records for the bench/calibrate tests, made from two real records (calibrate_fixtures/: a ping-pong
of triobench-mpi over TCP between namespace hosts and a serial stencil, both written by bench/sweep
and copied unchanged): only the fields a test sets differ, so the fixtures speak the records'
real contract."""

import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "calibrate_fixtures")


def _load(name):
    with open(os.path.join(FIXTURES, name)) as f:
        return json.load(f)


PINGPONG = _load("pingpong-mpi-tcp.json")
SERIAL = _load("stencil-serial.json")


def _time(rec, seconds):
    rec["time"].update(min=seconds, median=seconds, max=seconds, mean=seconds, total=seconds * rec["iterations"])


def pingpong(transport, nbytes, seconds, rep=1):
    """A validated MPI ping-pong record of nbytes with this one-way time, over shm or tcp."""
    r = copy.deepcopy(PINGPONG)
    r["params"]["bytes"] = nbytes
    r["work"]["bytes"] = nbytes
    r["rate"]["value"] = nbytes / seconds / 1e6
    _time(r, seconds)
    r["sweep"].update(transport=transport, rep=rep)
    if transport == "shm":
        r["host"]["hosts"] = r["host"]["hosts"][:1]
    return r


def serial(kernel, flops, seconds, validated=True):
    """A serial record of a kernel doing `flops` per iteration in `seconds`."""
    r = copy.deepcopy(SERIAL)
    r["kernel"] = kernel
    r["work"]["flops"] = flops
    r["rate"]["value"] = flops / seconds / 1e6
    _time(r, seconds)
    r["validated"] = validated
    return r


def write_folder(path, records):
    """A results folder as bench/sweep leaves it, as far as bench/calibrate reads it (results.jsonl)."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "results.jsonl"), "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


SIZES = [2 ** k for k in range(3, 23)]          # 8 B ... 4 MiB, the calibration's ping-pong series


def series(transport, line):
    """Ping-pong records at every size of SIZES with one-way time line(n)."""
    return [pingpong(transport, n, line(n)) for n in SIZES]
