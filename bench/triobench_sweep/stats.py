"""Statistics of the repetitions of each configuration (the arithmetic is tbcommon.stats).

- median, min, max of the runs' median iteration times;
- the 95% distribution-free confidence interval of the median (from 6
  repetitions; below that "n/a");
- outliers by Tukey's fences, flagged, never dropped;
- speedup against the best serial median of the same kernel and size, and
  efficiency = speedup / PEs. Under weak scaling the baseline is the serial
  run at the 1-PE size; efficiency = T(1) / T(P) and speedup = efficiency * P
  (the scaled speedup). Micro-benchmarks (kind "micro", halo included) get
  none: a speedup against a serial no-op means nothing;
- an efficiency above 1 is flagged "superlinear" with its likely cause, read
  from the records' working set by tbcommon.superlinear (the plots' rules too),
  "within noise" when the efficiency at the top of the median's 95% CI is <= 1;
- configurations of one kernel, size and PE count whose 95% confidence
  intervals of the median overlap are marked "no significant difference"
  rather than ranked;
- hybrid: every ranks x threads shape has its row; the fastest of a PE count
  is marked "best of N shapes".
"""

import json

from tbcommon.models import BACKENDS

from tbcommon import superlinear
from tbcommon.stats import intervals_overlap, median, median_ci, tukey_outliers

# What the flags of a summary row mean (summary.json carries this under "flags").
FLAGS = {
    "superlinear": "efficiency > 1.0; superlinear_cause gives the likely cause from the working set",
    "no_significant_difference": "config_ids of the same kernel, size and PE count whose 95% CI of the "
                                 "median overlaps this one's: not ranked against each other",
    "significance": "'fastest' (CI below every other's at this PE count), 'no significant difference', "
                    "'slower' (a CI entirely above another's, none overlapping) or null (no CI: fewer than "
                    "6 repetitions)",
    "best_of_shapes": "hybrid: N when this shape is the fastest of N shapes at its PE count, else null",
    "speedup": "null for micro-benchmarks (kind micro) and without a serial baseline",
}


def _get(d, *path):
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _ok(rec):
    return rec.get("sweep", {}).get("failure") is None and rec.get("validated") is True


def group_key(rec):
    """Records of one configuration with the same params (micro-benchmarks: one per message size)."""
    return (rec.get("sweep", {}).get("config_id"), json.dumps(rec.get("params"), sort_keys=True))


def summarize(records, configs, scaling):
    """Summary rows (one per configuration and params) plus the outlier flag of each record.

    configs: config_id -> Config (the plan). Returns (rows, outliers) where outliers
    maps (config_id, rep, params json) -> bool.
    """
    groups, made = {}, []
    for rec in records:
        if "time" not in rec:          # the sweep's own record of a run that produced none
            made.append(rec)
        else:
            groups.setdefault(group_key(rec), []).append(rec)
    for rec in made:                   # counts against every group of its configuration
        cid = rec.get("sweep", {}).get("config_id")
        keys = [k for k in groups if k[0] == cid] or [group_key(rec)]
        for k in keys:
            groups.setdefault(k, []).append(rec)
    rows, outliers = [], {}
    for (cid, params_json), recs in groups.items():
        cfg = configs.get(cid)
        recs.sort(key=lambda r: r["sweep"].get("rep", 0))
        ok = [r for r in recs if _ok(r) and isinstance(_get(r, "time", "median"), (int, float))]
        times = [_get(r, "time", "median") for r in ok]
        rates = [_get(r, "rate", "value") for r in ok if isinstance(_get(r, "rate", "value"), (int, float))]
        flags = tukey_outliers(times)
        for r, flag in zip(ok, flags):
            outliers[(cid, r["sweep"].get("rep"), params_json)] = flag
        ci = median_ci(times)
        first = next((r for r in recs if "time" in r), recs[0])
        params = first.get("params") or {}
        ws = next((r.get("working_set") for r in ok if isinstance(r.get("working_set"), dict)), None)
        rows.append({
            "config_id": cid,
            "scaling": (cfg.scaling if cfg else None) or (first.get("sweep") or {}).get("scaling") or scaling,
            "kernel": first.get("kernel"), "backend": first.get("backend"),
            "ranks": first.get("ranks"), "threads": first.get("threads"),
            "pes": first.get("pes") or ((first.get("ranks") or 1) * (first.get("threads") or 1)),
            "params": params,
            "size_param": cfg.size_param if cfg else None,
            "size": cfg.size if cfg else None,
            "base_size": cfg.base_size if cfg else None,
            "oversubscribed": bool(cfg.oversubscribed) if cfg else False,
            "transport": (first.get("sweep") or {}).get("transport"),
            "runs": len(recs), "ok": len(ok),
            "validated": sum(1 for r in recs if r.get("validated") is True),
            "failed": sum(1 for r in recs if r.get("sweep", {}).get("failure") is not None),
            "failures": sorted({r["sweep"]["failure"] for r in recs if r.get("sweep", {}).get("failure")}),
            "median_s": median(times), "min_s": min(times) if times else None,
            "max_s": max(times) if times else None,
            "ci95_s": [ci["lo"], ci["hi"]] if ci else None,
            "ci_coverage": ci["coverage"] if ci else None,
            "rate_median": median(rates), "rate_unit": _get(first, "rate", "unit"),
            "outlier_reps": [r["sweep"].get("rep") for r, flag in zip(ok, flags) if flag],
            "kind": first.get("kind") or (cfg.kind if cfg else None),
            "working_set": ws,
        })
    order = {b: i for i, b in enumerate(BACKENDS)}
    rows.sort(key=lambda r: (str(r["kernel"]), r["scaling"] == "weak", order.get(r["backend"], len(order)), r["pes"] or 0,
                             r["ranks"] or 0, _params_order(r["params"])))
    _speedups(rows)
    _superlinear(rows)
    _significance(rows)
    _best_shapes(rows)
    return rows, outliers


def _params_order(params):
    """Parameters in a sortable form, numbers by value (8 B before 1 KiB)."""
    out = []
    for k, v in sorted((params or {}).items()):
        num = isinstance(v, (int, float)) and not isinstance(v, bool)
        out.append((k, 0 if num else 1, v if num else 0, "" if num else str(v)))
    return out


def _superlinear(rows):
    """Flag efficiency > 1 with its likely cause (tbcommon.superlinear, the plots' rule set too)."""
    for row in rows:
        eff, ci = row["efficiency"], row.get("ci95_s")
        low = eff * row["median_s"] / ci[1] if eff is not None and ci and ci[1] else None
        found = superlinear.cause(eff, row["pes"] or 1, row["working_set"], low)
        row["superlinear"] = found is not None
        row["superlinear_cause"] = found[1] if found else None


def _peers(rows, key):
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups.values()


def _compare_key(row):
    return row["kernel"], row["scaling"], json.dumps(row["params"], sort_keys=True), row["pes"]


def _significance(rows):
    """Rows of one kernel, size and PE count: overlapping 95% CIs are 'no significant difference'."""
    for group in _peers(rows, _compare_key):
        for row in group:
            row["no_significant_difference"] = []
            row["significance"] = None
            ci = row["ci95_s"]
            others = [o for o in group if o is not row and o["ci95_s"]]
            if not ci or not others:
                continue
            overlap = [o for o in others if intervals_overlap(o["ci95_s"], ci)]
            row["no_significant_difference"] = [o["config_id"] for o in overlap]
            if overlap:
                row["significance"] = "no significant difference"
            elif all(ci[1] < o["ci95_s"][0] for o in others):
                row["significance"] = "fastest"
            else:
                row["significance"] = "slower"


def _best_shapes(rows):
    for row in rows:
        row["best_of_shapes"] = None
    hybrid = [r for r in rows if r["backend"] == "hybrid" and r["median_s"]]
    for group in _peers(hybrid, lambda r: _compare_key(r) + (r.get("transport"),)):
        if len(group) > 1:
            min(group, key=lambda r: r["median_s"])["best_of_shapes"] = len(group)


def _baseline_key(row, use_base_size):
    params = dict(row["params"])
    if use_base_size and row["size_param"] and row["size_param"] in params:
        params[row["size_param"]] = row["base_size"]
    return row["scaling"], row["kernel"], json.dumps(params, sort_keys=True)


def _speedups(rows):
    """Each row against the serial baseline of its own scaling (a kernel may be in both)."""
    best = {}
    for row in rows:
        if row["backend"] == "serial" and row["median_s"]:
            key = _baseline_key(row, False)
            if key not in best or row["median_s"] < best[key]:
                best[key] = row["median_s"]
    for row in rows:
        weak = row["scaling"] == "weak"
        base = best.get(_baseline_key(row, weak))
        if row.get("kind") == "micro":         # a serial no-op is no baseline
            base = None
        row["baseline_s"] = base
        if base and row["median_s"]:
            pes = row["pes"] or 1
            if weak:
                row["efficiency"] = base / row["median_s"]
                row["speedup"] = row["efficiency"] * pes
            else:
                row["speedup"] = base / row["median_s"]
                row["efficiency"] = row["speedup"] / pes
        else:
            row["speedup"] = row["efficiency"] = None
