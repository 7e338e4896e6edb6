"""Lab 3's answer rules: nstream (memory-bound) against dgemm (compute-bound) on the roofline."""

from tbcommon.stats import median

from .scaling import MODELS, NAMES, best, top
from .sheet import Answer, by_rule
from .words import EXPECTED, CONTRADICTS, MISSING, Comparison, contradiction, missing, noise, num, t, x

TITLE = "Lab 3: memory-bound vs compute-bound"
STEPS = {"roofline": ["--preset", "lab3"]}
LAB = 3


def _line(step, kernel, p):
    out, effs = [], {}
    serial = step.one(kernel=kernel, backend="serial", pes=1)
    for m in MODELS:
        r = best(step, kernel, m, p)
        if r and r.get("speedup") is not None:
            effs[m] = r["efficiency"]
            out.append(f"{NAMES[m]} {r['ranks']}x{r['threads']}: {num(r.get('rate_median'))} {r.get('rate_unit')}, "
                       f"speedup {num(r['speedup'])}, efficiency {num(r['efficiency'])}")
    head = (f"serial: {num(serial.get('rate_median'))} {serial.get('rate_unit')} ({t(serial['median_s'])} per "
            f"iteration); at {p} PEs " if serial else f"at {p} PEs ")
    return head + "; ".join(out) + ".", effs


def kernel_answer(step, kernel, q, lesson_text, least):
    """How a kernel scaled; a speedup below ``least`` in any model contradicts the lesson."""
    p = top(step, kernel)
    if p is None:
        return Answer(q, [missing(f"{kernel} above 1 PE", LAB)], MISSING), {}
    text, effs = _line(step, kernel, p)
    if not effs:
        return Answer(q, [missing(f"{kernel}'s serial baseline", LAB)], MISSING), {}
    low = [NAMES[m] for m, e in effs.items() if e * p < least]
    return by_rule(q, [text], not low, LAB, f"a speedup of at least {least:g} on {p} PEs in every model; "
                                            f"{' and '.join(low)} fell short", lesson_text), effs


def contrast(nstream_eff, dgemm_eff):
    q = "In which kernel did more PEs help less? Compare the parallel efficiencies model by model."
    common = [m for m in MODELS if m in nstream_eff and m in dgemm_eff]
    if not common:
        return Answer(q, [missing("efficiencies of both kernels in one model", LAB)], MISSING)
    lines = [f"{NAMES[m]}: nstream {num(nstream_eff[m])}, dgemm {num(dgemm_eff[m])}." for m in common]
    lower = [m for m in common if nstream_eff[m] < dgemm_eff[m]]
    why = ("nstream does 3 flops per 32 bytes moved (a += b + s·c: three arrays read, one written): every core "
           "waits on the same memory bus, and once "
           "one or two cores saturate it more PEs add nothing, whichever model drives them. dgemm reuses each "
           "loaded value many times from the caches, so each core's arithmetic units, which are not shared, "
           "set its speed: it scales with the cores.")
    return by_rule(q, lines, len(lower) > len(common) / 2, LAB, "nstream scaling worse than dgemm", why)


def _rate(r, what):
    tm = (r.get("time") or {}).get("median")
    v = (r.get("work") or {}).get(what)
    return v / tm if tm and v else None


def ceilings(step):
    """(bytes/s, the run it came from; flop/s, its run): the best DRAM-sized nstream and the best peak probe."""
    ok = [r for r in step.records if r.get("validated") is True and not (r.get("sweep") or {}).get("failure")]
    bw = [(_rate(r, "bytes"), r) for r in ok if r.get("kernel") == "nstream"
          and (r.get("working_set") or {}).get("regime") == "dram" and _rate(r, "bytes")]
    peak = [(_rate(r, "flops"), r) for r in ok if r.get("kernel") == "peak" and _rate(r, "flops")
            and not (r.get("sweep") or {}).get("oversubscribed")]
    return max(bw, key=lambda v: v[0], default=(None, None)), max(peak, key=lambda v: v[0], default=(None, None))


def intensity(step, kernel):
    vals = [r["work"]["flops"] / r["work"]["bytes"] for r in step.records if r.get("kernel") == kernel
            and (r.get("work") or {}).get("flops") and (r.get("work") or {}).get("bytes")
            and not (r.get("sweep") or {}).get("probe")]
    return median(vals)


def roofline(step):
    q = "Place both kernels on the roofline: their arithmetic intensity, the machine's ridge point, and the " \
        "share of the attainable rate each reached."
    (bw, bw_rec), (peak, peak_rec) = ceilings(step)
    i_n, i_d = intensity(step, "nstream"), intensity(step, "dgemm")
    if not bw or not peak or i_n is None or i_d is None:
        what = [w for w, v in (("a DRAM-sized nstream (the bandwidth ceiling)", bw),
                               ("the peak probe (the compute ceiling)", peak),
                               ("nstream's work counts", i_n), ("dgemm's work counts", i_d)) if not v]
        return Answer(q, [missing(", ".join(what), LAB)], MISSING)
    ridge = peak / bw
    lines = [f"Bandwidth ceiling {num(bw / 1e9)} GB/s (nstream, {bw_rec['backend']} "
             f"{bw_rec['ranks']}x{bw_rec['threads']}); compute ceiling {num(peak / 1e9)} GFLOP/s (peak probe, "
             f"{peak_rec['backend']} {peak_rec['ranks']}x{peak_rec['threads']}); ridge point {num(ridge)} flop/byte."]
    verdict = EXPECTED
    for kernel, i in (("nstream", i_n), ("dgemm", i_d)):
        attainable = min(peak, i * bw)
        rates = [_rate(r, "flops") for r in step.records if r.get("kernel") == kernel and r.get("validated") is True
                 and not (r.get("sweep") or {}).get("probe")]
        achieved = max((v for v in rates if v), default=None)
        side = "below the ridge: memory-bound" if i < ridge else "above the ridge: compute-bound"
        lines.append(f"{kernel}: intensity {num(i)} flop/byte, {side}; attainable min(peak, I × bandwidth) = "
                     f"{num(attainable / 1e9)} GFLOP/s; your best run reached {num((achieved or 0) / 1e9)} GFLOP/s "
                     f"({num(100 * (achieved or 0) / attainable)}% of it).")
        if (achieved or 0) > 1.1 * attainable:
            verdict = CONTRADICTS
            lines.append(f"{kernel} ran above its roof: that run's data came (partly) from cache — its working set "
                         "is in the report's table — or the ceiling's own run was disturbed. A roof measured on a "
                         "busy machine is too low: rerun.")
    if not i_n < ridge <= i_d:
        verdict = CONTRADICTS
        lines.append(contradiction(LAB, "nstream below the ridge point and dgemm above it"))
    lines.append("A kernel left of the ridge cannot go faster than its intensity times the bandwidth, however many "
                 "cores compute: only more bytes per second (or fewer bytes per flop) help.")
    return Answer(q, lines, verdict)


def any_model(step):
    q = "At the bandwidth ceiling, does the programming model matter for nstream?"
    p = top(step, "nstream")
    rows = [r for r in (best(step, "nstream", m, p) for m in MODELS) if r] if p else []
    if len(rows) < 2:
        return Answer(q, [missing("nstream in two models above 1 PE", LAB)], MISSING)
    rows.sort(key=lambda r: r["median_s"])
    cmp = Comparison(rows[-1], rows[0])
    lines = [f"At {p} PEs: " + "; ".join(f"{NAMES[r['backend']]} {num(r.get('rate_median'))} {r.get('rate_unit')}"
                                         for r in rows) + f". Slowest against fastest: {x(cmp.ratio)}."]
    why = ("The ceiling is the memory system's, not the model's: threads and processes read the same DRAM through "
           "the same controllers.")
    if cmp.overlap or (cmp.ratio is not None and cmp.ratio < 1.15):
        return Answer(q, lines + [why + " Your models are within noise or 15% of each other."], EXPECTED)
    if cmp.overlap is None:
        return Answer(q, lines + [noise(cmp, LAB)], CONTRADICTS)
    return Answer(q, lines + [contradiction(LAB, "every model at the same bandwidth"), why], CONTRADICTS)


def answers(data):
    step = data.step("roofline")
    # nstream may gain little (one core can nearly fill a laptop's memory bus) but not lose much;
    # dgemm, compute-bound, must gain
    a1, n_eff = kernel_answer(step, "nstream", "How much did nstream (the STREAM triad) gain from more PEs?",
                              "nstream is the bandwidth test: its time is bytes moved / memory bandwidth.", 0.9)
    a2, d_eff = kernel_answer(step, "dgemm", "How much did dgemm (matrix multiply) gain from more PEs?",
                              "dgemm does 2n³ flops on 3n² numbers: each value loaded is used about n times, so "
                              "its time is the arithmetic.", 1.2)
    out = [a1, a2, contrast(n_eff, d_eff), roofline(step), any_model(step)]
    a1.look = data.figures("roofline", "nstream", "-speedup.png")
    a2.look = data.figures("roofline", "dgemm", "-speedup.png")
    out[3].look = data.figures("roofline", "roofline")
    return out
