"""What-if: predicted speedups on a cluster this sweep never ran on (issue 12 §2; docs/model.md).

Standard library only. A cluster is a few numbers (plots/clusters/infiniband.toml holds the defaults
and their source; `plots/plot --cluster FILE` overrides any of them):

    cores_per_node, memory_bandwidth_per_node_gbs, network_latency_us, network_bandwidth_gbs,
    and optionally peak_gflops_per_core and core_bandwidth_gbs (default: this machine's, measured).

Each kernel's work comes from its records' model_inputs, the machine's figures from the sweep
(tbcommon.perfmodel), extrapolated in the PE count P:
- flops and bytes per PE: the one-PE run's divided by P (a perfect split);
- messages per rank (count and bytes): a power law in the rank count through the two largest rank
  counts measured (held constant when only one was), zero at one rank;
- collectives and team synchronisations per iteration: as at the largest count measured (a
  gather's, allgather's or alltoall's contribution per rank shrinks as 1/R: the whole is fixed); each
  collective costs an alpha-beta tree inside a node (this machine's shared-memory alpha and beta)
  plus one across the nodes (the cluster's network);
- mpi: P ranks, min(P, cores) per node; hybrid: one rank per node, min(P, cores) threads; omp: one
  node only. A message crosses the network as soon as there are two nodes (the critical path).
Speedup = the one-PE time on one core of the cluster / the time at P PEs.
"""

import math
import os

try:
    import tomllib                         # Python 3.11 and later
except ModuleNotFoundError:                # older: no what-if (plots/plot itself runs from 3.8)
    tomllib = None

from tbcommon import perfmodel
from tbcommon.errors import UserError

DEFAULT_CLUSTER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "clusters",
                               "infiniband.toml")
PES = [2 ** i for i in range(11)]          # 1 .. 1024
SHOWN = (64, 1024)                         # the two ends the report quotes
KEYS = {"name": str, "source": str, "cores_per_node": int, "memory_bandwidth_per_node_gbs": float,
        "network_latency_us": float, "network_bandwidth_gbs": float, "peak_gflops_per_core": float,
        "core_bandwidth_gbs": float}
# Collectives whose per-rank contribution is a share of a whole (strong scaling: it shrinks as 1/R);
# the others (allreduce, bcast, reduce: a vector every rank holds whole) keep their size.
SPLIT_OPS = ("gather", "allgather", "alltoall")
REQUIRED = ("cores_per_node", "memory_bandwidth_per_node_gbs", "network_latency_us", "network_bandwidth_gbs")


def _read(path):
    if tomllib is None:
        raise UserError("--cluster %s: reading TOML needs Python 3.11 or later (tomllib)" % path)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise UserError("--cluster %s: %s" % (path, exc.strerror or exc))
    except tomllib.TOMLDecodeError as exc:
        raise UserError("--cluster %s: not TOML (%s)" % (path, exc))


def _check(values, path):
    for key, value in values.items():
        kind = KEYS.get(key)
        if kind is None:
            raise UserError("%s: unknown key %r (known: %s)" % (path, key, ", ".join(sorted(KEYS))))
        if kind is str:
            if not isinstance(value, str):
                raise UserError("%s: %s must be a string" % (path, key))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1e9 \
                or (kind is int and value != int(value)):
            raise UserError("%s: %s must be a positive %s, not %r" % (
                path, key, "whole number" if kind is int else "number", value))


def load_cluster(path=None):
    """The cluster: the defaults file, with the keys of `path` (a TOML file) over them. UserError on
    a file that cannot be read, unknown keys or values that are not positive numbers. None without
    tomllib (Python before 3.11) and no file given: the what-if is then left out."""
    if tomllib is None and not path:
        return None
    cluster = _read(DEFAULT_CLUSTER)
    _check(cluster, DEFAULT_CLUSTER)
    if path:
        given = _read(path)
        _check(given, path)
        cluster.update(given)
        if "name" not in given:
            cluster["name"] = "%s, overridden by %s" % (cluster.get("name", "cluster"), os.path.basename(path))
    missing = [k for k in REQUIRED if k not in cluster]
    if missing:
        raise UserError("cluster description lacks %s" % ", ".join(missing))
    return cluster


def _power_law(points, r):
    """q(r) through the two largest measured rank counts (q = a r^e), constant with one, 0 at r = 1."""
    if r <= 1 or not points:
        return 0.0
    pts = sorted(points)
    (r2, q2) = pts[-1]
    if len(pts) < 2 or q2 <= 0 or pts[-2][1] <= 0:
        return q2
    r1, q1 = pts[-2]
    return q2 * (r / r2) ** (math.log(q2 / q1) / math.log(r2 / r1))


def _largest(rows, key):
    return max(rows, key=key) if rows else None


class Kernel:
    """What the what-if knows of one kernel: its one-PE work, its message laws, its synchronisations."""

    def __init__(self, ref, rows):
        per_pe = ref["inputs"].get("per_pe") or {}
        self.name = ref["kernel"]
        self.params = ref["params"]
        self.flops = float(per_pe.get("flops") or 0.0)
        self.bytes = float(per_pe.get("bytes") or 0.0)
        self.efficiency = ref["efficiency"] or 1.0
        self.private = ref["regime"] == "cache-resident"    # served by each core's caches: no sharing
        ranked = [r for r in rows if r["ranks"] >= 2 and r["model"].split("/")[0] == "mpi"] or \
                 [r for r in rows if r["ranks"] >= 2 and r["model"].split("/")[0] == "hybrid"]
        by_ranks = {}
        for r in sorted(ranked, key=lambda r: r["model"] not in ("mpi", "mpi/shm")):   # shm first
            by_ranks.setdefault(r["ranks"], r["inputs"].get("messages") or {})
        self.msg_count = [(k, float(m.get("count") or 0)) for k, m in by_ranks.items()]
        self.msg_bytes = [(k, float(m.get("bytes") or 0)) for k, m in by_ranks.items()]
        top = _largest(ranked, lambda r: r["ranks"])
        self.collectives = (top["inputs"].get("collectives") or []) if top else []
        self.collective_ranks = top["ranks"] if top else 1
        self.team = {}
        for model in ("omp", "hybrid"):
            threaded = _largest([r for r in rows if r["model"].split("/")[0] == model and r["threads"] >= 2],
                                lambda r: r["threads"])
            team = (threaded["inputs"].get("team") or {}) if threaded else {}
            self.team[model] = float(team.get("barriers") or 0) + float(team.get("reductions") or 0)
        self.models = sorted({r["model"].split("/")[0] for r in rows} & {"omp", "mpi", "hybrid"})


class Cluster:
    """A cluster's figures in SI units, with this machine's where the description leaves them out."""

    def __init__(self, desc, machine):
        self.desc = desc
        self.cores = int(desc["cores_per_node"])
        self.node_bw = desc["memory_bandwidth_per_node_gbs"] * 1e9
        self.alpha = desc["network_latency_us"] * 1e-6
        self.beta = 1.0 / (desc["network_bandwidth_gbs"] * 1e9)
        core_bw = desc.get("core_bandwidth_gbs")
        self.core_bw = core_bw * 1e9 if core_bw else perfmodel.bandwidth_at(machine, 1)
        peak = desc.get("peak_gflops_per_core")
        self.peak = peak * 1e9 if peak else perfmodel.peak_per_pe(machine, 1)
        _, fit = perfmodel.channel(machine, "mpi")
        self.shm = (fit["alpha"], fit["beta"]) if fit else (self.alpha, self.beta)
        self.machine = machine

    def compute(self, k, p, on_node):
        bw = self.core_bw if k.private else min(self.core_bw, self.node_bw / on_node)
        return k.efficiency * max(k.bytes / p / bw if k.bytes else 0.0, k.flops / p / self.peak if k.flops else 0.0)

    def collective(self, op, nbytes, ranks, per_node):
        inside = perfmodel.collective_estimate(op, nbytes, min(ranks, per_node), *self.shm) or 0.0
        across = perfmodel.collective_estimate(op, nbytes, math.ceil(ranks / per_node), self.alpha, self.beta) or 0.0
        return inside + across

    def team_barrier(self, threads):
        """One team barrier of `threads` threads: this machine's omp barrier scaled by ceil(log2 T)."""
        if threads <= 1:
            return 0.0
        measured = {t: s for (m, r, t), s in self.machine["barrier_s"].items() if m == "omp" and t >= 2}
        if measured:
            t0 = max(measured)
            return measured[t0] * math.ceil(math.log2(threads)) / math.ceil(math.log2(t0))
        cost, _ = perfmodel.team_barrier(self.machine, threads)
        return cost or 0.0

    def time(self, k, model, p):
        """Predicted seconds per iteration of kernel k in a model at p PEs, or None (omp beyond a node)."""
        if model == "omp":
            if p > self.cores:
                return None
            return self.compute(k, p, p) + k.team["omp"] * self.team_barrier(p)
        nodes = math.ceil(p / self.cores)
        if model == "mpi":
            ranks, threads, per_node = p, 1, min(p, self.cores)
        else:
            ranks, threads, per_node = nodes, min(p, self.cores), 1
        alpha, beta = (self.alpha, self.beta) if nodes > 1 else self.shm
        t = self.compute(k, p, min(p, self.cores))
        t += alpha * _power_law(k.msg_count, ranks) + beta * _power_law(k.msg_bytes, ranks)
        for c in k.collectives:
            nbytes = c["bytes"]
            if c["op"] in SPLIT_OPS:   # what is gathered is the whole: a rank's part shrinks as 1/R
                nbytes *= k.collective_ranks / ranks
            t += c["count"] * self.collective(c["op"], nbytes, ranks, per_node)
        if model == "hybrid":
            t += k.team["hybrid"] * self.team_barrier(threads)
        return t


def curves(evaluation, desc):
    """{"kernels": [{"kernel", "params", "efficiency", "curves": {model: [(P, speedup)]}}], "skipped": None or
    one line}: predicted speedups at 1 .. 1024 PEs of each kernel with a calibration run."""
    out = {"kernels": [], "skipped": None, "cluster": desc}
    if desc is None:
        out["skipped"] = "the what-if reads its cluster from TOML, which needs Python 3.11 or later (tomllib)"
        return out
    if evaluation["skipped"]:
        out["skipped"] = evaluation["skipped"]
        return out
    rows = [r for r in evaluation["rows"] if r["inputs"] and r["scaling"] == "strong"]
    if len({r["pes"] for r in rows}) < 2:
        out["skipped"] = ("the what-if extrapolates in the PE count and the data has a single one: "
                          "run bench/sweep --pes 1,2 (or --preset quick)")
        return out
    cluster = Cluster(desc, evaluation["machine"])
    if not cluster.core_bw or not cluster.peak:
        out["skipped"] = "the what-if needs this machine's one-PE bandwidth and peak: run %s and %s" % (
            perfmodel.RUN_BANDWIDTH, perfmodel.RUN_PEAK)
        return out
    for ref in [r for r in rows if r["calibration"]]:
        mine = [r for r in rows if r["kernel"] == ref["kernel"] and r["params_key"] == ref["params_key"]]
        k = Kernel(ref, mine)
        base = cluster.compute(k, 1, 1)
        if not base:
            continue
        lines = {}
        for model in k.models:
            pts = [(p, base / t) for p in PES for t in [cluster.time(k, model, p)] if t]
            if pts:
                lines[model] = pts
        out["kernels"].append({"kernel": k.name, "params": k.params, "efficiency": k.efficiency, "curves": lines})
    if not out["kernels"]:
        out["skipped"] = "no kernel has a calibrated one-PE run with model_inputs: run bench/sweep --pes 1,2"
    return out
