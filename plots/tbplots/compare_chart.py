"""The comparison chart: B/A per configuration, sorted by change, with its CI, coloured by verdict.

One row per compared configuration, largest slowdown at the top, on a log
ratio axis (×0.5 and ×2 equally far from ×1); pages of at most PAGE rows
(compare-1, compare-2, ...), all on the same axis, so that hundreds of
configurations stay readable and no image is wider than a screen.
"""

import math

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from matplotlib import ticker  # noqa: E402

from .figure import OUTSIDE  # noqa: E402
from .style import OKABE_ITO  # noqa: E402

PAGE = 70
VERDICT_COLOR = {"slower": OKABE_ITO["vermillion"], "faster": OKABE_ITO["blue"], "no difference": "#777777",
                 "not enough repetitions": "#777777"}
LABEL_CHARS = 46


def _limits(rows):
    values = [v for r in rows for v in ((r.ratio,) + (r.ci or ())) if v] + [1.0]
    lo, hi = min(values), max(values)
    pad = max(math.log(hi / lo) * 0.06, 0.02)
    return lo * math.exp(-pad), hi * math.exp(pad)


# Tick candidates for the ratio axis, coarsest first: the first set that puts at least
# MIN_TICKS ticks in the range is used (a log axis's own ticks leave nothing between 1 and 2).
TICK_SETS = [
    [m * 10.0 ** e for e in range(-6, 7) for m in (1, 2, 5)],
    [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 5],
    [1 + d for d in (-0.2, -0.15, -0.1, -0.05, -0.02, -0.01, 0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2)],
]
MIN_TICKS, MAX_TICKS = 4, 12


def _ticks(lo, hi):
    sets = [[t for t in candidates if lo <= t <= hi] for candidates in TICK_SETS]
    inside = next((t for t in sets if len(t) >= MIN_TICKS), max(sets, key=len))
    step = -(-len(inside) // MAX_TICKS)  # thin a range of many decades
    return inside[::step]


def _page(ctx, rows, stem, title, limits, pct):
    fig = Figure(figsize=(9.5, 1.6 + 0.17 * len(rows)))
    ax = fig.add_subplot(111)
    ys = list(range(len(rows), 0, -1))  # the first row (largest slowdown) at the top
    for y, r in zip(ys, rows):
        col = VERDICT_COLOR[r.verdict]
        if r.ci:
            ax.plot(r.ci, [y, y], "-", color=col, lw=1.3, solid_capstyle="butt")
        hollow = r.verdict == "not enough repetitions"
        ax.plot([r.ratio], [y], "o", color=col, markersize=4.5, markerfacecolor="white" if hollow else col)
    ax.axvline(1.0, color="#222222", lw=0.9)
    if pct is not None:
        ax.axvline(1 + pct / 100, color=OKABE_ITO["vermillion"], lw=0.9, ls="--")
    ax.set_xscale("log")
    ax.set_xlim(*limits)
    ax.xaxis.set_major_locator(ticker.FixedLocator(_ticks(*limits)))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_ylim(0.3, len(rows) + 0.7)
    ax.set_yticks(ys)
    ax.set_yticklabels([r.label() if len(r.label()) <= LABEL_CHARS else r.label()[:LABEL_CHARS - 1] + "…"
                        for r in rows], fontsize=6.5)
    ax.grid(axis="y", alpha=0.15)
    ax.set_xlabel("time ratio B / A (log scale): left of 1 B is faster, right of 1 slower")
    handles = [Line2D([], [], color=VERDICT_COLOR[v], marker="o", lw=1.3,
                      markerfacecolor="white" if v == "not enough repetitions" else VERDICT_COLOR[v])
               for v in ("slower", "faster", "no difference", "not enough repetitions")]
    labels = ["slower (U test, p < 0.05)", "faster (U test, p < 0.05)", "no difference", "< 6 reps: no test"]
    if pct is not None:
        handles.append(Line2D([], [], color=OKABE_ITO["vermillion"], ls="--"))
        labels.append("--fail-if-slower %g%%" % pct)
    ax.legend(handles, labels, title="dot: ratio of medians\nbar: 95% CI", fontsize=7, title_fontsize=7,
              **OUTSIDE)
    fig.suptitle(title, fontsize=10)
    ctx.save(fig, stem, title, "B/A per configuration, largest slowdown first, with the 95% CI of the "
             "ratio (Hodges-Lehmann / Moses) and the U test's verdict as colour.")


def draw(ctx, compared, pct):
    """compared: the compared rows, sorted by change. Rows without a ratio (times <= 0) are skipped."""
    rows = [r for r in compared if r.ratio is not None]
    if not rows:
        ctx.notes.append("no chart: no compared configuration has a ratio (no positive median time on both sides)")
        return
    limits = _limits(rows)
    pages = [rows[i:i + PAGE] for i in range(0, len(rows), PAGE)]
    for i, page in enumerate(pages):
        title = "B / A time ratio per configuration"
        if len(pages) > 1:
            title += " (%d of %d: rows %d–%d)" % (i + 1, len(pages), i * PAGE + 1, i * PAGE + len(page))
        _page(ctx, page, "compare-%d" % (i + 1), title, limits, pct)
