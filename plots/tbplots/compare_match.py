"""Two sweeps side by side: which configurations match, and what each comparison says.

Standard library only. Two configurations are the same when their
configs.group_configs key is: kernel, model (with its transport), ranks,
threads, every parameter (so a series kernel such as pingpong matches per
message size), scaling kind, variant and probe flag. Host names, commit,
compiler and MPI library are not part of it: they are what is compared.

Each key present in A or B gives one Row, with a status:
- "compared": usable repetitions on both sides; ratio of medians B/A, the
  log-shift ratio and its CI (compare_stats) and the U test's verdict
  (tbcommon.utest.compare on B against A);
- "only in A" / "only in B": the other sweep has no such configuration;
- "failed in A" / "failed in B" / "failed in both": no usable repetition there
  (failed or not validated runs); the reasons are kept.
"""

import re

from tbcommon import utest

from . import compare_stats, simulated
from .configs import params_text
from .loader import params_key

COMPARED = "compared"
VERDICT = {"lower": "faster", "higher": "slower", "no difference": "no difference",
           "not enough repetitions": "not enough repetitions"}


class Row:
    """One configuration key, seen from A and B (either Config may be None)."""

    def __init__(self, key, a, b):
        self.key = key
        self.a, self.b = a, b
        any_side = a or b
        self.kernel, self.backend, self.ranks, self.threads = key[:4]
        self.params, self.scaling, self.variant, self.probe = any_side.params, key[5], key[6], key[7]
        self.pes, self.kind = any_side.pes, any_side.kind
        self.hidden = set()  # parameters every row of this kernel shares: left out of the label (match)
        self.ratio = self.shift = self.test = None
        self.verdict = None
        self.status = self._status()
        if self.status == COMPARED:
            self._compare()

    def _status(self):
        if self.a is None:
            return "only in B"
        if self.b is None:
            return "only in A"
        if not self.a.usable and not self.b.usable:
            return "failed in both"
        if not self.a.usable:
            return "failed in A"
        if not self.b.usable:
            return "failed in B"
        return COMPARED

    def _compare(self):
        a, b = self.a, self.b
        if a.median > 0 and b.median > 0:
            self.ratio = b.median / a.median
        self.shift = compare_stats.log_shift(a.times, b.times)
        result = utest.compare(b.times, a.times)
        self.test = result
        self.verdict = VERDICT[result["verdict"]]

    @property
    def compared(self):
        return self.status == COMPARED

    @property
    def ci(self):
        """(lo, hi) of the ratio t_B / t_A, or None."""
        if self.shift and self.shift["lo"] is not None:
            return self.shift["lo"], self.shift["hi"]
        return None

    @property
    def p(self):
        return self.test["p"] if self.test else None

    def label(self):
        """'pingpong mpi 2x1 bytes=4096', with the scaling kind, variant and probe when they matter."""
        shown = {k: v for k, v in self.params.items() if k not in self.hidden
                 and not (k == "variant" and self.variant)}  # the record's resolved variant follows
        parts = [self.kernel, self.backend, "%sx%s" % (self.ranks or "?", self.threads or "?")]
        if shown:
            parts.append(params_text(shown))
        if self.scaling != "strong":
            parts.append(self.scaling)
        if self.variant:
            parts.append(self.variant)
        if self.probe:
            parts.append("probe")
        return " ".join(parts)

    def side_text(self, side):
        """'6 ok', '5 ok, 1 failed (did not validate)', 'all 6 failed (timeout)' or 'absent'."""
        c = self.a if side == "A" else self.b
        if c is None:
            return "absent"
        why = " (%s)" % "; ".join(c.failures) if c.failures else ""
        if not c.usable:
            return "all %d failed%s" % (c.n_total, why)
        return "%d ok" % c.n + (", %d failed%s" % (c.n_failed, why) if c.n_failed else "")


def match(configs_a, configs_b):
    """Every key of either sweep as a Row, in the configurations' own order (A's, then B's own)."""
    by_a = {c.key: c for c in configs_a}
    by_b = {c.key: c for c in configs_b}
    keys = list(by_a) + [k for k in by_b if k not in by_a]
    rows = [Row(k, by_a.get(k), by_b.get(k)) for k in keys]
    values, per_kernel = {}, {}
    for r in rows:
        per_kernel[r.kernel] = per_kernel.get(r.kernel, 0) + 1
        for name, value in r.params.items():
            values.setdefault((r.kernel, name), set()).add(params_key(value))
    for r in rows:
        if per_kernel[r.kernel] > 1:
            r.hidden = {name for name in r.params if len(values[(r.kernel, name)]) == 1}
    return rows


def worlds_apart(configs_a, configs_b):
    """When A and B share no configuration only because one side is simulated (or simulated on another
    platform), one line saying so; else None. A simulated configuration matches only the same one
    simulated on the same platform (its model carries the label, simulated.py): a simulated time set
    beside a measured one is not a regression test."""
    def plain(c):
        return (c.kernel, simulated.base(c.backend)) + tuple(c.key[2:])

    def worlds(configs):
        return sorted({c.simulated or "measured" for c in configs})
    common_a = {plain(c) for c in configs_a} & {plain(c) for c in configs_b}
    if not common_a or {c.key for c in configs_a} & {c.key for c in configs_b}:
        return None
    return ("A is %s and B is %s: --compare matches a configuration only with the same one measured, or "
            "simulated on the same platform (a simulated time is no measurement); docs/simulation.md "
            "sets simulated beside measured times" % (", ".join(worlds(configs_a)), ", ".join(worlds(configs_b))))


def _natural(text):
    """'bytes=8' before 'bytes=16': digits compared as numbers."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text)]


def by_change(rows):
    """The compared rows, largest slowdown first (no ratio last), then the others as they came."""
    compared = [r for r in rows if r.compared]
    compared.sort(key=lambda r: (r.ratio is None, -(r.ratio or 0), _natural(r.label())))
    return compared, [r for r in rows if not r.compared]


def offenders(rows, pct):
    """Rows significantly slower (U test) whose CI of t_B / t_A lies wholly above 1 + pct/100."""
    limit = 1 + pct / 100
    return [r for r in rows if r.compared and r.verdict == "slower" and r.ci and r.ci[0] > limit]


def near_misses(rows):
    """Why a configuration found no partner, when the reason is a parameter: (A row, B row) pairs
    that only in A / only in B agree on everything but their parameters (e.g. a size that
    bench/sweep's --size auto chose from each machine's cache)."""
    def shape(r):
        return (r.kernel, r.backend, r.ranks, r.threads, r.scaling, r.variant, r.probe)
    only_b = {}
    for r in rows:
        if r.status == "only in B":
            only_b.setdefault(shape(r), []).append(r)
    return [(r, only_b[shape(r)][0]) for r in rows if r.status == "only in A" and shape(r) in only_b]
