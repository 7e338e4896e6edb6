"""The verdict: which model is fastest where, by how much, whether it is real, and why.

Shared by the sweep's end-of-run summary and the plots' report (issue 12 §1);
pure functions on plain dicts, standard library only.

Input: *entries*, one per configuration (kernel, model, ranks x threads,
parameters), made by ``entry()``: the repetitions' median iteration times,
the work counts, the breakdown and the working set of its records. A *row*
is one kernel (one parameter set: a study; for a micro-benchmark one message
size), a *cell* one PE count of it.

A cell (``decide``):
- each model is represented by its fastest configuration (hybrid: its
  fastest ranks x threads shape, named in the cell);
- one model only: "only <model> ran";
- the fastest (lowest median) is the winner when, against *every* other
  model, (a) the distribution-free 95% CIs of the medians do not overlap and
  (b) the Mann-Whitney U test on the repetitions says "lower" (two-sided
  p < 0.05; tbcommon.utest). Both: overlap alone is conservative, the U test
  alone ignores where the medians sit;
- any model with fewer than 6 repetitions: "not enough repetitions to tell";
- otherwise "tie" with the models it cannot be told from;
- margin: the runner-up's median over the winner's ("1.18x": the next
  model takes 18% more time per iteration).

The "why" of a row (``why``), the first rule that applies, looked at in the
*focus* cell: the largest PE count with a winner, else the largest with a tie:
1. no-verdict: no cell was decided: "not enough repetitions to tell" or
   "only one model ran";
2. cache: the winner's working set is cache-resident or mixed: the times
   measure the caches (with "superlinear" when its efficiency against the
   best 1-PE serial median is above 1);
3. memory-bound: the winner's achieved bandwidth (work.bytes / median) is at
   least MEMORY_BOUND (60%) of the measured bandwidth ceiling (the best
   DRAM-sized nstream, ``bandwidth_ceiling``): all models share one memory
   system;
4. tie: every decided cell is a tie: no significant difference;
5. communication: the runner-up spends at least COMM_GAP (10 points) more
   of its breakdown (compute + comm + sync) in communication and
   synchronisation than the winner;
6. compute: both have a breakdown and the gap is smaller: the compute part
   differs;
7. unexplained: no breakdown to say why.
Micro-benchmarks: 1, 4, then the time per operation of the two fastest.

Tested against hand-computed fixtures in bench/tests/test_verdict.py.
"""

import json
import re

from . import utest
from .models import BACKENDS
from .stats import intervals_overlap, median, median_ci

MEMORY_BOUND = 0.60
COMM_GAP = 0.10
KINDS = ("strong", "weak", "micro")
KIND_TITLES = {"strong": "Strong scaling (fixed problem size)",
               "weak": "Weak scaling (the problem grows with the PEs)",
               "micro": "Micro-benchmarks (time per operation)"}
RUN_REPS = "bench/sweep --reps 6 (the fewest that give a 95% CI and a U test)"
RUN_PES = "bench/sweep --pes 1,2 (or more PE counts)"
RUN_BANDWIDTH = "bench/sweep --kernels nstream --size auto"
TOO_FEW = "not enough repetitions to tell"


def entry(kernel, kind, model, shape, pes, times, params=None, flops=None, nbytes=None, breakdown=None,
          regime=None, ratio=None, probe=False, ceiling=None):
    """One configuration. kind: "strong", "weak" or "micro"; times: the repetitions' median iteration
    times; params: the run's parameters (they name the row: ``label_rows``)."""
    return {"kernel": kernel, "kind": kind, "model": model, "shape": shape, "pes": pes,
            "params": dict(params or {}), "times": list(times), "median": median(times) if times else None,
            "flops": flops, "bytes": nbytes, "breakdown": breakdown, "regime": regime, "ratio": ratio,
            "probe": probe, "ceiling": ceiling, "row": None}


def _value_text(v):
    return v if isinstance(v, str) else json.dumps(v)


def label_rows(entries):
    """Set each entry's "row": its kernel, plus the parameters that set its row apart from the
    kernel's other rows. Under weak scaling the parameters fixed by the PE count (the grown size)
    are set aside first; a micro-benchmark's series (bytes) gives one row per value."""
    groups = {}
    for e in entries:
        groups.setdefault((e["kind"], e["kernel"]), []).append(e)
    for (kind, kernel), es in groups.items():
        keys = sorted({k for e in es for k in e["params"]})
        grown = set()
        if kind == "weak":
            for k in keys:
                by_pes = {}
                for e in es:
                    by_pes.setdefault(e["pes"], set()).add(_value_text(e["params"].get(k)))
                if all(len(v) == 1 for v in by_pes.values()) and len(set().union(*by_pes.values())) > 1:
                    grown.add(k)
        varying = [k for k in keys if k not in grown
                   and len({_value_text(e["params"].get(k)) for e in es}) > 1]
        for e in es:
            e["row"] = " ".join([kernel] + ["%s=%s" % (k, _value_text(e["params"].get(k))) for k in varying])


def from_records(records):
    """Entries from result records (the sweep's results.jsonl): one per configuration (kernel,
    model, ranks, threads, params, scaling, variant), its usable repetitions' times. A usable
    record validated, has no sweep.failure and a positive time.median. A ping-pong hand-off
    (variant "handoff") copies nothing and is left out."""
    groups = {}
    for r in records:
        sweep = r.get("sweep") if isinstance(r.get("sweep"), dict) else {}
        t = (r.get("time") or {}).get("median") if isinstance(r.get("time"), dict) else None
        if r.get("validated") is not True or sweep.get("failure") or not isinstance(t, (int, float)) \
                or isinstance(t, bool) or not t > 0 or r.get("variant") == "handoff":
            continue
        probe = sweep.get("probe") is True or r.get("kind") == "probe"
        kind = "micro" if r.get("kind") == "micro" else "weak" if sweep.get("scaling") == "weak" else "strong"
        model = str(r.get("backend") or "?")
        if sweep.get("transport") and model in ("mpi", "hybrid"):
            model += "/" + sweep["transport"]
        params = r.get("params") if isinstance(r.get("params"), dict) else {}
        key = (r.get("kernel"), kind, model, r.get("ranks"), r.get("threads"),
               json.dumps(params, sort_keys=True), probe)
        groups.setdefault(key, []).append(r)
    out = []
    for (kernel, kind, model, ranks, threads, _, probe), recs in groups.items():
        first = recs[0]
        work = first.get("work") if isinstance(first.get("work"), dict) else {}
        ws = first.get("working_set") if isinstance(first.get("working_set"), dict) else {}
        bds = [r["breakdown"] for r in recs if isinstance(r.get("breakdown"), dict)]
        bd = {k: median([b.get(k) or 0.0 for b in bds]) for k in ("compute", "comm", "sync")} if bds else None
        out.append(entry(str(kernel), kind, model, "%sx%s" % (ranks, threads),
                         first.get("pes") or (ranks or 1) * (threads or 1),
                         [r["time"]["median"] for r in recs], first.get("params"), work.get("flops"),
                         work.get("bytes"), bd, ws.get("regime"), ws.get("ratio"), probe,
                         (first.get("sweep") or {}).get("ceiling")))
    return out


def name(e):
    """'omp', 'hybrid 2x1': hybrid names its shape (it has several per PE count)."""
    return "%s %s" % (e["model"], e["shape"]) if e["model"].split("/")[0] == "hybrid" else e["model"]


def bandwidth_ceiling(entries):
    """Bytes per second of the best DRAM-sized nstream (or a bandwidth probe), or None.

    A cache-resident or mixed nstream measures the caches, never memory (the
    roofline's rule, plots/tbplots/roofline.py)."""
    best = None
    for e in entries:
        if (e["kernel"] == "nstream" or e["ceiling"] == "bandwidth") and e["regime"] == "dram" \
                and e["bytes"] and e["median"]:
            bw = e["bytes"] / e["median"]
            best = bw if best is None or bw > best else best
    return best


def _order(model):
    base = model.split("/")[0]
    return (BACKENDS.index(base) if base in BACKENDS else len(BACKENDS), model)


def _fastest_per_model(entries):
    best = {}
    for e in entries:
        if e["median"] is None:
            continue
        if e["model"] not in best or e["median"] < best[e["model"]]["median"]:
            best[e["model"]] = e
    return sorted(best.values(), key=lambda e: (e["median"], _order(e["model"])))


def _ci(e):
    ci = median_ci(e["times"])
    return (ci["lo"], ci["hi"]) if ci else None


def tells_apart(fast, slow):
    """{"apart": bool, "p": U-test p or None, "too_few": bool}: is `fast` significantly faster?"""
    test = utest.compare(fast["times"], slow["times"])
    if test["verdict"] == "not enough repetitions":
        return {"apart": False, "p": None, "too_few": True, "ci_apart": None}
    ci_apart = not intervals_overlap(_ci(fast), _ci(slow))
    return {"apart": ci_apart and test["verdict"] == "lower", "p": test["p"], "too_few": False,
            "ci_apart": ci_apart}


def decide(entries):
    """The cell of one row at one PE count (see the module's docstring).

    {"status": "win"|"tie"|"few"|"alone"|"none", "best": entry, "next": entry or None,
     "margin": next median / best median, "p": the U test's p against the runner-up,
     "ci_apart": whether the CIs of the best and the runner-up are apart,
     "tied": [entries not told apart from the best]}."""
    cands = _fastest_per_model(entries)
    if not cands:
        return {"status": "none", "best": None, "next": None, "margin": None, "p": None, "tied": []}
    best, others = cands[0], cands[1:]
    cell = {"best": best, "next": others[0] if others else None, "p": None, "ci_apart": None, "tied": [],
            "margin": others[0]["median"] / best["median"] if others and best["median"] > 0 else None}
    if not others:
        cell["status"] = "alone"
        return cell
    tests = [tells_apart(best, o) for o in others]
    cell["p"], cell["ci_apart"] = tests[0]["p"], tests[0]["ci_apart"]
    if any(t["too_few"] for t in tests):
        cell["status"] = "few"
    else:
        cell["tied"] = [o for o, t in zip(others, tests) if not t["apart"]]
        cell["status"] = "tie" if cell["tied"] else "win"
    return cell


def cell_text(cell, compact=False):
    s = cell["status"]
    if s == "none":
        return "no usable run" if not compact else "-"
    if s == "alone":
        return "only %s ran" % name(cell["best"])
    if s == "few":
        return TOO_FEW if not compact else "few reps"
    if s == "tie":
        who = " = ".join(name(e) for e in [cell["best"]] + cell["tied"])
        if compact:
            return "tie (%s)" % who
        return "tie: %s (%sp = %.2g)" % (who, "" if cell["ci_apart"] else "CIs overlap, ", cell["p"])
    if compact:
        return "%s %.2fx" % (name(cell["best"]), cell["margin"])
    return "%s, %.2f× faster than %s (p = %.2g)" % (name(cell["best"]), cell["margin"], name(cell["next"]),
                                                    cell["p"])


def _pct(x):
    return "%.0f%%" % (100 * x)


def _pe_text(pes):
    return "%d PE%s" % (pes, "" if pes == 1 else "s")


def _shares(bd):
    total = sum(bd.get(k) or 0.0 for k in ("compute", "comm", "sync"))
    if not total > 0:
        return None
    return {k: (bd.get(k) or 0.0) / total for k in ("compute", "comm", "sync")}


def _time(seconds):
    if seconds >= 1:
        return "%.3g s" % seconds
    if seconds >= 1e-3:
        return "%.3g ms" % (seconds * 1e3)
    return "%.3g µs" % (seconds * 1e6)


def why(cells, kind, bandwidth=None, serial_1pe=None):
    """(rule, sentence) for one row; cells: {pes: decide(...)}; bandwidth: the ceiling in B/s;
    serial_1pe: the row's best 1-PE serial median (the efficiency baseline) or None."""
    decided = [(p, c) for p, c in sorted(cells.items()) if c["status"] in ("win", "tie")]
    if not decided:
        if any(c["status"] == "few" for c in cells.values()):
            return "no-verdict", "%s: fewer than 6 repetitions; run %s" % (TOO_FEW, RUN_REPS)
        return "no-verdict", "only one model ran at each PE count: nothing to compare"
    wins = [(p, c) for p, c in decided if c["status"] == "win"]
    pes, cell = (wins or decided)[-1]
    best, nxt = cell["best"], cell["next"]
    where = "at %s" % _pe_text(pes)
    if kind == "micro":
        if not wins:
            return "tie", "no significant difference at any PE count (overlapping 95% CIs or U test p ≥ 0.05)"
        return "micro", "%s takes %s per operation against %s for %s %s" % (
            name(best), _time(best["median"]), _time(nxt["median"]), name(nxt), where)
    if best["regime"] in ("cache-resident", "mixed"):
        eff = serial_1pe / (best["median"] * pes) if serial_1pe else None
        lead = "superlinear (efficiency %.2f %s), " % (eff, where) if eff and eff > 1 and pes > 1 else ""
        ratio = " (%.2g× LLC)" % best["ratio"] if best["ratio"] else ""
        return "cache", ("%sworking set %s%s: the times measure the caches, not memory; a DRAM-sized "
                         "problem (--size auto) may rank the models differently" % (lead, best["regime"], ratio))
    if bandwidth and best["bytes"] and best["median"]:
        frac = best["bytes"] / best["median"] / bandwidth
        if frac >= MEMORY_BOUND:
            ai = "intensity %.2g flop/B, " % (best["flops"] / best["bytes"]) if best["flops"] is not None else ""
            tail = ("so neither model can go further" if not wins else
                    "%s gets closest to it" % name(best))
            own = ", which nstream itself measures" if best["kernel"] == "nstream" else ""
            return "memory-bound", ("memory-bound (%s%s of the measured bandwidth ceiling%s %s): threads and "
                                    "ranks share one memory system, %s" % (ai, _pct(frac), own, where, tail))
    if not wins:
        return "tie", ("no significant difference at any PE count (overlapping 95% CIs of the median or "
                       "U test p ≥ 0.05): the models do equally well here")
    sb = _shares(best["breakdown"] or {})
    sn = _shares(nxt["breakdown"] or {})
    if sb and sn:
        gap = (sn["comm"] + sn["sync"]) - (sb["comm"] + sb["sync"])
        if gap >= COMM_GAP:
            return "communication", (
                "%s spends %s of each iteration in communication and %s in synchronisation (breakdown) "
                "against %s and %s for %s %s" % (name(nxt), _pct(sn["comm"]), _pct(sn["sync"]),
                                                 _pct(sb["comm"]), _pct(sb["sync"]), name(best), where))
        return "compute", ("the compute part differs: %s computes for %s of each iteration against %s for %s %s "
                           "(communication and synchronisation within %d points)" % (
                               name(best), _time(best["median"] * sb["compute"]),
                               _time(nxt["median"] * sn["compute"]), name(nxt), where, 100 * COMM_GAP))
    return "unexplained", ("%s is %.2f× faster than %s %s; the records carry no breakdown to say why"
                           % (name(best), cell["margin"], name(nxt), where))


def pick(values, limit=8):
    """At most `limit` of the sorted values, evenly spread, first and last kept: the columns a
    verdict table shows when a sweep has many PE counts (all of them go to the CSV)."""
    values = sorted(values)
    if len(values) <= limit:
        return values
    return sorted({values[round(i * (len(values) - 1) / (limit - 1))] for i in range(limit)})


def _natural(label):
    """'pingpong bytes=8' before 'pingpong bytes=1024': numbers compared as numbers."""
    number = r"\d+(?:\.\d+)?(?:e[+-]?\d+)?"
    return [(0, float(t), "") if re.fullmatch(number, t) else (1, 0.0, t)
            for t in re.split("(%s)" % number, label) if t]


def tables(entries, bandwidth=None):
    """The verdict of a sweep: {"tables": [{"kind", "title", "pes": [..], "rows": [{"label",
    "cells": {pes: cell}, "rule", "why"}]}], "missing": [one line per part the data cannot give]}.

    bandwidth: the ceiling in B/s; None: ``bandwidth_ceiling(entries)``."""
    if bandwidth is None:
        bandwidth = bandwidth_ceiling(entries)
    measured = [e for e in entries if not e["probe"] and e["median"] is not None]
    label_rows(measured)
    out, missing = [], []
    for kind in KINDS:
        mine = [e for e in measured if e["kind"] == kind]
        if not mine:
            continue
        pes_all = sorted({e["pes"] for e in mine})
        rows = {}
        for e in mine:
            rows.setdefault(e["row"], {}).setdefault(e["pes"], []).append(e)
        table_rows = []
        for label, by_pes in sorted(rows.items(), key=lambda kv: _natural(kv[0])):
            cells = {p: decide(es) for p, es in sorted(by_pes.items())}
            serial = [e["median"] for e in by_pes.get(1, []) if e["model"] == "serial"]
            rule, text = why(cells, kind, bandwidth, min(serial) if serial else None)
            table_rows.append({"label": label, "cells": cells, "rule": rule, "why": text})
        out.append({"kind": kind, "title": KIND_TITLES[kind], "pes": pes_all, "rows": table_rows})
    scaling = [e for e in measured if e["kind"] != "micro"]
    if not scaling:
        missing.append("no scaling kernel in this folder: run bench/sweep --kernels stencil,nstream")
    cells = [c for t in out for r in t["rows"] for c in r["cells"].values()]
    if cells and all(c["status"] in ("few", "alone", "none") for c in cells) \
            and any(c["status"] == "few" for c in cells):
        missing.append("every comparison has fewer than 6 repetitions: run " + RUN_REPS)
    if scaling and len({e["pes"] for e in scaling}) < 2:
        missing.append("one PE count only: the verdict cannot show scaling; run " + RUN_PES)
    if scaling and bandwidth is None:
        missing.append("no bandwidth ceiling (no DRAM-sized nstream): the memory-bound rule is off; run "
                       + RUN_BANDWIDTH)
    return {"tables": out, "missing": missing}
