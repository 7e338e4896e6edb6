"""Charts 1-3 and 9 of a scaling study: speedup, efficiency, scaling (time, or
weak-scaling efficiency) and the model fits (Amdahl, Karp-Flatt). One point
per model and PE count; superlinear points ringed with their cause; a point
chosen among several shapes labelled with it and "best of N shapes".
"""

import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from tbcommon import stats  # noqa: E402

from . import analysis, significance, superlinear  # noqa: E402
from .figure import (OUTSIDE, bars_text, dodge, draw_series, failed_marks, log2_values_axis, log_y,  # noqa: E402
                     pe_axis, put_legend, put_titles, study_subtitle)
from .style import IDEAL_COLOR, color, marker  # noqa: E402


def _shape_note(row):
    """'2x1 · best of 3 shapes' (', n.s.' when its CI overlaps another shape's) beside a point chosen among shapes."""
    best_of = row["best_of"]
    if not best_of:
        return None
    text = "%s · %s" % (row["config"].shape, best_of.split(",")[0])
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
        draw_series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    pe_axis(ax, pes)
    ys = [v for p in allpts for v in (p["lo"], p["hi"], p["y"]) if v] + [1, hi_p]
    log2_values_axis(ax, min(ys) / 1.3, max(ys) * 1.3)
    ax.set_ylabel("speedup S = T_baseline / T (×, log2)")
    sub = study_subtitle(study, "baseline: " + study.baseline_text(ctx.mode))
    put_titles(fig, ax, "%s: speedup vs PEs" % study.title, sub)
    put_legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=bars_text(allpts),
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
        draw_series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    pe_axis(ax, study.pes_list())
    top = max([1.0] + [p["hi"] for p in allpts if p["hi"]])
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("parallel efficiency E = S / p")
    put_titles(fig, ax, "%s: parallel efficiency" % study.title,
           study_subtitle(study, "baseline: " + study.baseline_text(ctx.mode)))
    put_legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=bars_text(allpts),
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
            failed_marks(ax, xs, backend)
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
        draw_series(ax, backend, pts, _model_label(study, backend))
    failed = _mark_failed_configs(ax, study)
    pe_axis(ax, pes)
    if study.scaling == "strong":
        log_y(ax)
    else:
        ax.set_ylim(0, max(p["hi"] or p["y"] for p in allpts) * 1.15)
    ax.set_ylabel("time per iteration (s, median over reps)")
    put_legend(ax, over=any(p["over"] for p in allpts), failed=failed, bars=bars_text(allpts),
            superlin=any(p["super"] for p in allpts))
    basetext = "baseline: " + (base.text if base else "none (no 1-PE run)")
    if study.scaling == "strong":
        put_titles(fig, ax, "%s: time vs PEs (strong scaling)" % study.title, study_subtitle(study, basetext))
        desc = "Median time per iteration against PEs at a fixed problem size; dashed: baseline/p."
    else:
        ax.set_title(textwrap.fill(study_subtitle(study, "time per iteration (flat is ideal)"), 80), fontsize=8)
        data = _speedup_points(study, ctx.mode, "speedup")
        ax2.axhline(1.0, ls="--", color=IDEAL_COLOR, lw=1, label="ideal (E_w = 1)")
        effpts = []
        for backend, (pts, _) in data.items():
            draw_series(ax2, backend, pts, _model_label(study, backend))
            effpts.extend(pts)
        pe_axis(ax2, pes)
        ax2.set_ylim(0, max([1.0] + [p["hi"] for p in effpts if p["hi"]]) * 1.15)
        ax2.set_ylabel("weak-scaling efficiency E_w = T_baseline / T(p)")
        ax2.set_title(textwrap.fill("baseline: " + study.baseline_text(ctx.mode), 80), fontsize=8)
        put_legend(ax2, over=any(p["over"] for p in effpts), bars=bars_text(effpts),
                superlin=any(p["super"] for p in effpts))
        fig.suptitle("%s: weak scaling" % study.title, fontsize=11)
        desc = ("Weak scaling: the problem grows with the PEs (%s); left: median time per iteration, "
                "right: weak-scaling efficiency." % (", ".join(study.grown) or "parameters as recorded"))
    ctx.save(fig, study.name + "-scaling", "Scaling: " + study.title, desc)

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
        ax1.plot([dodge(r["pes"], backend) for r in used], [r["speedup"]["s"] for r in used], marker(backend),
                 color=col)
        ax1.plot([dodge(r["pes"], backend) for r in data if r["config"].oversubscribed],
                 [r["speedup"]["s"] for r in data if r["config"].oversubscribed], marker(backend),
                 color=col, markerfacecolor="white")
        ax1.plot(grid, [stats.amdahl_speedup(fit["f"], p) for p in grid], "-", color=col, lw=1.2,
                 label="%s: Amdahl f = %.3g%s" % (backend, fit["f"], "" if 0 <= fit["f"] <= 1 else
                                                   " (outside [0, 1]: no fit)"))
        sp_all.extend(r["speedup"]["s"] for r in data)
        kf = [(dodge(r["pes"], backend), r["karp_flatt"], r["config"].oversubscribed) for r in data
              if r["pes"] > 1]
        if kf:
            ax2.plot([p for p, _, o in kf if not o], [e for _, e, o in kf if not o], "-" + marker(backend),
                     color=col, label="%s: Karp–Flatt e(p)" % backend)
            ax2.plot([p for p, _, o in kf if o], [e for _, e, o in kf if o], marker(backend), color=col,
                     markerfacecolor="white")
            ax2.axhline(fit["f"], ls="--", color=col, lw=1)
            kf_all.extend(e for _, e, _ in kf)
    pe_axis(ax1, pes)
    log2_values_axis(ax1, min(sp_all) / 1.3, max(sp_all) * 1.3)
    ax1.set_ylabel("speedup (×, log2)")
    ax1.set_title("Amdahl fit: least squares on 1/S = f + (1−f)/p", fontsize=8)
    handles, labels = ax1.get_legend_handles_labels()
    if any(r["config"].oversubscribed for data in rows.values() for r in data["rows"]):
        handles.append(Line2D([], [], ls="", marker="o", color="#444444", markerfacecolor="white"))
        labels.append("oversubscribed (hollow): not fitted")
    ax1.legend(handles, labels, **OUTSIDE)
    pe_axis(ax2, [p for p in pes if p > 1] or pes)
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
