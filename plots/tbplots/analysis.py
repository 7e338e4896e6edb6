"""Scaling studies: baselines, speedups, efficiencies, flags and model fits.

Standard library only. Terms:

* configuration (configs.py): kernel, backend, ranks, threads, params,
  scaling, variant; its sample is the per-repetition median iteration time
  of its usable runs.
* study: the configurations of one scaling kernel (kind "scaling", not a
  probe) that belong on the same axes: strong scaling at one parameter set,
  or weak scaling where the parameters that grow with the PE count are set
  aside. Micro-benchmarks and probes are never studies: a speedup against a
  serial no-op, or of a calibration run, means nothing.
* series: what one model contributes to a study's curves, one configuration
  per PE count; for hybrid the fastest ranks x threads split, which is
  labelled with its shape and "best of N shapes" wherever it is shown.
"""

from tbcommon import stats
from tbcommon.models import BACKENDS

from . import significance, simulated, superlinear
from .configs import backend_order, fmt_time, params_text
from .loader import params_key

BASELINES = ("best-serial", "self")


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


class Baseline:
    def __init__(self, time, config, text):
        self.time = time
        self.config = config
        self.text = text


class Study:
    """Configurations of one kernel that share axes (one set of figures)."""

    def __init__(self, kernel, scaling, fixed_params, grown, configs, simulated_on=None):
        self.kernel = kernel
        # "simulated on cluster-ib" for a study of simulated configurations (never mixed with measured
        # ones: each world has its own baseline, curves and verdict), None for a measured study
        self.simulated = simulated_on
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
        size = self.size_label()
        if size:
            text += " [%s]" % size
        if self.simulated:
            text += " — %s" % self.simulated
        return text

    def size_label(self):
        """'cache-resident', 'mixed' or both when any size is not DRAM-sized; None otherwise."""
        regimes = {c.regime for c in self.configs if c.regime}
        shown = [r for r in ("cache-resident", "mixed") if r in regimes]
        if not shown:
            return None
        text = " and ".join(shown)
        if "dram" in regimes:
            text += " at some sizes"
        return text

    def size_note(self):
        """A sentence on the working sets of this study's sizes, or None without data."""
        texts = []
        for c in self.configs:
            t = c.regime_text()
            if t and t not in texts:
                texts.append(t)
        if not texts:
            return None
        note = "Working set: " + "; ".join(texts) + "."
        if self.size_label():
            note += (" A size that is not DRAM-sized (at least 4× the LLC) measures the caches, not "
                     "memory: its speedups and efficiencies are not those of the model.")
        return note

    def models(self):
        present = {c.backend for c in self.configs}
        return [b for b in BACKENDS if b in present] + sorted(present - set(BACKENDS),
                                                              key=lambda b: (backend_order(b), b))

    def pes_list(self):
        return sorted({c.pes for c in self.configs if c.pes})

    def _index(self):
        """{(backend, pes): [usable configurations]}, built once: a study of 2,000 configurations
        asks for it thousands of times (issue 16)."""
        if getattr(self, "_by_shape", None) is None:
            self._by_shape = {}
            for c in self.configs:
                if c.usable and c.pes:
                    self._by_shape.setdefault((c.backend, c.pes), []).append(c)
        return self._by_shape

    def series(self, backend):
        """{pes: Config} with the fastest usable configuration per PE count."""
        cache = self.__dict__.setdefault("_series", {})
        if backend not in cache:
            best = {}
            for (b, pes), cs in self._index().items():
                if b == backend:
                    best[pes] = min(cs, key=lambda c: c.median)
            cache[backend] = dict(sorted(best.items()))
        return dict(cache[backend])

    def shapes(self, backend, pes):
        """The usable configurations of one model at one PE count (several for hybrid)."""
        return list(self._index().get((backend, pes), []))

    def best_of(self, config):
        """'best of N shapes' (plus whether it differs significantly) when config beat other shapes; else None."""
        rivals = self.shapes(config.backend, config.pes)
        if len(rivals) < 2:
            return None
        text = "best of %d shapes" % len(rivals)
        verdict = significance.verdicts(rivals, name=lambda c: c.shape).get(config, "")
        if verdict.startswith(significance.NO_DIFFERENCE):
            text += ", " + verdict
        elif verdict.startswith("not ranked"):
            text += ", " + verdict
        return text

    def verdicts(self):
        """{config: verdict} comparing every usable configuration at each PE count (significance.py)."""
        if getattr(self, "_verdicts", None) is None:
            self._verdicts = {}
            for pes in self.pes_list():
                self._verdicts.update(significance.verdicts([c for c in self.configs if c.pes == pes]))
        return self._verdicts

    def failed_configs(self, backend=None):
        return [c for c in self.configs if not c.usable and (backend is None or c.backend == backend)]

    # --- baselines -------------------------------------------------------
    def baseline(self, mode, backend):
        if mode == "self":
            return self._self_baseline(backend)
        return self._serial_baseline()

    def _serial_baseline(self):
        serial = [c for c in self.configs if c.model == "serial" and c.usable and c.pes == 1]
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
    """Per model and PE count: speedup, efficiency, Karp-Flatt (strong) or weak efficiency.

    Each row also says whether its efficiency is superlinear and why
    ("superlinear": (cause key, sentence) or None) and, for a model with
    several shapes at one PE count, "best_of": 'best of N shapes ...'.
    """
    cache = study.__dict__.setdefault("_model_rows", {})   # several charts and tables ask
    if mode in cache:
        return cache[mode]
    out = cache[mode] = {}
    for backend in study.models():
        base = study.baseline(mode, backend)
        rows = []
        for pes, c in study.series(backend).items():
            sp = speedup_of(c, base)
            row = {"pes": pes, "config": c, "speedup": sp, "best_of": study.best_of(c)}
            if sp:
                row["efficiency"] = sp["s"] / pes
                row["karp_flatt"] = stats.karp_flatt(sp["s"], pes)
            else:
                row["efficiency"] = row["karp_flatt"] = None
            if study.scaling == "weak":
                row["weak_efficiency"] = sp["s"] if sp else None
            eff = row["weak_efficiency"] if study.scaling == "weak" else row["efficiency"]
            low = sp["lo"] / (1 if study.scaling == "weak" else pes) if sp else None
            row["superlinear"] = superlinear.cause(c, eff, low)
            rows.append(row)
        out[backend] = {"baseline": base, "rows": rows}
    return out


def fits(study, mode):
    """Amdahl fit per model (not serial) from its non-oversubscribed speedups."""
    result = {}
    if study.scaling != "strong":
        return result
    for backend, data in model_rows(study, mode).items():
        if simulated.base(backend) == "serial":
            continue
        pts = [(r["pes"], r["speedup"]["s"]) for r in data["rows"]
               if r["speedup"] and not r["config"].oversubscribed]
        fit = stats.amdahl_fit(pts)
        if fit:
            result[backend] = fit
    return result


def build_studies(configs):
    studies = []
    main = [c for c in configs if c.kind == "scaling" and not c.probe]
    by_ks = {}
    for c in main:   # measured and simulated configurations never share a study (simulated.py)
        by_ks.setdefault((c.kernel, c.scaling, c.simulated or ""), []).append(c)
    for (kernel, scaling, sim), group in sorted(by_ks.items()):
        grown = _pes_determined_keys(group) if scaling == "weak" else set()
        sub = {}
        for c in group:
            fixed = {k: v for k, v in c.params.items() if k not in grown}
            sub.setdefault(params_key(fixed), (fixed, []))[1].append(c)
        for _, (fixed, cs) in sorted(sub.items()):
            studies.append(Study(kernel, scaling, fixed, grown, cs, sim or None))
    # unique, deterministic file-name stems; a simulated study's ends in "-simulated-<platform>"
    count = {}
    for s in studies:
        count[(s.kernel, s.scaling, s.simulated)] = count.get((s.kernel, s.scaling, s.simulated), 0) + 1
    for s in studies:
        stem = s.kernel + ("-weak" if s.scaling == "weak" else "")
        if count[(s.kernel, s.scaling, s.simulated)] > 1:
            stem += "-" + _slug(params_text(s.fixed_params).replace("=", "").replace(" ", "-"))
        if s.simulated:
            stem += "-" + _slug(s.simulated.replace(" on ", "-"))
        s.name = _slug(stem)
    return studies
