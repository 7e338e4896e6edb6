"""What every figure shares: where it is saved, its axes, its marks and its legend.

Marking rules, the same in every chart: oversubscribed configurations get
hollow markers (hatched, unfilled bars) and dotted lines; configurations all
of whose repetitions failed are an X on the bottom of the axes (a missing
bar), never a measurement; partly failed ones say how many failed; an
efficiency above 1 is ringed in vermillion with its likely cause above it;
a study whose sizes are not DRAM-sized says so in its title and subtitle; a
hybrid point chosen among several shapes carries its shape and "best of N".
"""

import math
import os
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib import ticker  # noqa: E402

from tbcommon.verdict import pick  # noqa: E402

from .configs import backend_order  # noqa: E402
from .style import FAILED_COLOR, SIMULATED_LINE, color, is_simulated, marker  # noqa: E402

matplotlib.rcParams.update({
    "svg.hashsalt": "triobench",  # deterministic SVG ids
    "font.size": 9,
    "axes.titlesize": 9,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
})
MIB = 2.0 ** 20
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.6}  # text over lines stays legible


# No figure wider than a screen (1920 px at DPI) or taller than one and a half: a chart that would
# grow past it (bars per configuration) shows a selection of its PE counts instead (issue 16).
DPI = 150
MAX_WIDTH_IN = 1920 / DPI
MAX_HEIGHT_IN = 1600 / DPI
MAX_PE_TICKS = 12


def log_spread(pes, limit=MAX_PE_TICKS):
    """At most `limit` of the PE counts for ticks, labels and bar groups on a log2 axis: all of
    them when few, else the powers of two and the first and last (thinned evenly if still too many)."""
    pes = sorted(set(pes))
    if len(pes) <= limit:
        return pes
    chosen = sorted({p for p in pes if isinstance(p, int) and p > 0 and p & (p - 1) == 0} | {pes[0], pes[-1]})
    return pick(chosen, limit)


class Context:
    """Where figures go, in which formats, and what every caption says. study_charts: False for a
    large sweep, whose report keeps its summary charts and tables (cli.py --charts)."""

    def __init__(self, outdir, formats, caption, mode, study_charts=True):
        self.outdir = outdir
        self.formats = formats
        self.caption = caption
        self.mode = mode
        self.study_charts = study_charts
        self.figures = []  # (stem, title, description)
        self.notes = []

    def save(self, fig, stem, title, description):
        w, h = fig.get_size_inches()
        fig.set_size_inches(min(w, MAX_WIDTH_IN), min(h, MAX_HEIGHT_IN))
        fig.text(0.01, 0.012, self.caption, fontsize=6.5, color="#555555", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        for fmt in self.formats:
            meta = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
            fig.savefig(os.path.join(self.outdir, "%s.%s" % (stem, fmt)), format=fmt,
                        dpi=DPI, metadata=meta)
        self.figures.append((stem, title, description))

# --- axis and marking helpers ------------------------------------------------
def pe_axis(ax, pes, axis="x", label="processing elements (PEs = ranks × threads)"):
    pes = sorted({p for p in pes if p})
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    set_scale("log", base=2)
    target = ax.xaxis if axis == "x" else ax.yaxis
    if pes:
        target.set_major_locator(ticker.FixedLocator(log_spread(pes)))
        lo, hi = min(pes), max(pes)
        (ax.set_xlim if axis == "x" else ax.set_ylim)(lo / 1.35, hi * 1.35)
    target.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    target.set_minor_locator(ticker.NullLocator())
    if label:
        (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label)


def log2_values_axis(ax, lo, hi):
    """A log2 y axis with plain-number ticks at powers of two (speedups)."""
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.set_ylim(lo, hi)


def log_y(ax):
    """A log y axis labelled with plain numbers (no 2×10⁻¹ on short ranges)."""
    if not any(y > 0 for line in ax.get_lines() for y in line.get_ydata(orig=False)
               if line.get_transform() == ax.transData):
        return  # nothing to put on a log axis (every value failed)
    ax.set_yscale("log")
    plain_log_labels(ax.yaxis, ax.get_ylim)


def plain_log_labels(axis, limits):
    """Plain-number labels on a log axis, with minor labels (2, 3, 5, ...) where the range is short."""
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))

    def minor(v, _):
        lo, hi = limits()
        if v <= 0 or lo <= 0 or hi / lo >= 400:
            return ""
        mantissa = round(v / 10 ** math.floor(math.log10(v)), 6)
        shown = (2, 3, 5) if hi / lo < 20 else (2, 5)
        return "%g" % v if hi / lo < 6 or mantissa in shown else ""

    axis.set_minor_formatter(ticker.FuncFormatter(minor))


def dodge(x, backend):
    """Nudge a model's points sideways (a few hundredths of an octave) so equal values stay visible."""
    return x * 2 ** (0.035 * (backend_order(backend) - 1.5))


def draw_series(ax, backend, points, label):
    """points: dicts x, y, lo, hi, bars ("ci"/"minmax"/None), over, nfail."""
    if not points:
        return
    points = [dict(p, x=dodge(p["x"], backend), x0=p["x"]) for p in points]
    c, m = color(backend), marker(backend)
    sim = is_simulated(backend)   # a simulated model: hollow diamonds on a dashed line, always
    normal = [p for p in points if not p["over"]]
    if normal:
        ax.plot([p["x"] for p in normal], [p["y"] for p in normal], SIMULATED_LINE if sim else "-", color=c,
                lw=1.5, zorder=2)
    if normal and len(points) > len(normal):
        last = normal[-1]
        over = [last] + [p for p in points if p["over"] and p["x"] > last["x"]]
        ax.plot([p["x"] for p in over], [p["y"] for p in over], ":", color=c, lw=1.2, zorder=2)
    # one errorbar and one marker call per kind of point, not per point: a study of 500 PE
    # counts would otherwise spend minutes in matplotlib (issue 16)
    for ci in (True, False):
        bars = [p for p in points if p.get("lo") is not None and p.get("hi") is not None
                and (p["bars"] == "ci") == ci]
        if bars:
            ax.errorbar([p["x"] for p in bars], [p["y"] for p in bars],
                        yerr=[[max(p["y"] - p["lo"], 0) for p in bars], [max(p["hi"] - p["y"], 0) for p in bars]],
                        fmt="none", ecolor=c, elinewidth=1.2 if ci else 0.8, capsize=3 if ci else 0,
                        alpha=1.0 if ci else 0.6, zorder=3)
    for over in (False, True):
        marks = [p for p in points if bool(p["over"]) == over]
        if marks:
            ax.plot([p["x"] for p in marks], [p["y"] for p in marks], m, ls="", color=c, markersize=7 if sim else 6,
                    zorder=4, markerfacecolor="white" if over or sim else c, markeredgewidth=1.6 if sim else 1.3)
    labelled = set(log_spread([p["x0"] for p in points]))   # shape labels where the ticks are
    for p in points:
        if p.get("super"):
            ax.plot([p["x"]], [p["y"]], "o", markersize=13, markerfacecolor="none", zorder=5,
                    markeredgecolor=FAILED_COLOR, markeredgewidth=1.4)
            notes = ax.__dict__.setdefault("_tb_superlinear", {})
            notes.setdefault((p["x0"], p["super"]), []).append((backend, p["y"]))
        if p.get("shape") and p["x0"] in labelled:
            ax.annotate(p["shape"], (p["x"], p["y"]), textcoords="offset points", xytext=(-18, -12),
                        ha="right", fontsize=6.5, color=c, zorder=3.5, bbox=LABEL_BOX)  # under the markers
        if p.get("nfail"):
            ax.annotate("%d failed" % p["nfail"], (p["x"], p["y"]), textcoords="offset points",
                        xytext=(4, -10), fontsize=6.5, color=FAILED_COLOR)
    ax.plot([], [], (SIMULATED_LINE if sim else "-") + m, color=c, label=label,
            markerfacecolor="white" if sim else c, markeredgewidth=1.6 if sim else 1.0)


def failed_marks(ax, xs, backend):
    """X marks on the bottom of the axes, one row per model, labelled with it."""
    trans = ax.get_xaxis_transform()
    y = 0.04 + 0.07 * backend_order(backend)
    for x in xs:
        ax.plot([x], [y], "X", transform=trans, color=color(backend), markersize=9,
                markeredgecolor=FAILED_COLOR, markeredgewidth=1.5, zorder=5, clip_on=False)
        ax.annotate(backend + " failed", (x, y), xycoords=trans, textcoords="offset points", xytext=(7, -3),
                    fontsize=6.5, color=FAILED_COLOR)


OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, "framealpha": 0.9}


SUPER_LABEL = "superlinear (E > 1), ringed: likely cause above it"


def _superlinear_notes(ax):
    """One note per PE count and cause above the ringed points: 'E>1 (omp, mpi): cache-resident'."""
    for (x, cause), marks in sorted(ax.__dict__.get("_tb_superlinear", {}).items()):
        models = ", ".join(b for b, _ in marks)
        ax.annotate("E>1 (%s):\n%s" % (models, cause), (x, max(y for _, y in marks)), textcoords="offset points",
                    xytext=(0, 11), ha="center", va="bottom", fontsize=6.5, color=FAILED_COLOR, zorder=7,
                    bbox=LABEL_BOX)


def put_legend(ax, over=False, failed=False, bars=None, superlin=False, over_text="oversubscribed (hollow, dotted)"):
    handles, labels = ax.get_legend_handles_labels()
    _superlinear_notes(ax)
    if superlin:
        handles.append(Line2D([], [], ls="", marker="o", markersize=11, markerfacecolor="none",
                              markeredgecolor=FAILED_COLOR, markeredgewidth=1.4))
        labels.append(SUPER_LABEL)
    if over:
        handles.append(Line2D([], [], ls=":", marker="o", color="#444444", markerfacecolor="white"))
        labels.append(over_text)
    if failed:
        handles.append(Line2D([], [], ls="", marker="X", color="#bbbbbb", markersize=9,
                              markeredgecolor=FAILED_COLOR, markeredgewidth=1.5))
        labels.append("failed: no usable repetition")
    if bars:
        handles.append(Line2D([], [], ls="", marker="|", color="#444444", markersize=10))
        labels.append(bars)
    if handles:
        ax.legend(handles, labels, **OUTSIDE)


def bars_text(points):
    kinds = {p["bars"] for p in points if p.get("bars")}
    if kinds == {"ci"}:
        return "error bars: 95% CI of the median"
    if kinds == {"minmax"}:
        return "error bars: min–max (fewer than 6 reps: no CI)"
    if kinds:
        return "error bars: 95% CI of the median (min–max where fewer than 6 reps)"
    return None

def study_subtitle(study, text):
    """The subtitle, with the study's warnings first: simulated (SimGrid SMPI, not measured), a size
    that is not DRAM-sized."""
    if study.size_label():
        text = "%s sizes: speedups measure the caches, not the model · %s" % (study.size_label().upper(), text)
    if getattr(study, "simulated", None):
        text = "%s (SimGrid SMPI): NOT MEASURED ON HARDWARE · %s" % (study.simulated.upper(), text)
    return text


def put_titles(fig, ax, title, subtitle):
    fig.suptitle(title, fontsize=11)
    if subtitle:
        ax.set_title(textwrap.fill(subtitle, 72), fontsize=8, color="#333333")
