"""Read a sweep results folder (results.jsonl + meta.json) into Run objects.

results.jsonl is the source of truth (results.csv is ignored). Every field
is treated as optional: a record that lacks measurements is a failed run,
never a crash of the reader.
"""

import json
import math
import os
from dataclasses import dataclass

from tbcommon.errors import UserError

from . import kinds, simulated

SCHEMA_MAJOR = "triobench.result/1"
REGIMES = ("dram", "mixed", "cache-resident")


def _num(value, limit=1e30):
    """A finite float of magnitude below limit, or None (garbage is not a measurement)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) and abs(value) < limit else None


def _int(value, limit=10 ** 7):
    """A positive integer below limit (ranks, threads, PEs), or None."""
    num = _num(value)
    if num is None or num != int(num) or not 0 < num < limit:
        return None
    return int(num)


def _dict(value):
    return value if isinstance(value, dict) else {}


def _working_set(value):
    """The record's working_set object with checked numbers, or None (micro kernels, old records)."""
    if not isinstance(value, dict):
        return None
    ws = {k: _num(value.get(k)) for k in ("bytes", "llc_bytes", "ratio")}
    if ws["ratio"] is None and ws["bytes"] and ws["llc_bytes"]:
        ws["ratio"] = ws["bytes"] / ws["llc_bytes"]
    regime = value.get("regime")
    if regime not in REGIMES and ws["ratio"] is not None:
        regime = "dram" if ws["ratio"] >= 4 else "cache-resident" if ws["ratio"] < 1 else "mixed"
    ws["regime"] = regime if regime in REGIMES else None
    rule = value.get("size_rule")
    ws["size_rule"] = rule if isinstance(rule, str) else None
    return ws if ws["regime"] or ws["bytes"] else None


def shape_text(ranks, threads):
    """"2x1" (ranks x threads), "?" when either is unknown."""
    if ranks is None or threads is None:
        return "?"
    return "%dx%d" % (ranks, threads)


def params_key(params):
    """Canonical text of a params object (sorted keys), used to group runs."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


class Run:
    """One record of results.jsonl, normalised."""

    def __init__(self, rec, line):
        self.line = line
        self.raw = rec
        sweep = _dict(rec.get("sweep"))
        self.sweep = sweep
        self.kernel = str(rec.get("kernel") or "?")
        self.backend = str(rec.get("backend") or "?")
        self.ranks = _int(rec.get("ranks"))
        self.threads = _int(rec.get("threads"))
        if self.backend in ("serial", "omp") and self.ranks is None:
            self.ranks = 1
        if self.backend in ("serial", "mpi") and self.threads is None:
            self.threads = 1
        # A run over a chosen transport (bench/sweep --transports) is a model of its own,
        # "mpi/shm" beside "mpi/tcp": grouped, drawn and tabled apart.
        transport = sweep.get("transport")
        if isinstance(transport, str) and transport and self.backend in ("mpi", "hybrid"):
            self.backend = "%s/%s" % (self.backend, transport)
        # A simulated run (SimGrid SMPI, simulated.py) is a model of its own too, named for its
        # platform: "mpi — simulated on cluster-ib" is never pooled with a measured "mpi".
        self.simulated = simulated.record_label(rec)
        self.simgrid = simulated.simgrid_version(rec) if self.simulated else None
        self.backend = simulated.model_name(self.backend, self.simulated)
        self.pes = _int(rec.get("pes"))
        if self.pes is None and self.ranks and self.threads:
            self.pes = self.ranks * self.threads
        self.params = _dict(rec.get("params"))
        self.params_key = params_key(self.params)
        scaling = sweep.get("scaling")
        self.scaling = scaling if scaling in ("strong", "weak") else "strong"
        self.rep = sweep.get("rep")
        self.config_id = sweep.get("config_id")
        self.command = sweep.get("command")
        self.exit_status = sweep.get("exit_status")
        self.oversubscribed = bool(sweep.get("oversubscribed"))
        self.fault = rec.get("fault") if rec.get("fault") is not None else None
        # what the record says of itself (RULES.md, issue 11): its kind (set by load(), which
        # may need meta.json's catalogue), working set, variant and exchange
        self.kind, self.kind_source, self.series = None, None, None
        self.probe = sweep.get("probe") is True
        self.role = sweep.get("role") if isinstance(sweep.get("role"), str) else None
        self.ceiling = sweep.get("ceiling") if sweep.get("ceiling") in ("bandwidth", "compute") else None
        self.working_set = _working_set(rec.get("working_set"))
        variant = rec.get("variant")
        self.variant = variant if isinstance(variant, str) and variant else None
        self.exchange = rec.get("exchange") if isinstance(rec.get("exchange"), dict) else None
        self.pages = _dict(rec.get("pages"))
        # micro-benchmarks with a delay loop (EPCC): the reference they subtracted, seconds per operation
        self.reference = _num(_dict(rec.get("reference")).get("median"))
        self.timestamp = rec.get("timestamp")

        time = _dict(rec.get("time"))
        self.time = _num(time.get("median"))
        self.time_min = _num(time.get("min"))
        self.time_max = _num(time.get("max"))
        rate = _dict(rec.get("rate"))
        self.rate = _num(rate.get("value"))
        self.rate_unit = rate.get("unit") if isinstance(rate.get("unit"), str) else ""
        work = _dict(rec.get("work"))
        self.flops = _num(work.get("flops"))
        self.bytes = _num(work.get("bytes"))
        bd = _dict(rec.get("breakdown"))
        parts = {k: _num(bd.get(k)) for k in ("compute", "comm", "sync")}
        self.breakdown = parts if any(v is not None for v in parts.values()) else None
        mem = _dict(rec.get("memory"))
        self.mem_sum = _num(mem.get("peak_rss_sum"))
        self.mem_max = _num(mem.get("peak_rss_max"))
        self.failure = self._failure(rec, sweep)

    def _failure(self, rec, sweep):
        """None for a usable measurement, else the reason it is not one."""
        if sweep.get("failure"):
            return str(sweep["failure"])
        status = rec.get("status")
        if status == "failed":
            return "failed"
        if status == "invalid" or rec.get("validated") is False:
            return "did not validate"
        if status not in (None, "ok"):
            return "status %s" % status
        # An overhead (barrier, allreduce: rate in us) is a difference of two medians
        # (docs/methodology.md): on a near no-op it can be 0 or a little below.
        overhead = self.rate_unit in ("us", "µs")
        if self.time is None or not (-1.0 if overhead else 0.0) < self.time < 1e7:
            return "no plausible time in record"
        if self.pes is None or self.pes < 1:
            return "no PE count in record"
        return None

    @property
    def ok(self):
        return self.failure is None

    @property
    def shape(self):
        return shape_text(self.ranks, self.threads)


@dataclass
class Dataset:
    """A results folder: its runs (Run), meta.json, and what was set aside (warnings)."""
    folder: str
    runs: list
    meta: dict
    warnings: list


def _read_meta(folder, warnings):
    path = os.path.join(folder, "meta.json")
    if not os.path.exists(path):
        warnings.append("no meta.json: machine, date and commit come from the records")
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        warnings.append("meta.json could not be read (%s): ignored" % exc.__class__.__name__)
        return {}
    if not isinstance(meta, dict):
        warnings.append("meta.json is not a JSON object: ignored")
        return {}
    return meta


def load(path):
    """Load a results folder (or a results.jsonl file). Raises UserError."""
    if os.path.isfile(path) and path.endswith(".jsonl"):
        folder, results = os.path.dirname(path) or ".", path
    elif os.path.isdir(path):
        folder, results = path, os.path.join(path, "results.jsonl")
        if not os.path.isfile(results):
            raise UserError("%s has no results.jsonl (is it a bench/sweep results folder?)" % path)
    elif os.path.exists(path):
        raise UserError("%s is not a results folder" % path)
    else:
        raise UserError("%s: no such results folder" % path)
    warnings = []
    try:
        with open(results, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise UserError("cannot read %s: %s" % (results, exc.strerror or exc))
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    truncated_last = not text.endswith("\n")
    runs, bad, foreign = [], [], []
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    for idx, (lineno, line) in enumerate(numbered):
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        if not isinstance(rec, dict):
            if idx == len(numbered) - 1 and truncated_last:
                warnings.append("results.jsonl line %d is truncated (a crashed run?): skipped" % lineno)
            else:
                bad.append(lineno)
            continue
        schema = rec.get("schema")
        if isinstance(schema, str) and schema.split(".")[0:1] == ["triobench"] \
                and not (schema == SCHEMA_MAJOR or schema.startswith(SCHEMA_MAJOR + ".")):
            foreign.append("line %d: %s" % (lineno, schema))   # set aside, as bench/sweep --resume does
            continue
        runs.append(Run(rec, lineno))
    if bad:
        shown = ", ".join(str(n) for n in bad[:5]) + (" ..." if len(bad) > 5 else "")
        if not runs:
            raise UserError("%s is corrupt: no line is a JSON record (line %s)" % (results, shown))
        warnings.append("results.jsonl: %d line(s) are not JSON records and were skipped (line %s)"
                        % (len(bad), shown))
    if foreign:
        warnings.append("results.jsonl: set aside %d record(s) of another schema (%s): this reader knows "
                        "%s only" % (len(foreign), ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else ""),
                                     SCHEMA_MAJOR))
    if not runs and foreign:
        raise UserError("%s holds no record of schema %s (set aside: %s): nothing to plot"
                        % (results, SCHEMA_MAJOR, ", ".join(foreign[:5])))
    if not runs:
        raise UserError("%s holds no records: nothing to plot" % results)
    meta = _read_meta(folder, warnings)
    catalogue = kinds.Catalogue(meta.get("catalogue"), warnings)
    for r in runs:
        r.kind, r.kind_source = catalogue.kind_of(r)
        r.series = catalogue.series_param(r)
    data = Dataset(folder, runs, meta, warnings)
    data.catalogue = catalogue
    return data
