"""plots/plot RESULTS_FOLDER [--out DIR] [--format png,svg,pdf] [--baseline best-serial|self]
                 [--charts auto|all|summary]
   plots/plot --compare A B [--fail-if-slower PCT] [--out DIR] [--format ...]  (compare.py)

Exit status: 0 done; 1 a chart failed (the report says which; the rest is
written); 2 bad input (one line on stderr, nothing written).
"""

import argparse
import glob
import os
import sys

from . import analysis, configs as configs_mod, faults, loader, meta, report, tables
from . import model_report  # issue 12 §2: performance model and what-if (model-py)

PROG = "plots/plot"
FORMATS = ("png", "svg", "pdf")
CHARTS = ("auto", "all", "summary")
MAX_STUDIES = 12   # --charts auto: more studies than this get the summary charts only (issue 16)
NO_MPL = ("matplotlib not found: install it with apt-get install python3-matplotlib "
          "(charts skipped; tables written)")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise loader.UserError("%s (see %s --help)" % (message, PROG))


def parse_args(argv):
    p = _Parser(prog=PROG, description=(
        "Draw every chart a triobench sweep supports and write report.html, report.md and CSV "
        "tables. Reads RESULTS_FOLDER/results.jsonl (one record per run) and meta.json."))
    p.add_argument("folder", metavar="RESULTS_FOLDER", nargs="?", help="a bench/sweep results folder")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two sweep folders instead "
                   "(B against A: ratio of times, its CI, U test; see docs/compare.md)")
    p.add_argument("--fail-if-slower", type=float, metavar="PCT", help="with --compare: exit 1 when a "
                   "configuration of B is significantly slower than A by more than PCT%%")
    p.add_argument("--out", metavar="DIR", help="where to write (default: RESULTS_FOLDER/report)")
    p.add_argument("--format", default="png", metavar="LIST",
                   help="figure formats, comma separated from png, svg, pdf (default: png)")
    p.add_argument("--baseline", default="best-serial", choices=analysis.BASELINES,
                   help="speedup baseline: the best serial median (default, Hoefler & Belli rule 1) "
                        "or each model's own 1-PE run")
    p.add_argument("--charts", default="auto", choices=CHARTS,
                   help="per-study charts: all, or summary only (an overview, the roofline, the "
                        "micro-benchmarks; every table stays); auto: all up to %d studies (default)"
                        % MAX_STUDIES)
    p.add_argument("--quiet", action="store_true", help="print errors only")
    p.add_argument("--cluster", metavar="TOML", help=model_report.CLUSTER_HELP)
    args = p.parse_args(argv)
    if (args.folder is None) == (args.compare is None):
        p.error("give one RESULTS_FOLDER, or --compare A B" if args.folder is None
                else "--compare A B takes no other folder (got %s)" % args.folder)
    if args.fail_if_slower is not None and not args.compare:
        p.error("--fail-if-slower needs --compare A B")
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise loader.UserError("--format: %s is not one of png, svg, pdf" % (",".join(bad) or "''"))
    args.formats = list(dict.fromkeys(formats))
    return args


def _prepare_out(out):
    try:
        os.makedirs(os.path.join(out, "figures"), exist_ok=True)
        os.makedirs(os.path.join(out, "tables"), exist_ok=True)
    except OSError as exc:
        raise loader.UserError("cannot create %s: %s" % (out, exc.strerror or exc))
    if not os.access(out, os.W_OK):
        raise loader.UserError("cannot write to %s" % out)
    # deterministic names: clear what an earlier run of this tool left there
    for pattern in ("figures/*.png", "figures/*.svg", "figures/*.pdf", "tables/*.csv"):
        for path in glob.glob(os.path.join(out, pattern)):
            os.remove(path)


def _charts_module():
    try:
        from . import charts
    except ModuleNotFoundError as exc:   # matplotlib missing; any other import error is a bug
        if (exc.name or "").split(".")[0] != "matplotlib":
            raise
        return None
    return charts


def run(argv):
    args = parse_args(argv)
    if args.compare:
        from . import compare
        return compare.run(args)
    cluster = model_report.cluster(args.cluster)
    data = loader.load(args.folder)
    info = meta.describe(data)
    faults.set_aside(data)  # runs with a fault on purpose are no measurements
    out = args.out or os.path.join(data.folder, "report")
    configs = configs_mod.group_configs(data.runs)
    studies = analysis.build_studies(configs)
    charts = _charts_module()
    _prepare_out(out)
    ctx, errors = None, []
    if charts is None:
        print(NO_MPL, file=sys.stderr)
    else:
        per_study = args.charts == "all" or (args.charts == "auto" and len(studies) <= MAX_STUDIES)
        ctx = charts.Context(os.path.join(out, "figures"), args.formats, meta.caption(info), args.baseline,
                             study_charts=per_study)
        if not per_study:
            ctx.notes.append("%d studies: per-study charts not drawn (summary charts and every table are); "
                             "plots/plot %s --charts all draws them" % (len(studies), args.folder))
        errors = charts.draw_all(ctx, configs, studies)
    errors += model_report.attach(data, ctx, cluster, out)
    tbls = tables.build(data, configs, studies, args.baseline)
    report.write_all(out, data, info, configs, studies, tbls, ctx, errors, args.baseline, args.formats)
    for w in data.warnings:
        print("%s: warning: %s" % (PROG, w), file=sys.stderr)
    for e in errors:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
    if not args.quiet:
        nfig = len(ctx.figures) if ctx else 0
        print("%s: %d runs, %d configurations, %d figures; report: %s" % (
            PROG, len(data.runs), len(configs), nfig, os.path.join(out, "report.html")))
    return 1 if errors else 0


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except loader.UserError as exc:
        print("%s: error: %s" % (PROG, exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("%s: interrupted" % PROG, file=sys.stderr)
        return 130
