"""The summary table printed at the end of a sweep, and its verdict (tbcommon.verdict)."""

from tbcommon import verdict as tbverdict


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.2f} us"


def fmt_num(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def fmt_rate(value, unit):
    """Readable without exponents in the usual range: 19340, 523.4, 8.125, 0.0123."""
    if value is None:
        return "-"
    text = f"{value:.0f}" if 1000 <= abs(value) < 1e12 else f"{value:.4g}"
    return f"{text} {unit or ''}".strip()


def size_text(row, varying):
    parts = []
    if row["size_param"] and row["size"] == "auto":
        parts.append(f"{row['size_param']}={row['params'].get(row['size_param'], '?')} (auto)")
    elif row["size_param"] and row["size"] is not None:
        parts.append(f"{row['size_param']}={row['size']}")
    for k in varying:
        parts.append(f"{k}={row['params'].get(k)}")
    return " ".join(parts) or "-"


def _short(config_id):
    """stencil.mpi.2x1.n=1000 -> mpi 2x1 (the peers of a row share kernel and size)."""
    parts = config_id.split(".")
    return " ".join(parts[1:3]) if len(parts) >= 3 else config_id


def notes_of(row):
    notes = []
    if row["failed"]:
        notes.append(f"{row['failed']} failed: " + "; ".join(row["failures"]))
    if row.get("superlinear"):
        notes.append(f"SUPERLINEAR: {row['superlinear_cause']}")
    if row.get("significance") == "no significant difference":
        notes.append("no significant difference vs " + ", ".join(_short(c) for c in row["no_significant_difference"]))
    elif row.get("significance") == "fastest":
        notes.append("fastest at this PE count (CIs apart)")
    if row.get("best_of_shapes"):
        notes.append(f"best of {row['best_of_shapes']} shapes")
    if row["outlier_reps"]:
        notes.append("outliers: rep " + ",".join(str(r) for r in row["outlier_reps"]))
    if row["oversubscribed"]:
        notes.append("oversubscribed")
    return notes


def table(rows):
    """Rows of stats.summarize as aligned text tables: scaling kernels with speedup and efficiency,
    micro-benchmarks (kind micro) without them."""
    mixed = len({r.get("scaling") for r in rows}) > 1     # a kernel in both scalings: say which row is which
    params_by_kernel = {}          # the parameters that differ between a kernel's rows are shown
    for row in rows:
        params_by_kernel.setdefault(row["kernel"], []).append(row["params"])
    parts = []
    for micro in (False, True):
        chosen = [r for r in rows if (r.get("kind") == "micro") == micro]
        if not chosen:
            continue
        head = ["kernel", "backend", "shape", "size", "median time", "95% CI", "rate"]
        head += ["validated", "notes"] if micro else ["speedup", "effic.", "validated", "notes"]
        lines = [head]
        for row in chosen:
            ps = params_by_kernel[row["kernel"]]
            varying = sorted(k for k in ps[0] if k != row["size_param"] and len({str(p.get(k)) for p in ps}) > 1)
            ci = row["ci95_s"]
            line = [str(row["kernel"] or "?"),
                    str(row["backend"] or "?") + (f" {row['transport']}" if row.get("transport") else ""),
                    f"{row['ranks']}x{row['threads']}",
                    size_text(row, varying) + (f" ({row.get('scaling')})" if mixed else ""), fmt_time(row["median_s"]),
                    f"{fmt_time(ci[0])} .. {fmt_time(ci[1])}" if ci else "n/a",
                    fmt_rate(row["rate_median"], row["rate_unit"])]
            if not micro:
                line += [fmt_num(row["speedup"]), fmt_num(row["efficiency"])]
            lines.append(line + [f"{row['validated']}/{row['runs']}", "; ".join(notes_of(row))])
        parts.append(("micro-benchmarks (no speedup: their serial run is a no-op)\n" if micro else "")
                     + aligned(lines))
    return "\n\n".join(parts)


def aligned(lines):
    """Rows of cells (the first one the heading) as aligned text under a rule."""
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def verdict(records):
    """The verdict of the sweep (tbcommon.verdict, the report's rules), compact: per scaling kind a
    row per kernel, a column per PE count (the fastest model and its margin over the next, "tie",
    "few reps"), then each row's why; and a line for each part the records cannot give."""
    result = tbverdict.tables(tbverdict.from_records(records))
    parts = []
    for t in result["tables"]:
        lines = [["verdict: " + t["kind"]] + [f"{p} PE" + ("" if p == 1 else "s") for p in t["pes"]]]
        for row in t["rows"]:
            lines.append([row["label"]] + [tbverdict.cell_text(row["cells"][p], compact=True)
                                           if p in row["cells"] else "-" for p in t["pes"]])
        parts.append(aligned(lines) + "\n" + "\n".join(f"  why, {row['label']}: {row['why']}" for row in t["rows"]))
    parts.extend("verdict: " + m for m in result["missing"])
    return "\n\n".join(parts) if result["tables"] else "\n".join(parts)
