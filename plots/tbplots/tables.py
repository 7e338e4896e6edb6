"""The data tables behind the charts (CSV, report.md and report.html all show these)."""

from . import analysis
from .analysis import params_text


class Table:
    def __init__(self, name, title, columns, rows, note=""):
        self.name = name  # file stem: tables/<name>.csv
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note


def fmt(value):
    """Display text of a cell (CSV keeps full precision; see csv_cell)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if 1e4 <= abs(value) < 1e9:
            return "%.0f" % value  # 19344, not 1.934e+04
        return "%.4g" % value
    return str(value)


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


SUMMARY_COLUMNS = ["study", "kernel", "scaling", "params", "model", "ranks", "threads", "pes",
                   "reps_ok", "reps", "median_s", "ci95_lo_s", "ci95_hi_s", "min_s", "max_s",
                   "rate", "rate_unit", "speedup", "speedup_lo", "speedup_hi", "error_bars",
                   "efficiency", "weak_efficiency", "karp_flatt", "oversubscribed", "failures"]


def summary_rows(study, mode):
    rows = []
    for c in study.configs:
        base = study.baseline(mode, c.backend)
        sp = analysis.speedup_of(c, base)
        eff = sp["s"] / c.pes if sp and c.pes else None
        ci = c.ci or {}
        rows.append([
            study.name, c.kernel, c.scaling, params_text(c.params), c.backend, c.ranks, c.threads,
            c.pes, c.n, c.n_total, c.median, ci.get("lo"), ci.get("hi"), c.min, c.max,
            c.rate, c.rate_unit or None,
            sp["s"] if sp else None, sp["lo"] if sp else None, sp["hi"] if sp else None,
            ("95% CI of median" if sp["bars"] == "ci" else "min-max") if sp else None,
            eff if study.scaling == "strong" else None,
            sp["s"] if sp and study.scaling == "weak" else None,
            analysis.stats.karp_flatt(sp["s"], c.pes) if sp and study.scaling == "strong" else None,
            c.oversubscribed, "; ".join(c.failures) or None,
        ])
    return rows


def build(dataset, configs, studies, mode):
    tables = []
    rows = []
    for s in studies:
        rows.extend(summary_rows(s, mode))
    tables.append(Table("summary", "Every configuration", SUMMARY_COLUMNS, rows,
                        "Sample: the median iteration time of each usable repetition. "
                        "CI: distribution-free 95%% confidence interval of the median (n/a below 6 "
                        "repetitions; error bars then show min-max). Baseline: %s." %
                        ("each model's own 1-PE run" if mode == "self" else "best serial median")))
    fit_rows = []
    for s in studies:
        for backend, fit in analysis.fits(s, mode).items():
            fit_rows.append([s.name, backend, fit["f"], fit["points"], fit["rms"],
                             "least squares on 1/S = f + (1-f)/p"])
    tables.append(Table("fits", "Amdahl serial fraction per model",
                        ["study", "model", "serial_fraction", "points", "rms_residual_1_over_S", "form"],
                        fit_rows, "Fitted to the speedups at p > 1, oversubscribed runs left out."))
    micro = []
    for c in configs:
        if not c.micro_kernel:
            continue
        ci = c.ci or {}
        micro.append([c.kernel, c.backend, c.ranks, c.threads, c.pes, params_text(c.params), c.n,
                      c.n_total, c.median, ci.get("lo"), ci.get("hi"), c.min, c.max,
                      analysis.bandwidth_of(c), c.oversubscribed, "; ".join(c.failures) or None])
    if micro:
        tables.append(Table("micro", "Micro-benchmarks",
                            ["kernel", "model", "ranks", "threads", "pes", "params", "reps_ok", "reps",
                             "median_s", "ci95_lo_s", "ci95_hi_s", "min_s", "max_s",
                             "bandwidth_B_per_s", "oversubscribed", "failures"], micro))
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
    from . import faults  # the runs set aside by faults.set_aside (plots/tbplots/faults.py)
    fault_table = faults.table(getattr(dataset, "fault_runs", []))
    if fault_table:
        tables.append(fault_table)
    return tables
