"""Charts 4-6 of a scaling study, one bar per configuration grouped by PE count:
the ranks x threads shapes ("no sig. difference" where the CIs overlap), the
time breakdown and the memory footprint.
"""

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import significance, simulated  # noqa: E402
from .figure import MIB, OUTSIDE, log_spread, put_titles, study_subtitle  # noqa: E402
from .style import COMPONENT_STYLE, FAILED_COLOR, SIMULATED_HATCH, color, is_simulated  # noqa: E402


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
            # a simulated model's full name is in the legend; under a bar it would overlap its neighbours
            labels.append("%s\n%s%s" % (simulated.base(c.backend), "sim. " if c.simulated else "", c.shape))
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
    if is_simulated(c.backend):
        # simulated: stripes across the bar (white on a filled one) inside a dashed outline, over whatever
        # else the bar says (a component's hatching, oversubscription)
        ax.bar([x], [value], width=0.8, bottom=bottom, fill=False, linewidth=0, hatch=SIMULATED_HATCH,
               edgecolor="white" if face != "white" else col, zorder=2.1)
        ax.bar([x], [value], width=0.8, bottom=bottom, fill=False, linewidth=1.3, linestyle="--", edgecolor=col,
               zorder=2.2)
    if lo is not None and hi is not None:
        ax.errorbar([x], [bottom + value], yerr=[[max(value - lo, 0)], [max(hi - value, 0)]], fmt="none",
                    ecolor="#333333", elinewidth=1, capsize=3, zorder=3)


def _failed_bar(ax, x, c):
    trans = ax.get_xaxis_transform()
    ax.plot([x], [0.04], "X", transform=trans, color=color(c.backend), markersize=9,
            markeredgecolor=FAILED_COLOR, markeredgewidth=1.5, zorder=5)
    ax.text(x, 0.08, "failed", transform=trans, ha="center", va="bottom", fontsize=7, color=FAILED_COLOR)


def _bar_legend(ax, models, over, failed, extra=()):
    handles = [Patch(facecolor=color(b), edgecolor="white" if is_simulated(b) else color(b), label=b,
                     hatch=SIMULATED_HATCH if is_simulated(b) else None) for b in models]
    handles.extend(extra)
    if over:
        handles.append(Patch(facecolor="white", edgecolor="#444444", hatch="...",
                             label="oversubscribed (unfilled, dotted)"))
    if failed:
        handles.append(Line2D([], [], ls="", marker="X", color="#bbbbbb", markersize=9,
                              markeredgecolor=FAILED_COLOR, markeredgewidth=1.5,
                              label="failed: no usable repetition"))
    ax.legend(handles=handles, fontsize=7.5, **OUTSIDE)


MAX_BARS = 28    # bars one chart can hold and stay readable within MAX_WIDTH_IN


def _configs_by_pes(study, want):
    """[(pes, [Config])]; with more bars than MAX_BARS, only a spread of the PE counts (powers of
    two, first and last): the chart's subtitle says how many (``_shown``)."""
    groups = {}
    for c in study.configs:
        if c.pes and want(c):
            groups.setdefault(c.pes, []).append(c)
    out = sorted(groups.items())
    widest = max((len(g) for _, g in out), default=1)
    keep = set(log_spread([p for p, _ in out], max(2, MAX_BARS // widest)))
    return [(p, g) for p, g in out if p in keep] if len(keep) < len(out) else out


def _shown(study, groups, want):
    """' · 8 of 500 PE counts shown' when _configs_by_pes left some out, else ''."""
    total = len({c.pes for c in study.configs if c.pes and want(c)})
    return " · %d of %d PE counts shown" % (len(groups), total) if len(groups) < total else ""


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
    put_titles(fig, ax, "%s: %s" % (study.title, heading), study_subtitle(study, subtitle))
    ctx.save(fig, "%s-%s" % (study.name, suffix), "%s: %s" % (kind, study.title), desc)


def shapes_chart(ctx, study):
    hybrid_pes = {c.pes for c in study.configs if c.model == "hybrid" and c.pes and c.pes >= 2}
    if not hybrid_pes:
        return
    want = lambda c: c.pes in hybrid_pes and c.model != "serial"  # noqa: E731
    groups = _configs_by_pes(study, want)
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
                    o.median for o in study.configs if o.pes == c.pes and o.usable and o.model != "serial")
                else None)
        if text:
            ax.annotate(text, (x, hi), textcoords="offset points", xytext=(0, 4), ha="center",
                        fontsize=6.5, fontweight="bold" if text == "fastest" else "normal")

    _bar_chart(ctx, study, groups, draw, "time per iteration (s, median; lower is better)",
               ("shapes", "Hybrid shapes", "how to split the PEs (ranks × threads)"),
               "every ranks × threads split at each PE count; bars: 95% CI of the median, or "
               "min–max below 6 reps; 'fastest' only when its CI overlaps no other's, else the "
               "overlapping ones read 'no sig. difference'" + _shown(study, groups, want),
               "Each ranks × threads split side by side per PE count (omp = 1×p, mpi = p×1); splits whose "
               "95% CIs of the median overlap are marked 'no significant difference', not ranked.",
               models=[m for m in study.models() if simulated.base(m) != "serial"], headroom=1.18)


def breakdown_chart(ctx, study):
    want = lambda c: c.usable and c.breakdown  # noqa: E731
    groups = _configs_by_pes(study, want)
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
               "median over reps)" + _shown(study, groups, want),
               "Stacked compute, communication and synchronisation seconds per iteration for each model "
               "and PE count; the black line is the median iteration time.", extra=extra)


def memory_chart(ctx, study):
    if study.simulated:
        # SMPI runs every rank in one process of this machine: each rank's peak RSS is that process's
        ctx.notes.append("%s: no memory chart: a simulation holds every rank in one process of this machine, "
                         "so its peak RSS is not a cluster's" % study.title)
        return
    want = lambda c: c.usable and c.mem_sum  # noqa: E731
    groups = _configs_by_pes(study, want)
    if not groups:
        ctx.notes.append("%s: no memory.peak_rss_sum in the records" % study.title)
        return
    _bar_chart(ctx, study, groups, lambda ax, x, c: _bar(ax, x, c, c.mem_sum / MIB),
               "peak RSS summed over processes (MiB)", ("memory", "Memory", "memory footprint"),
               "peak resident set size, summed over all ranks" + _shown(study, groups, want),
               "Peak resident memory summed over processes, per model and PE count.")
