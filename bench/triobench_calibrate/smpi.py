"""Running the SMPI build of triobench-mpi under smpirun on a platform, with ranks placed on named
hosts (a hostfile, one line per rank), and reading the records it writes."""

import json
import os
import shutil
import subprocess
import tempfile

from tbcommon.errors import SweepError, UserError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BUILD = os.path.join(REPO, "build-smpi")


def smpirun():
    path = shutil.which("smpirun")
    if not path:
        raise UserError("smpirun not found: install SimGrid (apt-get install libsimgrid-dev)")
    return path


def executable(build_dir=None, build=True, log=print):
    """The SMPI build's triobench-mpi; built when missing (the preset smpi for the default folder,
    tests/smpi/run build DIR for another) unless build is False."""
    build_dir = os.path.abspath(build_dir or DEFAULT_BUILD)
    exe = os.path.join(build_dir, "bin", "triobench-mpi")
    if os.access(exe, os.X_OK):
        return exe
    if not build:
        raise UserError("%s is missing: build it (cmake --preset smpi && cmake --build --preset smpi)" % exe)
    if not shutil.which("smpicc"):
        raise UserError("smpicc not found, so the SMPI build cannot be made: apt-get install libsimgrid-dev")
    if not os.path.isfile(os.path.join(REPO, "CMakePresets.json")):
        raise UserError("%s is missing and there is no source tree here to build it in: give --smpi-build DIR" % exe)
    if build_dir == DEFAULT_BUILD:
        steps = [["cmake", "--preset", "smpi"], ["cmake", "--build", "--preset", "smpi"]]
    else:
        steps = [[os.path.join(REPO, "tests", "smpi", "run"), "build", build_dir]]
    for cmd in steps:
        log("building the SMPI executables: " + " ".join(cmd))
        if subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL).returncode != 0:
            raise SweepError("the SMPI build failed: " + " ".join(cmd))
    if not os.access(exe, os.X_OK):
        raise SweepError("the SMPI build made no %s" % exe)
    return exe


def run(exe, platform, hosts, args, timeout=600, cfg=()):
    """Records of one smpirun of `exe args` with rank i on hosts[i] of the platform."""
    with tempfile.TemporaryDirectory(prefix="triobench-calibrate-") as tmp:
        hostfile = os.path.join(tmp, "hosts")
        with open(hostfile, "w") as f:
            f.write("".join(h + "\n" for h in hosts))
        out = os.path.join(tmp, "records.jsonl")
        cmd = [smpirun(), "-np", str(len(hosts)), "-platform", platform, "-hostfile", hostfile,
               "--log=root.thres:warning", *["--cfg=" + c for c in cfg], exe, *args, "--json", out, "--quiet"]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SweepError("smpirun took more than %d s: %s" % (timeout, " ".join(cmd)))
        tail = (proc.stdout or "").strip().splitlines()[-1:] or [""]
        if proc.returncode != 0:
            raise SweepError("smpirun exited %d (%s): %s" % (proc.returncode, tail[0], " ".join(cmd)))
        try:
            with open(out) as f:
                records = [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError):
            raise SweepError("smpirun wrote no records (%s): %s" % (tail[0], " ".join(cmd)))
    bad = [r for r in records if r.get("validated") is not True]
    if bad or not records:
        raise SweepError("a simulated run did not validate: " + " ".join(cmd))
    return records
