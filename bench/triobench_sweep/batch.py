"""bench/sweep --submit: the sweep as one Slurm batch job.

The sweep is planned here (so that bad input fails at once, and the job can be
sized), the executables are built here, and a batch script is written into the
results folder; sbatch runs it. The job runs bench/sweep itself inside its
allocation (`--launcher slurm`: srun, or the library's mpirun), writing the
usual files into that same folder, so the repository and the results folder
must be on a file system the compute node shares (home or scratch, as on any
cluster).

Sizing: with an explicit --pes list the job asks for one node and as many
CPUs (tasks) as the largest configuration has PEs; with --pes auto it asks
for a whole node (--exclusive) and the job's sweep takes that node's cores.
The time limit is the plan's worst case (runs x timeout) plus 5 minutes.
--sbatch-args are given to sbatch on its command line, so they override these.

Without --wait, --submit returns as soon as sbatch has queued the job, printing
its id; with --wait it returns when the job ends, prints the summary table and
exits as the sweep did (0 all ran well, 1 some runs failed or the job failed).
"""

import datetime
import json
import math
import os
import shlex
import shutil
import subprocess
import sys

from . import report
from tbcommon.errors import SweepError, UserError

# Options that are the submitting side's, or that the job sets itself.
_DROP_WITH_VALUE = ("--out", "--launcher", "--build-dir", "--sbatch-args", "--jobs")
_DROP_FLAGS = ("--submit", "--wait", "--dry-run", "--no-build")
SCRIPT = "job.sbatch"
JOB_FILE = "slurm-job.json"


def job_argv(argv):
    """The user's bench/sweep options, less those the submitting side owns."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        name = a.split("=", 1)[0]
        if name in _DROP_WITH_VALUE:
            i += 1 if "=" in a else 2
            continue
        if a in _DROP_FLAGS:
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def sizing(plan, pes_auto):
    """#SBATCH options from the plan: (list of options, one-line description)."""
    minutes = math.ceil(len(plan.runs()) * plan.timeout / 60.0) + 5
    time_opt = f"--time={minutes}"
    if pes_auto:
        return ["--nodes=1", "--exclusive", time_opt], f"a whole node (--pes auto), at most {minutes} min"
    cpus = max(c.ranks * c.threads for c in plan.configs)
    return (["--nodes=1", f"--ntasks={cpus}", time_opt],
            f"{cpus} CPUs on one node (the largest configuration), at most {minutes} min")


def script_text(repo, folder, build_dir, argv, sbatch_opts, python=None):
    sweep = os.path.join(repo, "bench", "sweep")
    cmd = [sweep, *job_argv(argv), "--launcher", "slurm", "--out", folder, "--build-dir", build_dir,
           "--no-build"]
    lines = ["#!/bin/sh",
             "#SBATCH --job-name=triobench-sweep",
             f"#SBATCH --output={os.path.join(folder, 'slurm-%j.out')}",
             f"#SBATCH --chdir={repo}"]
    lines += [f"#SBATCH {o}" for o in sbatch_opts]
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines += ["",
              f"# Written by bench/sweep --submit on {stamp}. It runs the sweep inside this",
              "# allocation; the results go to the folder named by --out (see docs/clusters.md).",
              "echo \"triobench sweep: job $SLURM_JOB_ID on $(hostname), CPUs per node $SLURM_JOB_CPUS_PER_NODE\"",
              "exec " + shlex.join(cmd), ""]
    return "\n".join(lines)


def submit(args, plan, pes_auto, folder, build_dir, repo, say):
    """Write the batch script and submit it; returns the exit status of bench/sweep."""
    sbatch = shutil.which("sbatch")
    if not sbatch and not args.dry_run:
        raise UserError("sbatch not found: --submit needs Slurm's client commands (apt-get install slurm-client) "
                        "on this machine")
    opts, what = sizing(plan, pes_auto)
    user_opts = shlex.split(args.sbatch_args) if args.sbatch_args else []
    shown_folder = folder or os.path.abspath(args.out or "bench/results/sweep-<time>")
    text = script_text(repo, shown_folder, build_dir, args.argv, opts)
    if args.dry_run:
        print(f"batch script ({what}); submitted with: sbatch {shlex.join(user_opts)} {SCRIPT}".replace("  ", " "))
        print(text)
        return 0
    path = os.path.join(folder, SCRIPT)
    with open(path, "w") as f:
        f.write(text)
    argv = [sbatch, "--parsable", *(["--wait"] if args.wait else []), *user_opts, path]
    say(f"bench/sweep: submitting {len(plan.configs)} configurations x {plan.reps} repetitions = "
        f"{len(plan.runs())} runs as one Slurm job ({what}): {shlex.join(argv)}")
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        job_id = None
        first = proc.stdout.readline()          # --parsable prints "id[;cluster]" as soon as it is queued
        if first.strip():
            job_id = first.strip().split(";")[0]
            _record(folder, job_id, argv, path)
            say(f"bench/sweep: submitted Slurm job {job_id}; results: {folder}/"
                + ("" if args.wait else f"\n  follow it with: squeue -j {job_id}; "
                   f"output: {os.path.join(folder, f'slurm-{job_id}.out')}"))
        rest, err = proc.communicate()
    except KeyboardInterrupt:
        say(f"bench/sweep: stopped waiting; job {job_id or '?'} keeps running (scancel {job_id or 'ID'} ends it)")
        return 130
    except OSError as e:
        raise SweepError(f"cannot run {sbatch}: {e.strerror}") from None
    if job_id is None:
        last = (err.strip().splitlines() or ["(no message)"])[-1]
        raise SweepError(f"sbatch failed (exit status {proc.returncode}): {last}")
    if not args.wait:
        return 0
    return collect(folder, job_id, proc.returncode, say)


def _record(folder, job_id, argv, path):
    info = {"job_id": job_id, "submitted": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%dT%H:%M:%SZ"), "sbatch": argv, "script": path}
    with open(os.path.join(folder, JOB_FILE), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


def collect(folder, job_id, job_status, say):
    """After the job ended: the results folder's summary, and the sweep's exit status."""
    out = os.path.join(folder, f"slurm-{job_id}.out")
    try:
        with open(os.path.join(folder, "summary.json")) as f:
            summary = json.load(f)
    except (OSError, ValueError):
        raise SweepError(f"Slurm job {job_id} ended (exit status {job_status}) without a summary in {folder}: "
                         f"see {out}") from None
    print(report.table(summary.get("configurations") or []))
    print(f"\nresults: {folder}/ (Slurm job {job_id}; its output: {out})")
    sys.stdout.flush()
    if job_status != 0 or summary.get("runs_failed") or not summary.get("complete"):
        say(f"bench/sweep: Slurm job {job_id} ended with exit status {job_status}: "
            f"{summary.get('runs_failed', 0)} failed runs, complete: {summary.get('complete')} (see {out})")
        return 1
    return 0
