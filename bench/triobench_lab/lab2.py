"""Lab 2's answer rules: strong and weak scaling of the stencil, Amdahl and Karp-Flatt."""

from tbcommon.stats import amdahl_fit, karp_flatt

from .scaling import MODELS, NAMES, best, pe_counts, top
from .sheet import Answer, by_rule
from .words import (EXPECTED, CONTRADICTS, MISSING, NEEDS_CORES, Comparison, contradiction, judge, missing, noise, num,
                    regime_note, t, x)

TITLE = "Lab 2: strong and weak scaling"
STEPS = {"strong": ["--preset", "lab2"], "weak": ["--preset", "lab2", "--scaling", "weak"]}
LAB = 2
K = "stencil"


def speedups(step):
    q = "How much faster is the stencil with all your cores, in each model? What is the parallel efficiency?"
    p = top(step, K)
    if p is None:
        return Answer(q, [missing("strong-scaling runs above 1 PE", LAB)], MISSING)
    lines, rows = [], []
    for m in MODELS:
        r = best(step, K, m, p)
        if r and r.get("speedup") is not None:
            rows.append(r)
            lines.append(f"{NAMES[m]} ({r['ranks']}x{r['threads']}) at {p} PEs: {t(r['median_s'])} per iteration, "
                         f"speedup {num(r['speedup'])}, efficiency {num(r['efficiency'])}.")
    if not rows:
        return Answer(q, [missing("a serial baseline and parallel runs", LAB)], MISSING)
    rows.sort(key=lambda r: r["median_s"])
    lines.append(regime_note(rows[0], LAB))
    why = (f"Speedup S = T(serial) / T({p} PEs) and efficiency E = S / {p}: the share of the {p} PEs' time that "
           "went into useful work. The rest went into what the serial code does not do: exchanging halos "
           "(MPI), synchronising at barriers (OpenMP), and waiting for memory that all cores share.")
    if len(rows) > 1:
        cmp = Comparison(rows[1], rows[0])
        verdict, caveat = judge(cmp, LAB, "one model is fastest")
        lines.append(f"Fastest: {NAMES[rows[0]['backend']]}, {x(cmp.ratio)} ahead of {NAMES[rows[1]['backend']]}."
                     if verdict == EXPECTED else
                     f"{NAMES[rows[0]['backend']]} and {NAMES[rows[1]['backend']]} cannot be ranked: "
                     f"{caveat}")
    slow = [NAMES[r["backend"]] for r in rows if r["speedup"] <= 1]
    superlinear = [NAMES[r["backend"]] for r in rows if r["efficiency"] > 1]
    if slow:
        return Answer(q, lines + [contradiction(LAB, f"every model faster on {p} PEs than the serial code; "
                                                     f"{' and '.join(slow)} ran slower"), why], CONTRADICTS)
    if superlinear:
        return Answer(q, lines + [f"An efficiency above 1 ({' and '.join(superlinear)}) is flagged SUPERLINEAR in "
                                  "the sweep's summary with its likely cause (cache, or another code path at 1 PE): "
                                  "it is not more than perfect parallelism.", why], CONTRADICTS)
    return Answer(q, lines + [why], EXPECTED)


def _points(step, m):
    return [(p, best(step, K, m, p)["speedup"]) for p in pe_counts(step, K)
            if best(step, K, m, p) and best(step, K, m, p).get("speedup")]


def amdahl(step):
    q = "Fit Amdahl's law to your speedups: what serial fraction f does each model show, and what speedup " \
        "could it reach with infinitely many PEs?"
    lines, verdict = [], MISSING
    for m in MODELS:
        fit = amdahl_fit(_points(step, m))
        if fit is None:
            continue
        f = fit["f"]
        if 0 < f <= 1:
            lines.append(f"{NAMES[m]}: f = {num(f)} ({num(100 * f)}% of the serial time does not shrink), so at most "
                         f"1/f = {num(1 / f)}× with any number of PEs.")
            verdict = EXPECTED if verdict != CONTRADICTS else verdict
        else:
            lines.append(f"{NAMES[m]}: f = {num(f)}, outside (0, 1]: Amdahl's law does not describe these "
                         f"points (a speedup above the PE count, or a slowdown).")
            verdict = CONTRADICTS
    if not lines:
        return Answer(q, [missing("speedups above 1 PE", LAB)], MISSING)
    why = ("Amdahl: S(p) = 1 / (f + (1 − f)/p). f is fitted by least squares on 1/S against 1/p "
           "(bench/tbcommon/stats.py, the same fit the report's fits table shows). With the serial run as the "
           "baseline, f also holds each model's own overhead (halo exchange, barriers), not only code that "
           "cannot run in parallel.")
    extra = contradiction(LAB, "a serial fraction between 0 and 1") if verdict == CONTRADICTS else None
    return Answer(q, lines + [why, extra], verdict)


def karp(step):
    q = "Compute the Karp–Flatt metric e(p) at each PE count. Is it constant (a serial fraction) or growing " \
        "(overhead that grows with p)?"
    lines, trend = [], []
    for m in MODELS:
        es = [(p, karp_flatt(s, p)) for p, s in _points(step, m)]
        es = [(p, e) for p, e in es if e is not None]
        if not es:
            continue
        lines.append(f"{NAMES[m]}: " + ", ".join(f"e({p}) = {num(e)}" for p, e in es) + ".")
        if len(es) > 1:
            trend.append(es[-1][1] > es[0][1] * 1.1 + 0.005)
    if not lines:
        return Answer(q, [missing("speedups above 1 PE", LAB)], MISSING)
    if not trend:
        return Answer(q, lines + ["With a single PE count above 1, e(p) equals Amdahl's f and one point "
                                  "shows no trend. Run the lab on a machine with 4 or more cores (bench/lab 2 "
                                  "takes them all: `--pes auto`), e.g. a cluster node, to see whether e grows."],
                      NEEDS_CORES)
    grows = sum(trend) > len(trend) / 2
    why = ("e(p) = (1/S − 1/p) / (1 − 1/p) is the serial fraction that would explain each measured speedup. " +
           ("Yours grows with p in most models: the loss is overhead that grows with the PE count — more "
            "halos to exchange, more threads to synchronise, shared memory bandwidth — not a fixed serial part."
            if grows else
            "Yours stays about constant: a fixed serial part (or a fixed per-run cost) limits the speedup, as "
            "Amdahl's law assumes."))
    return Answer(q, lines + [why], EXPECTED)


def weak(strong, weak_step):
    q = "Compare weak-scaling efficiency with strong-scaling efficiency at the same PE count. Why does weak " \
        "scaling look better?"
    p = top(strong, K)
    pw = top(weak_step, K)
    if p is None or pw is None:
        return Answer(q, [missing("both the strong and the weak sweep above 1 PE", LAB)], MISSING)
    p = min(p, pw)
    slow = [NAMES[m] for m in MODELS if (best(strong, K, m, p) or {}).get("speedup") is not None
            and best(strong, K, m, p)["speedup"] <= 1]
    lines, better = [], []
    for m in MODELS:
        s, w = best(strong, K, m, p), best(weak_step, K, m, p)
        if not s or not w or s.get("efficiency") is None or w.get("efficiency") is None:
            continue
        lines.append(f"{NAMES[m]} at {p} PEs: weak efficiency {num(w['efficiency'])} "
                     f"(n = {(w.get('params') or {}).get('n', '?')}), strong {num(s['efficiency'])} "
                     f"(n = {(s.get('params') or {}).get('n', '?')}).")
        better.append(w["efficiency"] >= s["efficiency"])
    if not lines:
        return Answer(q, [missing("efficiencies of the same model in both sweeps", LAB)], MISSING)
    why = ("Under weak scaling each PE keeps the same amount of work as the 1-PE run (the grid grows as √p per "
           "side), so the fixed costs — a halo is one row per neighbour, a barrier is one per sweep — are "
           "shared over as much work as at 1 PE, instead of over a shrinking slice (Gustafson's view: "
           "bigger machines solve bigger problems).")
    if slow:
        return Answer(q, lines + [contradiction(LAB, f"a speedup above 1 under strong scaling ({' and '.join(slow)} "
                                                     "ran slower than serial), without which the two cannot be "
                                                     "compared"), why], CONTRADICTS)
    return by_rule(q, lines, sum(better) > len(better) / 2, LAB, "weak-scaling efficiency at least the strong one",
                   why)


def overhead(step):
    q = "What does each model cost at 1 PE, before it has anything to share (against the serial code)?"
    serial = step.one(kernel=K, backend="serial", pes=1)
    lines, caveats, cmps = [], [], []
    for m in MODELS:
        r = best(step, K, m, 1)
        if not serial or not r:
            continue
        cmp = Comparison(r, serial)
        cmps.append(cmp)
        lines.append(f"{NAMES[m]} 1x1: {t(r['median_s'])} against serial {t(serial['median_s'])} ({x(cmp.ratio)}).")
        if cmp.a_slower is False:
            caveats.append(f"{NAMES[m]} at 1 PE beat the serial code beyond noise: the two executables "
                           "compiled the loop differently, or the serial run was disturbed; look at the report's "
                           "superlinear flags and rerun.")
    if not lines:
        return Answer(q, [missing("every model at 1 PE and the serial run", LAB)], MISSING)
    if any(c.overlap is None for c in cmps):
        caveats.append(noise(next(c for c in cmps if c.overlap is None), LAB))
    verdict = CONTRADICTS if caveats else EXPECTED
    why = ("At 1 PE a model pays its machinery without any benefit: an OpenMP parallel region and its barrier, "
           "an MPI process's halo copies to itself and its library calls. Where the confidence intervals "
           "overlap the cost is too small to see at this size.")
    return Answer(q, lines + [why] + caveats, verdict)


def answers(data):
    strong, weak_step = data.step("strong"), data.step("weak")
    out = [speedups(strong), amdahl(strong), karp(strong), weak(strong, weak_step), overhead(strong)]
    out[0].look = data.figures("strong", K, "-speedup.png") + data.figures("strong", K, "-efficiency.png")
    out[1].look = out[2].look = data.figures("strong", K, "-fits.png")
    out[3].look = data.figures("weak", K, "-scaling.png")
    return out
