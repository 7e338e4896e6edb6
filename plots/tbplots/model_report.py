"""The report's "Performance model" and "What-if" sections (issue 12 §2), built apart from the rest.

cli.py calls attach() once the other charts are drawn; it evaluates the model, draws its charts
(into the report's figures folder, with a figure context of its own so they appear here only),
writes tables/model_*.csv and tables/whatif.csv, and leaves the report's blocks in
dataset.model_blocks, which report.blocks() adds as they are. A part the data cannot support is
one line saying what to run, never an empty chart.
"""

import os

from . import model, whatif
from .configs import params_text
from .table import Table

CLUSTER_HELP = ("the cluster of the what-if section: a TOML file with any of cores_per_node, "
                "memory_bandwidth_per_node_gbs, network_latency_us, network_bandwidth_gbs, "
                "peak_gflops_per_core, core_bandwidth_gbs (default: plots/clusters/infiniband.toml)")
WHATIF_COLUMNS = ["kernel", "params", "model", "efficiency η"] + ["speedup at %d PEs" % p for p in whatif.SHOWN]


def cluster(path):
    """The what-if's cluster, read before anything is written (bad input: UserError, one line)."""
    return whatif.load_cluster(path)


def _whatif_table(result):
    rows = []
    for k in result["kernels"]:
        for backend, pts in sorted(k["curves"].items()):
            at = dict(pts)
            rows.append([k["kernel"], params_text(k["params"]), backend, k["efficiency"]]
                        + [at.get(p) for p in whatif.SHOWN])
    return Table("whatif", "What-if: predicted speedups", WHATIF_COLUMNS, rows,
                 "Predicted, not measured: speedup over one core of the cluster described; omp stops at one "
                 "node. n/a: the model does not run there.")


def _draw(ctx, fn, arg, errors):
    try:
        fn(ctx, arg)
    except Exception as exc:  # one chart failing keeps the report (cli reports it)
        errors.append("%s failed: %s: %s" % (fn.__name__, exc.__class__.__name__, exc))


def attach(dataset, ctx, desc, out):
    """Evaluate, draw, write the CSV tables; set dataset.model_blocks. Returns chart errors."""
    from .report import write_csv   # report.py reads dataset.model_blocks; no import cycle at load time
    errors = []
    evaluation = model.evaluate(dataset)
    result = whatif.curves(evaluation, desc)
    if dataset.runs and all(r.simulated for r in dataset.runs):   # nothing to fit, nor anything to run for it
        evaluation["skipped"] = result["skipped"] = "every record is simulated; the model is this machine's"
    charts = None
    if ctx is not None:
        from . import figure, model_charts
        charts = figure.Context(ctx.outdir, ctx.formats, ctx.caption, ctx.mode)
        if not evaluation["skipped"]:
            _draw(charts, model_charts.model_vs_measured, evaluation, errors)
        if not result["skipped"]:
            _draw(charts, model_charts.whatif_charts, result, errors)
    figs = {stem: (title, desc_) for stem, title, desc_ in (charts.figures if charts else [])}
    blocks = [("h", 2, "Performance model: predicted beside measured")]
    blocks.append(("p", "Each run's time per iteration predicted from the machine's parameters fitted on this "
                        "sweep (memory bandwidth, compute peak, α and β of each model's messages, barrier and "
                        "allreduce overheads) and the work the kernel states it does (model_inputs); "
                        "docs/model.md gives the equations."))
    if model.simulated_note(dataset):
        blocks.append(("p", model.simulated_note(dataset)))
    tables = [model.machine_table(evaluation)]
    blocks.append(("table", tables[0], None))
    if evaluation["skipped"]:
        blocks.append(("p", "Model vs measured: " + evaluation["skipped"]))
    else:
        for stem, (title, text) in figs.items():
            if stem.startswith("model-"):
                blocks.append(("fig", stem, title, text))
        tables += [model.summary_table(evaluation), model.error_table(evaluation)]
        for t in tables[1:]:
            blocks += [("h", 3, t.title), ("p", t.note), ("table", t, None)]
    blocks.append(("h", 2, "What-if: a cluster (prediction, nothing measured)"))
    if result["skipped"]:
        blocks.append(("p", "What-if: " + result["skipped"]))
    else:
        blocks.append(("p", "Cluster: %s (%d cores per node, %g GB/s of memory bandwidth per node, network "
                            "α = %g µs and %g GB/s). Source: %s. Change it with plots/plot --cluster FILE." % (
                                desc.get("name", "?"), desc["cores_per_node"], desc["memory_bandwidth_per_node_gbs"],
                                desc["network_latency_us"], desc["network_bandwidth_gbs"], desc.get("source", "n/a"))))
        for stem, (title, text) in figs.items():
            if stem.startswith("whatif-"):
                blocks.append(("fig", stem, title, text))
        tables.append(_whatif_table(result))
        blocks.append(("table", tables[-1], None))
    for t in tables:
        write_csv(t, os.path.join(out, "tables"))
    dataset.model_blocks = blocks
    return errors
