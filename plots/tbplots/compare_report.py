"""compare.csv, compare.md, compare.html and the stdout table of plots/plot --compare.

Standard library only. The Markdown and HTML come from report.py's renderers
(the same blocks, the same style as report.html); compare.csv holds every
configuration of either sweep, compared or not, at full precision.
"""

import os

from . import report
from .compare_match import by_change, near_misses
from .configs import params_text
from .table import Table, fmt

CSV_COLUMNS = ["status", "kernel", "model", "ranks", "threads", "pes", "params", "scaling", "variant", "probe",
               "reps_a", "failed_a", "reps_b", "failed_b", "median_a_s", "median_b_s", "ratio", "change_pct",
               "shift_ratio", "ci95_lo", "ci95_hi", "ci_coverage", "ci_method", "p", "verdict",
               "failures_a", "failures_b"]
MAIN_COLUMNS = ["configuration", "median A (s)", "median B (s)", "B/A", "change", "95% CI of B/A", "p",
                "verdict", "reps A/B"]
METHOD = ("B/A: ratio of the median times (above 1: B slower). 95% CI: the Hodges-Lehmann shift of "
          "log(time) with its Moses interval (distribution-free, from the Mann-Whitney U distribution). "
          "Verdict: the two-sided Mann-Whitney U test at p < 0.05 with at least 6 repetitions on each side. "
          "See docs/compare.md.")


def pct_text(ratio):
    return None if ratio is None else "%+.1f%%" % (100 * (ratio - 1))


def _side(c, attr):
    return getattr(c, attr) if c is not None else None


def csv_table(rows):
    out = []
    for r in rows:
        s = r.shift or {}
        out.append([r.status, r.kernel, r.backend, r.ranks, r.threads, r.pes, params_text(r.params), r.scaling,
                    r.variant, r.probe, _side(r.a, "n"), _side(r.a, "n_failed"), _side(r.b, "n"),
                    _side(r.b, "n_failed"), _side(r.a, "median"), _side(r.b, "median"), r.ratio,
                    None if r.ratio is None else 100 * (r.ratio - 1), s.get("ratio"), s.get("lo"), s.get("hi"),
                    s.get("coverage"), s.get("method"), r.p, r.verdict,
                    "; ".join(r.a.failures) if r.a else None, "; ".join(r.b.failures) if r.b else None])
    return Table("compare", "Every configuration of either sweep", CSV_COLUMNS, out)


def ci_text(row):
    return "%s – %s" % (fmt(row.ci[0]), fmt(row.ci[1])) if row.ci else "n/a"


def main_table(compared):
    rows = [[r.label(), r.a.median, r.b.median, r.ratio, pct_text(r.ratio), ci_text(r), r.p, r.verdict,
             "%d/%d" % (r.a.n, r.b.n)] for r in compared]
    return Table("", "", MAIN_COLUMNS, rows)


def counts_text(rows):
    """'12 compared: 3 slower, 1 faster, 8 no difference; 2 only in A; 1 failed in B'."""
    compared, rest = by_change(rows)
    verdicts = {}
    for r in compared:
        verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
    text = "%d compared" % len(compared)
    if verdicts:
        text += ": " + ", ".join("%d %s" % (verdicts[v], v) for v in
                                 ("slower", "faster", "no difference", "not enough repetitions") if v in verdicts)
    statuses = {}
    for r in rest:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return "; ".join([text] + ["%d %s" % (n, s) for s, n in sorted(statuses.items())])


def blocks(names, differences, rows, figures, notes, pct, bad):
    """The report's blocks (report.py's format). names: (A, B) folder names; figures: [(stem, title, desc)];
    bad: the offenders of --fail-if-slower (None without it)."""
    compared, rest = by_change(rows)
    out = [("h", 1, "triobench comparison: %s against %s" % (names[1], names[0])),
           ("p", "A = %s (the reference), B = %s. %s." % (names[0], names[1], counts_text(rows)))]
    differ = [d[0] for d in differences if d[3]]
    out.append(("h", 2, "What differs"))
    out.append(("p", ("Differs: %s." % ", ".join(differ)) if differ else
                "Nothing differs in host, CPU, commit, compiler, flags or MPI library."))
    out.append(("table", Table("", "", ["field", "A", "B", ""], differences), None))
    if notes:
        out.append(("h", 2, "Notes"))
        out.extend(("p", "• " + n) for n in notes)
    if pct is not None:
        out.append(("h", 2, "Check: slower by more than %g%%" % pct))
        out.append(("p", "A configuration fails the check when the U test finds B slower (p < 0.05) and the "
                         "whole 95%% CI of B/A lies above %.4g, or when it ran in A and has no usable "
                         "repetition in B. %s" % (1 + pct / 100, "Failed: %d." % len(bad) if bad else "Passed.")))
        if bad:
            out.append(("table", main_table([r for r in bad if r.compared]), None))
            out.extend(("p", "• %s: %s in B" % (r.label(), r.side_text("B"))) for r in bad if not r.compared)
    out.append(("h", 2, "Configurations in both, by change"))
    out.append(("p", METHOD))
    for stem, title, desc in figures:
        out.append(("fig", stem, title, desc))
    out.append(("table", main_table(compared), None) if compared else ("p", "None."))
    out.append(("h", 2, "Not compared"))
    out.append(("p", "Configurations in only one sweep, or without a usable repetition in one of them "
                     "(failed or not validated runs count for nothing)."))
    out.append(("table", Table("", "", ["configuration", "status", "A", "B"],
                               [[r.label(), r.status, r.side_text("A"), r.side_text("B")] for r in rest]), None)
               if rest else ("p", "None."))
    misses = near_misses(rows)
    if misses:
        out.append(("p", "Same kernel, model and shape with other parameters (a size chosen by --size auto "
                         "depends on each machine's cache; give --size to both sweeps to compare them):"))
        out.extend(("p", "• %s in A, %s in B" % (a.label(), params_text(b.params))) for a, b in misses)
    out.append(("p", "All numbers at full precision: compare.csv."))
    return out


def write_all(out, names, differences, rows, figures, notes, pct, bad, formats):
    report.write_csv(csv_table(rows), out)
    blks = blocks(names, differences, rows, figures, notes, pct, bad)
    title = "triobench comparison: %s against %s" % (names[1], names[0])
    with open(os.path.join(out, "compare.md"), "w", encoding="utf-8") as fh:
        fh.write(report.render_md(blks, formats))
    with open(os.path.join(out, "compare.html"), "w", encoding="utf-8") as fh:
        fh.write(report.render_html(blks, formats, title))


def stdout_table(rows, limit=20):
    """The largest changes (at most limit lines: the top and bottom halves) and the counts."""
    compared, _ = by_change(rows)
    shown = compared if len(compared) <= limit else compared[:limit // 2] + [None] + compared[-(limit // 2):]
    width = min(60, max([len(r.label()) for r in compared] + [13]))
    lines = ["%-*s  %9s  %8s  %-19s  %s" % (width, "configuration", "B/A", "change", "95% CI", "verdict")]
    for r in shown:
        if r is None:
            lines.append("%-*s" % (width, "... (%d more in compare.md)" % (len(compared) - limit)))
            continue
        lines.append("%-*s  %9s  %8s  %-19s  %s" % (width, r.label()[:width], fmt(r.ratio), pct_text(r.ratio) or "n/a",
                                                     ci_text(r), r.verdict))
    lines.append(counts_text(rows))
    return "\n".join(lines)
