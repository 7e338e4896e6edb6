"""Simulated records (SimGrid SMPI, issue 15): which records are, and the name they go by.

Standard library only. The one place the plots decide it (CONTRACT15.md §3): a record is
simulated iff its build.simulated is JSON true, or its build.flags hold
-DTRIOBENCH_SIMULATED=1 (records written before build.simulated existed: the SMPI build
sets that definition, and nothing else does); a failed run's record without a build object,
when its sweep object names a platform. Its label is "simulated on <platform>",
the platform being sweep.platform.name, or plain "simulated" without one.

The label becomes part of the model's name ("mpi — simulated on cluster-ib", the way a
transport makes "mpi/tcp"): every grouping, median, curve, legend entry and table row is
keyed by the model, so a simulated configuration and the same real one are never pooled.
base() and label() take such a name apart again.
"""

import re

FLAG = "-DTRIOBENCH_SIMULATED=1"
SEPARATOR = " — "          # "mpi — simulated on cluster-ib"
WORD = "simulated"


def _dict(value):
    return value if isinstance(value, dict) else {}


def is_simulated(rec):
    """True when the record comes from an SMPI build (build.simulated, else the compile flags). A
    record with no build object at all (a run that failed before writing one: the sweep wrote it)
    is simulated when its sweep object names a platform (only an SMPI sweep does)."""
    build = _dict(rec.get("build"))
    if build.get("simulated") is True:
        return True
    if not build and isinstance(_dict(rec.get("sweep")).get("platform"), dict):
        return True
    flags = build.get("flags")
    if isinstance(flags, list):
        flags = " ".join(str(f) for f in flags)
    return isinstance(flags, str) and FLAG in flags.split()


def platform_name(rec):
    """sweep.platform.name (a platform file's basename, e.g. "cluster-ib"), or None."""
    name = _dict(_dict(rec.get("sweep")).get("platform")).get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def record_label(rec):
    """"simulated on cluster-ib", "simulated" (no platform in the record), or None (measured)."""
    if not is_simulated(rec):
        return None
    name = platform_name(rec)
    return "%s on %s" % (WORD, name) if name else WORD


def model_name(backend, label):
    """The model a record's configuration belongs to: backend, or "backend — simulated on P"."""
    return "%s%s%s" % (backend, SEPARATOR, label) if label else backend


def label(model):
    """The simulation label of a model name, None for a measured model."""
    _, sep, tail = model.partition(SEPARATOR)
    return tail if sep and tail.startswith(WORD) else None


def base(model):
    """The model without its simulation label: "mpi — simulated on cluster-ib" -> "mpi"."""
    return model.partition(SEPARATOR)[0] if label(model) else model


def simgrid_version(rec):
    """sweep.platform.simgrid ("3.32"), else the version in build.mpi_library ("SMPI Version 3.32 ..."),
    else None."""
    version = _dict(_dict(rec.get("sweep")).get("platform")).get("simgrid")
    if isinstance(version, (str, int, float)) and not isinstance(version, bool) and str(version).strip():
        return str(version).strip()
    found = re.search(r"SMPI Version (\d+(?:\.\d+)+)", str(_dict(rec.get("build")).get("mpi_library") or ""))
    return found.group(1) if found else None


def note(counts):
    """The report's opening note, from {label: (configurations, SimGrid version or None)}; None when
    nothing is simulated."""
    if not counts:
        return None
    parts = []
    for lab, (n, version) in sorted(counts.items()):
        parts.append("%d configuration%s %s with SimGrid SMPI%s" % (n, "" if n == 1 else "s", lab,
                                                                    " " + version if version else ""))
    return ("SIMULATED: %s — not measured on hardware. Simulated points are hollow diamonds on dashed "
            "lines, their models named \"… — simulated on …\"; what a simulation leaves out: "
            "docs/simulation.md." % "; ".join(parts))
