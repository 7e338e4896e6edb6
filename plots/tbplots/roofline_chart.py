"""Chart 7: the roofline, drawn from roofline.py's ceilings and points.
"""

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import roofline  # noqa: E402
from .configs import backend_order  # noqa: E402
from .figure import OUTSIDE, plain_log_labels, put_titles  # noqa: E402
from .style import FAILED_COLOR, KERNEL_MARKERS, color  # noqa: E402


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
    plain_log_labels(ax.xaxis, ax.get_xlim)
    pos = [r for r in rates if r > 0] or [1.0]
    ax.set_yscale("log")
    plain_log_labels(ax.yaxis, ax.get_ylim)
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
    put_titles(fig, ax, "Roofline: achieved rate against the machine's measured ceilings",
           "ceilings: bandwidth from a DRAM-sized nstream only, compute from the peak probe; a point: a kernel's "
           "fastest run in one model at its largest PE count (beside it)")
    ctx.save(fig, "roofline", "Roofline",
             "Each kernel's achieved flop rate against its arithmetic intensity (dgemm included, as a point), "
             "under the bandwidth ceiling of a DRAM-sized nstream and the compute ceiling of the peak "
             "(FMA-throughput) probe. Cache-resident points are hollow: they are not bound by DRAM.")
