"""plots/plot --compare A B [--fail-if-slower PCT]: sweep B against sweep A.

Loads both folders (loader), sets their fault runs aside (faults), groups
each into configurations (configs), matches them (compare_match), says what
tells the sweeps apart (compare_meta), draws the chart (compare_chart,
matplotlib) and writes compare.csv / .md / .html (compare_report).
See docs/compare.md.

Exit status: 0 written; 1 with --fail-if-slower PCT: some configuration is
significantly slower than allowed, or ran in A and failed in B (one line per
offender on stderr), or the chart failed; 2 bad input (one line, nothing
written): a folder that is not a sweep, nothing in common, a bad PCT.
"""

import glob
import math
import os
import sys

from . import compare_match, compare_meta, compare_report, faults, loader
from .configs import group_configs
from .meta import describe

PROG = "plots/plot"


def _load(path, which):
    try:
        data = loader.load(path)
    except loader.UserError as exc:
        raise loader.UserError("--compare %s: %s" % (which, exc))
    faults.set_aside(data)  # runs with a fault on purpose are no measurements
    return data


def _name(data):
    return os.path.basename(os.path.normpath(os.path.abspath(data.folder))) or "A"


def _prepare(out):
    try:
        os.makedirs(os.path.join(out, "figures"), exist_ok=True)
    except OSError as exc:
        raise loader.UserError("cannot create %s: %s" % (out, exc.strerror or exc))
    if not os.access(out, os.W_OK):
        raise loader.UserError("cannot write to %s" % out)
    for path in glob.glob(os.path.join(out, "figures", "compare-*.*")):
        os.remove(path)   # an earlier run may have drawn more pages


def _chart(out, formats, names, data_a, data_b, compared, pct):
    """(figures, notes, errors) of the chart; notes say why there is none."""
    try:
        from . import compare_chart
        from .figure import Context
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "matplotlib":
            raise
        return [], ["chart skipped: matplotlib not found (install it with apt-get install python3-matplotlib)"], []
    text = "   ".join("%s = %s (%s, commit %s)" % (side, name, info["machine"], info["commit"]) for side, name, info in
                       (("A", names[0], describe(data_a)), ("B", names[1], describe(data_b))))
    ctx = Context(os.path.join(out, "figures"), formats, text, None)
    try:
        compare_chart.draw(ctx, compared, pct)
    except Exception as exc:  # keep the tables and the exit status
        return ctx.figures, ctx.notes, ["the comparison chart failed: %s: %s" % (exc.__class__.__name__, exc)]
    return ctx.figures, ctx.notes, []


def run(args):
    pct = args.fail_if_slower
    if pct is not None and not (math.isfinite(pct) and 0 <= pct < 1e6):
        raise loader.UserError("--fail-if-slower: %g is not a percentage >= 0" % pct)
    data_a, data_b = _load(args.compare[0], "A"), _load(args.compare[1], "B")
    names = (_name(data_a), _name(data_b))
    configs_a, configs_b = group_configs(data_a.runs), group_configs(data_b.runs)
    rows = compare_match.match(configs_a, configs_b)
    apart = compare_match.worlds_apart(configs_a, configs_b)
    if apart:
        raise loader.UserError(apart)
    if not any(r.a and r.b for r in rows):
        raise loader.UserError("%s and %s have no configuration in common (kernel, model, ranks x threads, "
                               "parameters): nothing to compare" % (names[0], names[1]))
    out = args.out or os.path.join(data_b.folder, "compare-vs-" + names[0])
    _prepare(out)
    compared, _ = compare_match.by_change(rows)
    figures, notes, errors = _chart(out, args.formats, names, data_a, data_b, compared, pct)
    warnings = ["A: " + w for w in data_a.warnings] + ["B: " + w for w in data_b.warnings] + notes
    notes = warnings + errors
    bad = None if pct is None else compare_match.offenders(rows, pct) + [
        r for r in rows if r.status == "failed in B"]
    compare_report.write_all(out, names, compare_meta.differences(data_a, data_b), rows, figures, notes, pct, bad,
                             args.formats if figures else [])
    for kind, lines in (("warning", warnings), ("error", errors)):
        for line in lines:
            print("%s: %s: %s" % (PROG, kind, line), file=sys.stderr)
    if not args.quiet:
        print(compare_report.stdout_table(rows))
        print("%s: comparison: %s" % (PROG, os.path.join(out, "compare.html")))
    for r in bad or []:
        what = ("%s slower (95%% CI %s, p = %.2g)" % (compare_report.pct_text(r.ratio), compare_report.ci_text(r), r.p)
                if r.compared else "%s in B" % r.side_text("B"))
        print("%s: slower than allowed (%g%%): %s: %s" % (PROG, pct, r.label(), what), file=sys.stderr)
    return 1 if bad or errors else 0
