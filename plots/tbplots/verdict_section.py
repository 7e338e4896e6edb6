"""The report's "Verdict" section: which model wins where, by how much, whether it is real, and
why (issue 12 §1). The rules are tbcommon.verdict's, the same the sweep's summary prints; this
module only turns configurations into its entries and its result into report blocks and a CSV
table. Standard library only.
"""

from tbcommon import verdict

from . import micro, roofline
from .table import Table

MAX_COLUMNS = 8   # PE counts shown per table; every one is in tables/verdict.csv
INTRO = ("Per kernel and PE count: the fastest model (hybrid: its fastest ranks × threads shape) and how "
         "many times faster it is than the next (ratio of the medians), when its 95% CI of the median is "
         "apart from every other model's and a Mann–Whitney U test on the repetitions agrees (p < 0.05); "
         "otherwise \"tie\". Fewer than 6 repetitions: \"not enough repetitions to tell\". The last column "
         "says why, from the data, by the rules of docs/plots.md (Verdict).")
CSV_COLUMNS = ["scaling", "simulated", "row", "pes", "status", "fastest", "next", "ratio", "p_value", "tied", "why_rule", "why"]


def entries(configs):
    """One tbcommon.verdict entry per configuration with a usable run (hand-offs left out). The model is
    the plain one ("mpi"): build() keeps simulated configurations in verdict tables of their own."""
    out = []
    for c in configs:
        if not c.usable or micro.is_handoff(c):
            continue
        probe = c.probe or c.kind == "probe"
        kind = "micro" if c.kind == "micro" else c.scaling
        ws = c.working_set or {}
        out.append(verdict.entry(c.kernel, kind, c.model, c.shape, c.pes, c.times, c.params, c.flops, c.bytes,
                                 c.breakdown, ws.get("regime"), ws.get("ratio"), probe, c.ceiling))
    return out


def build(configs):
    """tbcommon.verdict.tables() of these configurations, with the roofline's bandwidth ceiling.

    Simulated configurations (simulated.py) get verdict tables of their own, one per platform, titled
    and worded as simulated, after the measured ones: a simulated run is never compared with a
    measured one, and this machine's bandwidth ceiling is not a simulated cluster's (their
    memory-bound rule is off). Every table carries "simulated": its label, or None."""
    real = [c for c in configs if not c.simulated]
    by_label = {}
    for c in configs:
        if c.simulated:
            by_label.setdefault(c.simulated, []).append(c)
    result = {"tables": [], "missing": []}
    if real or not by_label:
        bw, _ = roofline.bandwidth_ceiling(real)
        es = entries(real)
        part = verdict.tables(es, bw["value"] if bw else verdict.bandwidth_ceiling(es))
        for t in part["tables"]:
            t["simulated"] = None
        result["tables"] += part["tables"]
        result["missing"] += part["missing"]
    for label, cs in sorted(by_label.items()):
        part = verdict.tables(entries(cs), 0.0)   # 0: no ceiling, and none asked for
        for t in part["tables"]:
            t["simulated"] = label
            t["title"] = "%s — %s (SimGrid SMPI: not measured on hardware)" % (t["title"], label.upper())
            for r in t["rows"]:
                r["why"] = "%s%s: %s" % (label[0].upper(), label[1:], r["why"])
        result["tables"] += part["tables"]
        result["missing"] += ["%s: %s" % (label, m) for m in part["missing"] if "no scaling kernel" not in m]
    if any(t["kind"] != "micro" for t in result["tables"]):
        result["missing"] = [m for m in result["missing"] if "no scaling kernel" not in m]
    return result


def _pe_head(p):
    return "%d PE%s" % (p, "" if p == 1 else "s")


def blocks(result):
    """Report blocks: the heading, what the cells mean, a table per scaling kind, and one line per
    part the data cannot give (what to run to get it)."""
    out = [("h", 2, "Verdict")]
    if not result["tables"]:
        out.append(("p", "No verdict: no usable run."))
    else:
        out.append(("p", INTRO))
    for t in result["tables"]:
        shown = verdict.pick(t["pes"], MAX_COLUMNS)
        out.append(("h", 3, t["title"]))
        if len(shown) < len(t["pes"]):
            out.append(("p", "%d of %d PE counts shown; every one is in tables/verdict.csv."
                        % (len(shown), len(t["pes"]))))
        rows = [[r["label"]] + [verdict.cell_text(r["cells"][p]) if p in r["cells"] else "not run" for p in shown]
                + [r["why"]] for r in t["rows"]]
        out.append(("table", Table("", "", ["kernel"] + [_pe_head(p) for p in shown] + ["why"], rows), None))
    out.extend(("p", "• " + m) for m in result["missing"])
    return out


def csv_table(result):
    rows = []
    for t in result["tables"]:
        for r in t["rows"]:
            for p, c in sorted(r["cells"].items()):
                rows.append([t["kind"], t.get("simulated"), r["label"], p, c["status"], verdict.name(c["best"]) if c["best"] else None,
                             verdict.name(c["next"]) if c["next"] else None, c["margin"], c["p"],
                             "; ".join(verdict.name(e) for e in c["tied"]) or None, r["rule"], r["why"]])
    return Table("verdict", "Verdict per kernel and PE count", CSV_COLUMNS, rows)
