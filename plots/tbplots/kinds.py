"""What kind of kernel a record measures: "scaling", "micro" or "probe".

The C catalogue (``triobench-<backend> --list --json``, schema
triobench.catalogue/1, docs/results-schema.md) is the only place kernel facts
live; this module never keeps a list of kernel names. In order:

1. the record's own "kind" field;
2. the kernel's entry in meta.json's "catalogue" (the catalogue the sweep
   used: one catalogue, or a dict backend -> catalogue; the record's backend
   first, then any backend's);
3. for records older than both, an inference from the record itself: a
   record whose sweep object says "probe": true is a probe; a record whose
   params carry "target-time" (the batch target every micro-benchmark
   declares) or whose rate is counted per operation (a unit ending in
   "barrier/s", or a time unit: "us", "µs", "s") is a micro-benchmark;
   anything else a scaling kernel.
"""

from . import simulated

KINDS = ("scaling", "micro", "probe")
PER_OPERATION_UNITS = ("us", "µs", "s", "ns")
MICRO_PARAM = "target-time"


def _entries(catalogue):
    """{kernel name: descriptor} of one catalogue object, {} if it is not one."""
    kernels = catalogue.get("kernels") if isinstance(catalogue, dict) else None
    if not isinstance(kernels, list):
        return {}
    return {k["name"]: k for k in kernels if isinstance(k, dict) and isinstance(k.get("name"), str)}


class Catalogue:
    """meta.json's "catalogue": one catalogue or one per backend (both accepted)."""

    def __init__(self, value, warnings=None):
        self.by_backend = {}
        self.merged = {}
        self.schema = None
        if isinstance(value, dict) and "kernels" in value:
            value = {value.get("backend") or "*": value}
        if isinstance(value, dict):
            for backend, cat in sorted(value.items()):
                entries = _entries(cat)
                if not entries:
                    continue
                self.by_backend[str(backend)] = entries
                for name, entry in entries.items():
                    self.merged.setdefault(name, entry)
                if isinstance(cat.get("schema"), str):
                    self.schema = cat["schema"]
        if value is not None and not self.by_backend and warnings is not None:
            warnings.append("meta.json's catalogue holds no kernel descriptors: ignored")
        self._inferred = 0
        self._warnings = warnings

    def __bool__(self):
        return bool(self.merged)

    def entry(self, kernel, backend=None):
        """The kernel's descriptor: from the backend's own catalogue, else any backend's, else None."""
        model = simulated.base(backend or "").split("/")[0]
        own = self.by_backend.get(model, {}).get(kernel)
        return own if own is not None else self.merged.get(kernel)

    def series_param(self, run):
        """The parameter a series kernel sweeps (one record per value), or None."""
        entry = self.entry(run.kernel, run.backend) or {}
        series = entry.get("series")
        if isinstance(series, str) and series:
            return series
        return "bytes" if "bytes" in run.params else None

    def kind_of(self, run):
        """(kind, where it came from: "record", "catalogue" or "inferred")."""
        kind = run.raw.get("kind")
        if kind in KINDS:
            return kind, "record"
        entry = self.entry(run.kernel, run.backend)
        if entry is not None and entry.get("kind") in KINDS:
            return entry["kind"], "catalogue"
        self._inferred += 1
        if self._inferred == 1 and self._warnings is not None:
            self._warnings.append(
                "records without a \"kind\" field and no catalogue entry in meta.json: their kind is "
                "inferred from the record (probe: sweep.probe; micro: a \"%s\" parameter or a rate "
                "per operation; otherwise scaling)" % MICRO_PARAM)
        return infer(run), "inferred"


def infer(run):
    """The kind of an old record (no "kind" field, no catalogue), from the record itself."""
    if run.probe:
        return "probe"
    if MICRO_PARAM in run.params:
        return "micro"
    unit = (run.rate_unit or "").strip()
    if unit.endswith("barrier/s") or unit in PER_OPERATION_UNITS:
        return "micro"
    return "scaling"
