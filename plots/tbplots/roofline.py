"""The roofline's ceilings and points (issue 11, "The roofline"). Standard library only.

- Bandwidth ceiling: only from a DRAM-sized nstream (working_set.regime
  "dram"): bench/sweep's roofline probe or the sweep's own nstream runs,
  the best work.bytes / median time among them. A cache-resident or mixed
  nstream measures the caches and is never a ceiling; old records without
  working-set data cannot show they are DRAM-sized and are not used either.
  A probe the sweep marks "ceiling": "bandwidth" counts as such whatever its
  kernel's name, under the same DRAM-sized rule.
- Compute ceiling: the machine's peak from the "peak" kernel (an FMA
  throughput probe; or any probe the sweep marks "ceiling": "compute"): its
  rate at the largest PE count; the 1-PE run gives the per-core peak, drawn
  beside it.
- Points: every scaling kernel with work.flops and work.bytes (dgemm
  included, as an achieved point under the roof), one per kernel, model, PE
  count and working-set regime (the fastest configuration); probes are
  ceilings, not points.
When a ceiling has no data the result says so, with the command that
would measure it.
"""

from .configs import backend_order, params_text

BANDWIDTH_KERNEL = "nstream"   # the STREAM-style triad: its bytes / time is the memory bandwidth
PEAK_KERNEL = "peak"           # the FMA-throughput probe: its flops / time is the compute peak
RUN_BANDWIDTH = "bench/sweep --kernels nstream --size auto"
RUN_PEAK = "bench/sweep --kernels peak"
FLOP_UNITS = {"FLOP/s": 1, "MFLOP/s": 1e6, "GFLOP/s": 1e9, "TFLOP/s": 1e12}


def flop_rate(config):
    """Flops per second of a configuration: its rate when counted in a FLOP/s unit (the figure the
    record and the sweep's summary give), else work.flops / median."""
    if not config.usable:
        return None
    if config.rate and config.rate_unit in FLOP_UNITS:
        return config.rate * FLOP_UNITS[config.rate_unit]
    if config.flops:
        return config.flops / config.median
    return None


def _condense(sentences):
    """One line per distinct reason: 'nstream n=1000000 (8 configurations): cache-resident ...'."""
    counts = {}
    for text in sentences:
        head, _, tail = text.partition(", ")
        model, _, why = tail.partition(": ")
        counts.setdefault((head, why), []).append(model)
    out = []
    for (head, why), models in counts.items():
        who = models[0] if len(models) == 1 else "%d configurations: %s" % (len(models), ", ".join(models))
        out.append("%s (%s): %s" % (head, who, why))
    return out


def _ceiling(value, config, text):
    return {"value": value, "config": config, "text": text}


def bandwidth_ceiling(configs):
    """(ceiling or None, [why each nstream run was not used])."""
    best, rejected = None, []
    for c in configs:
        if (c.kernel != BANDWIDTH_KERNEL and c.ceiling != "bandwidth") or not c.usable or not c.bytes:
            continue
        if c.regime != "dram":
            why = c.regime_text() or "no working-set data in the record"
            rejected.append("%s %s, %s: %s, not a bandwidth ceiling"
                            % (c.kernel, params_text(c.params), c.label(), why))
            continue
        rate = c.bytes / c.median
        if best is None or (not c.oversubscribed, rate) > (not best["config"].oversubscribed, best["value"]):
            best = _ceiling(rate, c, "%s %s%s, %s" % ("probe" if c.probe else "sweep's", c.kernel,
                                                     "" if c.probe else " " + params_text(c.params), c.label()))
    return best, rejected


def peak_ceilings(configs):
    """(machine peak at the largest PE count, per-core peak from the 1-PE run); either may be None."""
    runs = [c for c in configs if (c.kernel == PEAK_KERNEL or c.ceiling == "compute") and c.usable
            and flop_rate(c)]
    fair = [c for c in runs if not c.oversubscribed] or runs
    machine = per_core = None
    if fair:
        top = max(c.pes for c in fair)
        c = max((c for c in fair if c.pes == top), key=flop_rate)
        machine = _ceiling(flop_rate(c), c, "peak, %s, %d PE%s" % (c.label(), c.pes, "" if c.pes == 1 else "s"))
    ones = [c for c in runs if c.pes == 1]
    if ones:
        c = max(ones, key=flop_rate)
        per_core = _ceiling(flop_rate(c), c, "peak, %s, 1 PE" % c.label())
    return machine, per_core


def points(configs):
    best = {}
    for c in configs:
        if not c.usable or c.kind != "scaling" or c.probe or not c.flops or not c.bytes:
            continue
        if c.scaling != "strong" or c.kernel == PEAK_KERNEL:
            continue
        k = (c.kernel, c.backend, c.pes, c.regime)
        if k not in best or c.median < best[k].median:
            best[k] = c
    out = []
    for (kernel, backend, pes, regime), c in sorted(best.items(), key=lambda kv: (
            kv[0][0], backend_order(kv[0][1]), kv[0][2], kv[0][3] or "")):
        out.append({"kernel": kernel, "backend": backend, "pes": pes, "config": c, "regime": regime,
                    "ai": c.flops / c.bytes, "rate": c.flops / c.median})
    return out


def above_the_roof(pts, bw, peak, slack=1.05):
    """Sentences for points above a ceiling that binds them: above the compute peak (any point), or
    above the DRAM slope (DRAM-sized points only: a cache-resident point may beat DRAM by right)."""
    out = []
    for p in pts:
        what = "%s %s at %d PE%s" % (p["kernel"], p["config"].label(), p["pes"], "" if p["pes"] == 1 else "s")
        if peak and p["rate"] > peak["value"] * slack:
            out.append("%s runs at %.3g GFLOP/s, above the compute peak (%.3g): the peak probe or the record's "
                       "work.flops is off" % (what, p["rate"] / 1e9, peak["value"] / 1e9))
        elif bw and p["regime"] == "dram" and p["rate"] > bw["value"] * p["ai"] * slack:
            out.append("%s runs at %.3g GFLOP/s, above the DRAM bandwidth slope (%.3g at %.3g flop/byte): the "
                       "bandwidth probe or the record's work.bytes is off" % (
                           what, p["rate"] / 1e9, bw["value"] * p["ai"] / 1e9, p["ai"]))
    return out


def roofline(configs):
    """Points, ceilings, and sentences for what is missing or set aside.

    {"points", "bandwidth", "peak", "per_core", "missing": [...], "rejected": [...],
     "skipped": reason or None}; a ceiling is {"value" (B/s or flop/s), "config", "text"}.
    """
    sims = [c for c in configs if c.simulated]
    configs = [c for c in configs if not c.simulated]   # the roofline is this machine's (simulated.py)
    pts = points(configs)
    bw, rejected = bandwidth_ceiling(configs)
    rejected = _condense(rejected)
    peak, per_core = peak_ceilings(configs)
    missing = []
    if bw is None:
        missing.append("no bandwidth ceiling: no DRAM-sized nstream run in the data%s; run %s"
                       % (" (no nstream run here is shown to be DRAM-sized)" if rejected else "", RUN_BANDWIDTH))
    if peak is None:
        missing.append("no compute ceiling: no peak (FMA-throughput probe) run in the data; run %s" % RUN_PEAK)
    rejected += above_the_roof(pts, bw, peak)
    skipped = None
    if not pts and bw is None and peak is None:
        skipped = "no record has work.flops and work.bytes, and no ceiling was measured"
        if sims:   # a simulated sweep runs no probes: nothing to ask for
            skipped, missing = "every configuration is simulated: the roofline is this machine's", []
    if sims:
        rejected.append("%d simulated configuration%s left out: the roofline is this machine's ceilings and "
                        "points, not a simulated cluster's" % (len(sims), "" if len(sims) == 1 else "s"))
    return {"points": pts, "bandwidth": bw, "peak": peak, "per_core": per_core, "missing": missing,
            "rejected": rejected, "skipped": skipped}
