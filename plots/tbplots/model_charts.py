"""The performance model's charts: model vs measured per kernel, and the what-if speedups.

Measured: filled markers on solid lines. Predicted: hollow markers on dashed lines, labelled
"predicted"; the what-if charts hold predictions only, say so in their title, and are never drawn
on the same axes as a measurement.
"""

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib import ticker  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from . import model, whatif  # noqa: E402
from .configs import backend_order, params_text  # noqa: E402
from .figure import OUTSIDE, dodge, log_y, pe_axis, put_titles  # noqa: E402
from .style import IDEAL_COLOR, color, marker  # noqa: E402

PREDICTED = {"ls": "--", "lw": 1.3, "markerfacecolor": "white", "markeredgewidth": 1.4, "markersize": 7}
MEASURED = {"ls": "-", "lw": 1.6, "markersize": 6}


def _series(rows):
    """{(order, label, model): [row]} with a model's shapes apart when it has two at one PE count."""
    split = {m for m in {r["model"] for r in rows}
             if any(len({(r["ranks"], r["threads"]) for r in rows if r["model"] == m and r["pes"] == p}) > 1
                    for p in {r["pes"] for r in rows})}
    out = {}
    for r in rows:
        label = r["model"]
        if r["model"] in split:
            label += " (1×T)" if r["ranks"] == 1 else " (R×1)" if r["threads"] == 1 else " (R×T)"
        out.setdefault((backend_order(r["model"]), label, r["model"]), []).append(r)
    return {k: sorted(v, key=lambda r: r["pes"]) for k, v in sorted(out.items())}


def _groups(evaluation):
    """{(kernel, params_key, scaling): [rows]} of the rows that have a measured and a predicted time."""
    out = {}
    for r in model.sorted_rows(evaluation):
        if r["measured"] and (r["predicted"] or r["roofline"]):
            # a weak-scaling study grows its size with the PEs: one chart for all of them
            pkey = r["params_key"] if r["scaling"] == "strong" else ""
            out.setdefault((r["kernel"], pkey, r["scaling"]), []).append(r)
    return out


def model_vs_measured(ctx, evaluation):
    groups = _groups(evaluation)
    total, count = {}, {}
    for kernel, _, _ in groups:
        total[kernel] = total.get(kernel, 0) + 1
    for (kernel, _, scaling), rows in groups.items():
        count[kernel] = count.get(kernel, 0) + 1
        fig = Figure(figsize=(9.5, 4.8))
        ax = fig.add_subplot(111)
        for (_, label, backend), rs in _series(rows).items():
            # a model's second shape (hybrid R×1 beside 1×T) at one PE count: another marker, nudged apart
            second = label.endswith(("(R×1)", "(R×T)"))
            mark = "P" if second else marker(backend)
            xs = [dodge(r["pes"], backend) * (1.04 if second else 1) for r in rs]
            ax.plot(xs, [r["measured"] * 1e3 for r in rs], marker=mark, color=color(backend),
                    label="%s measured" % label, **MEASURED)
            pred = [(x, r["predicted"] if r["predicted"] is not None else r["roofline"]) for x, r in zip(xs, rs)]
            pred = [(x, t) for x, t in pred if t is not None]
            if pred:
                ax.plot([x for x, _ in pred], [t * 1e3 for _, t in pred], marker=mark, color=color(backend),
                        label="%s PREDICTED" % label, **PREDICTED)
            for x, r in zip(xs, rs):
                if r["calibration"]:     # predicted = measured by construction: say so where it is drawn
                    ax.annotate("calibration (η = %.2g)" % r["efficiency"], (x, r["measured"] * 1e3),
                                textcoords="offset points", xytext=(6, 6), fontsize=7, color="#555555")
        pe_axis(ax, [r["pes"] for r in rows])
        log_y(ax)
        ax.set_ylabel("time per iteration (ms, median over repetitions)")
        handles, labels = ax.get_legend_handles_labels()
        handles += [Line2D([], [], color="#444444", marker="o", **MEASURED),
                    Line2D([], [], color="#444444", marker="o", **PREDICTED)]
        labels += ["measured (filled, solid)", "predicted by the model (hollow, dashed)"]
        ax.legend(handles, labels, **OUTSIDE)
        params = params_text(rows[0]["params"]) if scaling == "strong" else "weak scaling"
        summary = evaluation["summary"]["kernels"].get(kernel, {})
        err = summary.get("calibrated")
        put_titles(fig, ax, "%s: model vs measured (%s)" % (kernel, params),
                   "hollow dashed = PREDICTED by the performance model (roofline × η + messages + sync); "
                   "filled solid = measured. Median |error| over this kernel: %s" % (
                       "n/a" if err is None else "%.0f%%" % (err * 100)))
        stem = "model-%s%s" % (kernel, "-%d" % count[kernel] if total[kernel] > 1 else "")
        ctx.save(fig, stem, "%s: model vs measured" % kernel,
                 "%s (%s): the median time per iteration measured (filled markers, solid lines) and predicted "
                 "by the performance model (hollow markers, dashed lines), per model and PE count." % (kernel, params))


def whatif_charts(ctx, result):
    desc = result["cluster"]
    for k in result["kernels"]:
        fig = Figure(figsize=(12, 4.8))
        for j, top in enumerate(whatif.SHOWN):
            ax = fig.add_subplot(1, 2, j + 1)
            for backend, pts in sorted(k["curves"].items(), key=lambda kv: backend_order(kv[0])):
                pts = [(p, s) for p, s in pts if p <= top]
                if pts:
                    ax.plot([dodge(p, backend) for p, _ in pts], [s for _, s in pts], marker=marker(backend), color=color(backend),
                            label="%s (predicted)" % backend, **PREDICTED)
            xs = [p for p in whatif.PES if p <= top]
            ax.plot(xs, xs, ":", color=IDEAL_COLOR, lw=1.0, label="ideal (S = P)")
            if desc["cores_per_node"] < top:
                ax.axvline(desc["cores_per_node"], color="#999999", lw=0.8, ls="-.")
                ax.annotate("one node (%d cores)" % desc["cores_per_node"], (desc["cores_per_node"], 1),
                            textcoords="offset points", xytext=(3, 4), fontsize=7, color="#555555")
            pe_axis(ax, xs)
            ax.set_yscale("log", base=2)
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "%g" % v))
            ax.set_ylabel("PREDICTED speedup over one core")
            ax.set_title("to %d PEs" % top, fontsize=9)
            ax.text(0.5, 0.5, "PREDICTION", transform=ax.transAxes, ha="center", va="center", fontsize=28,
                    color="#000000", alpha=0.06, rotation=20)
            if j == 1:
                ax.legend(**OUTSIDE)
        fig.suptitle("What-if, %s: PREDICTED speedups on %s — no measurement" % (k["kernel"], desc.get("name", "a cluster")),
                     fontsize=10)
        ctx.save(fig, "whatif-%s" % k["kernel"], "What-if: %s on a cluster (prediction)" % k["kernel"],
                 "%s: speedups the performance model predicts on the cluster described (%s), to 64 and 1024 "
                 "PEs. Nothing here was measured." % (k["kernel"], desc.get("name", "")))
