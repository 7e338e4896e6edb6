"""The fault scenarios of a sweep (bench/sweep --preset faults; docs/failures.md).

A run with a fault on purpose is not a measurement: set_aside() takes such
runs out of the dataset before anything is charted, and table() lists them,
one line per run: model x fault x --ft mode -> what came of it (aborted,
detected, recovered, resumed, hung-and-killed), how long the detection and
the recovery took, and whether the answer validated.
"""

from .table import Table

COLUMNS = ["model", "shape", "fault", "ft", "launcher", "outcome", "expected", "detect_s", "recover_s",
           "fault_to_end_s", "exit_status", "validated", "line"]

NOTE = ("Outcomes: aborted = the job ended without a record (the launcher killed it); detected = the "
        "lost process was named and the job ended with a non-zero status; recovered = its tasks went to "
        "the other workers and the answer validated; resumed = a rerun with --resume finished from the "
        "checkpoint; hung-and-killed = the job never ended by itself and was killed at the sweep's timeout. "
        "detect_s: from the fault to its detection; recover_s: from the detection to the last task done "
        "(for resumed: the rerun's wall time); fault_to_end_s: from the fault to the end of the job. "
        "launcher recovery = Open MPI's mpirun --mca orte_enable_recovery 1 --mca "
        "orte_abort_on_non_zero_status 0. These runs are not measurements: they are left out of every chart.")


def is_fault_run(run):
    raw = run.raw if isinstance(getattr(run, "raw", None), dict) else {}
    sweep = raw.get("sweep") if isinstance(raw.get("sweep"), dict) else {}
    return raw.get("fault") is not None or bool(sweep.get("fault"))


def set_aside(dataset):
    """Move the fault runs out of dataset.runs into dataset.fault_runs; returns them."""
    keep, faults = [], []
    for r in dataset.runs:
        (faults if is_fault_run(r) else keep).append(r)
    dataset.runs = keep
    dataset.fault_runs = faults
    return faults


def _d(value):
    return value if isinstance(value, dict) else {}


def row(run):
    """One table row from what the sweep recorded (sweep.fault), or else from the record's own fault object."""
    sweep = _d(run.raw.get("sweep"))
    sf = _d(sweep.get("fault"))
    rf = _d(run.raw.get("fault"))
    injected = _d(rf.get("injected"))
    fault = sf.get("inject") or injected.get("spec") or (injected.get("kind") if injected else None) or "-"
    if sf.get("resume"):
        fault += " +resume"
    keeps = rf.get("launcher_keeps_job")
    launcher = sf.get("launcher") or ("recovery" if keeps else "plain" if keeps is False else None)
    outcome = sf.get("outcome") or rf.get("outcome") or (run.failure and "failed") or "completed"
    expect = sf.get("expect")
    detect = sf.get("detect_s")
    recover = sf.get("recover_s")
    if not sf and rf.get("detected_at") is not None and rf.get("recovered_at") is not None:
        recover = rf["recovered_at"] - rf["detected_at"]
    rc = run.exit_status
    exit_status = 128 - rc if isinstance(rc, int) and rc < 0 else rc
    return [run.backend, sf.get("shape") or run.shape, fault, sf.get("ft") or rf.get("ft") or "none",
            launcher, outcome, " or ".join(expect) if isinstance(expect, list) else expect, detect, recover,
            sf.get("fault_to_end_s"), exit_status, run.raw.get("validated") is True, run.line]


def table(fault_runs):
    """The 'faults' table (None when the sweep had no fault runs)."""
    if not fault_runs:
        return None
    rows = [row(r) for r in fault_runs]
    return Table("faults", "Fault scenarios: model x fault x --ft mode", COLUMNS, rows, NOTE)
