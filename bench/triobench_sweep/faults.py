"""Fault scenarios (``--preset faults``): runs that fail on purpose, and what came of each.

A preset lists scenarios as ``[[fault]]`` tables (see bench/presets/faults.toml):

    [[fault]]
    name = "kill-reassign"        # unique; names the configuration
    backend = "mpi"               # serial, omp, mpi, hybrid
    ranks = 3                     # default 1
    threads = 1                   # default 1
    inject = "kill:rank=1,after=5"   # --inject-fault (optional)
    ft = "reassign"               # --ft none|detect|reassign (default none)
    timeout = 1.0                 # --ft-timeout (optional)
    launcher = "recovery"         # plain (default) or recovery: the launcher keeps the job after a death
    resume = true                 # run with --checkpoint, then again with --resume
    expect = ["recovered"]        # outcomes that are not a failure of the sweep (default: any)

Every scenario runs ``[kernel.ep]``'s size with the master-worker schedule. A run is
classified from the outside, as its user would see it (OUTCOMES); the expected
outcome of a fault scenario is not a failure of the sweep, another one is.
"""

import os
import re
import time

from .report import aligned

OUTCOMES = {
    "aborted": "the job ended without a record: the launcher (or the kernel) killed it",
    "detected": "the run noticed the lost process and ended with a clear message, non-zero status",
    "recovered": "the lost worker's tasks went to the others; the answer validated",
    "resumed": "the rerun with --resume finished from the checkpoint; the answer validated",
    "hung-and-killed": "the job did not end by itself: the harness killed it at its timeout",
    "completed": "the fault changed nothing (it did not happen in time); the answer validated",
    "failed": "anything else, e.g. an answer that did not validate without a loss",
}

# Open MPI 4: keep the job when a process dies (docs/failures.md); MPICH's Hydra: -disable-auto-cleanup.
RECOVERY_ARGS = {"openmpi": ["--mca", "orte_enable_recovery", "1", "--mca", "orte_abort_on_non_zero_status", "0"],
                 "mpich": ["-disable-auto-cleanup"]}

_NOTICE = re.compile(r"fault injected: .*? ([0-9.]+) s into the run \(at ([0-9.]+) s since the epoch\)")

_KEYS = {
    "name": (lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_-]+", v), "a word (letters, digits, - _)"),
    "backend": (lambda v: v in ("serial", "omp", "mpi", "hybrid"), "serial, omp, mpi or hybrid"),
    "ranks": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "a positive integer"),
    "threads": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "a positive integer"),
    "inject": (lambda v: isinstance(v, str) and ":" in v or v in ("kill", "hang", "exit"), "a fault like kill:rank=1,after=5"),
    "ft": (lambda v: v in ("none", "detect", "reassign"), "none, detect or reassign"),
    "timeout": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0, "a positive number of seconds"),
    "launcher": (lambda v: v in ("plain", "recovery"), "plain or recovery"),
    "resume": (lambda v: isinstance(v, bool), "true or false"),
    "expect": (lambda v: (isinstance(v, str) and v in OUTCOMES) or
               (isinstance(v, list) and v and all(x in OUTCOMES for x in v)), "outcomes: " + ", ".join(OUTCOMES)),
}


def check_preset(scenarios, where):
    """Problems of a preset's [[fault]] list, as one message, or None."""
    if not isinstance(scenarios, list) or not scenarios or not all(isinstance(s, dict) for s in scenarios):
        return f"{where}: malformed preset: 'fault' must be tables like [[fault]]"
    names = set()
    for i, s in enumerate(scenarios, 1):
        for key in ("name", "backend"):
            if key not in s:
                return f"{where}: malformed preset: fault #{i} has no '{key}'"
        for key, value in s.items():
            if key not in _KEYS:
                return f"{where}: malformed preset: fault '{s.get('name')}': unknown key '{key}' " \
                       f"(keys: {', '.join(_KEYS)})"
            ok, what = _KEYS[key]
            if not ok(value):
                return f"{where}: malformed preset: fault '{s.get('name')}': '{key}' must be {what}"
        if s["name"] in names:
            return f"{where}: malformed preset: fault '{s['name']}' appears twice"
        names.add(s["name"])
    return None


def scenario(s):
    """A scenario with its defaults filled in (what a Config carries)."""
    expect = s.get("expect")
    return {"name": s["name"], "inject": s.get("inject"), "ft": s.get("ft", "none"), "timeout": s.get("timeout"),
            "launcher": s.get("launcher", "plain"), "resume": bool(s.get("resume", False)),
            "expect": [expect] if isinstance(expect, str) else expect}


def build_configs(settings, catalogue, capacity, config_cls, size_of):
    """One Config per scenario (kernel ep, its preset size, the master-worker schedule)."""
    configs = []
    for s in settings.faults:
        sc = scenario(s)
        backend = s["backend"]
        ranks, threads = s.get("ranks", 1), s.get("threads", 1)
        info = catalogue.get(backend, {}).get("ep")
        if info is None:
            continue
        size_param, size = size_of("ep", info)
        params = {"schedule": "dynamic"}
        params.update(settings.kernel_opts.get("ep", {}).get("params", {}))
        cid = f"ep.{backend}.{ranks}x{threads}.fault={sc['name']}"
        configs.append(config_cls(cid, "ep", backend, ranks, threads, size_param, size, size, params, 1, 0,
                                  ranks * threads > capacity.get(backend, 1), None, sc))
    return configs


def args_for(fault, checkpoint=None, resume=False):
    """The executable's fault options for a run of the scenario (the first run, or the --resume run)."""
    args = []
    if fault.get("inject") and not resume:
        args += ["--inject-fault", fault["inject"]]
    if fault.get("ft") and fault["ft"] != "none":
        args += ["--ft", fault["ft"]]
        if fault.get("timeout"):
            args += ["--ft-timeout", f"{fault['timeout']:g}"]
    if checkpoint:
        args += ["--checkpoint", checkpoint]
        args += ["--resume"] if resume else ["--checkpoint-interval", "0"]
    return args


def launcher_args(fault, flavour):
    return RECOVERY_ARGS.get(flavour, []) if fault.get("launcher") == "recovery" else []


def injection(stderr_text):
    """(seconds into the run, seconds since the epoch) of the injected fault, from its notice line."""
    m = _NOTICE.search(stderr_text or "")
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def classify(returncode, timed_out, record, stderr_text):
    """The outcome of a fault run (a key of OUTCOMES)."""
    if timed_out:
        return "hung-and-killed"
    if record is not None and "time" in record:
        outcome = (record.get("fault") or {}).get("outcome")
        validated = record.get("validated") is True
        if outcome in ("recovered", "resumed", "completed") and validated:
            return outcome
        if outcome == "detected":
            return "detected"
        return "failed"
    if re.search(r"error: .*(is lost|lost: no message)", stderr_text or ""):
        return "detected"
    return "aborted"


def measures(record, stderr_text, end_epoch):
    """Seconds: fault to detection, detection to recovery, fault to the end of the job."""
    into_run, at_epoch = injection(stderr_text)
    fault = (record or {}).get("fault") or {}
    detect = recover = None
    if fault.get("detected_at") is not None and into_run is not None:
        detect = max(0.0, fault["detected_at"] - into_run)
    if fault.get("recovered_at") is not None and fault.get("detected_at") is not None:
        recover = max(0.0, fault["recovered_at"] - fault["detected_at"])
    to_end = max(0.0, end_epoch - at_epoch) if at_epoch is not None else None
    return detect, recover, to_end


def judge(cfg, outcome_name, detail):
    """(failure text or None): an expected outcome is no failure."""
    expect = cfg.fault.get("expect")
    if expect and outcome_name not in expect:
        return f"fault scenario {cfg.fault['name']}: expected {' or '.join(expect)}, got {outcome_name}" + \
               (f" ({detail})" if detail else "")
    if not expect and outcome_name == "failed":
        return f"fault scenario {cfg.fault['name']}: {detail or 'failed'}"
    return None


def now_epoch():
    return time.time()


def table(records):
    """The text table printed at the end of a fault sweep: one line per run."""
    head = ["backend", "shape", "fault", "ft", "launcher", "outcome", "detect", "recover", "fault->end",
            "exit", "validated"]
    lines = [head]
    for r in records:
        sw = r.get("sweep") or {}
        f = sw.get("fault")
        if not f or sw.get("record_index", 0) != 0:
            continue
        lines.append([r.get("backend"), f.get("shape") or f"{r.get('ranks')}x{r.get('threads')}",
                      (f.get("inject") or "-") + (" +resume" if f.get("resume") else ""), f.get("ft"),
                      f.get("launcher"), f.get("outcome"), _s(f.get("detect_s")), _s(f.get("recover_s")),
                      _s(f.get("fault_to_end_s")), exit_text(sw.get("exit_status")),
                      "yes" if r.get("validated") is True else "no"])
    return aligned(lines)


def exit_text(rc):
    """An exit status as a shell shows it: a negative one (killed by a signal) as 128 + the signal."""
    return "-" if rc is None else str(128 - rc if rc < 0 else rc)


def _s(x):
    return "-" if x is None else f"{x:.2f} s"


def checkpoint_path(runs_dir, config_id, rep):
    return os.path.join(runs_dir, f"{re.sub(r'[^A-Za-z0-9._=-]', '_', config_id)}.rep{rep}.ckpt")
