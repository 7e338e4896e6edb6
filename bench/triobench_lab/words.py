"""How a sheet says numbers: times in µs/ms/s, ratios, and the comparison of two configurations
by their 95% confidence intervals of the median (tbcommon.stats: the same test the sweep's
summary and the plots use). One place for the sentences every lab's rules share."""

from tbcommon.stats import intervals_overlap

EXPECTED, CONTRADICTS, MISSING = "as expected", "data contradict the lesson", "missing"
# A question this machine cannot answer by design (too few cores): not a failure of the run.
NEEDS_CORES = "needs a machine with more cores"


def t(seconds):
    """A time with its unit and 3 significant digits: 1.52 µs, 12.3 ms, 1.05 s."""
    if seconds is None:
        return "n/a"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(seconds) >= scale:
            return f"{_sig(seconds / scale)} {unit}"
    return f"{_sig(seconds * 1e9)} ns"


def x(ratio):
    """A ratio: 2.40×."""
    return "n/a" if ratio is None else f"{_sig(ratio)}×"


def num(v, digits=3):
    return "n/a" if v is None else _sig(v, digits)


def _sig(v, digits=3):
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:                    # 1.5e+03 -> 1500: a student reads plain numbers
        s = f"{v:.0f}" if abs(v) >= 1 else f"{v:.{digits}f}"
    return s


def interval(row):
    """'[lo, hi]' of a summary row's 95% CI of the median (it has one)."""
    lo, hi = row["ci95_s"]
    return f"[{t(lo)}, {t(hi)}]"


def ci(row):
    """'95% CI [lo, hi]' of a summary row, or 'no CI: fewer than 6 repetitions'."""
    return f"95% CI {interval(row)}" if row.get("ci95_s") else "no CI: fewer than 6 repetitions"


def without_ci(rows, lab):
    """The noise sentence when any of rows has no confidence interval (fewer than 6 repetitions), else None."""
    if all(r.get("ci95_s") for r in rows):
        return None
    return (f"With fewer than 6 repetitions there is no confidence interval, so these numbers cannot show a "
            f"difference: rerun `bench/lab {lab}` (it runs 6).")


class Comparison:
    """a against b: ratio of medians (a / b) and whether the 95% CIs overlap (None: no CI)."""

    def __init__(self, a, b):
        self.a, self.b = a, b
        self.ratio = a["median_s"] / b["median_s"] if a["median_s"] and b["median_s"] else None
        ca, cb = a.get("ci95_s"), b.get("ci95_s")
        self.overlap = intervals_overlap(ca, cb) if ca and cb else None

    @property
    def a_slower(self):
        """True when a is slower than b beyond noise, False when faster beyond noise, None: can't tell."""
        if self.overlap is None or self.overlap or self.ratio is None:
            return None
        return self.ratio > 1


def noise(cmp, lab):
    """The sentence for two configurations the data cannot tell apart."""
    if cmp.overlap is None:
        return without_ci((cmp.a, cmp.b), lab)
    return (f"Your two 95% confidence intervals overlap ({interval(cmp.a)} and {interval(cmp.b)}): on this data the "
            f"difference may be noise. Rerun `bench/lab {lab}` on a quiet machine (nothing else running; on a "
            f"cluster, a whole node) before drawing a conclusion.")


def contradiction(lab, what):
    """The sentence for data that go against the lesson, without asserting the textbook answer."""
    return (f"Your data do not show what this lab expects ({what}). That happens on a busy or oversubscribed "
            f"machine, or with too few repetitions: check the load (`uptime`), close other programs and rerun "
            f"`bench/lab {lab}`. If it persists on a quiet machine, it is a finding about your machine: "
            f"ask your instructor.")


def busy(info):
    """A warning when the machine was loaded at the start of the lab, else None."""
    load, cores = info.get("load_start"), info.get("cores")
    if load is None or not cores:
        return None
    if load > 0.5 * cores:
        return (f"The machine was busy when the lab started (load average {load:.2f} on {cores} cores): other "
                f"programs competed with the runs, so times may be inflated and spread out.")
    return None


def shape(row):
    return f"{row.get('ranks')}x{row.get('threads')}"


def model(row):
    """'mpi 2x1' (with the transport when there is one)."""
    tr = row.get("transport")
    return f"{row.get('backend')} {shape(row)}" + (f" over {tr}" if tr else "")


def judge(cmp, lab, lesson):
    """(verdict, caveat) for a lesson that says cmp.a is slower than cmp.b: as expected with no
    caveat; otherwise CONTRADICTS with the noise or the contradiction sentence."""
    slower = cmp.a_slower
    if slower:
        return EXPECTED, None
    if slower is None:
        return CONTRADICTS, noise(cmp, lab)
    return CONTRADICTS, contradiction(lab, lesson)


def missing(what, lab):
    return f"Not measured: {what}. Rerun `bench/lab {lab}` and check its output for the step that failed."


def regime_note(row, lab):
    """A sentence when a scaling run's working set is not DRAM-sized (its speedups are partly the cache's)."""
    ws = (row or {}).get("working_set") or {}
    if not ws.get("regime") or ws["regime"] == "dram":
        return None
    return (f"Note: this problem's working set ({num(ws.get('bytes', 0) / 2 ** 20)} MiB) is {ws['regime']} against "
            f"your last-level cache ({num(ws.get('llc_bytes', 0) / 2 ** 20)} MiB), so part of what you measure is "
            f"the cache, not memory (the report marks the study so): a DRAM-sized problem scales differently. "
            f"`bench/lab {lab} --size stencil=auto` runs one (slower).")
