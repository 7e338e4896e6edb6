"""The summary chart of a large sweep (issue 16): every strong-scaling study's parallel
efficiency at its largest PE count, one column of dots per model, in one figure of bounded size
whatever the number of studies. Drawn when the per-study charts are not (cli.py --charts).
"""

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from tbcommon.models import BACKENDS  # noqa: E402

from . import analysis, simulated  # noqa: E402
from .configs import backend_order  # noqa: E402
from .figure import put_titles  # noqa: E402
from .style import IDEAL_COLOR, color, is_simulated, marker  # noqa: E402


def efficiencies(studies, mode):
    """{model: [(study name, PEs, efficiency)]} at each strong study's largest PE count above 1."""
    out = {}
    for s in studies:
        if s.scaling != "strong":
            continue
        for backend, data in analysis.model_rows(s, mode).items():
            rows = [r for r in data["rows"] if r["pes"] > 1 and r["efficiency"] is not None]
            if rows:
                top = max(rows, key=lambda r: r["pes"])
                out.setdefault(backend, []).append((s.name, top["pes"], top["efficiency"]))
    return out


def overview_chart(ctx, studies):
    data = efficiencies(studies, ctx.mode)
    if not data:
        ctx.notes.append("no overview chart: no strong-scaling study has a speedup above 1 PE")
        return
    models = [b for b in BACKENDS if b in data] + sorted(set(data) - set(BACKENDS), key=lambda b: (backend_order(b), b))
    fig = Figure(figsize=(9, 4.8))
    ax = fig.add_subplot(111)
    ax.axhline(1.0, ls="--", color=IDEAL_COLOR, lw=1, label="ideal (E = 1)")
    for i, b in enumerate(models):
        pts = sorted(data[b], key=lambda t: t[2])
        n = len(pts)
        xs = [i + 0.3 * ((k % 7) - 3) / 3 for k in range(n)]   # a fixed spread so dots do not hide each other
        ax.plot(xs, [e for _, _, e in pts], marker(b), color=color(b), alpha=0.6, markersize=4, ls="",
                label="%s (%d studies)" % (b, n), markerfacecolor="white" if is_simulated(b) else color(b))
    ax.set_xticks(range(len(models)))
    ax.set_xticklabels([m.replace(simulated.SEPARATOR, "\n") for m in models])
    ax.set_xlim(-0.6, len(models) - 0.4)
    ax.set_ylim(0, max([1.0] + [e for pts in data.values() for _, _, e in pts]) * 1.1)
    ax.set_ylabel("parallel efficiency E = S / p at the largest PE count")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    labels = {simulated.label(m) for m in models}
    put_titles(fig, ax, "Every strong-scaling study: efficiency at its largest PE count"
               + (" — " + ", ".join(sorted(labels)) if None not in labels else ""),
               "one dot per study and model (the largest PE count each model ran above 1); the per-study "
               "charts: plots/plot FOLDER --charts all")
    ctx.save(fig, "overview", "Overview: efficiency of every study",
             "Parallel efficiency of each strong-scaling study at its largest PE count, one column per model; "
             "every study's numbers are in the verdict and in tables/summary.csv.")
