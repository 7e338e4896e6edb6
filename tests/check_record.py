#!/usr/bin/env python3
"""Run a triobench executable with --json and check the record it writes.

usage: check_record.py --backend B --ranks R --threads T -- COMMAND...
Every field of docs/results-schema.md must be present with the right type
and consistent values (pes = ranks x threads, one binding entry per rank and
thread, time min <= median <= max, a validated answer, build.simulated false and the per-rank
memory of a real run: check_scope, which tests/smpi/check_record.py shares). The build fields
are checked against the source and the executable (check_build)."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REQUIRED = {
    "schema": str, "suite_version": str, "kernel": str, "backend": str, "ranks": int,
    "threads": int, "pes": int, "params": dict, "iterations": int, "warmup": int,
    "time": dict, "rate": dict, "work": dict, "validated": bool, "error": dict,
    "verification": list, "breakdown": dict, "memory": dict, "binding": list, "host": dict,
    "build": dict, "launch": dict, "timestamp": str, "status": str, "kind": str, "pages": dict,
}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def git(*argv):
    proc = subprocess.run(["git", "-C", SOURCE, *argv], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def check_build(rec, command):
    """The record's build object and suite_version against the source and the executable.

    One version: CMakeLists.txt's project(VERSION) = the record's suite_version = the version
    `EXE --version` prints, whose commit and compiler are the record's too. The compiler is
    CMake's id and version ("GNU 12.2.0"), not a hard-coded "gcc". -march=native is in the flags
    exactly when march_native says so. The commit is the source's own (git's top level is the
    source folder: its hash is a commit of that repository), else "unknown".
    """
    b = rec["build"]
    with open(os.path.join(SOURCE, "CMakeLists.txt")) as f:
        version = re.search(r"project\(\s*triobench\s+VERSION\s+([0-9.]+)", f.read()).group(1)
    exe = next(c for c in command if os.path.basename(c).startswith("triobench-"))
    line = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    toplevel = git("rev-parse", "--show-toplevel")
    own_repo = toplevel is not None and os.path.realpath(toplevel) == os.path.realpath(SOURCE)
    commit_hash = re.match(r"^(?:.*-g)?([0-9a-f]{7,40})(?:-dirty)?$", b["git_commit"])
    checks = [
        (rec["suite_version"] == version, "suite_version %r, CMakeLists.txt says %r"
         % (rec["suite_version"], version)),
        (line == "%s %s (%s, %s)" % (os.path.basename(exe), version, b["git_commit"], b["compiler"]),
         "--version prints %r" % line),
        (re.match(r"^[A-Za-z][A-Za-z0-9_]* [0-9]+(\.[0-9]+)*$", b["compiler"]) is not None,
         "compiler %r is not CMake's 'ID VERSION'" % b["compiler"]),
        (isinstance(b["march_native"], bool)
         and ("-march=native" in b["flags"].split()) == b["march_native"],
         "march_native %r with flags %r" % (b["march_native"], b["flags"])),
        (b["build_type"] != "", "build type"),
        ((b["git_commit"] == "unknown") if not own_repo else
         (commit_hash is not None and git("cat-file", "-e", commit_hash.group(1) + "^{commit}") is not None),
         "git_commit %r (the source %s its own git repository)"
         % (b["git_commit"], "is" if own_repo else "is not")),
    ]
    for ok, what in checks:
        if not ok:
            fail("build: " + what)
    return len(checks)


def check_scope(rec):
    """build.simulated against the build's flags, and the per-process fields that follow from it.

    An SMPI build (the only one whose flags hold -DTRIOBENCH_SIMULATED=1) runs every rank inside
    one process: memory and huge pages are that process's ("scope": "process"), no per-rank RSS,
    and each binding entry names its rank's simulated host only. Any other build: per-rank
    figures ("scope": "ranks"), one RSS per rank, sums consistent. Returns (ok, what) pairs.
    """
    build, mem, pages, binding = rec["build"], rec["memory"], rec["pages"], rec["binding"]
    simulated = build.get("simulated")
    flagged = "-DTRIOBENCH_SIMULATED=1" in (build.get("flags") or "").split()
    checks = [
        (isinstance(simulated, bool), "build.simulated %r is not a bool" % (simulated,)),
        (simulated == flagged, "build.simulated %r with flags %r" % (simulated, build.get("flags"))),
        ([b.get("rank") for b in binding] == list(range(rec["ranks"])), "one binding entry per rank"),
        (all(isinstance(b.get("host"), str) and b["host"] for b in binding), "a host per rank"),
        (sorted(rec["host"]["hosts"]) == sorted({b["host"] for b in binding}),
         "host.hosts = the binding's hosts"),
        (rec["host"]["name"] == (binding[0]["host"] if binding else None), "host.name is rank 0's"),
    ]
    if simulated:
        checks += [
            (mem.get("scope") == "process" and pages.get("scope") == "process", "scope process"),
            (isinstance(mem.get("process_peak_rss"), int) and mem["process_peak_rss"] > 0,
             "memory.process_peak_rss"),
            (mem.get("per_rank") is None and mem.get("peak_rss_max") is None
             and mem.get("peak_rss_sum") is None, "no per-rank memory when simulated"),
            (bool(mem.get("note")), "memory.note says why"),
            (all(set(b) == {"rank", "host"} for b in binding), "no pid or threads when simulated"),
            # Each iteration's median rank is at most its slowest, so the medians over iterations
            # keep that order.
            (isinstance(rec["time"].get("rank_median"), (int, float))
             and 0 < rec["time"]["rank_median"] <= rec["time"]["median"] and rec["time"].get("note"),
             "time.rank_median (0 < it <= time.median) and time.note"),
        ]
    else:
        checks += [
            (mem.get("scope") == "ranks" and pages.get("scope") == "ranks", "scope ranks"),
            (len(mem["per_rank"]) == rec["ranks"], "memory per rank"),
            (mem["peak_rss_sum"] >= mem["peak_rss_max"] > 0, "memory sums"),
            (all(t["cpus"] for b in binding for t in b["threads"]), "cpus read by hwloc"),
            ("rank_median" not in rec["time"], "time.rank_median only when simulated"),
        ]
    return checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    parser.add_argument("--ranks", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.jsonl")
        for _ in range(2):  # two runs append two lines
            proc = subprocess.run(command + ["--json", path], capture_output=True, text=True,
                                  timeout=60)
            if proc.returncode != 0:
                fail("run failed (%d): %s" % (proc.returncode, proc.stderr))
            if "validated: yes" not in proc.stdout:
                fail("no human line saying 'validated: yes': " + proc.stdout)
        with open(path) as f:
            lines = f.read().splitlines()
    if len(lines) != 2:
        fail("expected 2 appended lines, found %d" % len(lines))
    rec = json.loads(lines[0])
    for key, kind in REQUIRED.items():
        if key not in rec:
            fail("missing field " + key)
        if not isinstance(rec[key], kind):
            fail("field %s is %s, expected %s" % (key, type(rec[key]).__name__, kind.__name__))
    checks = [
        (rec["schema"] == "triobench.result/1", "schema"),
        (rec["backend"] == args.backend, "backend"),
        (rec["ranks"] == args.ranks, "ranks %s" % rec["ranks"]),
        (rec["threads"] == args.threads, "threads %s" % rec["threads"]),
        (rec["pes"] == args.ranks * args.threads, "pes"),
        (rec["validated"] is True and rec["status"] == "ok", "validated"),
        (0 < rec["time"]["min"] <= rec["time"]["median"] <= rec["time"]["max"], "time order"),
        (rec["rate"]["value"] > 0 and rec["rate"]["unit"], "rate"),
        (rec["work"]["flops"] > 0, "work"),
        (all(k in rec["breakdown"] for k in ("compute", "comm", "sync", "method")), "breakdown"),
        (rec["breakdown"]["compute"] > 0, "compute time"),
        (len(rec["binding"]) == args.ranks, "one binding entry per rank"),
        (all(len(b["threads"]) == args.threads for b in rec["binding"]), "threads per rank"),
        (rec["host"]["cores"] >= 1 and rec["host"]["pus"] >= rec["host"]["cores"], "host"),
        (rec["host"]["cpu_model"] != "", "cpu model"),
        ((rec["build"]["mpi_library"] is not None) == (args.backend in ("mpi", "hybrid")),
         "mpi library named exactly for the MPI backends"),
        (len(rec["verification"]) >= 1 and all(v["ok"] for v in rec["verification"]),
         "verification"),
        (rec["error"]["rel"] <= rec["error"]["tolerance"], "error within tolerance"),
        (rec["timestamp"].endswith("Z"), "timestamp"),
        (rec["kind"] in ("scaling", "micro", "probe"), "kind"),
        ("working_set" in rec and (rec["working_set"] is None) == (rec["kind"] == "micro"),
         "working_set: null exactly for micro-benchmarks"),
        (rec["working_set"] is None or
         rec["working_set"]["regime"] in ("dram", "mixed", "cache-resident"), "regime"),
        (rec["pages"]["policy"] in ("normal", "huge") and
         isinstance(rec["pages"]["anon_huge_bytes"], int) and rec["pages"]["anon_huge_bytes"] >= 0,
         "pages"),
        (rec["build"]["simulated"] is False, "build.simulated is false outside an SMPI build"),
    ] + check_scope(rec)
    for ok, what in checks:
        if not ok:
            fail("inconsistent record: %s\n%s" % (what, json.dumps(rec, indent=1)))
    n_build = check_build(rec, command)
    print("record ok: %d fields, %d checks" % (len(rec), len(checks) + n_build))


if __name__ == "__main__":
    main()
