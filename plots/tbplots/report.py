"""report.md, report.html and tables/*.csv from one list of blocks.

A block is ("h", level, text), ("p", text), ("fig", stem, title, description)
or ("table", Table, columns-to-show or None). Both reports render the same
blocks, so they never disagree.
"""

import csv
import html
import os

from . import simulated, verdict_section
from .configs import config_key
from .meta import caption, flatten
from .table import Table, csv_cell, fmt

STUDY_CHARTS = ("speedup", "efficiency", "scaling", "shapes", "breakdown", "memory", "fits")
STUDY_COLUMNS = [
    ("model", "model"), ("ranks×threads", None), ("PEs", "pes"), ("reps ok/all", None),
    ("median s", "median_s"), ("95% CI of median (s)", None), ("min–max (s)", None),
    ("rate", None), ("speedup", "speedup"), ("efficiency", None), ("Karp–Flatt e", "karp_flatt"),
    ("working set", None), ("against the others at this PE count", None), ("flags", None),
]


def write_csv(table, folder):
    path = os.path.join(folder, table.name + ".csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(table.columns)
        for row in table.rows:
            w.writerow([csv_cell(v) for v in row])
    return path


def study_table(summary, study):
    """The summary rows of one study, in the compact form a reader scans."""
    idx = {c: i for i, c in enumerate(summary.columns)}
    rows = []
    for r in summary.rows:
        if r[idx["study"]] != study.name:
            continue
        g = lambda col: r[idx[col]]  # noqa: E731
        ci = ("n/a (<6 reps)" if g("reps_ok") else "n/a") if g("ci95_lo_s") is None else "%s – %s" % (fmt(g("ci95_lo_s")), fmt(g("ci95_hi_s")))
        mm = "n/a" if g("min_s") is None else "%s – %s" % (fmt(g("min_s")), fmt(g("max_s")))
        rate = "n/a" if g("rate") is None else "%s %s" % (fmt(g("rate")), g("rate_unit") or "")
        eff = g("efficiency") if study.scaling == "strong" else g("weak_efficiency")
        flags = []
        if g("superlinear"):
            flags.append("SUPERLINEAR, " + g("superlinear"))
        ws = None
        if g("working_set_regime"):
            ws = g("working_set_regime")
            if g("working_set_ratio") is not None:
                ws += " (%.2g× LLC)" % g("working_set_ratio")
        if g("shape_choice"):
            flags.append(g("shape_choice"))
        if g("oversubscribed"):
            flags.append("oversubscribed")
        if g("failures"):
            flags.append("failed: " + g("failures"))
        rows.append([g("model"), "%s×%s" % (fmt(g("ranks")), fmt(g("threads"))), g("pes"),
                     "%d/%d" % (g("reps_ok"), g("reps")), g("median_s"), ci, mm, rate,
                     g("speedup"), eff, g("karp_flatt"), ws, g("comparison"), "; ".join(flags)])
    cols = [c for c, _ in STUDY_COLUMNS]
    if study.scaling == "weak":
        cols[cols.index("efficiency")] = "weak-scaling efficiency"
    return Table("", "", cols, rows)


# What each study chart needs, and what to run when the data lacks it (issue 12, "Bad input").
CHART_NEEDS = {
    "speedup": "a 1-PE run (the baseline) and a usable run: run bench/sweep --pes 1,2",
    "efficiency": "a 1-PE run (the baseline) and a usable run: run bench/sweep --pes 1,2",
    "scaling": "a usable run: see the failed runs below",
    "shapes": "hybrid runs at 2 or more PEs: run bench/sweep --backends omp,mpi,hybrid --pes 1,2",
    "breakdown": "records with a breakdown (compute/comm/sync): rerun with the current executables",
    "memory": "records with memory.peak_rss_sum: rerun with the current executables",
    "fits": "speedups at two or more PE counts: run bench/sweep --pes 1,2,4 (or more)",
}


def missing_charts(study, figs):
    """One line per chart of the study that is not there, saying what it needs."""
    out = []
    for suffix in STUDY_CHARTS:
        if "%s-%s" % (study.name, suffix) in figs:
            continue
        if study.scaling == "weak" and suffix in ("speedup", "efficiency", "fits"):
            continue  # weak scaling draws its efficiency in the scaling chart, and fits no Amdahl
        if study.simulated and suffix == "memory":
            continue  # never drawn for a simulation: the notes say why (bars.memory_chart)
        out.append("No %s chart: it needs %s." % (suffix, CHART_NEEDS[suffix]))
    return out


def simulated_note(runs):
    """The report's opening note on simulated configurations (simulated.note), or None."""
    counts = {}
    for r in runs:
        if r.simulated:
            keys, versions = counts.setdefault(r.simulated, (set(), set()))
            keys.add(config_key(r))
            if r.simgrid:
                versions.add(r.simgrid)
    return simulated.note({label: (len(keys), ", ".join(sorted(versions)) or None)
                           for label, (keys, versions) in counts.items()})


def blocks(dataset, info, studies, tables, ctx, errors, mode, verdict=None):
    by_name = {t.name: t for t in tables}
    figs = {stem: (title, desc) for stem, title, desc in ctx.figures} if ctx else {}
    out = [("h", 1, "triobench sweep report")]
    sim = simulated_note(dataset.runs)
    if sim:
        out.append(("note", sim))   # first, before anything a reader could take for a measurement
    out.append(("p", caption(info)))
    nruns, nok = len(dataset.runs), sum(1 for r in dataset.runs if r.ok)
    out.append(("p", "%d runs read from results.jsonl, %d usable, %d failed. Speedup baseline: %s." % (
        nruns, nok, nruns - nok,
        "each model's own 1-PE run (--baseline self)" if mode == "self"
        else "the best serial median time (Hoefler & Belli, rule 1)")))
    nfault = len(getattr(dataset, "fault_runs", []))
    if nfault:
        out.append(("p", "%d more runs had a fault injected on purpose: they are no measurements, see "
                         "'Fault scenarios' below." % nfault))
    if verdict is not None:
        out.extend(verdict_section.blocks(verdict))
    msgs = dataset.warnings + (ctx.notes if ctx else []) + errors
    if not ctx:
        msgs.append("charts skipped: matplotlib not found (install it with apt-get install python3-matplotlib)")
    if msgs:
        out.append(("h", 2, "Notes"))
        out.extend(("p", "• " + m) for m in msgs)
    out.append(("h", 2, "Machine and sweep"))
    meta_rows = [["machine", info["machine"]], ["cpu", info.get("cpu") or "n/a"], ["date", info["date"]],
                 ["commit", info["commit"]], ["sweep", info.get("sweep_id") or "n/a"]]
    out.append(("table", Table("", "", ["field", "value"], meta_rows), None))
    for s in studies:
        out.append(("h", 2, s.title))
        out.append(("p", "Baseline: %s." % s.baseline_text(mode)))
        if s.size_note():
            out.append(("p", s.size_note()))
        for suffix in STUDY_CHARTS:
            stem = "%s-%s" % (s.name, suffix)
            if stem in figs:
                out.append(("fig", stem) + figs[stem])
        if ctx and getattr(ctx, "study_charts", True):
            out.extend(("p", line) for line in missing_charts(s, figs))
        out.append(("table", study_table(by_name["summary"], s), None))
    study_stems = {"%s-%s" % (s.name, suffix) for s in studies for suffix in STUDY_CHARTS}
    for stem, title, desc in (ctx.figures if ctx else []):
        if stem not in study_stems:   # the roofline, then the micro-benchmarks, as drawn
            out.append(("h", 2, title))
            out.append(("fig", stem, title, desc))
    out.extend(getattr(dataset, "model_blocks", []))  # issue 12 §2: performance model, what-if (model_report.py)
    for name in ("fits", "micro", "probes", "failures", "faults"):
        t = by_name.get(name)
        if t is None:
            continue
        out.append(("h", 2, t.title))
        if t.note:
            out.append(("p", t.note))
        out.append(("table", t, None) if t.rows else ("p", "None."))
    if dataset.meta:
        out.append(("h", 2, "Sweep metadata (meta.json)"))
        rows = [[k, v] for k, v in flatten({k: v for k, v in dataset.meta.items() if k != "catalogue"})]
        cat = getattr(dataset, "catalogue", None)
        if cat:
            rows.append(["catalogue", "%s: %d kernels, for %s (each record's kind and series parameter come "
                         "from it when the record lacks them; not repeated here)"
                         % (cat.schema or "catalogue", len(cat.merged), ", ".join(sorted(cat.by_backend)))])
        out.append(("table", Table("", "", ["field", "value"], sorted(rows)), None))
    out.append(("h", 2, "Data tables"))
    out.append(("p", "CSV files with full precision: " + ", ".join("tables/%s.csv" % t.name for t in tables)
                + ". Every configuration's statistics are in tables/summary.csv; " + by_name["summary"].note))
    return out


def _image(stem, formats):
    for ext in ("png", "svg"):
        if ext in formats:
            return "figures/%s.%s" % (stem, ext)
    return None


def render_md(blks, formats):
    lines = []
    for b in blks:
        if b[0] == "h":
            lines += ["#" * b[1] + " " + b[2], ""]
        elif b[0] == "p":
            lines += [b[1], ""]
        elif b[0] == "note":
            lines += ["> **%s**" % b[1], ""]
        elif b[0] == "fig":
            _, stem, title, desc = b
            img = _image(stem, formats)
            if img:
                lines.append("![%s](%s)" % (title, img))
            links = " · ".join("[%s](figures/%s.%s)" % (f.upper(), stem, f) for f in formats)
            lines += ["", "*%s* (%s)" % (desc, links), ""]
        elif b[0] == "table":
            t = b[1]
            esc = lambda v: fmt(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines.append("| " + " | ".join(t.columns) + " |")
            lines.append("|" + "---|" * len(t.columns))
            for row in t.rows:
                lines.append("| " + " | ".join(esc(v) for v in row) + " |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# cells a reader must not miss: a superlinear efficiency, a size that is not DRAM-sized
WARN_PREFIXES = ("SUPERLINEAR", "cache-resident", "mixed")
CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1150px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.4}h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;
border-bottom:1px solid #ddd}table{border-collapse:collapse;font-size:.82em;margin:.8em 0;display:block;
overflow-x:auto}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.warn{background:#fde8dc}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2em 0}nav ol{columns:2;font-size:.9em}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#444}p.note{background:#fde8dc;border:2px solid #D55E00;padding:.6em .8em}p,li,figcaption{overflow-wrap:anywhere}
@media (max-width:700px){body{margin:1em auto;padding:0 .6em}nav ol{columns:1;font-size:.85em;padding-left:1.6em}
table{font-size:.75em}th,td{min-width:7em}td:first-child,th:first-child{min-width:5em}
td:last-child{min-width:16em}}
"""
# Phones (issue 12): the page never scrolls sideways; a wide table scrolls inside itself (display:block,
# overflow-x:auto) with cells wide enough to read, and images shrink to the width.


def render_html(blks, formats, title):
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title><style>%s</style></head><body>" % (e(title), CSS)]
    sections = [b[2] for b in blks if b[0] == "h" and b[1] == 2]
    section = notes = 0
    for i, b in enumerate(blks):
        if b[0] == "note":   # a warning that heads the page: shown first, boxed
            notes += 1
            out.append('<p class="note"><strong>%s</strong></p>' % e(b[1]))
        if b[0] == "h" and b[1] == 2:
            section += 1
            out.append('<h2 id="s%d">%s</h2>' % (section, e(b[2])))
        elif b[0] == "h":
            out.append("<h%d>%s</h%d>" % (b[1], e(b[2]), b[1]))
        elif b[0] == "p":
            out.append("<p>%s</p>" % e(b[1]))
            if i == 2 + notes and len(sections) > 3:  # after the summary line: a table of contents
                out.append("<nav><p>Contents:</p><ol>%s</ol></nav>" % "".join(
                    '<li><a href="#s%d">%s</a></li>' % (n + 1, e(t)) for n, t in enumerate(sections)))
        elif b[0] == "fig":
            _, stem, t, desc = b
            img = _image(stem, formats)
            links = " · ".join('<a href="figures/%s.%s">%s</a>' % (e(stem), f, f.upper()) for f in formats)
            out.append("<figure>%s<figcaption>%s (%s)</figcaption></figure>" % (
                '<img src="%s" alt="%s">' % (e(img), e(t)) if img else "", e(desc), links))
        elif b[0] == "table":
            t = b[1]
            out.append("<table><thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % e(c) for c in t.columns))
            for row in t.rows:
                cells = []
                for v in row:
                    num = isinstance(v, (int, float)) and not isinstance(v, bool)
                    warn = isinstance(v, str) and v.startswith(WARN_PREFIXES)
                    cells.append('<td%s>%s</td>' % (' class="num"' if num else ' class="warn"' if warn else "",
                                                    e(fmt(v))))
                out.append("<tr>%s</tr>" % "".join(cells))
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_all(outdir, dataset, info, configs, studies, tables, ctx, errors, mode, formats):
    tdir = os.path.join(outdir, "tables")
    os.makedirs(tdir, exist_ok=True)
    result = verdict_section.build(configs)
    tables = tables + [verdict_section.csv_table(result)]
    written = [write_csv(t, tdir) for t in tables]
    blks = blocks(dataset, info, studies, tables, ctx, errors, mode, result)
    md = os.path.join(outdir, "report.md")
    with open(md, "w", encoding="utf-8") as fh:
        fh.write(render_md(blks, formats if ctx else []))
    page = os.path.join(outdir, "report.html")
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(render_html(blks, formats if ctx else [], "triobench sweep report"))
    return written + [md, page]
