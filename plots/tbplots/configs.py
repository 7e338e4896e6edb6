"""Runs grouped into configurations, with their statistics. Standard library only.

A configuration is kernel, model (backend), ranks, threads, params, scaling,
variant (ping-pong's "copy" or "handoff") and whether the runs were probes
(bench/sweep's roofline probes are never pooled with the measured runs). Its
sample is the per-repetition median iteration time of its usable runs.
"""

import json

from tbcommon import stats
from tbcommon.models import BACKENDS

from . import simulated
from .loader import shape_text

REGIME_TEXT = {"dram": "DRAM-sized", "mixed": "mixed", "cache-resident": "cache-resident"}


def _median_or_none(values):
    values = [v for v in values if v is not None]
    return stats.median(values) if values else None


class Config:
    def __init__(self, key, runs):
        self.key = key
        (self.kernel, self.backend, self.ranks, self.threads, self.params_key, self.scaling,
         self.variant, self.probe) = key
        self.model = simulated.base(self.backend)   # "mpi" of "mpi — simulated on cluster-ib"
        self.runs = runs
        first = runs[0]
        self.params = first.params
        self.pes = next((r.pes for r in runs if r.pes), None)
        self.simulated = first.simulated   # "simulated on cluster-ib" (part of the model, so of the key) or None
        self.simgrid = next((r.simgrid for r in runs if r.simgrid), None)
        ok = [r for r in runs if r.ok]
        self.ok_runs = ok
        self.n = len(ok)
        self.n_total = len(runs)
        self.n_failed = len(runs) - len(ok)
        self.failures = sorted({r.failure for r in runs if not r.ok})
        self.oversubscribed = any(r.oversubscribed for r in runs)
        pick = ok or runs
        self.kind = next((r.kind for r in pick if r.kind), "scaling")
        self.role = next((r.role for r in pick if r.role), None)
        self.ceiling = next((r.ceiling for r in pick if r.ceiling), None)
        self.series = next((r.series for r in pick if r.series), None)
        self.working_set = next((r.working_set for r in pick if r.working_set), None)
        self.exchange = next((r.exchange for r in pick if r.exchange), None)
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
        self.reference = _median_or_none([r.reference for r in ok])
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
        return shape_text(self.ranks, self.threads)

    @property
    def micro_kernel(self):
        return self.kind == "micro"

    @property
    def usable(self):
        return self.n > 0

    @property
    def regime(self):
        """"dram", "mixed", "cache-resident" or None (no working-set data)."""
        return self.working_set["regime"] if self.working_set else None

    def interval(self):
        """(lo, hi, kind): the 95% CI of the median, or min-max below 6 reps."""
        if self.ci:
            return self.ci["lo"], self.ci["hi"], "ci"
        return self.min, self.max, "minmax"

    def regime_text(self):
        """'cache-resident (working set 0.25× LLC)' and the like; None without working-set data."""
        ws = self.working_set
        if not ws or not ws["regime"]:
            return None
        text = REGIME_TEXT[ws["regime"]]
        if ws["ratio"] is not None:
            text += " (working set %.2g× LLC)" % ws["ratio"]
        return text

    def label(self):
        return "%s %s" % (self.backend, self.shape)


def config_key(run):
    """What makes runs one configuration. The model (backend) carries the transport and the simulation
    label ("mpi — simulated on cluster-ib"), so measured and simulated runs never share a key."""
    return (run.kernel, run.backend, run.ranks, run.threads, run.params_key, run.scaling, run.variant,
            run.probe or run.kind == "probe")


def group_configs(runs):
    groups = {}
    for r in runs:
        groups.setdefault(config_key(r), []).append(r)
    return [Config(k, v) for k, v in sorted(groups.items(), key=lambda kv: _sort_key(kv[0]))]


def _sort_key(key):
    kernel, backend, ranks, threads, pkey, scaling, variant, probe = key
    return (kernel, probe, scaling, pkey, (ranks or 0) * (threads or 0), backend_order(backend), backend,
            ranks or 0, threads or 0, variant or "")


def backend_order(backend):
    """Position of a model; a transport variant (mpi/shm, mpi/tcp) just after its model, a simulated one
    ("mpi — simulated on cluster-ib") after those."""
    base, _, transport = simulated.base(backend).partition("/")
    if base not in BACKENDS:
        return len(BACKENDS)
    sim = 0.75 if simulated.label(backend) else 0
    return BACKENDS.index(base) + ({"": 0, "shm": 0.25}.get(transport, 0.5)) + sim


def params_text(params):
    return " ".join("%s=%s" % (k, json.dumps(v) if not isinstance(v, str) else v)
                    for k, v in sorted(params.items())) or "defaults"


def fmt_time(t):
    if t is None:
        return "n/a"
    return "%.4g" % t


def fmt_bytes(b):
    for unit, size in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if b >= size:
            return "%.3g %s" % (b / size, unit)
    return "%d B" % b
