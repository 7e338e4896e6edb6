"""Results folders with known numbers, shaped like bench/sweep's output.

`record()` builds one triobench.result/1 record plus its "sweep" object;
`write_folder()` writes results.jsonl (and meta.json); `realistic()` writes a
whole plausible sweep (every kernel, model, chart) for looking at the
charts. Run as a script to write the realistic folder:
    python3 plots/tests/fixtures.py OUT_FOLDER
"""

import atexit
import json
import os
import random
import shutil
import sys
import tempfile

HOST = {"name": "fixture-host", "cpu_model": "Example CPU @ 3.0GHz", "packages": 1, "cores": 2,
        "pus": 4, "numa_nodes": 1, "hosts": ["fixture-host"]}
BUILD = {"compiler": "GNU 12.2.0", "flags": "-O3 -march=native", "build_type": "Release",
         "march_native": True, "mpi_library": "Open MPI", "mpi_version": "4.1.4",
         "git_commit": "0123456789abcdef0123456789abcdef01234567", "openmp": "201511"}


LLC = 32 * 2 ** 20


def _kernel(name, kind, unit, size_param="n", series=None, weak=None, memory_bound=False, min_pes=1,
            params=()):
    return {"name": name, "summary": "fixture " + name, "unit": unit, "kind": kind, "size_param": size_param,
            "series": series, "min_pes": min_pes, "min_ranks": min_pes,
            "weak": weak or {"rule": "fixed"}, "memory_bound": memory_bound,
            "size": {"default": None, "auto": None}, "sweep_params": [], "options": [],
            "params": [{"name": p} for p in (params or [q for q in (size_param, series) if q])],
            "default_iters": 20, "default_warmup": 2}


# The catalogue (triobench.catalogue/1, RULES.md) of the kernels the fixtures use, as
# `triobench-omp --list --json` prints it: the fixtures take each kernel's kind from here.
CATALOGUE = {
    "schema": "triobench.catalogue/1", "program": "triobench-omp", "backend": "omp", "suite_version": "0.1.0",
    "machine": {"llc_bytes": LLC, "mem_available": 8 * 2 ** 30},
    "kernels": [
        _kernel("stencil", "scaling", "MFLOP/s", weak={"rule": "power", "exponent": 0.5}, memory_bound=True,
                params=("n", "radius")),
        _kernel("nstream", "scaling", "GB/s", weak={"rule": "power", "exponent": 1}, memory_bound=True),
        _kernel("transpose", "scaling", "GB/s", weak={"rule": "power", "exponent": 0.5}, memory_bound=True),
        _kernel("dgemm", "scaling", "MFLOP/s", weak={"rule": "power", "exponent": 1 / 3}),
        _kernel("ep", "scaling", "Mop/s", size_param="m", weak={"rule": "log2", "step": 1}),
        _kernel("cg", "scaling", "Mop/s", size_param="class"),
        _kernel("peak", "probe", "GFLOP/s", size_param=None),
        _kernel("pingpong", "micro", "MB/s", size_param=None, series="bytes", min_pes=2),
        _kernel("allreduce", "micro", "us", size_param=None, series="bytes"),
        _kernel("barrier", "micro", "us", size_param=None),
        _kernel("halo", "micro", "MB/s", weak={"rule": "power", "exponent": 0.5}),
    ]}
KIND = {k["name"]: k["kind"] for k in CATALOGUE["kernels"]}


def working_set(nbytes, rule="given", llc=LLC):
    """A record's working_set object (RULES.md) for a problem of nbytes."""
    ratio = nbytes / llc
    regime = "dram" if ratio >= 4 else "cache-resident" if ratio < 1 else "mixed"
    return {"bytes": nbytes, "llc_bytes": llc, "ratio": ratio, "regime": regime, "size_rule": rule}


def record(kernel, backend, ranks, threads, params, time, rep=0, scaling="strong", flops=None,
           nbytes=None, breakdown=None, mem_per_rank=None, oversubscribed=False, failure=None,
           status=None, rate_unit="MFLOP/s", fault=None, sweep_id="fixture", kind=None, ws=None,
           variant=None, exchange=None, probe=False, role=None, pages=None):
    """One record; time=None (or failure set) gives a failed run with no measurements.

    kind: None takes the kernel's kind from CATALOGUE; False leaves the field out (an
    old record). ws: a working_set object (working_set()), written as given (None: null).
    probe/role: bench/sweep's "sweep" fields of a roofline probe.
    """
    pes = ranks * threads
    config_id = "%s-%s-%dx%d-%s-%s" % (kernel, backend, ranks, threads,
                                       "-".join("%s%s" % kv for kv in sorted(params.items())), scaling)
    sweep = {"id": sweep_id, "rep": rep, "config_id": config_id,
             "command": "mpirun -n %d build/bin/triobench-%s %s" % (ranks, backend, kernel),
             "exit_status": 0, "wall_s": 1.0, "failure": failure, "oversubscribed": oversubscribed,
             "scaling": scaling}
    if probe:
        sweep.update(probe=True, role=role or "roofline")
    rec = {"schema": "triobench.result/1", "kernel": kernel, "backend": backend, "ranks": ranks,
           "threads": threads, "pes": pes, "params": params}
    if kind is not False:
        rec["kind"] = kind or KIND.get(kernel, "scaling")
    rec["working_set"] = ws
    rec["pages"] = pages or {"policy": "normal", "anon_huge_bytes": 0}
    if variant is not None:
        rec["variant"] = variant
    if exchange is not None:
        rec["exchange"] = exchange
    if fault is not None:
        rec["fault"] = fault
    if time is None or (failure and status is None):
        sweep["exit_status"] = 124 if failure and "timeout" in failure else 1
        rec.update({"status": "failed", "sweep": sweep})
        return rec
    flops = flops if flops is not None else 1e9
    nbytes = nbytes if nbytes is not None else 1e9
    rec.update({
        "suite_version": "0.1.0", "iterations": 10, "warmup": 2,
        "time": {"unit": "s", "min": time * 0.97, "median": time, "max": time * 1.05, "mean": time,
                 "total": time * 10},
        "rate": {"value": _rate(rate_unit, flops, nbytes, time), "unit": rate_unit, "basis": "median"},
        "work": {"flops": flops, "bytes": nbytes, "flops_formula": "f", "bytes_formula": "b"},
        "validated": status != "invalid",
        "error": {"abs": 0.0, "rel": 0.0, "tolerance": 1e-8},
        "verification": [],
        "breakdown": dict(breakdown or {"compute": time, "comm": 0.0, "sync": 0.0}, method="fixture"),
        "memory": _memory(mem_per_rank or [50 * 2 ** 20] * ranks),
        "binding": [], "host": HOST, "build": BUILD, "launch": {"argv": [], "env": {}},
        "timestamp": "2026-11-25T12:00:00Z", "status": status or "ok", "sweep": sweep,
    })
    return rec


# --- simulated records (SimGrid SMPI, issue 15) ------------------------------
# Copied from a real record of the SMPI build (2026-12-02, commit 02a8ced): `cmake --preset smpi &&
# cmake --build --preset smpi`, then `smpirun -np 4 -platform platforms/cluster-ib.xml -hostfile H
# --log=root.thres:warning build-smpi/bin/triobench-mpi stencil --size 120 --json r.jsonl` with H
# "node-0 node-0 node-1 node-1" (and triobench-serial under `smpirun -np 1`). Its build object is
# verbatim; its memory.per_rank repeats one figure (SMPI runs every rank in one process of this
# machine) and its host is this machine's: that is what such records say today.
SMPI_BUILD = {"compiler": "GNU 12.2.0", "flags": "-DTRIOBENCH_SIMULATED=1 -DSMPI_NO_OVERRIDE_MALLOC=1 -O3 -DNDEBUG",
              "build_type": "Release", "march_native": False,
              "mpi_library": "SMPI Version 3.32. Copyright The SimGrid Team 2007-2022", "mpi_version": "3.1",
              "mpi_thread_level": "MPI_THREAD_SINGLE", "openmp": None, "git_commit": "02a8cedfa600"}
# What CONTRACT15.md adds and today's records lack: build.simulated (simcore, the C side) and
# sweep.platform (simsweep, bench/sweep --launcher smpi), with the contract's fields.
PLATFORM = {"name": "cluster-ib", "file": "platforms/cluster-ib.xml", "sha256": "0" * 64, "hosts": 32,
            "cores": 1024, "coll_selector": "mpich", "simgrid": "3.32"}


def smpi_record(kernel, backend, ranks, params, time, contract=True, platform=PLATFORM, **kw):
    """A record of the SMPI build, shaped like the real one above. contract: add CONTRACT15.md's
    build.simulated and sweep.platform (False: an unmodified record of today, recognised by its flags)."""
    rec = record(kernel, backend, ranks, 1, params, time, mem_per_rank=[36896768] * ranks, **kw)
    if "build" in rec:
        rec["build"] = dict(SMPI_BUILD, simulated=True) if contract else dict(SMPI_BUILD)
    rec["sweep"]["command"] = ("smpirun -np %d -platform platforms/cluster-ib.xml build-smpi/bin/triobench-%s %s"
                               % (ranks, backend, kernel))
    if contract and platform:
        rec["sweep"]["platform"] = dict(platform)
    return rec


def _rate(unit, flops, nbytes, time):
    """The record's rate as the C side computes it: work per iteration / median time, in unit."""
    if unit in ("us", "µs"):
        return time * 1e6
    scale = {"G": 1e9, "M": 1e6, "K": 1e3}.get(unit[:1], 1.0)
    work = nbytes if unit.endswith("B/s") else flops
    return work / time / scale


_SCRATCH = []


def scratch():
    """A fresh empty folder, removed when the test process exits."""
    if not _SCRATCH:
        _SCRATCH.append(tempfile.mkdtemp(prefix="tbplots-test-"))
        atexit.register(shutil.rmtree, _SCRATCH[0], True)
    return tempfile.mkdtemp(dir=_SCRATCH[0])


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _memory(per_rank):
    return {"peak_rss_max": max(per_rank), "peak_rss_sum": sum(per_rank), "per_rank": per_rank}


def write_folder(path, records, meta=None, tail=""):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "results.jsonl"), "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
        fh.write(tail)
    if meta is not None:
        with open(os.path.join(path, "meta.json"), "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1)
    return path


META = {"sweep_id": "fixture", "host": {"name": "fixture-host"}, "cpu": {"model": "Example CPU @ 3.0GHz"},
        "topology": {"packages": 1, "cores": 2, "pus": 4, "numa_nodes": 1},
        "compiler": "GNU 12.2.0", "mpi": {"library": "Open MPI", "version": "4.1.4"},
        "git_commit": "0123456789abcdef0123456789abcdef01234567", "date": "2026-11-25T12:00:00Z",
        "plan": {"kernels": ["stencil"], "reps": 6}}


# --- the realistic sweep ----------------------------------------------------
# A toy performance model per kernel: serial time t1, parallel fraction,
# communication cost per extra rank, work counts and the working set (bytes).
KERNELS = {
    "stencil": dict(params={"n": 4000, "radius": 2}, t1=0.080, par=0.985, comm=0.002, flops=17 * 4000 ** 2,
                    nbytes=16 * 4000 ** 2, ws=16 * 4000 ** 2, unit="MFLOP/s", mem=260),
    "nstream": dict(params={"n": 20000000}, t1=0.080, par=0.50, comm=0.0, flops=2 * 20000000,
                    nbytes=32 * 20000000, ws=24 * 20000000, unit="GB/s", mem=480),
    "transpose": dict(params={"n": 4096, "tile": 32}, t1=0.090, par=0.90, comm=0.010, flops=4096 ** 2,
                      nbytes=32 * 4096 ** 2, ws=16 * 4096 ** 2, unit="GB/s", mem=270),
    "dgemm": dict(params={"n": 1024}, t1=0.110, par=0.995, comm=0.003, flops=2 * 1024 ** 3,
                  nbytes=32 * 1024 ** 2, ws=24 * 1024 ** 2, unit="MFLOP/s", mem=30),
    "ep": dict(params={"class": "S"}, t1=0.95, par=0.999, comm=0.0005, flops=2 ** 25 * 30, nbytes=1e6,
               ws=1e6, unit="Mop/s", mem=5),
    "cg": dict(params={"class": "S"}, t1=0.045, par=0.93, comm=0.004, flops=6.6e7, nbytes=3.6e8,
               ws=1.2e6, unit="Mop/s", mem=12),
}
# an in-cache stencil a user asked for (--size 1000): superlinear at 2 PEs, as issue 11 saw
CACHED_STENCIL = dict(KERNELS["stencil"], params={"n": 1000, "radius": 2}, t1=0.0050, par=1.0, comm=0.0,
                      flops=17 * 1000 ** 2, nbytes=16 * 1000 ** 2, ws=16 * 1000 ** 2, mem=30, superlinear=0.86)


def _shapes(backend, pes):
    if backend == "serial":
        return [(1, 1)] if pes == 1 else []
    if backend == "omp":
        return [(1, pes)]
    if backend == "mpi":
        return [(pes, 1)]
    return [(r, pes // r) for r in range(1, pes + 1) if pes % r == 0]


def realistic(path, reps=7, pes_list=(1, 2, 4), cores=2, seed=7):
    rnd = random.Random(seed)
    recs = []

    def noisy(t):
        return t * (1 + abs(rnd.gauss(0, 0.025)))

    studies = [(kernel, k, scaling) for kernel, k in KERNELS.items()
               for scaling in (("strong", "weak") if kernel == "stencil" else ("strong",))]
    studies.insert(1, ("stencil", CACHED_STENCIL, "strong"))
    for kernel, k, scaling in studies:
        for pes in pes_list:
            for backend in ("serial", "omp", "mpi", "hybrid"):
                for ranks, threads in _shapes(backend, pes):
                    over = pes > cores
                    grow = pes if scaling == "weak" else 1
                    params = dict(k["params"])
                    if scaling == "weak":
                        params["n"] = int(round(k["params"]["n"] * grow ** 0.5))
                    comp = k["t1"] * grow * ((1 - k["par"]) + k["par"] / pes) * (1.04 if backend != "serial" else 1)
                    if pes > 1 and "superlinear" in k:
                        comp *= k["superlinear"]   # each PE's share runs from a faster cache level
                    comm = k["comm"] * (ranks - 1) * (1.3 if threads > 1 else 1)
                    sync = k["t1"] * 0.01 * (threads - 1)
                    if over:
                        comp *= 1.0 * pes / cores * 1.1
                    for rep in range(reps):
                        t = noisy(comp + comm + sync)
                        failure = None
                        if kernel == "cg" and backend == "hybrid" and (ranks, threads) == (4, 1):
                            failure = "timeout after 60 s"
                        if kernel == "transpose" and backend == "mpi" and pes == 2 and rep == 3:
                            failure = "exit status 1: MPI_ERR_TRUNCATE"
                        recs.append(record(
                            kernel, backend, ranks, threads, params, None if failure else t, rep=rep,
                            scaling=scaling, flops=k["flops"] * grow, nbytes=k["nbytes"] * grow,
                            breakdown={"compute": comp, "comm": comm, "sync": sync},
                            mem_per_rank=[int((k["mem"] * grow / ranks + 18 + 4 * threads) * 2 ** 20)] * ranks,
                            oversubscribed=over, failure=failure, rate_unit=k["unit"],
                            ws=working_set(k["ws"] * grow, "given" if "superlinear" in k else "auto")))
    # bench/sweep's roofline probes: the FMA peak at 1 and 2 PEs, a DRAM-sized nstream
    for pes, gflops in ((1, 38.0), (2, 74.0)):
        for rep in range(reps):
            flops = 2.0e9
            recs.append(record("peak", "omp", 1, pes, {"chains": 12}, noisy(flops / (gflops * 1e9)), rep=rep,
                               flops=flops, nbytes=0, rate_unit="GFLOP/s", probe=True))
    for rep in range(reps):
        n = 100000000
        recs.append(record("nstream", "omp", 1, 2, {"n": n}, noisy(32 * n / 11.5e9), rep=rep, flops=2 * n,
                           nbytes=32 * n, rate_unit="GB/s", ws=working_set(24 * n, "auto"), probe=True))
    sizes = [2 ** i for i in range(0, 23, 2)]
    # the "variant" parameter asks ("auto"), the record's "variant" says what ran
    for backend, asked, variant, lat, bw, ranks, threads in (
            ("omp", "auto", "copy", 0.25e-6, 9e9, 1, 2), ("omp", "handoff", "handoff", 0.08e-6, 4e14, 1, 2),
            ("mpi", "auto", None, 0.45e-6, 6e9, 2, 1), ("hybrid", "auto", "funneled", 0.9e-6, 5e9, 2, 1)):
        for size in sizes:
            for rep in range(reps):
                t = noisy(lat + size / bw)
                recs.append(record("pingpong", backend, ranks, threads,
                                   {"bytes": size, "variant": asked, "mode": "latency", "target-time": 1000}, t,
                                   rep=rep, flops=0, nbytes=size, rate_unit="MB/s", variant=variant))
    for backend, base, ranks_of in (("omp", 0.3e-6, lambda p: 1), ("mpi", 0.8e-6, lambda p: p),
                                    ("hybrid", 1.2e-6, lambda p: max(1, p // 2))):
        for size in [8 * 4 ** i for i in range(0, 9)]:
            for rep in range(reps):
                t = noisy(base + size / 3e9)
                recs.append(record("allreduce", backend, ranks_of(2), 2 // ranks_of(2),
                                   {"bytes": size, "delay": 100, "target-time": 1000}, t, rep=rep, flops=0,
                                   nbytes=size, rate_unit="us"))
        for pes in pes_list:
            r = ranks_of(pes)
            for rep in range(reps):
                t = noisy(base * (1 + pes / 2))
                recs.append(record("barrier", backend, r, pes // r, {"delay": 100, "target-time": 1000}, t,
                                   rep=rep, flops=0, nbytes=0, oversubscribed=pes > cores, rate_unit="us"))
                recs[-1]["reference"] = {"what": "the delay loop alone, per operation (subtracted: its median)",
                                         "unit": "s", "min": 0.99e-7, "median": 1e-7, "max": 1.1e-7}
            for rep in range(reps):
                ghost = 0 if pes == 1 else 2 * 2 * 1000 * 8 * (pes - 1)
                recs.append(record("halo", backend, r, pes // r, {"n": 1000, "radius": 2, "target-time": 1000},
                                   noisy(0.4e-6 + ghost / 5e9), rep=rep, flops=0, nbytes=ghost,
                                   oversubscribed=pes > cores, rate_unit="MB/s",
                                   exchange={"bytes": ghost, "ghost_points": ghost // 8,
                                             "between": "threads" if r == 1 else "ranks"}))
    catalogue = {b: dict(CATALOGUE, program="triobench-" + b, backend=b) for b in ("serial", "omp", "mpi", "hybrid")}
    meta = dict(META, plan={"kernels": sorted(KERNELS), "pes": list(pes_list), "reps": reps}, catalogue=catalogue)
    return write_folder(path, recs, meta)


def large(path, shape="many", reps=5, seed=3):
    """10,000 records over 2,000 configurations (5 repetitions each), shaped as issue 16 saw them.
    "many": 100 strong-scaling studies (stencil at 100 sizes), each with serial, omp, mpi and hybrid
    1x1 at 1 PE and omp, mpi, hybrid 1xp and 2x(p/2) at 2, 4, 8, 16 PEs (4 + 16 = 20 configurations);
    "wide": one study at 500 PE counts: serial and hybrid 1x1 at 1 PE, omp and mpi at each of the
    500 counts, hybrid 1xp and px1 at each of the 499 above 1 (2 + 1000 + 998 = 2,000)."""
    rnd = random.Random(seed)
    recs = []

    def add(params, backend, ranks, threads, t1):
        pes = ranks * threads
        t = t1 * (0.1 + 0.9 / pes) * (1.0 + 0.05 * (backend == "mpi") + 0.02 * (backend == "hybrid"))
        comm = 0.05 * t * (ranks - 1) / max(1, pes)
        for rep in range(reps):
            recs.append(record("stencil", backend, ranks, threads, params, t * (1 + rnd.random() * 0.02), rep=rep,
                               flops=1e9, nbytes=8e9, breakdown={"compute": t - comm, "comm": comm, "sync": 0.0},
                               ws=working_set(8 * LLC, "auto")))

    if shape == "many":
        for i in range(100):
            params, t1 = {"n": 1000 + 10 * i, "radius": 2}, 0.1 + i * 1e-3
            add(params, "serial", 1, 1, t1)
            for pes in (2, 4, 8, 16):
                add(params, "omp", 1, pes, t1)
                add(params, "mpi", pes, 1, t1)
                add(params, "hybrid", 1, pes, t1)
                add(params, "hybrid", 2, pes // 2, t1)
            for backend in ("omp", "mpi", "hybrid"):
                add(params, backend, 1, 1, t1)
    else:
        params = {"n": 4000, "radius": 2}
        add(params, "serial", 1, 1, 0.1)
        add(params, "hybrid", 1, 1, 0.1)
        for pes in range(1, 501):
            add(params, "omp", 1, pes, 0.1)
            add(params, "mpi", pes, 1, 0.1)
            if pes > 1:
                add(params, "hybrid", 1, pes, 0.1)
                add(params, "hybrid", pes, 1, 0.1)
    meta = dict(META, catalogue={"omp": CATALOGUE})
    return write_folder(path, recs, meta)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: fixtures.py OUT_FOLDER")
    print(realistic(sys.argv[1]))
