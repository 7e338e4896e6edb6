"""The measurements bench/calibrate runs itself: bench/sweep as a subprocess, one results folder per
step inside OUTDIR (docs/calibration.md). Over shared memory on this machine; over TCP between
network-namespace hosts through tests/multihost/run, when it can make them (root, iproute2), else one
line saying why that part was skipped. A step whose folder already holds a finished sweep
(summary.json) is reused, so a run that stopped half-way is finished by running the command again."""

import os
import subprocess

from tbcommon.errors import SweepError, UserError

from . import cases
from .smpi import REPO

SWEEP = os.path.join(REPO, "bench", "sweep")
MULTIHOST = os.path.join(REPO, "tests", "multihost", "run")
SKIPPED = 77        # tests/multihost/run: cannot make hosts here (the reason is on its output)


def folder(outdir, step, transport):
    return os.path.join(outdir, "%s-%s" % (step, transport) if transport else step)


def _sweep_cmd(outdir, step, mode, transport, build_dir):
    preset = os.path.join(outdir, "presets", "%s-%s.toml" % (step, mode))
    os.makedirs(os.path.dirname(preset), exist_ok=True)
    with open(preset, "w") as f:
        f.write(cases.preset(step, mode))
    cmd = [SWEEP, "--preset", preset, "--out", folder(outdir, step, transport), "--no-plot", "--no-build",
           "--build-dir", build_dir]
    return cmd + (["--transports", transport] if transport else [])


def _done(path):
    return os.path.isfile(os.path.join(path, "summary.json"))


def run_step(outdir, step, mode, transport, build_dir, log, hosts=2):
    """One sweep step; returns its folder, or None when the TCP part could not run here (the reason
    logged). A sweep with failed runs keeps its good records (they are what the calibration reads)."""
    path = folder(outdir, step, transport)
    if _done(path):
        log("reusing %s (already measured)" % path)
        return path
    if transport == "tcp" and not os.access(MULTIHOST, os.X_OK):
        log("TCP part skipped: %s is missing (the namespace hosts need a source checkout)" % MULTIHOST)
        return None
    cmd = _sweep_cmd(outdir, step, mode, transport, build_dir)
    if transport == "tcp":
        # The hostfile exists only inside the namespace session: the sweep is started through sh
        # so that it reads $TB_MULTIHOST_HOSTFILE there.
        # No binding: the namespace hosts share this machine's cores, and Open MPI would bind
        # each host's first rank to core 0, so that all ranks shared one core (a 2-rank ep over
        # TCP measured 1.6x its shm time for that reason alone).
        cmd = [MULTIHOST, "--hosts", str(hosts), "--build-dir", build_dir, "exec", "--",
               "sh", "-c", 'exec "$@" --hostfile "$TB_MULTIHOST_HOSTFILE"', "sh"] + cmd \
            + ["--launcher-args=--bind-to none"]
    log("measuring %s: %s" % (os.path.basename(path), " ".join(cmd)))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = (proc.stdout or "").strip().splitlines()
    if transport == "tcp" and proc.returncode == SKIPPED:
        why = next((line.split("SKIP:", 1)[1].strip() for line in out if "SKIP:" in line), "no reason given")
        log("TCP part skipped: %s" % why)
        return None
    if proc.returncode == 2:
        raise UserError("bench/sweep refused the %s step: %s" % (step, out[-1] if out else "?"))
    if proc.returncode != 0 and not os.path.isfile(os.path.join(path, "results.jsonl")):
        raise SweepError("the %s step failed (exit %d): %s" % (os.path.basename(path), proc.returncode,
                                                                 out[-1] if out else "no output"))
    if proc.returncode != 0:
        log("warning: some runs of %s failed (exit %d); its good records are used" % (path, proc.returncode))
    return path


def calibration_steps(outdir, mode, build_dir, log, tcp=True, hosts=2):
    """Folders holding the calibration's records: network over shm (and tcp), serial kernels."""
    folders = [run_step(outdir, "network", mode, "shm", build_dir, log),
               run_step(outdir, "serial", mode, None, build_dir, log)]
    if tcp:
        folders.append(run_step(outdir, "network", mode, "tcp", build_dir, log, hosts))
    else:
        log("TCP part skipped: not asked for (--no-tcp)")
    return [f for f in folders if f]


def validation_steps(outdir, mode, build_dir, log, tcp=True):
    """Folders of the real kernel runs to set beside the simulated ones."""
    hosts = max(cases.RANKS[mode])
    folders = [run_step(outdir, "kernels", mode, "shm", build_dir, log)]
    if tcp:
        folders.append(run_step(outdir, "kernels", mode, "tcp", build_dir, log, hosts))
    return [f for f in folders if f]
