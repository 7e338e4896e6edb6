#!/usr/bin/env python3
"""Test double of a triobench-<backend> executable (docs/results-schema.md).

Backend from FAKE_TRIOBENCH_BACKEND or the name it is run under. Kernels:
stencil (n, radius), nstream (n), pingpong (bytes; one record per size, needs
2 PEs). Under an MPI launcher only rank 0 writes (OMPI_COMM_WORLD_RANK,
PMI_RANK or SLURM_PROCID).

Behaviour, from the environment:
  FAKE_TRIOBENCH_SLEEP    seconds each run takes (default 0.01)
  FAKE_TRIOBENCH_FAIL     "MODE[@COND][;MODE[@COND]...]": MODE one of
                          hang (sleeps, with a child process, until killed),
                          stubborn (hangs and ignores SIGTERM), crash (SIGSEGV),
                          invalid (record with validated false, exit 3),
                          lie (validated false but exit 0), norecord (exit 0,
                          no record), exit1 (error message, exit 1).
                          COND: comma list of key=value over backend, kernel,
                          ranks, threads, pes, n, call (the call number,
                          counted in FAKE_TRIOBENCH_COUNTER).
  FAKE_TRIOBENCH_COUNTER  file counting the calls (rank 0's)
  FAKE_TRIOBENCH_PIDS     file to which every process appends its pid
  FAKE_TRIOBENCH_KERNELS  comma list restricting the kernels listed
"""

import json
import os
import signal
import sys
import time

KERNELS = {
    "stencil": {"summary": "2-D star stencil", "unit": "MFLOP/s", "size_param": "n",
                "params": [{"name": "n", "type": "int", "default": 1000, "min": 5, "max": 100000,
                            "help": "grid side"},
                           {"name": "radius", "type": "int", "default": 2, "min": 1, "max": 8,
                            "help": "stencil radius"}]},
    "nstream": {"summary": "STREAM triad", "unit": "GB/s", "size_param": "n",
                "params": [{"name": "n", "type": "int", "default": 1000000, "min": 1, "max": 10 ** 10,
                            "help": "array length"}]},
    "pingpong": {"summary": "ping-pong", "unit": "MB/s", "size_param": None, "min_pes": 2,
                 "params": [{"name": "max-bytes", "type": "int", "default": 4, "min": 1, "max": 1 << 22,
                             "help": "largest message"}]},
}


def backend():
    b = os.environ.get("FAKE_TRIOBENCH_BACKEND")
    return b or os.path.basename(sys.argv[0]).replace("triobench-", "").replace(".py", "")


def die(msg, code=2):
    sys.stderr.write(f"triobench-{backend()}: error: {msg}\n")
    sys.exit(code)


def rank_and_size():
    for r, s in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"),
                 ("SLURM_PROCID", "SLURM_NTASKS")):
        if r in os.environ:
            return int(os.environ[r]), int(os.environ.get(s, "1"))
    return 0, 1


def parse(argv):
    opts = {"kernel": None, "size": None, "iters": 10, "warmup": 1, "threads": None, "json": None,
            "quiet": False, "list": False, "params": {}}
    it = iter(argv)
    for a in it:
        if a == "--list":
            opts["list"] = True
        elif a == "--quiet":
            opts["quiet"] = True
        elif a == "--version":
            print("triobench-fake 0.0")
            sys.exit(0)
        elif a == "--json" and opts["list"]:
            opts["json"] = "-"
        elif a in ("--size", "--iters", "--warmup", "--threads", "--json"):
            try:
                opts[a[2:]] = next(it)
            except StopIteration:
                die(f"{a} needs a value")
        elif a.startswith("--"):
            try:
                opts["params"][a[2:]] = next(it)
            except StopIteration:
                die(f"{a} needs a value")
        elif opts["kernel"] is None:
            opts["kernel"] = a
        else:
            die(f"unexpected argument '{a}'")
    return opts


def matches(cond, facts):
    for item in filter(None, cond.split(",")):
        k, _, v = item.partition("=")
        if str(facts.get(k)) != v:
            return False
    return True


def failure_mode(facts):
    for spec in filter(None, os.environ.get("FAKE_TRIOBENCH_FAIL", "").split(";")):
        mode, _, cond = spec.partition("@")
        if matches(cond, facts):
            return mode
    return None


def count_call():
    path = os.environ.get("FAKE_TRIOBENCH_COUNTER")
    if not path:
        return 0
    try:
        with open(path) as f:
            n = int(f.read() or 0) + 1
    except (OSError, ValueError):
        n = 1
    with open(path, "w") as f:
        f.write(str(n))
    return n


def hang(stubborn):
    if stubborn:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import subprocess
    child = subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(3600)"])
    note_pid(child.pid)
    time.sleep(3600)


def note_pid(pid):
    path = os.environ.get("FAKE_TRIOBENCH_PIDS")
    if path:
        with open(path, "a") as f:
            f.write(f"{pid}\n")


def record(kernel, params, ranks, threads, iters, warmup, validated, per_iter):
    t = [per_iter * (1 + 0.01 * i) for i in range(iters)]
    s = sorted(t)
    flops = 1e6
    return {
        "schema": "triobench.result/1", "suite_version": "0.0-fake", "kernel": kernel, "backend": backend(),
        "ranks": ranks, "threads": threads, "pes": ranks * threads, "params": params,
        "iterations": iters, "warmup": warmup,
        "time": {"unit": "s", "min": s[0], "median": s[len(s) // 2], "max": s[-1], "mean": sum(t) / len(t),
                 "total": sum(t)},
        "rate": {"value": flops / s[len(s) // 2] / 1e6, "unit": KERNELS[kernel]["unit"], "basis": "median"},
        "work": {"flops": flops, "bytes": 8 * flops, "flops_formula": "fake", "bytes_formula": "fake"},
        "validated": validated,
        "error": {"abs": 0.0 if validated else 1.0, "rel": 0.0 if validated else 1.0, "tolerance": 1e-8},
        "verification": [{"quantity": "norm", "computed": 1.0, "reference": 1.0 if validated else 2.0,
                          "rel_error": 0.0 if validated else 0.5, "tolerance": 1e-8, "ok": validated}],
        "breakdown": {"compute": per_iter, "comm": 0.0, "sync": 0.0, "method": "fake"},
        "memory": {"peak_rss_max": 1 << 20, "peak_rss_sum": ranks << 20, "per_rank": [1 << 20] * ranks},
        "binding": [{"rank": r, "host": "fakehost", "pid": os.getpid(),
                     "threads": [{"thread": i, "cpuset": "0x1", "cpus": "0", "last_cpu": 0}
                                 for i in range(threads)]} for r in range(ranks)],
        "host": {"name": "fakehost", "cpu_model": "fake", "packages": 1, "cores": 2, "pus": 2, "numa_nodes": 1,
                 "hosts": ["fakehost"]},
        "build": {"compiler": "fakecc", "flags": "-O0", "build_type": "Fake", "march_native": False,
                  "mpi_library": "Fake MPI", "mpi_version": "0", "git_commit": None, "openmp": "fake"},
        "launch": {"argv": sys.argv, "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_PLACES",
                                                                         "OMP_PROC_BIND") if k in os.environ}},
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "status": "ok" if validated else "invalid",
    }


def main():
    note_pid(os.getpid())
    opts = parse(sys.argv[1:])
    listed = KERNELS
    if os.environ.get("FAKE_TRIOBENCH_KERNELS"):
        listed = {k: v for k, v in KERNELS.items() if k in os.environ["FAKE_TRIOBENCH_KERNELS"].split(",")}
    if opts["list"]:
        if opts["json"] is None:
            print("\n".join(listed))
        else:
            print(json.dumps({"kernels": [dict(v, name=k) for k, v in listed.items()]}))
        return 0
    kernel = opts["kernel"]
    if kernel not in listed:
        die(f"unknown kernel '{kernel}'")
    spec = {p["name"]: p for p in KERNELS[kernel]["params"]}
    params = {name: p["default"] for name, p in spec.items()}
    if opts["size"] is not None:
        if not KERNELS[kernel]["size_param"]:
            die(f"{kernel} has no size")
        params[KERNELS[kernel]["size_param"]] = opts["size"]
    for k, v in opts["params"].items():
        if k not in spec:
            die(f"unknown option --{k}")
        params[k] = v
    for k, v in params.items():
        try:
            params[k] = int(v)
        except ValueError:
            die(f"--{k}: '{v}' is not an integer")
        if not spec[k]["min"] <= params[k] <= spec[k]["max"]:
            die(f"--{k}: {params[k]} out of range")
    rank, size = rank_and_size()
    b = backend()
    ranks = size if b in ("mpi", "hybrid") else 1
    threads = int(opts["threads"] or os.environ.get("OMP_NUM_THREADS", "1")) if b in ("omp", "hybrid") else 1
    if kernel == "pingpong" and ranks * threads < 2:
        die("pingpong needs 2 PEs")
    iters, warmup = int(opts["iters"]), int(opts["warmup"])
    facts = {"backend": b, "kernel": kernel, "ranks": ranks, "threads": threads, "pes": ranks * threads,
             "n": params.get("n"), "call": count_call() if rank == 0 else 0}
    mode = failure_mode(facts)
    if mode in ("hang", "stubborn"):
        hang(mode == "stubborn")
    if mode == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if mode == "exit1":
        die("simulated run-time error", 1)
    time.sleep(float(os.environ.get("FAKE_TRIOBENCH_SLEEP", "0.01")))
    if rank != 0 or mode == "norecord":
        return 0
    validated = mode not in ("invalid", "lie")
    work = (params["n"] / 1000.0) ** 2 if kernel == "stencil" else params.get("n", 1e6) / 1e6
    per_iter = 1e-3 * work / (ranks * threads)
    if kernel == "pingpong":
        sizes = [1 << i for i in range(0, params["max-bytes"].bit_length()) if (1 << i) <= params["max-bytes"]]
        recs = [record(kernel, dict(params, bytes=s), ranks, threads, iters, warmup, validated, 1e-6 * s)
                for s in sizes]
    else:
        recs = [record(kernel, params, ranks, threads, iters, warmup, validated, per_iter)]
    text = "".join(json.dumps(r) + "\n" for r in recs)
    if opts["json"] == "-":
        sys.stdout.write(text)
    elif opts["json"]:
        fd = os.open(opts["json"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, text.encode())
        os.close(fd)
    if not opts["quiet"]:
        print(f"{kernel} {b} {ranks}x{threads} validated={validated}")
    return 3 if mode == "invalid" else 0


if __name__ == "__main__":
    sys.exit(main())
