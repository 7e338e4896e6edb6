"""Roofline probes: the short calibration runs that give the roofline its two ceilings.

After the planned runs (unless --no-probes):
- bandwidth: when no validated nstream record of the sweep is DRAM-sized (its
  "working_set.regime" is "dram"), one `nstream --size auto` run, with omp at
  all its PEs (else the first backend that has nstream, at all its PEs);
- compute: the "peak" FMA-throughput probe (kind "probe" in the catalogue),
  serial at 1 PE and omp at all its PEs, whenever the catalogue has it.

Probe records go into results.jsonl like any other, marked in their "sweep"
object: "probe": true, "role": "roofline", "ceiling": "bandwidth" | "compute".
They are not configurations of the plan: the summary's configuration rows,
run counts and failure status leave them out; summary.json lists them under
"probes".
"""

from .plan import Config, config_id
from .report import aligned, fmt_rate

PREFERRED = ("omp", "hybrid", "mpi", "serial")


def is_probe(record):
    sweep = record.get("sweep")
    return isinstance(sweep, dict) and sweep.get("probe") is True


def _ok(record):
    return record.get("validated") is True and not (record.get("sweep") or {}).get("failure")


def has_dram_nstream(records):
    return any(r.get("kernel") == "nstream" and _ok(r)
               and (r.get("working_set") or {}).get("regime") == "dram" for r in records)


def _entry(catalogues, backend, name):
    for k in (catalogues.get(backend) or {}).get("kernels", []):
        if k.get("name") == name:
            return k
    return None


def _shape(backend, pes):
    if backend == "serial":
        return 1, 1
    if backend == "mpi":
        return pes, 1
    return 1, pes                     # omp; hybrid: one rank of threads


def _config(ceiling, entry, backend, pes):
    ranks, threads = _shape(backend, pes)
    auto = (entry.get("size") or {}).get("auto")
    size_param = entry.get("size_param")
    size = "auto" if ceiling == "bandwidth" and size_param and auto else None
    cid = "probe." + config_id(entry["name"], backend, ranks, threads, size_param, size, {})
    return Config(cid, entry["name"], backend, ranks, threads, size_param, size, size, {}, None, None,
                  kind=entry.get("kind", "scaling"), reps=1, probe=ceiling)


def configs(catalogues, records, capacity):
    """The probe runs this sweep needs, given its catalogues (backend -> catalogue) and its records."""
    out = []
    if not has_dram_nstream(records):
        for b in PREFERRED:
            entry = _entry(catalogues, b, "nstream")
            if entry is not None:
                out.append(_config("bandwidth", entry, b, max(1, capacity.get(b, 1))))
                break
    peak = [(b, _entry(catalogues, b, "peak")) for b in PREFERRED]
    peak = [(b, e) for b, e in peak if e is not None]
    if peak:
        wanted = [(b, e, 1 if b == "serial" else capacity.get(b, 1)) for b, e in peak if b in ("serial", "omp")]
        if not wanted:                 # neither serial nor omp in this sweep: the first backend, all its PEs
            b, e = peak[0]
            wanted = [(b, e, capacity.get(b, 1))]
        out += [_config("compute", e, b, max(1, pes)) for b, e, pes in wanted]
    return out


def summary(records):
    """The probe runs' results, for summary.json's "probes" and the table."""
    rows = []
    for r in records:
        if not is_probe(r) or r["sweep"].get("record_index", 0) != 0:
            continue
        rate = r.get("rate") or {}
        rows.append({"config_id": r["sweep"].get("config_id"), "ceiling": r["sweep"].get("ceiling"),
                     "kernel": r.get("kernel"), "backend": r.get("backend"), "ranks": r.get("ranks"),
                     "threads": r.get("threads"), "params": r.get("params"),
                     "rate": rate.get("value"), "rate_unit": rate.get("unit"),
                     "regime": (r.get("working_set") or {}).get("regime"),
                     "validated": r.get("validated") is True, "failure": r["sweep"].get("failure")})
    return rows


def table(rows):
    lines = [["roofline probe", "kernel", "backend", "shape", "rate", "working set", "validated"]]
    for p in rows:
        lines.append([p["ceiling"], p["kernel"], p["backend"], f"{p['ranks']}x{p['threads']}",
                      "FAILED (" + p["failure"] + ")" if p["failure"] else fmt_rate(p["rate"], p["rate_unit"]),
                      p["regime"] or "-", "yes" if p["validated"] else "no"])
    return aligned(lines)
