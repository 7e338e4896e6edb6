#!/usr/bin/env python3
"""Test double of a triobench-<backend> executable (docs/results-schema.md).

Backend from FAKE_TRIOBENCH_BACKEND or the name it is run under. Its
`--list --json` is a catalogue of schema triobench.catalogue/1 whose kernel
facts equal the real executables' (bench/tests/test_real_binaries.py checks
both with tbcommon.catalogue.validate and compares the facts); every kernel
runs (series kernels give one record per size). Under an MPI launcher only
rank 0 writes (OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID).

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
  FAKE_TRIOBENCH_SCHEMA   the catalogue's schema name (default triobench.catalogue/1)
"""

import json
import os
import signal
import sys
import time

SCHEMA = "triobench.catalogue/1"
LLC_BYTES = 32 << 20                     # the machine the double pretends to be
AUTO_RULE = "working set >= 4 x LLC (STREAM rule), capped by free memory"


def _int(name, default, lo, hi, help_text="", names=None):
    p = {"name": name, "help": help_text or name, "type": "int", "default": default, "min": lo, "max": hi}
    if names:
        p["names"] = names
    return p


def _choice(name, default, choices):
    return {"name": name, "help": name, "type": "choice", "default": default, "choices": choices}


def _kernel(name, unit, kind, params, size_param=None, series=None, weak=None, memory_bound=False,
            sweep_params=(), min_pes=1, min_ranks=1, iters=10, warmup=1, ws=None, auto=True):
    """A catalogue entry; ws: bytes of the working set as a function of the size (micro kernels: None)."""
    default = None if series else next((p["default"] for p in params if p["name"] == size_param), None)
    size_auto = None
    if ws is not None and auto:
        value = 1
        while ws(value) < 4 * LLC_BYTES:
            value = value * 2 if ws(value * 2) < 4 * LLC_BYTES else value + max(1, value // 64)
        size_auto = {"value": value, "working_set": ws(value), "rule": AUTO_RULE}
    return {"name": name, "summary": f"{name} (test double)", "unit": unit, "kind": kind,
            "size_param": size_param, "series": series, "min_pes": min_pes, "min_ranks": min_ranks,
            "weak": weak or {"rule": "fixed"}, "memory_bound": memory_bound,
            "size": {"default": default, "auto": size_auto}, "sweep_params": list(sweep_params), "options": [],
            "params": params, "default_iters": iters, "default_warmup": warmup,
            "model": {"per_pe": "fake", "messages": "fake", "collectives": "fake", "team": "fake",
                      "estimates": None}}, ws


CLASSES = {"S": 24, "W": 25, "A": 28, "B": 30}
TARGET_TIME = _int("target-time", 1000, 1, 60000000, "microseconds a timed batch lasts at least")
_ENTRIES = [
    _kernel("stencil", "MFLOP/s", "scaling", [_int("n", 1000, 5, 100000, "grid side"),
                                              _int("radius", 2, 1, 8, "stencil radius")],
            "n", weak={"rule": "power", "exponent": 0.5}, memory_bound=True, sweep_params=["radius"],
            ws=lambda n: 16 * n * n),
    _kernel("nstream", "GB/s", "scaling", [_int("n", 1000000, 1, 10 ** 10, "array length")], "n",
            weak={"rule": "power", "exponent": 1}, memory_bound=True, ws=lambda n: 24 * n),
    _kernel("transpose", "GB/s", "scaling", [_int("n", 4000, 1, 1000000), _int("tile", 64, 1, 1000000)], "n",
            weak={"rule": "power", "exponent": 0.5}, memory_bound=True, sweep_params=["tile"],
            ws=lambda n: 16 * n * n),
    _kernel("dgemm", "GFLOP/s", "scaling", [_int("n", 2000, 1, 1000000), _int("panel", 256, 1, 2048)], "n",
            weak={"rule": "power", "exponent": 1 / 3}, sweep_params=["panel"], ws=lambda n: 24 * n * n),
    _kernel("ep", "Mop/s", "scaling", [_int("m", 24, 16, 40, "log2 of the pairs", CLASSES),
                                       _choice("class", "S", list(CLASSES) + ["none"]),
                                       _choice("schedule", "static", ["static", "dynamic"]),
                                       _int("chunk", 4, 1, 1 << 24)],
            "m", weak={"rule": "log2", "step": 1}, sweep_params=["schedule", "chunk"], iters=1, warmup=0,
            ws=lambda m: 1 << 16, auto=False),
    _kernel("cg", "Mop/s", "scaling", [_choice("class", "S", ["S", "W", "A", "B", "C"])], "class", iters=1,
            ws=lambda c: 1 << 20, auto=False),
    _kernel("pingpong", "MB/s", "micro", [_int("bytes", None, 1, 1 << 22, "message size"),
                                          _choice("mode", "latency", ["latency", "bandwidth"]),
                                          _choice("variant", "auto", ["auto", "copy", "zerocopy", "funneled",
                                                                      "multiple"]),
                                          _int("window", 64, 1, 4096), TARGET_TIME],
            series="bytes", min_pes=2, min_ranks=2),
    _kernel("barrier", "us", "micro", [_int("delay", 100, 0, 10 ** 9), TARGET_TIME], "delay",
            sweep_params=["delay"]),
    _kernel("allreduce", "us", "micro", [_int("bytes", None, 8, 1 << 20), _int("delay", 100, 0, 10 ** 9),
                                           TARGET_TIME], series="bytes"),
    _kernel("halo", "MB/s", "micro", [_int("n", 1000, 1, 10 ** 9), _int("radius", 2, 1, 8), TARGET_TIME], "n",
            weak={"rule": "power", "exponent": 0.5}, sweep_params=["radius"], ws=lambda n: 16 * n * n),
    _kernel("peak", "GFLOP/s", "probe", [_int("n", 1 << 28, 1, 1 << 40, "FMAs per iteration")], "n",
            weak={"rule": "power", "exponent": 1}, ws=lambda n: 4096, auto=False),
]
KERNELS = {entry["name"]: entry for entry, _ in _ENTRIES}
WORKING_SET = {entry["name"]: ws for entry, ws in _ENTRIES}


def catalogue(listed):
    return {"schema": os.environ.get("FAKE_TRIOBENCH_SCHEMA", SCHEMA), "revision": 2,
            "program": f"triobench-{backend()}", "backend": backend(),
            "suite_version": "0.0-fake", "machine": {"llc_bytes": LLC_BYTES, "mem_available": 8 << 30},
            "kernels": [KERNELS[k] for k in listed]}


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


def working_set(kernel, params, size_rule):
    """The record's working_set (null for micro kernels), from the kernel's size as in the real records."""
    info = KERNELS[kernel]
    ws = WORKING_SET[kernel]
    if info["kind"] == "micro" or ws is None:
        return None
    size = params.get(info["size_param"])
    size = CLASSES.get(size, size) if isinstance(size, str) else size
    nbytes = ws(size)
    ratio = nbytes / LLC_BYTES
    regime = "dram" if ratio >= 4 else "cache-resident" if ratio < 1 else "mixed"
    return {"bytes": nbytes, "llc_bytes": LLC_BYTES, "ratio": ratio, "regime": regime, "size_rule": size_rule}


def model_inputs(flops, ranks, threads):
    """The record's model_inputs (common/tb_model.c): work split evenly, one 8-byte message to each of
    two neighbours and one 8-byte allreduce per iteration with ranks (and an untimed barrier), a team
    barrier with threads."""
    pes = ranks * threads
    msgs = 2 if ranks > 1 else 0
    return {"schema": 1, "grid": [ranks, 1],
            "per_pe": {"flops": flops / pes, "bytes": 8 * flops / pes},
            "total": {"flops": flops, "bytes": 8 * flops},
            "messages": {"count": msgs, "bytes": 8 * msgs, "sizes": [{"bytes": 8, "count": msgs}] if msgs else []},
            "collectives": [{"op": "allreduce", "count": 1, "bytes": 8}] if ranks > 1 else [],
            "team": {"barriers": 1 if threads > 1 else 0, "reductions": 0},
            "untimed": [{"op": "barrier", "count": 1, "bytes": 0}] if ranks > 1 else [], "exact": True}


def record(kernel, params, ranks, threads, iters, warmup, validated, per_iter, size_rule):
    t = [per_iter * (1 + 0.01 * i) for i in range(iters)]
    s = sorted(t)
    flops = 1e6
    info = KERNELS[kernel]
    return {
        "schema": "triobench.result/1", "suite_version": "0.0-fake", "kernel": kernel, "backend": backend(),
        "kind": info["kind"], "ranks": ranks, "threads": threads, "pes": ranks * threads, "params": params,
        "iterations": iters, "warmup": warmup,
        "time": {"unit": "s", "min": s[0], "median": s[len(s) // 2], "max": s[-1], "mean": sum(t) / len(t),
                 "total": sum(t)},
        # An overhead kernel's rate is its median in us, as the real ones report.
        "rate": {"value": s[len(s) // 2] * 1e6 if info["unit"] == "us" else flops / s[len(s) // 2] / 1e6,
                 "unit": info["unit"], "basis": "median"},
        "work": {"flops": flops, "bytes": 8 * flops, "flops_formula": "fake", "bytes_formula": "fake"},
        "model_inputs": model_inputs(flops, ranks, threads),
        "working_set": working_set(kernel, params, size_rule),
        "pages": {"policy": "normal", "anon_huge_bytes": 0},
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


def check_value(spec, value):
    """A parameter value as the real option parser takes it (names of values and choices included)."""
    if spec["type"] == "choice":
        if value not in spec["choices"]:
            die(f"--{spec['name']}: '{value}' is not one of {'|'.join(spec['choices'])}")
        return value
    value = (spec.get("names") or {}).get(value, value)
    try:
        number = int(value)
    except ValueError:
        die(f"--{spec['name']}: '{value}' is not an integer")
    if not spec["min"] <= number <= spec["max"]:
        die(f"--{spec['name']}: {number} out of range")
    return number


def kernel_params(kernel, opts):
    """(params, size_rule, series values) from the options, as the real executables read them."""
    info = KERNELS[kernel]
    spec = {p["name"]: p for p in info["params"]}
    params = {name: p["default"] for name, p in spec.items() if name != info["series"]}
    size_rule = "default"
    if opts["size"] is not None:
        if not info["size_param"]:
            die(f"{kernel} has no size")
        if opts["size"] == "auto":
            if not info["size"]["auto"]:
                die(f"--size auto: {kernel} has no automatic size")
            params[info["size_param"]] = info["size"]["auto"]["value"]
            size_rule = "auto"
        else:
            params[info["size_param"]] = check_value(spec[info["size_param"]], opts["size"])
            size_rule = "given"
    series = None
    lo = hi = None
    for k, v in opts["params"].items():
        if info["series"] and k in ("min-" + info["series"], "max-" + info["series"]):
            number = check_value(spec[info["series"]], v)
            lo, hi = (number, hi) if k.startswith("min-") else (lo, number)
            continue
        if k not in spec:
            die(f"unknown option --{k}")
        if k == info["series"]:
            series = [check_value(spec[k], v)]
            continue
        params[k] = check_value(spec[k], v)
        if k == info["size_param"]:
            size_rule = "given"
    if info["series"] and series is None:
        s = spec[info["series"]]
        lo, hi = lo or s["min"], hi or s["max"]
        series = [1 << i for i in range(hi.bit_length()) if lo <= (1 << i) <= hi]
    return params, size_rule, series


def main():
    note_pid(os.getpid())
    opts = parse(sys.argv[1:])
    listed = list(KERNELS)
    if os.environ.get("FAKE_TRIOBENCH_KERNELS"):
        listed = [k for k in KERNELS if k in os.environ["FAKE_TRIOBENCH_KERNELS"].split(",")]
    if opts["list"]:
        if opts["json"] is None:
            print("\n".join(listed))
        else:
            print(json.dumps(catalogue(listed)))
        return 0
    kernel = opts["kernel"]
    if kernel not in listed:
        die(f"unknown kernel '{kernel}'")
    info = KERNELS[kernel]
    params, size_rule, series = kernel_params(kernel, opts)
    rank, size = rank_and_size()
    b = backend()
    ranks = size if b in ("mpi", "hybrid") else 1
    threads = int(opts["threads"] or os.environ.get("OMP_NUM_THREADS", "1")) if b in ("omp", "hybrid") else 1
    if ranks * threads < info["min_pes"] or (b in ("mpi", "hybrid") and ranks < info["min_ranks"]):
        die(f"{kernel} needs at least {info['min_pes']} PEs ({info['min_ranks']} ranks with MPI)")
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
    n = params.get("n") if isinstance(params.get("n"), int) else 1000
    work = (n / 1000.0) ** 2 if kernel == "stencil" else n / 1e6
    per_iter = 1e-3 * work / (ranks * threads)
    if series:
        recs = [record(kernel, dict(params, **{info["series"]: s}), ranks, threads, iters, warmup, validated,
                       1e-6 * s, size_rule) for s in series]
    else:
        recs = [record(kernel, params, ranks, threads, iters, warmup, validated, per_iter, size_rule)]
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
