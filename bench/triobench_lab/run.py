"""Running a lab: each step is one bench/sweep into a subfolder of the lab folder; then the sheet."""

import os
import shutil
import subprocess
import time
import tomllib

from . import data as labdata
from . import sheet
from .labs import LABS, steps
from .words import busy

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP = os.path.join(BENCH, "sweep")
INTERRUPTED = (130, 143)
MPI_BACKENDS = ("mpi", "hybrid")
LAUNCHERS = ("mpirun", "mpiexec", "srun")


def mpi_available():
    """Whether any MPI launcher is on PATH (without one the sweep cannot run mpi or hybrid)."""
    return any(shutil.which(name) for name in LAUNCHERS)


def without_mpi(args):
    """A step's sweep options for a machine without MPI: its preset's backends less mpi and hybrid,
    no --transports; (None, reason) when nothing is left to run."""
    args = list(args)
    backends = None
    if "--preset" in args:
        with open(os.path.join(BENCH, "presets", args[args.index("--preset") + 1] + ".toml"), "rb") as f:
            backends = tomllib.load(f).get("backends")
    if "--backends" in args:
        i = args.index("--backends")
        backends = args[i + 1].split(",")
        del args[i:i + 2]
    if "--transports" in args:
        i = args.index("--transports")
        del args[i:i + 2]
    left = [b for b in (backends or ("serial", "omp")) if b not in MPI_BACKENDS]
    if not left:
        return None, "it needs MPI, and no MPI launcher (" + ", ".join(LAUNCHERS) + ") is on PATH"
    return args + ["--backends", ",".join(left)], None


def _load():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def run(lab, folder, sweep_args):
    """Run every step of the lab into folder; returns the steps' exit statuses (name -> status)."""
    info = {"lab": lab, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load_start": _load(),
            "sweep_args": list(sweep_args), "steps": {}, "skipped": {}}
    labdata.write_info(folder, info)
    mpi = mpi_available()
    if not mpi:
        print(f"bench/lab {lab}: no MPI launcher on PATH: running the serial and OpenMP parts only "
              "(apt-get install openmpi-bin libopenmpi-dev for the rest)", flush=True)
    for name, how in steps(lab):
        args, reason = how, None
        if callable(how):
            args, reason = how(folder, labdata.load(folder, [n for n, _ in steps(lab)]))
        if args is not None and not mpi:
            args, reason = without_mpi(args)
        if args is None:
            info["skipped"][name] = reason
            print(f"bench/lab {lab}: step {name} skipped: {reason}", flush=True)
            continue
        cmd = [SWEEP] + list(args) + ["--out", os.path.join(folder, name)] + list(sweep_args)
        print(f"bench/lab {lab}: step {name}: {' '.join(cmd)}", flush=True)
        try:
            rc = subprocess.call(cmd)
        except KeyboardInterrupt:
            rc = 130
        info["steps"][name] = rc
        labdata.write_info(folder, info)
        if rc in INTERRUPTED:
            break
    info["load_end"] = _load()
    info["cores"] = _cores(folder, info)
    labdata.write_info(folder, info)
    return info["steps"]


def _cores(folder, info):
    for name in info["steps"]:
        meta = labdata.load_step(os.path.join(folder, name)).meta
        count = ((meta or {}).get("physical_cores") or {}).get("count")
        if count:
            return count
    return os.cpu_count()


STATUS = {0: "every run went well", 1: "some runs failed or ended otherwise than expected (its folder's logs/ "
             "and its report's failures table say which)", 2: "bad input (its first line of output says why)",
          130: "interrupted", 143: "terminated"}


def intro(lab, data):
    info = data.info
    lines = [f"Answers written by `bench/lab {lab}` from your own measurements in this folder "
             f"(started {info.get('started', '?')}, {info.get('cores', '?')} physical cores). Every number below "
             "comes from the records; where the data do not support the expected lesson the sheet says so."]
    for name, rc in (info.get("steps") or {}).items():
        if rc != 0:
            lines.append(f"Step `{name}` ended with exit status {rc}: {STATUS.get(rc, 'failed')}. The answers "
                         "below say which of their runs are missing or ended otherwise than expected.")
    for name, reason in (info.get("skipped") or {}).items():
        lines.append(f"Step `{name}` was skipped: {reason}.")
    lines.append(busy(info))
    return lines


def write_sheet(lab, folder):
    module = LABS[lab]
    d = labdata.load(folder, [n for n, _ in steps(lab)])
    answers = module.answers(d)
    return sheet.write(folder, lab, module.TITLE, intro(lab, d), answers), answers
