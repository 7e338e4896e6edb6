"""The data tables behind the charts (CSV, report.md and report.html all show these).

summary: every configuration of every scaling study, with its speedup,
efficiency, Karp-Flatt, the flags of issue 11 (superlinear with its likely
cause, the working-set regime, "no significant difference", best of N
shapes); fits: Amdahl per model; micro: the micro-benchmarks, in µs with
their spread and no speedup columns; probes: the roofline's calibration
runs; failures; faults (faults.py).
"""

from tbcommon import stats

from . import analysis, faults, micro, roofline, superlinear
from .configs import backend_order, params_text
from .table import Table

SUMMARY_COLUMNS = ["study", "kernel", "scaling", "params", "model", "simulated", "ranks", "threads", "pes",
                   "reps_ok", "reps", "median_s", "ci95_lo_s", "ci95_hi_s", "min_s", "max_s",
                   "rate", "rate_unit", "speedup", "speedup_lo", "speedup_hi", "error_bars",
                   "efficiency", "weak_efficiency", "karp_flatt", "superlinear", "working_set_regime",
                   "working_set_ratio", "comparison", "shape_choice", "oversubscribed", "failures"]

MICRO_COLUMNS = ["kernel", "model", "simulated", "variant", "ranks", "threads", "pes", "params", "exchange", "reps_ok",
                 "reps", "median_us", "ci95_lo_us", "ci95_hi_us", "min_us", "max_us", "spread",
                 "reference_subtracted_us", "bandwidth_MB_per_s", "oversubscribed", "failures"]

MICRO_NOTE = ("Time of one operation in µs (a one-way message, one barrier's or allreduce's overhead, one "
              "halo exchange), median over the repetitions; spread: the 95% CI of the median, or min–max "
              "below 6 repetitions; reference_subtracted_us: the delay loop's own time per operation, "
              "subtracted from the timed batches (EPCC), where the record gives it. Micro-benchmarks have no speedup, efficiency, Amdahl or Karp–Flatt: "
              "against a serial no-op they mean nothing. Bandwidth only where the operation moves bytes; "
              "a ping-pong hand-off passes a pointer and copies nothing.")


def shape_choice(study, config):
    """For a model with several shapes at a PE count: which one the charts draw, and why."""
    if not config.usable or len(study.shapes(config.backend, config.pes)) < 2:
        return None
    best = study.series(config.backend).get(config.pes)
    if best is config:
        return "charted: " + study.best_of(config)
    return "not charted: %s is the best of %d shapes" % (best.shape, len(study.shapes(config.backend, config.pes)))


def summary_rows(study, mode):
    rows = []
    verdicts = study.verdicts()
    for c in study.configs:
        base = study.baseline(mode, c.backend)
        sp = analysis.speedup_of(c, base)
        eff = sp["s"] / c.pes if sp and c.pes else None
        weak = sp["s"] if sp and study.scaling == "weak" else None
        low = (sp["lo"] / (1 if study.scaling == "weak" else c.pes)) if sp and c.pes else None
        cause = superlinear.cause(c, weak if study.scaling == "weak" else eff, low)
        ci = c.ci or {}
        ws = c.working_set or {}
        rows.append([
            study.name, c.kernel, c.scaling, params_text(c.params), c.backend, c.simulated, c.ranks, c.threads,
            c.pes, c.n, c.n_total, c.median, ci.get("lo"), ci.get("hi"), c.min, c.max,
            c.rate, c.rate_unit or None,
            sp["s"] if sp else None, sp["lo"] if sp else None, sp["hi"] if sp else None,
            ("95% CI of median" if sp["bars"] == "ci" else "min-max") if sp else None,
            eff if study.scaling == "strong" else None, weak,
            stats.karp_flatt(sp["s"], c.pes) if sp and study.scaling == "strong" else None,
            cause[1] if cause else None, ws.get("regime"), ws.get("ratio"), verdicts.get(c),
            shape_choice(study, c), c.oversubscribed, "; ".join(c.failures) or None,
        ])
    return rows


def _us(value):
    return None if value is None else value * 1e6


def _micro_order(c):
    """Kernel, copies before hand-offs, then the series value (a number, not its text), PEs, model."""
    x = c.params.get(c.series) if c.series else None
    x = x if isinstance(x, (int, float)) and not isinstance(x, bool) else 0
    return (c.kernel, micro.is_handoff(c), c.params_key if not c.series else "", x, c.pes or 0,
            backend_order(c.backend), c.backend, c.ranks or 0, c.variant or "")


def micro_rows(configs):
    rows = []
    for kernel in micro.kernels(configs):
        for c in sorted(configs, key=_micro_order):
            if c.kernel != kernel or c.kind != "micro" or c.probe:
                continue
            ci = c.ci or {}
            spread = None
            if c.usable:
                lo, hi, kind = c.interval()
                spread = "%s %.4g–%.4g µs" % ("95% CI" if kind == "ci" else "min–max", lo * 1e6, hi * 1e6)
            bw = micro.bandwidth_of(c)
            rows.append([c.kernel, c.backend, c.simulated, "hand-off" if micro.is_handoff(c) else c.variant, c.ranks,
                         c.threads, c.pes, params_text(c.params), micro.exchange_text(c), c.n, c.n_total,
                         _us(c.median), _us(ci.get("lo")), _us(ci.get("hi")), _us(c.min), _us(c.max), spread,
                         _us(c.reference), bw / 1e6 if bw else None, c.oversubscribed, "; ".join(c.failures) or None])
    return rows


def probe_rows(configs):
    rows = []
    for c in configs:
        if not (c.probe or c.kind == "probe"):
            continue
        flops = roofline.flop_rate(c)
        bw = c.bytes / c.median if c.usable and c.bytes else None
        rows.append([c.kernel, c.role, c.backend, c.ranks, c.threads, c.pes, params_text(c.params),
                     c.regime_text(), c.n, c.n_total, c.median, flops / 1e9 if flops else None,
                     bw / 1e9 if bw else None, "; ".join(c.failures) or None])
    return rows


def build(dataset, configs, studies, mode):
    tables = []
    rows = []
    for s in studies:
        rows.extend(summary_rows(s, mode))
    tables.append(Table("summary", "Every configuration", SUMMARY_COLUMNS, rows,
                        "Sample: the median iteration time of each usable repetition. "
                        "CI: distribution-free 95%% confidence interval of the median (n/a below 6 "
                        "repetitions; error bars then show min-max). Baseline: %s. superlinear: an "
                        "efficiency above 1 with its likely cause. comparison: configurations at one PE "
                        "count whose CIs overlap are 'no significant difference', not ranked. simulated: "
                        "'simulated on PLATFORM' for a configuration run under SimGrid's SMPI (not measured), "
                        "empty for a measured one." %
                        ("each model's own 1-PE run" if mode == "self" else "best serial median")))
    fit_rows = []
    for s in studies:
        for backend, fit in analysis.fits(s, mode).items():
            fit_rows.append([s.name, backend, fit["f"], fit["points"], fit["rms"],
                             "least squares on 1/S = f + (1-f)/p"])
    tables.append(Table("fits", "Amdahl serial fraction per model",
                        ["study", "model", "serial_fraction", "points", "rms_residual_1_over_S", "form"],
                        fit_rows, "Fitted to the speedups at p > 1, oversubscribed runs left out."))
    mrows = micro_rows(configs)
    if mrows:
        tables.append(Table("micro", "Micro-benchmarks", MICRO_COLUMNS, mrows, MICRO_NOTE))
    prows = probe_rows(configs)
    if prows:
        tables.append(Table("probes", "Roofline probes (calibration runs, not part of any scaling study)",
                            ["kernel", "role", "model", "ranks", "threads", "pes", "params", "working_set",
                             "reps_ok", "reps", "median_s", "GFLOP_per_s", "GB_per_s", "failures"], prows))
    fail = []
    for r in dataset.runs:
        if r.ok:
            continue
        fail.append([r.line, r.kernel, r.backend, r.shape, r.pes, params_text(r.params), r.rep,
                     r.failure, r.exit_status, r.command if isinstance(r.command, str)
                     else (" ".join(map(str, r.command)) if isinstance(r.command, list) else None)])
    tables.append(Table("failures", "Failed runs (not plotted as measurements)",
                        ["line", "kernel", "model", "shape", "pes", "params", "rep", "reason",
                         "exit_status", "command"], fail))
    fault_table = faults.table(getattr(dataset, "fault_runs", []))
    if fault_table:
        tables.append(fault_table)
    return tables
