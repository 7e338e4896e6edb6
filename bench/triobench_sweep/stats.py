"""Statistics of the repetitions of each configuration (the arithmetic is tbcommon.stats).

- median, min, max of the runs' median iteration times;
- the 95% distribution-free confidence interval of the median (from 6
  repetitions; below that "n/a");
- outliers by Tukey's fences, flagged, never dropped;
- speedup against the best serial median of the same kernel and size, and
  efficiency = speedup / PEs. Under weak scaling the baseline is the serial
  run at the 1-PE size; efficiency = T(1) / T(P) and speedup = efficiency * P
  (the scaled speedup).
"""

import json

from tbcommon.stats import median, median_ci, tukey_outliers


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
        rows.append({
            "config_id": cid,
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
        })
    _speedups(rows, scaling)
    return rows, outliers


def _baseline_key(row, use_base_size):
    params = dict(row["params"])
    if use_base_size and row["size_param"] and row["size_param"] in params:
        params[row["size_param"]] = row["base_size"]
    return row["kernel"], json.dumps(params, sort_keys=True)


def _speedups(rows, scaling):
    weak = scaling == "weak"
    best = {}
    for row in rows:
        if row["backend"] == "serial" and row["median_s"]:
            key = _baseline_key(row, False)
            if key not in best or row["median_s"] < best[key]:
                best[key] = row["median_s"]
    for row in rows:
        base = best.get(_baseline_key(row, weak))
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
