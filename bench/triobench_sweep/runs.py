"""One run: start it, read its records, judge it, keep its logs when it failed."""

import json
import os
import re
import signal

from . import faults, runner, smpi
from .commands import command_for, command_text
from .messages import utc_now


_OWN_ERROR = re.compile(r"^triobench-[\w-]+: error: ")


def error_line(path):
    """The line that says why a run failed: the kernel's own error line ("triobench-mpi: error: ...")
    wherever it is; else any "...: error: ..." line; else the last line outside the launcher's
    banners (Open MPI frames its "Exit code: 2" reports in rules of dashes)."""
    lines, inside = [], False
    for line in runner.tail(path, 8000).splitlines():
        line = line.strip()
        if re.fullmatch(r"[-=*]{3,}", line):
            inside = not inside
        elif line and not inside:
            lines.append(line)
    for pattern in (_OWN_ERROR, re.compile(r": error: ")):
        for line in lines:
            if pattern.search(line):
                return line[:200]
    return lines[-1][:200] if lines else ""


def classify(outcome, records, timeout, simulated=False):
    """The failure reason of a run, or None when it went well.

    simulated (smpirun): its exit status is 0 after an MPI_Abort (SimGrid 3.32), so a run that
    aborted or printed the kernel's error line failed, whatever the status and the records say."""
    if outcome.timed_out:
        return f"timeout after {timeout:g} s"
    rc = outcome.returncode
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        return f"signal {name}"
    if rc == 3:
        return "validation failed"
    if rc != 0:
        msg = error_line(outcome.stderr_path)
        return f"exit status {rc}" + (f": {msg}" if msg else "")
    if simulated:
        why = _simulated_failure(outcome.stderr_path)
        if why:
            return why
    if not records:
        return "no record"
    if any(r.get("validated") is not True or r.get("status") == "invalid" for r in records):
        return "validation failed"
    return None


def _simulated_failure(stderr_path):
    """Why a simulated run that exited 0 failed (an MPI_Abort, the kernel's error line), or None."""
    text = runner.tail(stderr_path, 20000)
    msg = error_line(stderr_path)
    if smpi.ABORT_MARK in text:
        return "aborted (MPI_Abort; smpirun exits 0)" + (f": {msg}" if msg else "")
    if any(_OWN_ERROR.match(line.strip()) for line in text.splitlines()):
        return f"error (smpirun exit status 0): {msg}"
    return None


def read_records(path):
    records = []
    try:
        with open(path, "rb") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except (ValueError, RecursionError):
                    continue
                if isinstance(rec, dict):
                    records.append(rec)
    except FileNotFoundError:
        pass
    return records


def failure_record(cfg):
    params = dict(cfg.params)
    if cfg.size_param and cfg.size is not None:
        params[cfg.size_param] = cfg.size
    return {"schema": "triobench.result/1", "kernel": cfg.kernel, "kind": cfg.kind, "backend": cfg.backend,
            "ranks": cfg.ranks,
            "threads": cfg.threads, "pes": cfg.pes, "params": params, "iterations": cfg.iters,
            "warmup": cfg.warmup, "validated": False, "timestamp": utc_now(), "status": "failed"}


def _safe(name):
    return re.sub(r"[^A-Za-z0-9._=-]", "_", name)


def run_fault(ctx, rep, cfg, progress):
    """Run one fault scenario (and its --resume run); records carry sweep.fault with the outcome."""
    base = os.path.join(ctx.runs_dir, f"{_safe(cfg.config_id)}.rep{rep}.{os.getpid()}")
    json_path = base + ".jsonl"
    ckpt = faults.checkpoint_path(ctx.runs_dir, cfg.config_id, rep) if cfg.fault.get("resume") else None
    for p in (json_path, ckpt, ckpt and ckpt + ".tmp"):
        if p and os.path.exists(p):
            os.unlink(p)
    steps = [faults.args_for(cfg.fault, ckpt)] + ([faults.args_for(cfg.fault, ckpt, resume=True)] if ckpt else [])
    fields, first = {}, None
    for i, fault_args in enumerate(steps):
        argv, env = command_for(ctx, cfg, json_path, fault_args)
        outcome = _start(ctx, rep, cfg, argv, env, base, progress)
        end_epoch = faults.now_epoch()
        err = runner.tail(outcome.stderr_path, 20000)
        records = read_records(json_path)
        name = faults.classify(outcome.returncode, outcome.timed_out, records[0] if records else None, err)
        if first is None:
            first = {"outcome": name, "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6),
                     "measures": faults.measures(records[0] if records else None, err, end_epoch)}
        fields = {"id": ctx.sweep_id, "rep": rep, "config_id": cfg.config_id, "command": command_text(argv, env),
                  "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6),
                  "oversubscribed": cfg.oversubscribed, "scaling": ctx.plan.scaling_of(cfg), "transport": cfg.transport,
                  "stderr_tail": runner.tail(outcome.stderr_path, 1000) or None}
        for ext in (".out", ".err"):
            if os.path.exists(base + ext):
                os.unlink(base + ext)
        if i + 1 < len(steps) and os.path.exists(json_path):
            os.unlink(json_path)
    detect, recover, to_end = first["measures"]
    if ckpt:               # the remedy is the rerun: its wall time is the time to recover
        recover = fields["wall_s"]
    detail = (records[0].get("fault") or {}).get("outcome") if records else None
    failure = faults.judge(cfg, name, detail)
    fields["failure"] = failure
    fields["fault"] = dict(cfg.fault, outcome=name, detect_s=detect, recover_s=recover, fault_to_end_s=to_end,
                           first_run=None if not ckpt else {k: first[k] for k in ("outcome", "exit_status", "wall_s")},
                           shape=cfg.shape)
    for p in (json_path, ckpt, ckpt and ckpt + ".tmp"):
        if p and os.path.exists(p):
            os.unlink(p)
    return _with_fields(records, cfg, fields, ctx), failure, outcome


def _start(ctx, rep, cfg, argv, env, base, progress):
    """Run the job (its output in base.out/.err); a job that cannot start is an Outcome with status 127."""
    try:
        ctx.signals.check()
        ctx.signals.waiting = True
        outcome = runner.run_job(argv, env, ctx.plan.timeout, base, f"{ctx.sweep_id}:{cfg.config_id}:{rep}",
                                 tick=progress.tick if progress.tty else None)
        ctx.signals.waiting = False
    except OSError as e:                       # the executable or the launcher could not be started
        ctx.signals.waiting = False
        with open(base + ".err", "a") as f:
            f.write(f"cannot start {argv[0]}: {e.strerror}\n")
        open(base + ".out", "a").close()
        outcome = runner.Outcome(127, False, 0.0, base + ".out", base + ".err")
    return outcome


def _with_fields(records, cfg, fields, ctx):
    """The run's records (the sweep's own when it produced none), each with its sweep fields (and the
    simulated platform: meta.json's launch.platform)."""
    if not records:
        records = [failure_record(cfg)]
    platform = (ctx.meta.get("launch") or {}).get("platform")
    if platform:
        fields = dict(fields, platform=platform)
    for i, rec in enumerate(records):
        rec["sweep"] = dict(fields, record_index=i, records_in_run=len(records))
    return records


def run_one(ctx, rep, cfg, progress):
    """Run one (config, rep); returns the records to append (never empty)."""
    if cfg.fault:
        return run_fault(ctx, rep, cfg, progress)
    base = os.path.join(ctx.runs_dir, f"{_safe(cfg.config_id)}.rep{rep}.{os.getpid()}")
    json_path = base + ".jsonl"
    for p in (json_path,):
        if os.path.exists(p):
            os.unlink(p)
    argv, env = command_for(ctx, cfg, json_path)
    outcome = _start(ctx, rep, cfg, argv, env, base, progress)
    records = read_records(json_path)
    failure = classify(outcome, records, ctx.plan.timeout, simulated=ctx.direct.simulated)
    fields = {"id": ctx.sweep_id, "rep": rep, "config_id": cfg.config_id, "command": command_text(argv, env),
              "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6), "failure": failure,
              "oversubscribed": cfg.oversubscribed, "scaling": ctx.plan.scaling_of(cfg), "transport": cfg.transport}
    if cfg.probe:          # a roofline probe (probes.py): not a configuration of the plan
        fields.update(probe=True, role="roofline", ceiling=cfg.probe)
    if failure:
        os.makedirs(ctx.logs_dir, exist_ok=True)
        log = os.path.join("logs", f"{_safe(cfg.config_id)}.rep{rep}")
        for ext in (".out", ".err"):
            os.replace(base + ext, os.path.join(ctx.folder, log + ext))
        fields["log"] = log + ".{out,err}"
        fields["stderr_tail"] = runner.tail(os.path.join(ctx.folder, log + ".err"), 1000) or None
    else:
        for ext in (".out", ".err"):
            os.unlink(base + ext)
    if os.path.exists(json_path):
        os.unlink(json_path)
    return _with_fields(records, cfg, fields, ctx), failure, outcome
