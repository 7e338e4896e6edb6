"""What tells the two sweeps apart: host, CPU, commit, compiler, MPI library, date.

Standard library only. meta.describe gives the machine, CPU, commit and date
(meta.json first, the records second); the build facts come from the usable
records' "build" objects (every distinct value, as a sweep may mix
executables), the MPI launcher's version from meta.json.
"""

from .meta import describe


def _distinct(runs, field):
    values = []
    for r in runs:
        build = r.raw.get("build") if isinstance(r.raw.get("build"), dict) else {}
        v = build.get(field)
        if v not in (None, "") and str(v) not in values:
            values.append(str(v))
    return ", ".join(sorted(values)) or "n/a"


def facts(dataset):
    """[(field, text)] of one sweep, in a fixed order."""
    info = describe(dataset)
    runs = [r for r in dataset.runs if r.ok] or dataset.runs
    git = dataset.meta.get("git") if isinstance(dataset.meta.get("git"), dict) else {}
    commit = info["commit"] + (" (dirty)" if git.get("dirty") is True else "")
    mpi = dataset.meta.get("mpi") if isinstance(dataset.meta.get("mpi"), dict) else {}
    return [("machine", info["machine"]), ("cpu", info.get("cpu") or "n/a"), ("commit", commit),
            ("compiler", _distinct(runs, "compiler")), ("flags", _distinct(runs, "flags")),
            ("MPI library", _distinct(runs, "mpi_library")),
            ("MPI launcher", str(mpi.get("version") or "n/a")),
            ("date", info["date"]), ("sweep", info.get("sweep_id") or "n/a"),
            ("simulated", ", ".join(info["simulated"]) or "no: measured")]


def differences(data_a, data_b):
    """[[field, A, B, "differs" or ""]] for the report's first table."""
    fb = dict(facts(data_b))
    return [[field, va, fb[field], "differs" if va != fb[field] else ""] for field, va in facts(data_a)]
