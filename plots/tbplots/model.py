"""The performance model's tables (issue 12 §2; the model itself is tbcommon.perfmodel, docs/model.md).

Standard library only. machine: the parameters fitted from the sweep; errors: one row per
configuration, measured beside predicted; summary: the median absolute error per kernel and overall.
"""

from tbcommon import perfmodel

from .configs import backend_order, params_text
from .table import Table

ERROR_COLUMNS = ["kernel", "params", "model", "ranks×threads", "PEs", "reps", "measured ms", "predicted ms",
                 "error %", "roofline-only ms", "roofline-only error %", "bound", "efficiency η",
                 "compute ms", "messages ms", "collectives ms", "team sync ms", "inputs exact", "note"]
SUMMARY_COLUMNS = ["kernel", "configurations predicted", "median |error| %", "roofline-only: configurations",
                   "roofline-only: median |error| %"]
ERROR_NOTE = ("error = predicted / measured − 1, on the median time per iteration over the repetitions. "
              "predicted: the roofline's compute time scaled by the kernel's efficiency η (its one-PE run's "
              "measured time over its roofline time) plus messages, collectives and team synchronisation; "
              "roofline-only: the same with η = 1. The row that fixed η is marked 'calibration' and left "
              "out of the medians. docs/model.md gives the equations.")


def evaluate(dataset):
    """perfmodel.evaluate over the dataset's measured records (fault runs already set aside). Simulated
    records (simulated.py) are left out: the model fits this machine's bandwidth, peak, α and β, and
    a simulated run is a platform file's network and this machine's core, not this machine."""
    return perfmodel.evaluate([r.raw for r in dataset.runs if not r.simulated])


def simulated_note(dataset):
    """One sentence when simulated records were left out of the model, else None."""
    n = sum(1 for r in dataset.runs if r.simulated)
    if not n:
        return None
    return ("%d simulated record%s (SimGrid SMPI) left out of the model: its parameters are this machine's, and "
            "a simulated run measures a platform file, not this machine%s." % (
                n, "" if n == 1 else "s", "" if any(not r.simulated for r in dataset.runs)
                else "; this sweep has no measured record to fit"))


def _ms(seconds):
    return None if seconds is None else seconds * 1e3


def _pct(fraction):
    return None if fraction is None else round(fraction * 100.0, 1)


def sorted_rows(evaluation):
    return sorted(evaluation["rows"], key=lambda r: (r["kernel"], r["params_key"], r["pes"],
                                                     backend_order(r["model"]), r["ranks"]))


def error_table(evaluation):
    rows = []
    for r in sorted_rows(evaluation):
        parts = r["parts"] or {}
        note = "calibration (fixes η)" if r["calibration"] else "; ".join(r["notes"])
        if r["roofline"] is not None and r["predicted"] is None and not note:
            note = "no one-PE run of this kernel: η unknown"
        rows.append([r["kernel"], params_text(r["params"]), r["model"], "%d×%d" % (r["ranks"], r["threads"]),
                     r["pes"], r["reps"], _ms(r["measured"]), _ms(r["predicted"]), _pct(r.get("error")),
                     _ms(r["roofline"]), _pct(r.get("roofline_error")), parts.get("bound"), r["efficiency"],
                     _ms(parts.get("compute")), _ms(parts.get("p2p")), _ms(parts.get("collectives")),
                     _ms(parts.get("team")), r["exact"] if r["inputs"] else None, note or None])
    return Table("model_errors", "Performance model: predicted beside measured, per configuration",
                 ERROR_COLUMNS, rows, ERROR_NOTE)


def summary_table(evaluation):
    s = evaluation["summary"]
    rows = [[k, b["n"], _pct(b["calibrated"]), b["n_roofline"], _pct(b["roofline"])]
            for k, b in s["kernels"].items()]
    o = s["overall"]
    rows.append(["all kernels", o["n"], _pct(o["calibrated"]), o["n_roofline"], _pct(o["roofline"])])
    return Table("model_summary", "Performance model: median absolute error", SUMMARY_COLUMNS, rows,
                 "Median of |predicted / measured − 1| over the configurations predicted (calibration rows "
                 "left out of the first two columns).")


def machine_table(evaluation):
    m = evaluation["machine"]
    rows = []
    for p, bw in sorted(m["bandwidth"].items()):
        rows.append(["memory bandwidth, %d PE%s" % (p, "" if p == 1 else "s"),
                     "%.3g GB/s (%.3g GB/s per PE)" % (bw / 1e9, bw / p / 1e9), "DRAM-sized nstream, best configuration"])
    for p, pk in sorted(m["peak"].items()):
        rows.append(["compute peak, %d PE%s" % (p, "" if p == 1 else "s"),
                     "%.3g GFLOP/s (%.3g per PE)" % (pk / 1e9, pk / p / 1e9), "peak probe (FMA throughput)"])
    for name, fit in sorted(m["p2p"].items(), key=lambda kv: backend_order(kv[0])):
        rows.append(["α, β (%s)" % name, "α = %.3g µs, β = %.3g ns/B (%.3g GB/s)" % (
            fit["alpha"] * 1e6, fit["beta"] * 1e9, 1.0 / fit["beta"] / 1e9 if fit["beta"] else float("inf")),
            "Hockney fit (least squares, relative residuals) over %d ping-pong records at %d sizes; rms %.0f%%%s"
            % (fit["points"], fit["sizes"], fit["rms_rel"] * 100,
               "; %s clamped at 0" % fit["clamped"] if fit["clamped"] else "")])
    for (model, ranks, threads), t in sorted(m["barrier_s"].items(), key=lambda kv: (backend_order(kv[0][0]), kv[0][1:])):
        rows.append(["barrier, %s %d×%d" % (model, ranks, threads), "%.3g µs" % (t * 1e6), "barrier records (median)"])
    for (model, ranks, threads), table in sorted(m["allreduce_s"].items(),
                                                 key=lambda kv: (backend_order(kv[0][0]), kv[0][1:])):
        rows.append(["allreduce, %s %d×%d" % (model, ranks, threads),
                     ", ".join("%g B: %.3g µs" % (b, t * 1e6) for b, t in sorted(table.items())),
                     "allreduce records (median)"])
    return Table("model_machine", "Performance model: the machine's parameters, from this sweep",
                 ["parameter", "value", "from"], rows)
