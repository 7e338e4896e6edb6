"""The performance model (issue 12 §2; docs/model.md): the machine's parameters fitted from a sweep's
own records, and a predicted time per iteration for every configuration whose records carry
"model_inputs" (the kernel's statement of what one iteration does, per PE and per rank).

Pure functions on records as results.jsonl holds them (dicts); standard library only, so the sweep
(its calibration probes, bench/triobench_sweep/probes.py) and the plots (plots/tbplots/model*.py)
share one model. Times are seconds, sizes bytes, rates per second.

    machine = fit_machine(records)      # bandwidth, peak, alpha/beta per channel, sync overheads
    result = evaluate(records)          # rows: measured beside predicted, errors, what is missing

Prediction of one iteration of a run (model m, R ranks x T threads, P = R T PEs, p of them on its host):

    compute     = eta * max(bytes_pe / (bw(p) / p), flops_pe / peak_pe(p))
    p2p         = alpha_m * messages + beta_m * message_bytes
    collectives = sum over ops of count * (measured overhead of m at R x T, else an alpha-beta estimate)
    team        = team barriers * barrier overhead of T threads (a team reduction is one of them)
    time        = compute + p2p + collectives + team

bw(p) is the aggregate bandwidth a DRAM-sized nstream reached at p PEs (one memory domain shared by
its PEs), peak_pe(p) the peak probe's flop rate at p PEs divided by p. eta, the kernel's efficiency
against its roofline, is 1 for the plain roofline prediction; the calibrated prediction fixes it
from the kernel's one-PE run (serial when present), which is then a calibration, not a prediction.
"""

import json
import math

from . import stats

BANDWIDTH_KERNEL = "nstream"    # its bytes / time at a DRAM size is the memory bandwidth
PEAK_KERNEL = "peak"            # the FMA-throughput probe: its flops / time is the compute peak
PINGPONG_KERNEL = "pingpong"    # one-way time of a message of params.bytes: alpha and beta
BARRIER_KERNEL = "barrier"      # overhead of one barrier
ALLREDUCE_KERNEL = "allreduce"  # time of one allreduce of params.bytes
SYNC_TABLE = {"barrier": "barrier_s", "allreduce": "allreduce_s"}   # op -> the machine's table of it
INPUTS_SCHEMA = 1
RUN_INPUTS = ("rebuild triobench from a commit whose records carry model_inputs "
              "(docs/results-schema.md) and run bench/sweep again")
RUN_BANDWIDTH = "bench/sweep --kernels nstream --size auto"
RUN_PEAK = "bench/sweep --kernels peak"


def run_pingpong(model):
    base, _, transport = model.partition("/")
    return "bench/sweep --kernels pingpong --backends %s --pes 2%s" % (
        "mpi" if base == "hybrid" else base, " --transports " + transport if transport else "")


# --- reading records -----------------------------------------------------------
def _num(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _dict(value):
    return value if isinstance(value, dict) else {}


def median_time(rec):
    """Seconds per iteration (one operation for a micro-benchmark), or None."""
    return _num(_dict(rec.get("time")).get("median"))


def usable(rec):
    """A validated measurement: not failed, not a fault scenario, with a median time."""
    sweep = _dict(rec.get("sweep"))
    return (rec.get("validated") is True and rec.get("status", "ok") == "ok" and not sweep.get("failure")
            and rec.get("fault") is None and median_time(rec) is not None)


def oversubscribed(rec):
    return _dict(rec.get("sweep")).get("oversubscribed") is True


def is_probe(rec):
    return _dict(rec.get("sweep")).get("probe") is True


def model_of(rec):
    """The record's model as the plots name it: "mpi/tcp" for a run over a chosen transport."""
    backend = str(rec.get("backend") or "?")
    transport = _dict(rec.get("sweep")).get("transport")
    if isinstance(transport, str) and transport and backend in ("mpi", "hybrid"):
        return backend + "/" + transport
    return backend


def shape_of(rec):
    """(ranks, threads, pes, pes on the busiest host)."""
    ranks = int(_num(rec.get("ranks")) or 1)
    threads = int(_num(rec.get("threads")) or 1)
    hosts = len(_dict(rec.get("host")).get("hosts") or []) or 1
    pes = ranks * threads
    return ranks, threads, pes, max(1, math.ceil(pes / min(hosts, ranks)))


def is_dram_bandwidth(rec):
    """A DRAM-sized nstream (or a probe marked as the bandwidth ceiling): the only bandwidth source.
    A cache-resident or mixed run measures the caches (the roofline's rule, plots/tbplots/roofline.py)."""
    role = rec.get("kernel") == BANDWIDTH_KERNEL or _dict(rec.get("sweep")).get("ceiling") == "bandwidth"
    return role and usable(rec) and _dict(rec.get("working_set")).get("regime") == "dram"


def is_peak(rec):
    role = rec.get("kernel") == PEAK_KERNEL or _dict(rec.get("sweep")).get("ceiling") == "compute"
    return role and usable(rec)


def is_pingpong(rec):
    """A ping-pong latency record of a copy (a hand-off moves no bytes: no beta in it)."""
    params = _dict(rec.get("params"))
    return (rec.get("kernel") == PINGPONG_KERNEL and usable(rec) and params.get("mode", "latency") == "latency"
            and rec.get("variant") != "handoff" and _num(params.get("bytes")) is not None)


def _count(value):
    """A count or a size from model_inputs: a finite number >= 0, else 0."""
    num = _num(value)
    return num if num is not None and num > 0 else 0.0


def inputs_of(rec):
    """The record's model_inputs, checked and with every number in place (a missing or garbled one
    reads 0), when it has the schema this module knows; else None."""
    mi = rec.get("model_inputs")
    if not isinstance(mi, dict) or mi.get("schema") != INPUTS_SCHEMA:
        return None
    per_pe, msgs, team = _dict(mi.get("per_pe")), _dict(mi.get("messages")), _dict(mi.get("team"))
    colls = mi.get("collectives") if isinstance(mi.get("collectives"), list) else []
    sizes = msgs.get("sizes") if isinstance(msgs.get("sizes"), list) else []
    return {"schema": INPUTS_SCHEMA,
            "per_pe": {"flops": _count(per_pe.get("flops")), "bytes": _count(per_pe.get("bytes"))},
            "messages": {"count": _count(msgs.get("count")), "bytes": _count(msgs.get("bytes")),
                         "sizes": [{"bytes": _count(s.get("bytes")), "count": _count(s.get("count"))}
                                   for s in sizes if isinstance(s, dict)]},
            "collectives": [{"op": c["op"], "count": _count(c.get("count")), "bytes": _count(c.get("bytes"))}
                            for c in colls if isinstance(c, dict) and isinstance(c.get("op"), str)],
            "team": {"barriers": _count(team.get("barriers")), "reductions": _count(team.get("reductions"))},
            "exact": mi.get("exact") is True}


# --- the Hockney fit ---------------------------------------------------------------
def hockney_fit(points, relative=True):
    """Least-squares t = alpha + beta * n over (n bytes, t seconds) pairs.

    relative: weights 1/t^2, i.e. the relative residuals are minimised. Message sizes span five
    decades; unweighted, the largest message decides alpha too (it would come out negative or tens
    of times too large). alpha < 0 is clamped to 0 (beta refitted through the origin), beta < 0 to 0
    (alpha the weighted mean). Returns {"alpha", "beta", "points", "sizes", "rms_rel", "clamped"} or
    None with fewer than two distinct sizes.
    """
    pts = [(float(n), float(t)) for n, t in points if n is not None and t is not None and n >= 0 and t > 0]
    if len({n for n, _ in pts}) < 2:
        return None
    w = [1.0 / (t * t) if relative else 1.0 for _, t in pts]
    sw = sum(w)
    sx = sum(wi * n for wi, (n, _) in zip(w, pts))
    sy = sum(wi * t for wi, (_, t) in zip(w, pts))
    sxx = sum(wi * n * n for wi, (n, _) in zip(w, pts))
    sxy = sum(wi * n * t for wi, (n, t) in zip(w, pts))
    beta = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
    alpha = (sy - beta * sx) / sw
    clamped = None
    if alpha < 0:
        alpha, beta, clamped = 0.0, sxy / sxx, "alpha"
    elif beta < 0:
        alpha, beta, clamped = sy / sw, 0.0, "beta"
    rms = math.sqrt(sum(((alpha + beta * n) / t - 1.0) ** 2 for n, t in pts) / len(pts))
    return {"alpha": alpha, "beta": beta, "points": len(pts), "sizes": len({n for n, _ in pts}),
            "rms_rel": rms, "clamped": clamped}


# --- the machine -------------------------------------------------------------------
def _config_key(rec):
    return (rec.get("kernel"), model_of(rec), shape_of(rec)[:2], json.dumps(rec.get("params"), sort_keys=True))


def _medians(recs):
    """Median time per configuration (over its repetitions): {config key: (median, first record)}."""
    groups = {}
    for r in recs:
        groups.setdefault(_config_key(r), []).append(r)
    return {k: (stats.median([median_time(r) for r in v]), v[0]) for k, v in groups.items()}


def fit_machine(records):
    """The machine's parameters from the sweep's own records.

    {"bandwidth": {pes: aggregate B/s}, "peak": {pes: aggregate flop/s},
     "p2p": {channel: hockney_fit}, "barrier_s": {(model, ranks, threads): s},
     "allreduce_s": {(model, ranks, threads): {bytes: s}}}; a channel is a model name ("mpi/tcp", "omp").
    Each figure is the median over a configuration's repetitions; bandwidth and peak the best
    configuration at each PE count.
    """
    recs = [r for r in records if usable(r) and not oversubscribed(r)]   # a PE per core, as predicted
    m = {"bandwidth": {}, "peak": {}, "p2p": {}, "barrier_s": {}, "allreduce_s": {}}
    for (kernel, model, shape, _), (t, rec) in _medians([r for r in recs if is_dram_bandwidth(r)]).items():
        nbytes = _num(_dict(rec.get("work")).get("bytes"))
        if nbytes and t > 0:
            p = shape[0] * shape[1]
            m["bandwidth"][p] = max(m["bandwidth"].get(p, 0.0), nbytes / t)
    for (kernel, model, shape, _), (t, rec) in _medians([r for r in recs if is_peak(r)]).items():
        flops = _num(_dict(rec.get("work")).get("flops"))
        if flops and t > 0:
            p = shape[0] * shape[1]
            m["peak"][p] = max(m["peak"].get(p, 0.0), flops / t)
    points = {}
    for r in recs:
        if is_pingpong(r):
            points.setdefault(model_of(r), []).append((_num(r["params"]["bytes"]), median_time(r)))
    for channel, pts in points.items():
        fit = hockney_fit(pts)
        if fit:
            m["p2p"][channel] = fit
    for (kernel, model, shape, _), (t, rec) in _medians([r for r in recs if r.get("kernel") == BARRIER_KERNEL]).items():
        m["barrier_s"][(model,) + shape] = max(0.0, t)   # a difference of medians: may dip below 0
    for (kernel, model, shape, _), (t, rec) in _medians([r for r in recs if r.get("kernel") == ALLREDUCE_KERNEL]).items():
        nbytes = _num(_dict(rec.get("params")).get("bytes"))
        if nbytes is not None:
            m["allreduce_s"].setdefault((model,) + shape, {})[nbytes] = max(0.0, t)
    return m


def bandwidth_at(machine, p):
    """Aggregate bandwidth of p PEs sharing one memory domain: measured at p, else at the largest
    measured count below p (the domain is saturated), else at the smallest measured (None: no data)."""
    bw = machine["bandwidth"]
    if not bw:
        return None
    if p in bw:
        return bw[p]
    below = [q for q in bw if q < p]
    return bw[max(below)] if below else bw[min(bw)]


def peak_per_pe(machine, p):
    """One PE's flop rate at p PEs: the peak probe at p PEs / p, else at 1 PE, else the nearest count."""
    pk = machine["peak"]
    if not pk:
        return None
    q = p if p in pk else 1 if 1 in pk else min(pk, key=lambda q: abs(q - p))
    return pk[q] / q


def channel(machine, model):
    """(name, fit) of the ping-pong channel a model's messages travel, or (None, None).

    Hybrid ranks talk as MPI ranks do; on one host the default transport is shared memory, so
    "mpi" and "mpi/shm" stand for each other."""
    base, _, transport = model.partition("/")
    names = [model] + (["mpi" + ("/" + transport if transport else "")] if base == "hybrid" else [])
    if transport in ("", "shm"):
        for b in (base, "mpi"):
            names += [b, b + "/shm"]
    for name in names:
        if name in machine["p2p"]:
            return name, machine["p2p"][name]
    return None, None


def _rounds(n):
    return math.ceil(math.log2(n)) if n > 1 else 0


def collective_estimate(op, nbytes, ranks, alpha, beta):
    """An alpha-beta estimate of one collective among `ranks` ranks, bytes = one rank's contribution:
    binomial trees for bcast/reduce/gather, reduce + bcast for allreduce, dissemination for barrier,
    a pairwise exchange for alltoall (docs/model.md)."""
    k = _rounds(ranks)
    if ranks <= 1:
        return 0.0
    if op == "barrier":
        return k * alpha
    if op in ("bcast", "reduce"):
        return k * (alpha + beta * nbytes)
    if op == "allreduce":
        return 2 * k * (alpha + beta * nbytes)
    if op in ("gather", "allgather"):
        return k * alpha + (ranks - 1) * nbytes * beta * (2 if op == "allgather" else 1)
    if op == "alltoall":
        return (ranks - 1) * (alpha + beta * nbytes / ranks)
    return None


def _interpolate(table, nbytes):
    """Time at nbytes from {bytes: time}: linear between the measured sizes (time is close to linear in
    the size, Hockney), the slope of the nearest two beyond them, never below the smallest size's."""
    sizes = sorted(table)
    if len(sizes) == 1:
        return table[sizes[0]]
    lo = max([s for s in sizes if s <= nbytes] or [sizes[0]])
    hi = min([s for s in sizes if s > lo] or [sizes[-1]])
    if hi == lo:
        lo = sizes[-2]
    slope = (table[hi] - table[lo]) / (hi - lo)
    return max(table[sizes[0]], table[lo] + slope * (nbytes - lo))


def _measured_sync(machine, kind, model, ranks, threads):
    """A measured barrier (s) or allreduce table ({bytes: s}) of this model and shape, else of MPI at
    this rank count (a hybrid code's collectives run among its ranks), else None."""
    table = machine[SYNC_TABLE[kind]]
    base, _, transport = model.partition("/")
    keys = [(model, ranks, threads)]
    if base == "hybrid":
        keys.append(("mpi" + ("/" + transport if transport else ""), ranks, 1))
    if transport in ("", "shm"):
        keys += [(b, ranks, t) for b in (base, base + "/shm", "mpi", "mpi/shm") for t in (threads, 1)]
    return next((table[k] for k in keys if k in table), None)


def team_barrier(machine, threads):
    """(overhead of one barrier of a team of `threads`, where it came from): the omp barrier record at
    that thread count, else ceil(log2 T) omp ping-pong latencies, else (None, why)."""
    if threads <= 1:
        return 0.0, "one thread"
    if ("omp", 1, threads) in machine["barrier_s"]:
        return machine["barrier_s"][("omp", 1, threads)], "omp barrier at %d threads" % threads
    fit = machine["p2p"].get("omp")
    if fit:
        return _rounds(threads) * fit["alpha"], "estimate: ceil(log2 T) omp ping-pong latencies"
    return None, ("no omp barrier or ping-pong record: team barriers not costed (run bench/sweep "
                  "--kernels barrier --backends omp)")


def _collectives(machine, inputs, model, ranks, threads):
    """(seconds, [notes]) of the iteration's MPI collectives, or (None, [why])."""
    total, notes = 0.0, []
    for c in inputs.get("collectives") or []:
        op, count, nbytes = c.get("op"), _num(c.get("count")) or 0.0, _num(c.get("bytes")) or 0.0
        if not count or ranks <= 1:
            continue
        measured = _measured_sync(machine, op, model, ranks, threads) if op in SYNC_TABLE else None
        if measured is not None:
            total += count * (measured if op == "barrier" else _interpolate(measured, nbytes))
            continue
        _, fit = channel(machine, model)
        if fit is None:
            return None, ["no %s or ping-pong record for %s: run %s" % (op, model, run_pingpong(model))]
        cost = collective_estimate(op, nbytes, ranks, fit["alpha"], fit["beta"])
        if cost is None:
            return None, ["unknown collective %r in model_inputs" % op]
        total += count * cost
        notes.append("%s estimated (alpha-beta)" % op)
    return total, notes


def predict(inputs, model, ranks, threads, pes_on_host, machine, efficiency=1.0, regime=None):
    """One iteration's predicted time and its parts: {"time", "compute", "memory", "flop", "bound",
    "p2p", "collectives", "team", "notes"}; "time" is None when the machine lacks a parameter the
    run needs (the notes say which, and what to run).

    regime: the run's working_set.regime. A cache-resident problem is served by each core's own
    caches, which do not saturate as DRAM does: its PEs are not made to share one bandwidth (each
    gets the one-PE figure; eta then carries the cache's speed over DRAM's)."""
    out = {"time": None, "compute": None, "memory": 0.0, "flop": 0.0, "bound": None, "p2p": 0.0,
           "collectives": 0.0, "team": 0.0, "notes": []}
    per_pe = _dict(inputs.get("per_pe"))
    nbytes, flops = _num(per_pe.get("bytes")) or 0.0, _num(per_pe.get("flops")) or 0.0
    if nbytes:
        private = regime == "cache-resident"
        bw = bandwidth_at(machine, 1 if private else pes_on_host)
        if bw is None:
            out["notes"].append("no DRAM-sized nstream record: run " + RUN_BANDWIDTH)
            return out
        out["memory"] = nbytes / (bw if private else bw / pes_on_host)
    if flops:
        peak = peak_per_pe(machine, pes_on_host)
        if peak is None:
            out["notes"].append("no peak record: run " + RUN_PEAK)
            return out
        out["flop"] = flops / peak
    out["bound"] = "compute" if out["flop"] > out["memory"] else "cache" if regime == "cache-resident" else "memory"
    out["compute"] = efficiency * max(out["memory"], out["flop"])
    msgs = _dict(inputs.get("messages"))
    count, mbytes = _num(msgs.get("count")) or 0.0, _num(msgs.get("bytes")) or 0.0
    if count:
        name, fit = channel(machine, model)
        if fit is None:
            out["notes"].append("no ping-pong record for %s: run %s" % (model, run_pingpong(model)))
            return out
        out["p2p"] = fit["alpha"] * count + fit["beta"] * mbytes
    coll, notes = _collectives(machine, inputs, model, ranks, threads)
    out["notes"] += notes
    if coll is None:
        return out
    out["collectives"] = coll
    team = _dict(inputs.get("team"))
    # team.barriers counts every barrier a thread passes, the team reductions' included
    # (docs/results-schema.md): the reductions are not added again.
    syncs = _num(team.get("barriers")) or 0.0
    if syncs:
        cost, source = team_barrier(machine, threads)
        if cost is None:
            out["notes"].append(source)
        else:
            out["team"] = syncs * cost
    out["time"] = out["compute"] + out["p2p"] + out["collectives"] + out["team"]
    return out


# --- measured beside predicted -------------------------------------------------------
def _scaling_runs(records):
    return [r for r in records if usable(r) and not is_probe(r) and r.get("kind", "scaling") == "scaling"
            and r.get("kernel") != PEAK_KERNEL]


def _group(records):
    """Configurations of the scaling runs: {(kernel, model, ranks, threads, params, scaling): [records]}."""
    groups = {}
    for r in records:
        ranks, threads, _, _ = shape_of(r)
        scaling = _dict(r.get("sweep")).get("scaling") or "strong"
        key = (r.get("kernel"), model_of(r), ranks, threads, json.dumps(r.get("params"), sort_keys=True), scaling)
        groups.setdefault(key, []).append(r)
    return groups


def _reference(rows, row):
    """The calibration row of a row's kernel: its one-PE run in the same scaling (same parameters under
    strong scaling), serial first; None without one."""
    same = [r for r in rows if r["kernel"] == row["kernel"] and r["scaling"] == row["scaling"]
            and r["pes"] == 1 and r["roofline"] is not None
            and (row["scaling"] == "weak" or r["params_key"] == row["params_key"])]
    same.sort(key=lambda r: (r["model"] != "serial", r["model"]))
    return same[0] if same else None


def error(predicted, measured):
    """Signed relative error (predicted - measured) / measured, or None."""
    if predicted is None or not measured or measured <= 0:
        return None
    return predicted / measured - 1.0


def _row(key, recs, machine):
    kernel, model, ranks, threads, pkey, scaling = key
    inputs = next((inputs_of(r) for r in recs if inputs_of(r)), None)
    _, _, pes, on_host = shape_of(recs[0])
    row = {"kernel": kernel, "model": model, "ranks": ranks, "threads": threads, "pes": pes, "pes_on_host": on_host,
           "params": json.loads(pkey) or {}, "params_key": pkey, "scaling": scaling, "reps": len(recs),
           "measured": stats.median([median_time(r) for r in recs]), "inputs": inputs,
           "exact": bool(inputs and inputs.get("exact")), "roofline": None, "predicted": None,
           "efficiency": None, "calibration": False, "parts": None, "plain": None, "regime": None,
           "notes": []}
    if inputs is None:
        row["notes"].append("no model_inputs in the records")
        return row
    if any(oversubscribed(r) for r in recs):
        row["notes"].append("oversubscribed: the model assumes a core per PE")
        return row
    row["regime"] = next((_dict(r.get("working_set")).get("regime") for r in recs if r.get("working_set")), None)
    plain = predict(inputs, model, ranks, threads, on_host, machine, regime=row["regime"])
    row["roofline"], row["notes"] = plain["time"], plain["notes"]
    row["plain"] = row["parts"] = plain
    return row


def evaluate(records):
    """Every scaling configuration of the records, measured beside predicted.

    {"machine", "rows", "summary", "skipped": None or one line saying what to run}. A row: kernel,
    model, ranks, threads, pes, params, scaling, reps, measured (median s per iteration), roofline
    (eta = 1), predicted (eta from the kernel's one-PE run), efficiency, calibration (this row fixed
    eta), error and roofline_error (signed, relative), parts (the calibrated prediction's terms),
    notes. The summary holds the median absolute error per kernel and overall (calibration rows left
    out), for both predictions.
    """
    machine = fit_machine(records)
    runs = _scaling_runs(records)
    out = {"machine": machine, "rows": [], "summary": {}, "skipped": None}
    if not runs:
        out["skipped"] = "no validated scaling run in the data: run bench/sweep --preset quick"
        return out
    if not any(inputs_of(r) for r in runs):
        out["skipped"] = "no record carries model_inputs: " + RUN_INPUTS
        return out
    groups = _group(runs)
    if max(len(v) for v in groups.values()) < 2:
        out["skipped"] = ("one repetition per configuration: a measured median needs several; "
                          "run bench/sweep --reps 6 (the quick preset's)")
        return out
    rows = [_row(k, v, machine) for k, v in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][5], kv[0][2] * kv[0][3], kv[0][1]))]
    for row in rows:
        ref = _reference(rows, row) if row["roofline"] is not None else None
        if ref is None or not ref["plain"]["compute"]:
            continue
        # eta: how far the kernel's one-PE run stands from its roofline (a one-PE run has no
        # messages; any team synchronisation it counts is left in the measured time)
        eta = (ref["measured"] - (ref["roofline"] - ref["plain"]["compute"])) / ref["plain"]["compute"]
        eta = max(eta, 1e-3)
        calibrated = predict(row["inputs"], row["model"], row["ranks"], row["threads"], row["pes_on_host"],
                             machine, efficiency=eta, regime=row["regime"])
        row.update(predicted=calibrated["time"], efficiency=eta, calibration=row is ref, parts=calibrated)
    for row in rows:
        row["error"] = error(row["predicted"], row["measured"])
        row["roofline_error"] = error(row["roofline"], row["measured"])
    out["rows"] = rows
    out["summary"] = summarize(rows)
    if not any(r["roofline"] is not None for r in rows):
        notes = sorted({n for r in rows for n in r["notes"]})
        out["skipped"] = "no configuration could be predicted: " + (notes[0] if notes else RUN_INPUTS)
    return out


def summarize(rows):
    """{"kernels": {kernel: {"calibrated", "roofline", "n"}}, "overall": {...}}: median absolute errors
    over the predicted rows (calibration rows left out: they match by construction)."""
    def block(rs):
        cal = [abs(r["error"]) for r in rs if r["error"] is not None and not r["calibration"]]
        plain = [abs(r["roofline_error"]) for r in rs if r["roofline_error"] is not None]
        return {"calibrated": stats.median(cal), "roofline": stats.median(plain), "n": len(cal),
                "n_roofline": len(plain)}
    kernels = sorted({r["kernel"] for r in rows})
    return {"kernels": {k: block([r for r in rows if r["kernel"] == k]) for k in kernels},
            "overall": block(rows)}
