"""The figures (matplotlib, Agg back end, no pyplot state).

Each chart function draws what the data supports and returns the file stems
it wrote; a chart the data cannot support adds a note saying why instead.
Marking rules, the same in every chart: oversubscribed configurations get
hollow markers (hatched, unfilled bars) and dotted lines; configurations all
of whose repetitions failed are an X on the bottom of the axes (a missing
bar), never a measurement; partly failed ones say how many failed; an
efficiency above 1 is ringed in vermillion with its likely cause beside it;
a study whose sizes are not DRAM-sized says so in its title; a hybrid point
chosen among several shapes carries its shape and "best of N shapes".
"""

import math
import os
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib import ticker  # noqa: E402

from tbcommon import stats  # noqa: E402

from . import analysis, micro, roofline, significance, superlinear  # noqa: E402
from .configs import backend_order  # noqa: E402
from .style import (COMPONENT_STYLE, FAILED_COLOR, IDEAL_COLOR, KERNEL_MARKERS,  # noqa: E402
                    color, marker)

matplotlib.rcParams.update({
    "svg.hashsalt": "triobench",  # deterministic SVG ids
    "font.size": 9,
    "axes.titlesize": 9,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
})
MIB = 2.0 ** 20


class Context:
    """Where figures go, in which formats, and what every caption says."""

    def __init__(self, outdir, formats, caption, mode):
        self.outdir = outdir
        self.formats = formats
        self.caption = caption
        self.mode = mode
        self.figures = []  # (stem, title, description)
        self.notes = []

    def save(self, fig, stem, title, description):
        fig.text(0.01, 0.012, self.caption, fontsize=6.5, color="#555555", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        for fmt in self.formats:
            meta = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
            fig.savefig(os.path.join(self.outdir, "%s.%s" % (stem, fmt)), format=fmt,
                        dpi=150, metadata=meta)
        self.figures.append((stem, title, description))


# --- axis and marking helpers ------------------------------------------------
def _pe_axis(ax, pes, axis="x", label="processing elements (PEs = ranks × threads)"):
    pes = sorted({p for p in pes if p})
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    set_scale("log", base=2)
    target = ax.xaxis if axis == "x" else ax.yaxis
    if pes:
        target.set_major_locator(ticker.FixedLocator(pes))
        lo, hi = min(pes), max(pes)
        (ax.set_xlim if axis == "x" else ax.set_ylim)(lo / 1.35, hi * 1.35)
    target.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    target.set_minor_locator(ticker.NullLocator())
    if label:
        (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label)


def _log2_values_axis(ax, lo, hi):
    """A log2 y axis with plain-number ticks at powers of two (speedups)."""
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.set_ylim(lo, hi)


def _log_y(ax):
    """A log y axis labelled with plain numbers (no 2×10⁻¹ on short ranges)."""
    if not any(y > 0 for line in ax.get_lines() for y in line.get_ydata(orig=False)
               if line.get_transform() == ax.transData):
        return  # nothing to put on a log axis (every value failed)
    ax.set_yscale("log")
    plain = ticker.FuncFormatter(lambda v, _: "%g" % v)
    ax.yaxis.set_major_formatter(plain)

    def minor(v, _):
        lo, hi = ax.get_ylim()
        if v <= 0 or hi / lo >= 20:
            return ""
        mantissa = round(v / 10 ** math.floor(math.log10(v)), 6)
        return "%g" % v if hi / lo < 6 or mantissa in (2, 3, 5) else ""

    ax.yaxis.set_minor_formatter(ticker.FuncFormatter(minor))


def _dodge(x, backend):
    """Nudge a model's points sideways (a few hundredths of an octave) so equal values stay visible."""
    return x * 2 ** (0.035 * (backend_order(backend) - 1.5))


def _series(ax, backend, points, label):
    """points: dicts x, y, lo, hi, bars ("ci"/"minmax"/None), over, nfail."""
    if not points:
        return
    points = [dict(p, x=_dodge(p["x"], backend), x0=p["x"]) for p in points]
    c, m = color(backend), marker(backend)
    normal = [p for p in points if not p["over"]]
    if normal:
        ax.plot([p["x"] for p in normal], [p["y"] for p in normal], "-", color=c, lw=1.5, zorder=2)
    if normal and len(points) > len(normal):
        last = normal[-1]
        over = [last] + [p for p in points if p["over"] and p["x"] > last["x"]]
        ax.plot([p["x"] for p in over], [p["y"] for p in over], ":", color=c, lw=1.2, zorder=2)
    for p in points:
        if p.get("lo") is not None and p.get("hi") is not None:
            ci = p["bars"] == "ci"
            ax.errorbar([p["x"]], [p["y"]], yerr=[[max(p["y"] - p["lo"], 0)], [max(p["hi"] - p["y"], 0)]],
                        fmt="none", ecolor=c, elinewidth=1.2 if ci else 0.8, capsize=3 if ci else 0,
                        alpha=1.0 if ci else 0.6, zorder=3)
        ax.plot([p["x"]], [p["y"]], m, color=c, markersize=6, zorder=4,
                markerfacecolor="white" if p["over"] else c, markeredgewidth=1.3)
        if p.get("super"):
            ax.plot([p["x"]], [p["y"]], "o", markersize=13, markerfacecolor="none", zorder=5,
                    markeredgecolor=FAILED_COLOR, markeredgewidth=1.4)
            notes = ax.__dict__.setdefault("_tb_superlinear", {})
            notes.setdefault((p["x0"], p["super"]), []).append((backend, p["y"]))
        if p.get("shape"):
            ax.annotate(p["shape"], (p["x"], p["y"]), textcoords="offset points", xytext=(-6, -12),
                        ha="right", fontsize=6.5, color=c)
        if p.get("nfail"):
            ax.annotate("%d failed" % p["nfail"], (p["x"], p["y"]), textcoords="offset points",
                        xytext=(4, -10), fontsize=6.5, color=FAILED_COLOR)
    ax.plot([], [], "-" + m, color=c, label=label)


def _failed_marks(ax, xs, backend):
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
                    xytext=(0, 11), ha="center", va="bottom", fontsize=6.5, color=FAILED_COLOR, zorder=6)


def _legend(ax, over=False, failed=False, bars=None, superlin=False, over_text="oversubscribed (hollow, dotted)"):
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


def _bars_text(points):
    kinds = {p["bars"] for p in points if p.get("bars")}
    if kinds == {"ci"}:
        return "error bars: 95% CI of the median"
    if kinds == {"minmax"}:
        return "error bars: min–max (fewer than 6 reps: no CI)"
    if kinds:
        return "error bars: 95% CI of the median (min–max where fewer than 6 reps)"
    return None


def _shape_note(row):
    """'2x1 · best of 3' (', n.s.' when its CI overlaps another shape's) beside a point chosen among shapes."""
    best_of = row["best_of"]
    if not best_of:
        return None
    text = "%s · %s" % (row["config"].shape, best_of.split(",")[0].replace(" shapes", ""))
    if significance.NO_DIFFERENCE in best_of:
        text += ", n.s."
    return text


def _flags(study, mode):
    """{config: (short superlinear cause or None, shape note or None)} of each charted point."""
    out = {}
    for data in analysis.model_rows(study, mode).values():
        for row in data["rows"]:
            cause = row["superlinear"]
            out[row["config"]] = (superlinear.SHORT[cause[0]] if cause else None, _shape_note(row))
    return out


def _speedup_points(study, mode, metric):
    """{backend: points} from the analysis, metric: 'speedup' or 'efficiency'."""
    out = {}
    for backend, data in analysis.model_rows(study, mode).items():
        pts = []
        for row in data["rows"]:
            sp, c = row["speedup"], row["config"]
            if not sp:
                continue
            div = row["pes"] if metric == "efficiency" else 1
            cause = row["superlinear"]
            pts.append({"x": row["pes"], "y": sp["s"] / div, "lo": sp["lo"] / div,
                        "hi": sp["hi"] / div, "bars": sp["bars"], "over": c.oversubscribed,
                        "nfail": c.n_failed, "super": superlinear.SHORT[cause[0]] if cause else None,
                        "shape": _shape_note(row)})
        out[backend] = (pts, data["baseline"])
    return out


def _model_label(study, backend):
    many = any(len(study.shapes(backend, p)) > 1 for p in study.pes_list())
    if many:
        return ("%s: best of its shapes per PE count\n(shape beside the point; n.s.: no significant\n"
                "difference from another shape)" % backend)
    return backend


def _subtitle(study, text):
    """The subtitle, with the study's working-set warning first when a size is not DRAM-sized."""
    if study.size_label():
        return "%s sizes: speedups measure the caches, not the model · %s" % (study.size_label().upper(), text)
    return text


def _title(fig, ax, title, subtitle):
    fig.suptitle(title, fontsize=11)
    if subtitle:
        ax.set_title(textwrap.fill(subtitle, 72), fontsize=8, color="#333333")


# --- charts 1-3: speedup, efficiency, scaling --------------------------------
def speedup_chart(ctx, study):
    data = _speedup_points(study, ctx.mode, "speedup")
    allpts = [p for pts, _ in data.values() for p in pts]
    if not allpts:
        ctx.notes.append("%s: no speedup chart (no 1-PE run to use as the baseline)" % study.title)
        return
    pes = study.pes_list()
    fig = Figure(figsize=(9, 4.8))
    ax = fig.add_subplot(111)
    hi_p = max(pes)
    ax.plot([1, hi_p], [1, hi_p], "--", color=IDEAL_COLOR, lw=1, label="ideal (S = p)")
    for backend, (pts, _) in data.items():
        _series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    _pe_axis(ax, pes)
    ys = [v for p in allpts for v in (p["lo"], p["hi"], p["y"]) if v] + [1, hi_p]
    _log2_values_axis(ax, min(ys) / 1.3, max(ys) * 1.3)
    ax.set_ylabel("speedup S = T_baseline / T (×, log2)")
    sub = _subtitle(study, "baseline: " + study.baseline_text(ctx.mode))
    _title(fig, ax, "%s: speedup vs PEs" % study.title, sub)
    _legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=_bars_text(allpts),
            superlin=any(p["super"] for p in allpts))
    ctx.save(fig, study.name + "-speedup", "Speedup: " + study.title,
             "Speedup of each model against %s; dashed grey: ideal linear speedup."
             % study.baseline_text(ctx.mode))


def efficiency_chart(ctx, study):
    data = _speedup_points(study, ctx.mode, "efficiency")
    allpts = [p for pts, _ in data.values() for p in pts]
    if not allpts:
        return
    fig = Figure(figsize=(9, 4.5))
    ax = fig.add_subplot(111)
    ax.axhline(1.0, ls="--", color=IDEAL_COLOR, lw=1, label="ideal (E = 1)")
    for backend, (pts, _) in data.items():
        _series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    _pe_axis(ax, study.pes_list())
    top = max([1.0] + [p["hi"] for p in allpts if p["hi"]])
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("parallel efficiency E = S / p")
    _title(fig, ax, "%s: parallel efficiency" % study.title,
           _subtitle(study, "baseline: " + study.baseline_text(ctx.mode)))
    _legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=_bars_text(allpts),
            superlin=any(p["super"] for p in allpts))
    ctx.save(fig, study.name + "-efficiency", "Efficiency: " + study.title,
             "Speedup divided by the PE count; 1 is perfect scaling.")


def _time_points(study, backend, flags):
    pts = []
    for pes, c in study.series(backend).items():
        lo, hi, bars = c.interval()
        sup, shape = flags.get(c, (None, None))
        pts.append({"x": pes, "y": c.median, "lo": lo, "hi": hi, "bars": bars,
                    "over": c.oversubscribed, "nfail": c.n_failed, "super": sup, "shape": shape})
    return pts


def _mark_failed_configs(ax, study):
    any_failed = False
    for backend in study.models():
        xs = sorted({c.pes for c in study.failed_configs(backend) if c.pes}
                    - set(study.series(backend)))
        if xs:
            _failed_marks(ax, xs, backend)
            any_failed = True
    return any_failed


def scaling_chart(ctx, study):
    pes = study.pes_list()
    flags = _flags(study, ctx.mode)
    series = {b: _time_points(study, b, flags) for b in study.models()}
    allpts = [p for pts in series.values() for p in pts]
    if not allpts:
        ctx.notes.append("%s: no usable run, nothing to plot" % study.title)
        return
    base = study.baseline("best-serial", None)
    if study.scaling == "strong":
        fig = Figure(figsize=(9, 4.6))
        ax = fig.add_subplot(111)
    else:
        fig = Figure(figsize=(14, 4.8))
        ax, ax2 = fig.add_subplot(121), fig.add_subplot(122)
    if base:
        if study.scaling == "strong":
            ax.plot([1, max(pes)], [base.time, base.time / max(pes)], "--", color=IDEAL_COLOR, lw=1,
                    label="ideal: baseline / p")
        else:
            ax.axhline(base.time, ls="--", color=IDEAL_COLOR, lw=1, label="ideal: baseline time")
    for backend, pts in series.items():
        _series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    _pe_axis(ax, pes)
    if study.scaling == "strong":
        _log_y(ax)
    else:
        ax.set_ylim(0, max(p["hi"] or p["y"] for p in allpts) * 1.15)
    ax.set_ylabel("time per iteration (s, median over reps)")
    _legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=_bars_text(allpts),
            superlin=any(p["super"] for p in allpts))
    basetext = "baseline: " + (base.text if base else "none (no 1-PE run)")
    if study.scaling == "strong":
        _title(fig, ax, "%s: time vs PEs (strong scaling)" % study.title, _subtitle(study, basetext))
        desc = "Median time per iteration against PEs at a fixed problem size; dashed: baseline/p."
    else:
        ax.set_title(textwrap.fill(_subtitle(study, "time per iteration (flat is ideal)"), 80), fontsize=8)
        data = _speedup_points(study, ctx.mode, "speedup")
        ax2.axhline(1.0, ls="--", color=IDEAL_COLOR, lw=1, label="ideal (E_w = 1)")
        effpts = []
        for backend, (pts, _) in data.items():
            _series(ax2, backend, pts, _model_label(study, backend))
            effpts.extend(pts)
        _pe_axis(ax2, pes)
        ax2.set_ylim(0, max([1.0] + [p["hi"] for p in effpts if p["hi"]]) * 1.15)
        ax2.set_ylabel("weak-scaling efficiency E_w = T_baseline / T(p)")
        ax2.set_title(textwrap.fill("baseline: " + study.baseline_text(ctx.mode), 80), fontsize=8)
        _legend(ax2, over=any(p["over"] for p in effpts), bars=_bars_text(effpts),
                superlin=any(p["super"] for p in effpts))
        fig.suptitle("%s: weak scaling" % study.title, fontsize=11)
        desc = ("Weak scaling: the problem grows with the PEs (%s); left: median time per iteration, "
                "right: weak-scaling efficiency." % (", ".join(study.grown) or "parameters as recorded"))
    ctx.save(fig, study.name + "-scaling", "Scaling: " + study.title, desc)


# --- charts 4-6: bars per PE count ------------------------------------------
def _bar_groups(ax, groups, draw_bar, ylabel):
    """groups: [(pes, [Config])]; draw_bar(ax, x, config) draws one bar.

    Lays the groups out left to right with a gap, labels every bar with its
    model and ranks x threads and every group with its PE count.
    """
    x, ticks, labels, centres = 0.0, [], [], []
    for pes, configs in groups:
        start = x
        for c in configs:
            draw_bar(ax, x, c)
            ticks.append(x)
            labels.append("%s\n%s" % (c.backend, c.shape))
            x += 1.0
        centres.append(((start + x - 1) / 2.0, pes))
        x += 0.8
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_xlim(-0.7, x - 0.1)
    trans = ax.get_xaxis_transform()
    for cx, pes in centres:
        ax.text(cx, -0.13, "%d PE%s" % (pes, "" if pes == 1 else "s"), transform=trans, ha="center",
                va="top", fontsize=8.5, fontweight="bold")
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(ylabel)


def _bar(ax, x, c, value, lo=None, hi=None, bottom=0.0, hatch=None, alpha=1.0, filled=True):
    col = color(c.backend)
    over = c.oversubscribed
    face = col if filled and not over else "white"
    ax.bar([x], [value], width=0.8, bottom=bottom, color=face, alpha=alpha if face != "white" else 1.0,
           edgecolor=col, linewidth=1.0, hatch=hatch or ("..." if over else None), zorder=2)
    if lo is not None and hi is not None:
        ax.errorbar([x], [bottom + value], yerr=[[max(value - lo, 0)], [max(hi - value, 0)]], fmt="none",
                    ecolor="#333333", elinewidth=1, capsize=3, zorder=3)


def _failed_bar(ax, x, c):
    trans = ax.get_xaxis_transform()
    ax.plot([x], [0.04], "X", transform=trans, color=color(c.backend), markersize=9,
            markeredgecolor=FAILED_COLOR, markeredgewidth=1.5, zorder=5)
    ax.text(x, 0.08, "failed", transform=trans, ha="center", va="bottom", fontsize=7, color=FAILED_COLOR)


def _bar_legend(ax, models, over, failed, extra=()):
    handles = [Patch(facecolor=color(b), edgecolor=color(b), label=b) for b in models]
    handles.extend(extra)
    if over:
        handles.append(Patch(facecolor="white", edgecolor="#444444", hatch="...",
                             label="oversubscribed (unfilled, dotted)"))
    if failed:
        handles.append(Line2D([], [], ls="", marker="X", color="#bbbbbb", markersize=9,
                              markeredgecolor=FAILED_COLOR, markeredgewidth=1.5,
                              label="failed: no usable repetition"))
    ax.legend(handles=handles, fontsize=7.5, **OUTSIDE)


def _configs_by_pes(study, want):
    groups = {}
    for c in study.configs:
        if c.pes and want(c):
            groups.setdefault(c.pes, []).append(c)
    return sorted(groups.items())


def _bar_chart(ctx, study, groups, draw, ylabel, names, subtitle, desc, models=None, extra=(), headroom=1.1):
    """One bar per configuration, grouped by PE count; failed ones drawn as X.

    names: (file suffix, report title prefix, figure heading).
    """
    suffix, kind, heading = names
    fig = Figure(figsize=(max(8.5, 3.0 + 0.55 * sum(len(g) for _, g in groups)), 4.8))
    ax = fig.add_subplot(111)
    state = {"over": False, "failed": False}

    def one(ax, x, c):
        state["over"] |= c.oversubscribed
        if not c.usable:
            state["failed"] = True
            _failed_bar(ax, x, c)
        else:
            draw(ax, x, c)

    _bar_groups(ax, groups, one, ylabel)
    ax.set_ylim(0, ax.get_ylim()[1] * headroom)
    _bar_legend(ax, models or study.models(), state["over"], state["failed"], extra)
    _title(fig, ax, "%s: %s" % (study.title, heading), subtitle)
    ctx.save(fig, "%s-%s" % (study.name, suffix), "%s: %s" % (kind, study.title), desc)


def shapes_chart(ctx, study):
    hybrid_pes = {c.pes for c in study.configs if c.backend == "hybrid" and c.pes and c.pes >= 2}
    if not hybrid_pes:
        return
    groups = _configs_by_pes(study, lambda c: c.pes in hybrid_pes and c.backend != "serial")
    verdict = {}
    for _, g in groups:
        verdict.update(significance.verdicts(g))

    def draw(ax, x, c):
        lo, hi, _ = c.interval()
        _bar(ax, x, c, c.median, lo, hi)
        v = verdict.get(c, "")
        text = ("fastest" if v.startswith("fastest") else
                "no sig.\ndifference" if v.startswith(significance.NO_DIFFERENCE) else
                "lowest median\n(no CI)" if v.startswith("not ranked") and c.median == min(
                    o.median for o in study.configs if o.pes == c.pes and o.usable and o.backend != "serial")
                else None)
        if text:
            ax.annotate(text, (x, hi), textcoords="offset points", xytext=(0, 4), ha="center",
                        fontsize=6.5, fontweight="bold" if text == "fastest" else "normal")

    _bar_chart(ctx, study, groups, draw, "time per iteration (s, median; lower is better)",
               ("shapes", "Hybrid shapes", "how to split the PEs (ranks × threads)"),
               _subtitle(study, "every ranks × threads split at each PE count; bars: 95% CI of the median, or "
                         "min–max below 6 reps; 'fastest' only when its CI overlaps no other's, else the "
                         "overlapping ones read 'no sig. difference'"),
               "Each ranks × threads split side by side per PE count (omp = 1×p, mpi = p×1); splits whose "
               "95% CIs of the median overlap are marked 'no significant difference', not ranked.",
               models=[m for m in study.models() if m != "serial"], headroom=1.18)


def breakdown_chart(ctx, study):
    groups = _configs_by_pes(study, lambda c: c.usable and c.breakdown)
    if not groups:
        ctx.notes.append("%s: no time breakdown in the records" % study.title)
        return

    def draw(ax, x, c):
        bottom = 0.0
        for comp in ("compute", "comm", "sync"):
            val = c.breakdown.get(comp) or 0.0
            st = COMPONENT_STYLE[comp]
            if val > 0:
                _bar(ax, x, c, val, bottom=bottom, hatch=st["hatch"], alpha=st["alpha"], filled=st["filled"])
            bottom += val
        ax.plot([x - 0.4, x + 0.4], [c.median, c.median], "-", color="#222222", lw=1.6, zorder=4)

    extra = [Patch(facecolor="#777777", edgecolor="#777777", label="compute (solid)"),
             Patch(facecolor="#777777", alpha=0.45, hatch="///", edgecolor="#777777",
                   label="communication (hatched)"),
             Patch(facecolor="white", hatch="xx", edgecolor="#777777", label="synchronisation (crossed)"),
             Line2D([], [], color="#222222", lw=1.6, label="median iteration time")]
    _bar_chart(ctx, study, groups, draw, "seconds per iteration",
               ("breakdown", "Time breakdown", "where the time goes"),
               "compute / communication / synchronisation per iteration (means over ranks and threads, "
               "median over reps)",
               "Stacked compute, communication and synchronisation seconds per iteration for each model "
               "and PE count; the black line is the median iteration time.", extra=extra)


def memory_chart(ctx, study):
    groups = _configs_by_pes(study, lambda c: c.usable and c.mem_sum)
    if not groups:
        ctx.notes.append("%s: no memory.peak_rss_sum in the records" % study.title)
        return
    _bar_chart(ctx, study, groups, lambda ax, x, c: _bar(ax, x, c, c.mem_sum / MIB),
               "peak RSS summed over processes (MiB)", ("memory", "Memory", "memory footprint"),
               "peak resident set size, summed over all ranks",
               "Peak resident memory summed over processes, per model and PE count.")


# --- chart 7: roofline --------------------------------------------------------
REGIME_STYLE = {"cache-resident": {"markerfacecolor": "white"},       # hollow
                "mixed": {"fillstyle": "left", "markerfacecoloralt": "white"}}


def _roof_points(roof):
    """Per kernel, model and working-set regime: the point at the largest (non-oversubscribed) PE count."""
    chosen = {}
    for pt in roof["points"]:
        k = (pt["kernel"], pt["backend"], pt["regime"])
        cur = chosen.get(k)
        rank = (not pt["config"].oversubscribed, pt["pes"])
        if cur is None or rank > (not cur["config"].oversubscribed, cur["pes"]):
            chosen[k] = pt
    return list(chosen.values())


def roofline_chart(ctx, configs):
    roof = roofline.roofline(configs)
    if roof["skipped"]:
        ctx.notes.append("roofline skipped: " + roof["skipped"])
        return
    for line in roof["missing"] + roof["rejected"]:
        ctx.notes.append("roofline: " + line)
    pts = _roof_points(roof)
    kernels = sorted({p["kernel"] for p in pts})
    kmark = {k: KERNEL_MARKERS[i % len(KERNEL_MARKERS)] for i, k in enumerate(kernels)}
    fig = Figure(figsize=(10, 5.4))
    ax = fig.add_subplot(111)
    ais = [p["ai"] for p in pts] or [1.0]
    rates = [p["rate"] / 1e9 for p in pts]
    bw, peak, core = roof["bandwidth"], roof["peak"], roof["per_core"]
    xlo, xhi = min(ais + ([peak["value"] / bw["value"]] if bw and peak else [])) / 4, max(ais) * 4
    if bw and peak:
        xhi = max(xhi, peak["value"] / bw["value"] * 4)
    xs = [xlo * (xhi / xlo) ** (i / 200.0) for i in range(201)]
    if bw:
        bwv = bw["value"] / 1e9
        ys = [min(bwv * x, peak["value"] / 1e9) if peak else bwv * x for x in xs]
        ax.plot(xs, ys, "-", color="#444444", lw=1.4,
                label="memory bandwidth %.3g GB/s (DRAM-sized %s)" % (bwv, bw["text"]))
        rates.extend([ys[0], ys[-1]])
    if peak:
        pv = peak["value"] / 1e9
        ax.axhline(pv, ls="--", color="#444444", lw=1.2, label="compute peak %.3g GFLOP/s (%s)" % (pv, peak["text"]))
        rates.append(pv)
    if core and (not peak or core["config"] is not peak["config"]):
        cv = core["value"] / 1e9
        ax.axhline(cv, ls=":", color="#777777", lw=1.0, label="one core's peak %.3g GFLOP/s (%s)" % (cv, core["text"]))
        rates.append(cv)
    missing = [m.split(": ", 1)[0] + " — run: " + m.rsplit("; run ", 1)[1] for m in roof["missing"]]
    if missing:
        ax.text(0.02, 0.97, "\n".join(missing), transform=ax.transAxes, ha="left", va="top", fontsize=8,
                color=FAILED_COLOR, bbox={"facecolor": "white", "edgecolor": FAILED_COLOR, "alpha": 0.9})
    models = sorted({p["backend"] for p in pts}, key=backend_order)
    over = False
    for p in pts:
        c = p["config"]
        over |= c.oversubscribed
        col = color(p["backend"])
        # models at one intensity are nudged sideways so that none hides another
        x = p["ai"] * 1.15 ** (models.index(p["backend"]) - (len(models) - 1) / 2.0)
        style = dict({"markerfacecolor": col}, **REGIME_STYLE.get(p["regime"], {}))
        ax.plot([x], [p["rate"] / 1e9], kmark[p["kernel"]], color=col, markersize=8, markeredgecolor=col,
                markeredgewidth=1.4, zorder=4, **style)
        ax.annotate("%d%s" % (p["pes"], "*" if c.oversubscribed else ""), (x, p["rate"] / 1e9),
                    textcoords="offset points", xytext=(5, 3), fontsize=6.5, color="#333333")
    ax.set_xscale("log")
    pos = [r for r in rates if r > 0] or [1.0]
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(min(pos) / 3, max(pos) * (6 if missing else 3))
    ax.set_xlabel("arithmetic intensity (flop / byte, from work.flops / work.bytes)")
    ax.set_ylabel("achieved rate (GFLOP/s = work.flops / median time)")
    handles, labels = ax.get_legend_handles_labels()
    for k in kernels:
        handles.append(Line2D([], [], ls="", marker=kmark[k], color="#666666"))
        labels.append("kernel " + k)
    for b in models:
        handles.append(Patch(facecolor=color(b), label=b))
        labels.append(b)
    regimes = {p["regime"] for p in pts}
    if "cache-resident" in regimes:
        handles.append(Line2D([], [], ls="", marker="o", color="#444444", markerfacecolor="white",
                              markeredgewidth=1.4))
        labels.append("cache-resident (hollow): measures the caches")
    if "mixed" in regimes:
        handles.append(Line2D([], [], ls="", marker="o", color="#444444", fillstyle="left",
                              markerfacecoloralt="white"))
        labels.append("mixed, 1–4× LLC (half filled)")
    if over:
        handles.append(Line2D([], [], ls="", marker="", color="#444444"))
        labels.append("4* : oversubscribed PE count")
    ax.legend(handles, labels, fontsize=7, **OUTSIDE)
    _title(fig, ax, "Roofline: achieved rate against the machine's measured ceilings",
           "ceilings: bandwidth from a DRAM-sized nstream only, compute from the peak probe; a point: a kernel's "
           "fastest run in one model at its largest PE count (beside it)")
    ctx.save(fig, "roofline", "Roofline",
             "Each kernel's achieved flop rate against its arithmetic intensity (dgemm included, as a point), "
             "under the bandwidth ceiling of a DRAM-sized nstream and the compute ceiling of the peak "
             "(FMA-throughput) probe. Cache-resident points are hollow: they are not bound by DRAM.")


# --- chart 8: micro-benchmarks ------------------------------------------------
def _micro_axes(ax, xlabel):
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_bytes_label))
    ax.set_xlabel(xlabel)


def _bytes_label(v, _=None):
    for unit, size in (("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if v >= size:
            return "%g %s" % (v / size, unit)
    return "%g B" % v


def _micro_lines(ax, series, value, power=1):
    """Plot each (label, backend) series; value(config) -> y or None.

    y is proportional to time ** power (1: a time, -1: a bandwidth), which
    turns the time's CI (or min-max) into the error bar of y.
    """
    styles = ["-", "--", "-.", ":"]
    per_backend = {}
    over = failed = False
    for (_, label, backend), pts in series.items():
        i = per_backend.get(backend, 0)
        per_backend[backend] = i + 1
        good = [(x, c) for x, c in pts if c.usable and (value(c) or 0) > 0]
        bad = [x for x, c in pts if not c.usable]
        col = color(backend)
        if good:
            ax.plot([_dodge(x, backend) for x, _ in good], [value(c) for _, c in good], styles[i % len(styles)],
                    color=col, marker=marker(backend), markersize=4, label=label)
            for x, c in good:
                lo_t, hi_t, kind = c.interval()
                y, ends = value(c), sorted(value(c) * (t / c.median) ** power for t in (lo_t, hi_t))
                ax.errorbar([_dodge(x, backend)], [y], yerr=[[y - ends[0]], [ends[1] - y]], fmt="none",
                            ecolor=col, elinewidth=0.8, capsize=2 if kind == "ci" else 0)
                if c.oversubscribed:
                    over = True
                    ax.plot([_dodge(x, backend)], [value(c)], marker(backend), color=col, markerfacecolor="white",
                            markersize=7)
        if bad:
            failed = True
            _failed_marks(ax, bad, backend)
    if not any(line.get_label()[:1] != "_" for line in ax.get_lines()):
        ax.text(0.5, 0.5, "no usable value in the records", transform=ax.transAxes, ha="center")
    return over, failed


MICRO_BARS = "bars: 95% CI of the median (min–max below 6 reps)"


def _micro_chart(ctx, configs, kernel, handoff):
    series = micro.series(configs, kernel, handoff)
    if not series:
        return
    param = micro.x_param(configs, kernel)
    moves_bytes = any(micro.bandwidth_of(c) for pts in series.values() for _, c in pts)
    two = bool(param) and moves_bytes
    fig = Figure(figsize=(14, 4.8) if two else (9, 4.6))
    ax1 = fig.add_subplot(121 if two else 111)
    over, failed = _micro_lines(ax1, series, lambda c: c.median * 1e6)
    what = "hand-off" if handoff else "operation"
    ax1.set_ylabel("µs per %s (median; %s)" % (what, "overhead" if not moves_bytes else "latency"))
    if param:
        _micro_axes(ax1, param if param != "bytes" else "message size")
    else:
        _pe_axis(ax1, [x for pts in series.values() for x, _ in pts])
    _log_y(ax1)
    _legend(ax1, over, failed, bars=MICRO_BARS, over_text="oversubscribed (hollow)")
    if two:
        ax2 = fig.add_subplot(122)
        _micro_lines(ax2, series, lambda c: (micro.bandwidth_of(c) or 0) / 1e6 or None, power=-1)
        _micro_axes(ax2, "message size")
        _log_y(ax2)
        ax2.set_ylabel("bandwidth (MB/s)" if not handoff else "bytes handed over per second (MB/s; nothing copied)")
        ax2.set_title("higher is better", fontsize=8)
        _legend(ax2)
        ax1.set_title("lower is better", fontsize=8)
    stem = kernel + ("-handoff" if handoff else "")
    if handoff:
        title = "%s hand-off: a pointer passed, no data copied (not comparable with copies)" % kernel
        desc = ("The zero-copy hand-off variant of %s: the receiver gets a pointer to the sender's buffer, so no "
                "byte is moved; drawn apart from the copies on purpose." % kernel)
    else:
        against = "message size" if param == "bytes" else (param or "the number of PEs")
        title = "%s: µs per %s against %s" % (kernel, "operation", against)
        desc = ("%s: time of one operation in µs against %s, one line per model%s; no speedup or rate per "
                "second (a micro-benchmark)." % (kernel, against, ", shape and variant" if param else ""))
    if two:
        fig.suptitle(title, fontsize=11)
    else:
        _title(fig, ax1, title, "one line per model" + (" and shape" if param else "") + "; " + MICRO_BARS)
    ctx.save(fig, stem, title, desc)


def micro_charts(ctx, configs):
    for kernel in micro.kernels(configs):
        _micro_chart(ctx, configs, kernel, handoff=False)
        _micro_chart(ctx, configs, kernel, handoff=True)


# --- chart 9: model fits ------------------------------------------------------
def fits_chart(ctx, study):
    fits = analysis.fits(study, ctx.mode)
    if not fits:
        if study.scaling == "strong" and len(study.pes_list()) > 1:
            ctx.notes.append("%s: no model fit (no speedup at p > 1 without oversubscription)" % study.title)
        return
    rows = analysis.model_rows(study, ctx.mode)
    pes = study.pes_list()
    fig = Figure(figsize=(14, 4.8))
    ax1, ax2 = fig.add_subplot(121), fig.add_subplot(122)
    hi_p = max(pes)
    ax1.plot([1, hi_p], [1, hi_p], "--", color=IDEAL_COLOR, lw=1, label="ideal (S = p)")
    grid = [1 + (hi_p - 1) * i / 100.0 for i in range(101)]
    kf_all, sp_all = [], [1.0, float(hi_p)]
    for backend, fit in fits.items():
        col = color(backend)
        data = [r for r in rows[backend]["rows"] if r["speedup"]]
        used = [r for r in data if not r["config"].oversubscribed]
        ax1.plot([_dodge(r["pes"], backend) for r in used], [r["speedup"]["s"] for r in used], marker(backend),
                 color=col)
        ax1.plot([_dodge(r["pes"], backend) for r in data if r["config"].oversubscribed],
                 [r["speedup"]["s"] for r in data if r["config"].oversubscribed], marker(backend),
                 color=col, markerfacecolor="white")
        ax1.plot(grid, [stats.amdahl_speedup(fit["f"], p) for p in grid], "-", color=col, lw=1.2,
                 label="%s: Amdahl f = %.3g%s" % (backend, fit["f"], "" if 0 <= fit["f"] <= 1 else
                                                   " (outside [0, 1]: no fit)"))
        sp_all.extend(r["speedup"]["s"] for r in data)
        kf = [(_dodge(r["pes"], backend), r["karp_flatt"], r["config"].oversubscribed) for r in data
              if r["pes"] > 1]
        if kf:
            ax2.plot([p for p, _, o in kf if not o], [e for _, e, o in kf if not o], "-" + marker(backend),
                     color=col, label="%s: Karp–Flatt e(p)" % backend)
            ax2.plot([p for p, _, o in kf if o], [e for _, e, o in kf if o], marker(backend), color=col,
                     markerfacecolor="white")
            ax2.axhline(fit["f"], ls="--", color=col, lw=1)
            kf_all.extend(e for _, e, _ in kf)
    _pe_axis(ax1, pes)
    _log2_values_axis(ax1, min(sp_all) / 1.3, max(sp_all) * 1.3)
    ax1.set_ylabel("speedup (×, log2)")
    ax1.set_title("Amdahl fit: least squares on 1/S = f + (1−f)/p", fontsize=8)
    handles, labels = ax1.get_legend_handles_labels()
    if any(r["config"].oversubscribed for data in rows.values() for r in data["rows"]):
        handles.append(Line2D([], [], ls="", marker="o", color="#444444", markerfacecolor="white"))
        labels.append("oversubscribed (hollow): not fitted")
    ax1.legend(handles, labels, **OUTSIDE)
    _pe_axis(ax2, [p for p in pes if p > 1] or pes)
    ax2.set_ylabel("serial fraction e (Karp–Flatt)")
    ax2.set_title("e(p) = (1/S − 1/p) / (1 − 1/p); dashed: fitted Amdahl f", fontsize=8)
    if kf_all:
        lo, hi = min(kf_all + [0.0] + [f["f"] for f in fits.values()]), max(kf_all + [f["f"] for f in fits.values()])
        pad = (hi - lo) * 0.15 or 0.05
        ax2.set_ylim(lo - pad, hi + pad)
        ax2.legend(**OUTSIDE)
    fig.suptitle(textwrap.fill("%s: model fits (baseline: %s)" % (study.title, study.baseline_text(ctx.mode)),
                               150), fontsize=10)
    ctx.save(fig, study.name + "-fits", "Model fits: " + study.title,
             "Left: speedup data with the fitted Amdahl curve per model; right: the Karp–Flatt metric "
             "per PE count, a rising e(p) pointing at overhead that grows with p.")


def draw_all(ctx, configs, studies):
    """Every chart the data supports; a chart that raises is reported, not fatal."""
    errors = []
    jobs = []
    for s in studies:
        jobs.extend([(speedup_chart, s), (efficiency_chart, s)] if s.scaling == "strong" else [])
        jobs.extend([(scaling_chart, s), (shapes_chart, s), (breakdown_chart, s), (memory_chart, s),
                     (fits_chart, s)])
    jobs.extend([(roofline_chart, configs), (micro_charts, configs)])
    for fn, arg in jobs:
        try:
            fn(ctx, arg)
        except Exception as exc:  # keep the other charts and the report
            errors.append("%s failed: %s: %s" % (fn.__name__, exc.__class__.__name__, exc))
    return errors
