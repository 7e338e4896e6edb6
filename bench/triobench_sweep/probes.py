"""Calibration probes: the short runs that give the roofline its two ceilings and the performance
model (tbcommon.perfmodel, docs/model.md) the figures it needs.

After the planned runs (unless --no-probes):
- bandwidth: when no validated nstream record of the sweep is DRAM-sized (its
  "working_set.regime" is "dram"), one `nstream --size auto` run, with omp at
  all its PEs (else the first backend that has nstream, at all its PEs);
- compute: the "peak" FMA-throughput probe (kind "probe" in the catalogue),
  serial at 1 PE and omp at all its PEs, whenever the catalogue has it;
- latency: when the sweep ran mpi or hybrid at two ranks or more over a
  transport and has no ping-pong record over it, `pingpong` at 2 ranks (mpi,
  else hybrid) at PINGPONG_BYTES, one run per size: the model's alpha and beta.

Probe records go into results.jsonl like any other, marked in their "sweep"
object: "probe": true, "role": "roofline", "ceiling": "bandwidth" | "compute" |
"latency". They are not configurations of the plan: the summary's configuration
rows, run counts and failure status leave them out; summary.json lists them
under "probes".
"""

from tbcommon import perfmodel

from .plan import Config, config_id
from .report import aligned, fmt_rate

PREFERRED = ("omp", "hybrid", "mpi", "serial")
RANKED = ("mpi", "hybrid")
# Three sizes over five decades: enough for a least-squares alpha and beta (two would fit exactly,
# with nothing to tell a bad point); each run is about a second, most of it the launcher.
PINGPONG_BYTES = (8, 65536, 1048576)


def is_probe(record):
    return perfmodel.is_probe(record)


def has_dram_nstream(records):
    return any(perfmodel.is_dram_bandwidth(r) for r in records)


def _transport(record):
    """A record's transport for the model: None and "shm" are one (shared memory on one host)."""
    t = (record.get("sweep") or {}).get("transport")
    return None if t in (None, "shm") else t


def pingpong_missing(records):
    """Transports (None: the default, or "shm") of ranked runs with no ping-pong record over them."""
    ranked = {_transport(r) for r in records if r.get("backend") in RANKED and (r.get("ranks") or 1) >= 2
              and perfmodel.usable(r) and r.get("kind") == "scaling"}
    measured = {_transport(r) for r in records if r.get("backend") in RANKED and perfmodel.is_pingpong(r)}
    return sorted(ranked - measured, key=str)


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
    return out + _pingpong_configs(catalogues, records, capacity)


def _pingpong_configs(catalogues, records, capacity):
    out = []
    for transport in pingpong_missing(records):
        b, entry = next(((b, _entry(catalogues, b, perfmodel.PINGPONG_KERNEL)) for b in RANKED
                         if _entry(catalogues, b, perfmodel.PINGPONG_KERNEL)), (None, None))
        if entry is None:
            break
        for size in PINGPONG_BYTES:
            cid = "probe." + config_id(entry["name"], b, 2, 1, None, None, {"bytes": size})
            out.append(Config(cid + (f".transport={transport}" if transport else ""), entry["name"], b, 2, 1,
                              params={"bytes": size}, oversubscribed=capacity.get(b, 1) < 2, transport=transport,
                              kind=entry.get("kind", "micro"), reps=1, probe="latency"))
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
    lines = [["roofline probe / model probe", "kernel", "backend", "shape", "rate", "working set", "validated"]]
    for p in rows:
        lines.append([p["ceiling"], p["kernel"], p["backend"], f"{p['ranks']}x{p['threads']}",
                      "FAILED (" + p["failure"] + ")" if p["failure"] else fmt_rate(p["rate"], p["rate_unit"]),
                      p["regime"] or "-", "yes" if p["validated"] else "no"])
    return aligned(lines)
