"""Per-configuration statistics, baselines, speedups and model fits.

Standard library only. Terms:

* configuration: kernel, backend, ranks, threads, params and scaling; its
  sample is the per-repetition median iteration time of its usable runs.
* study: the configurations of one kernel that belong on the same axes:
  strong scaling at one parameter set, or weak scaling where the parameters
  that grow with the PE count are set aside.
* series: what one model contributes to a study's curves, one configuration
  per PE count (for hybrid the fastest ranks x threads split).
"""

import json

from tbcommon import stats
from tbcommon.models import BACKENDS

from .loader import MICRO_KERNELS, params_key

BASELINES = ("best-serial", "self")


def _median_or_none(values):
    values = [v for v in values if v is not None]
    return stats.median(values) if values else None


class Config:
    def __init__(self, key, runs):
        self.key = key
        self.kernel, self.backend, self.ranks, self.threads, self.params_key, self.scaling = key
        self.runs = runs
        first = runs[0]
        self.params = first.params
        self.pes = next((r.pes for r in runs if r.pes), None)
        ok = [r for r in runs if r.ok]
        self.ok_runs = ok
        self.n = len(ok)
        self.n_total = len(runs)
        self.n_failed = len(runs) - len(ok)
        self.failures = sorted({r.failure for r in runs if not r.ok})
        self.oversubscribed = any(r.oversubscribed for r in runs)
        times = [r.time for r in ok]
        self.times = times
        if times:
            self.median = stats.median(times)
            self.min = min(times)
            self.max = max(times)
            self.ci = stats.median_ci(times)
        else:
            self.median = self.min = self.max = self.ci = None
        self.rate = _median_or_none([r.rate for r in ok])
        self.rate_unit = next((r.rate_unit for r in ok if r.rate_unit), "")
        self.flops = next((r.flops for r in ok if r.flops is not None), None)
        self.bytes = next((r.bytes for r in ok if r.bytes is not None), None)
        self.mem_sum = _median_or_none([r.mem_sum for r in ok])
        bds = [r.breakdown for r in ok if r.breakdown]
        self.breakdown = None
        if bds:
            self.breakdown = {k: _median_or_none([b.get(k) for b in bds]) or 0.0
                              for k in ("compute", "comm", "sync")}

    @property
    def shape(self):
        if self.ranks is None or self.threads is None:
            return "?"
        return "%dx%d" % (self.ranks, self.threads)

    @property
    def micro_kernel(self):
        return self.kernel in MICRO_KERNELS

    @property
    def usable(self):
        return self.n > 0

    def label(self):
        return "%s %s" % (self.backend, self.shape)


def group_configs(runs):
    groups = {}
    for r in runs:
        key = (r.kernel, r.backend, r.ranks, r.threads, r.params_key, r.scaling)
        groups.setdefault(key, []).append(r)
    return [Config(k, v) for k, v in sorted(groups.items(), key=lambda kv: _sort_key(kv[0]))]


def _sort_key(key):
    kernel, backend, ranks, threads, pkey, scaling = key
    border = BACKENDS.index(backend) if backend in BACKENDS else len(BACKENDS)
    return (kernel, scaling, pkey, (ranks or 0) * (threads or 0), border, backend, ranks or 0, threads or 0)


def _pes_determined_keys(configs):
    """Parameter keys whose value is fixed by the PE count (grown by weak scaling)."""
    keys = set()
    for c in configs:
        keys.update(c.params)
    dropped = set()
    for k in sorted(keys):
        values = {params_key(c.params.get(k)) for c in configs}
        if len(values) < 2:
            continue
        by_rest = {}
        for c in configs:
            rest = params_key({kk: v for kk, v in c.params.items() if kk != k and kk not in dropped})
            by_rest.setdefault((rest, c.pes), set()).add(params_key(c.params.get(k)))
        if all(len(v) == 1 for v in by_rest.values()):
            dropped.add(k)
    return dropped


def _slug(text):
    out = []
    for ch in text:
        out.append(ch if ch.isalnum() or ch in ".-" else "-")
    slug = "".join(out).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug or "x"


def params_text(params):
    return " ".join("%s=%s" % (k, json.dumps(v) if not isinstance(v, str) else v)
                    for k, v in sorted(params.items())) or "defaults"


class Baseline:
    def __init__(self, time, config, text):
        self.time = time
        self.config = config
        self.text = text


class Study:
    """Configurations of one kernel that share axes (one set of figures)."""

    def __init__(self, kernel, scaling, fixed_params, grown, configs):
        self.kernel = kernel
        self.scaling = scaling
        self.fixed_params = fixed_params
        self.grown = sorted(grown)
        self.configs = configs
        self.name = kernel  # file-name stem; made unique by build_studies
        self.notes = []

    @property
    def title(self):
        text = "%s, %s scaling" % (self.kernel, self.scaling)
        if self.fixed_params:
            text += ", " + params_text(self.fixed_params)
        if self.grown:
            text += " (%s grow%s with PEs)" % (", ".join(self.grown), "s" if len(self.grown) == 1 else "")
        return text

    def models(self):
        present = {c.backend for c in self.configs}
        return [b for b in BACKENDS if b in present] + sorted(present - set(BACKENDS),
                                                              key=lambda b: (backend_order(b), b))

    def pes_list(self):
        return sorted({c.pes for c in self.configs if c.pes})

    def series(self, backend):
        """{pes: Config} with the fastest usable configuration per PE count."""
        best = {}
        for c in self.configs:
            if c.backend != backend or not c.usable or not c.pes:
                continue
            if c.pes not in best or c.median < best[c.pes].median:
                best[c.pes] = c
        return dict(sorted(best.items()))

    def failed_configs(self, backend=None):
        return [c for c in self.configs if not c.usable and (backend is None or c.backend == backend)]

    # --- baselines -------------------------------------------------------
    def baseline(self, mode, backend):
        if mode == "self":
            return self._self_baseline(backend)
        return self._serial_baseline()

    def _serial_baseline(self):
        serial = [c for c in self.configs if c.backend == "serial" and c.usable and c.pes == 1]
        if serial:
            best = min(serial, key=lambda c: c.median)
            return Baseline(best.median, best, "best serial median %s s" % fmt_time(best.median))
        ones = [c for c in self.configs if c.usable and c.pes == 1]
        if ones:
            best = min(ones, key=lambda c: c.median)
            return Baseline(best.median, best, "no serial run: best 1-PE median (%s) %s s"
                            % (best.label(), fmt_time(best.median)))
        return None

    def _self_baseline(self, backend):
        ones = [c for c in self.configs if c.backend == backend and c.usable and c.pes == 1]
        if not ones:
            return None
        best = min(ones, key=lambda c: c.median)
        return Baseline(best.median, best, "%s 1-PE median %s s" % (backend, fmt_time(best.median)))

    def baseline_text(self, mode):
        if mode == "self":
            parts = []
            for b in self.models():
                base = self._self_baseline(b)
                parts.append("%s %s" % (b, ("%s s" % fmt_time(base.time)) if base else "none"))
            return "each model's own 1-PE median (" + ", ".join(parts) + ")"
        base = self._serial_baseline()
        return base.text if base else "no 1-PE run: no baseline"


def speedup_of(config, base):
    """Speedup point {"s", "lo", "hi", "bars"} of a config against a Baseline."""
    if base is None or not config.usable:
        return None
    s = base.time / config.median
    if config.ci:
        lo, hi, bars = base.time / config.ci["hi"], base.time / config.ci["lo"], "ci"
    else:
        lo, hi, bars = base.time / config.max, base.time / config.min, "minmax"
    return {"s": s, "lo": lo, "hi": hi, "bars": bars}


def model_rows(study, mode):
    """Per model and PE count: speedup, efficiency, Karp-Flatt (strong) or weak efficiency."""
    out = {}
    for backend in study.models():
        base = study.baseline(mode, backend)
        rows = []
        for pes, c in study.series(backend).items():
            sp = speedup_of(c, base)
            row = {"pes": pes, "config": c, "speedup": sp}
            if sp:
                row["efficiency"] = sp["s"] / pes
                row["karp_flatt"] = stats.karp_flatt(sp["s"], pes)
            else:
                row["efficiency"] = row["karp_flatt"] = None
            if study.scaling == "weak":
                row["weak_efficiency"] = sp["s"] if sp else None
            rows.append(row)
        out[backend] = {"baseline": base, "rows": rows}
    return out


def fits(study, mode):
    """Amdahl fit per model (not serial) from its non-oversubscribed speedups."""
    result = {}
    if study.scaling != "strong":
        return result
    for backend, data in model_rows(study, mode).items():
        if backend == "serial":
            continue
        pts = [(r["pes"], r["speedup"]["s"]) for r in data["rows"]
               if r["speedup"] and not r["config"].oversubscribed]
        fit = stats.amdahl_fit(pts)
        if fit:
            result[backend] = fit
    return result


def build_studies(configs):
    studies = []
    main = [c for c in configs if c.kernel not in MICRO_KERNELS]
    by_ks = {}
    for c in main:
        by_ks.setdefault((c.kernel, c.scaling), []).append(c)
    for (kernel, scaling), group in sorted(by_ks.items()):
        grown = _pes_determined_keys(group) if scaling == "weak" else set()
        sub = {}
        for c in group:
            fixed = {k: v for k, v in c.params.items() if k not in grown}
            sub.setdefault(params_key(fixed), (fixed, []))[1].append(c)
        for _, (fixed, cs) in sorted(sub.items()):
            studies.append(Study(kernel, scaling, fixed, grown, cs))
    # unique, deterministic file-name stems
    count = {}
    for s in studies:
        count[(s.kernel, s.scaling)] = count.get((s.kernel, s.scaling), 0) + 1
    for s in studies:
        stem = s.kernel + ("-weak" if s.scaling == "weak" else "")
        if count[(s.kernel, s.scaling)] > 1:
            stem += "-" + _slug(params_text(s.fixed_params).replace("=", "").replace(" ", "-"))
        s.name = _slug(stem)
    return studies


# --- micro-benchmarks ------------------------------------------------------
def micro_series(configs, kernel):
    """For pingpong/allreduce: {series label: [(bytes, Config)]}; barrier: by PEs."""
    out = {}
    mine = [c for c in configs if c.kernel == kernel]
    # parameters every run shares (a --max-bytes, say) would only clutter the labels
    shared = {k for k in set().union(*(c.params for c in mine))
              if len({params_key(c.params.get(k)) for c in mine}) == 1} if mine else set()
    for c in mine:
        rest = {k: v for k, v in c.params.items() if k not in ("bytes", "size") and k not in shared}
        x = c.params.get("bytes", c.params.get("size")) if kernel != "barrier" else c.pes
        if not isinstance(x, (int, float)) or isinstance(x, bool) or not 0 < x < 2 ** 60:
            continue
        label = c.backend
        if kernel != "barrier":
            label += " " + c.shape
        if rest:
            label += " " + params_text(rest)
        out.setdefault((BACKENDS.index(c.backend) if c.backend in BACKENDS else 9, label, c.backend),
                       []).append((x, c))
    return {k: sorted(v, key=lambda t: t[0]) for k, v in sorted(out.items())}


def bandwidth_of(config):
    """Bytes per second moved by one iteration, from the record's rate or work."""
    if not config.usable:
        return None
    unit = config.rate_unit or ""
    scale = {"B/s": 1, "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "MiB/s": 2 ** 20, "GiB/s": 2 ** 30}
    if config.rate is not None and config.rate > 0 and unit in scale:
        return config.rate * scale[unit]
    nbytes = config.bytes if config.bytes is not None else config.params.get("bytes")
    if isinstance(nbytes, (int, float)) and not isinstance(nbytes, bool) and 0 < nbytes < 1e30:
        return nbytes / config.median
    return None


# --- roofline --------------------------------------------------------------
def roofline(configs):
    """Points and measured ceilings for the roofline chart, or a reason it is skipped."""
    points, bw, peak = [], None, None
    for c in configs:
        if not c.usable or c.kernel in MICRO_KERNELS or c.flops is None or c.bytes is None:
            continue
        if c.kernel == "nstream" and c.bytes > 0:
            b = c.bytes / c.median
            if bw is None or b > bw[0]:
                bw = (b, c)
        if c.kernel == "dgemm" and c.flops > 0:
            f = c.flops / c.median
            if peak is None or f > peak[0]:
                peak = (f, c)
    # one point per kernel, model and PE count: the fastest configuration
    best = {}
    for c in configs:
        if not c.usable or c.kernel in MICRO_KERNELS or not c.flops or not c.bytes:
            continue
        if c.scaling != "strong":
            continue
        k = (c.kernel, c.backend, c.pes)
        if k not in best or c.median < best[k].median:
            best[k] = c
    for (kernel, backend, pes), c in sorted(best.items(), key=lambda kv: (kv[0][0], backend_order(kv[0][1]), kv[0][2])):
        points.append({"kernel": kernel, "backend": backend, "pes": pes, "config": c,
                       "ai": c.flops / c.bytes, "rate": c.flops / c.median})
    reason = None
    if not points:
        reason = "no record has work.flops and work.bytes"
    elif bw is None and peak is None:
        reason = "no nstream or dgemm run in the data to measure the machine's ceilings"
    return {"points": points, "bandwidth": bw, "peak": peak, "skipped": reason}


def backend_order(backend):
    """Position of a model; a transport variant (mpi/shm, mpi/tcp) just after its model."""
    base, _, transport = backend.partition("/")
    if base not in BACKENDS:
        return len(BACKENDS)
    return BACKENDS.index(base) + ({"": 0, "shm": 0.25}.get(transport, 0.5))


def fmt_time(t):
    if t is None:
        return "n/a"
    return "%.4g" % t
