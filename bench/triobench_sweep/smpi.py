"""``--launcher smpi --platform FILE``: every run on a simulated cluster (SimGrid's SMPI; docs/simulation.md).

The executables of an SMPI build (cmake/smpi.cmake) run only under smpirun, the
serial baseline included (one simulated rank on the platform's first host), so
under this launcher the class Smpi starts every run. What the sweep refuses
(threads, kill and exit faults, transports) is in ``refusal``; the platform's
description that goes into meta.json and every record (``sweep.platform``) is
``Smpi.platform_record``.
"""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile

from tbcommon.errors import UserError

from . import installation
from .launchers import MpiLauncher
from .simgrid_platform import file_sha256, read_platform

SMPI_COLL_SELECTOR = "mpich"   # SMPI's default selection made cg at 64 ranks take over 300 s

# SMPI settings the launcher passes unless the platform's <config> sets them (docs/simulation.md):
# the collective selector, and the simulated time of one MPI_Iprobe. SMPI's default (1e-4 s) makes
# every probe of ep's dynamic master, between its own batches, cost 100 us of simulated time: class
# W on one rank took 13.8 s of simulated time instead of 0.65 s. 1e-7 s is the order of a real
# probe of an MPI library's queues.
SMPI_DEFAULTS = {"smpi/coll-selector": SMPI_COLL_SELECTOR, "smpi/iprobe": "1e-7"}

MISSING = "smpirun not found: install SimGrid (apt-get install libsimgrid-dev)"

# What smpirun prints when a rank called MPI_Abort; smpirun itself then exits 0 (SimGrid 3.32).
ABORT_MARK = "MPI_Abort was called"


class Smpi(MpiLauncher):
    """SimGrid's smpirun: the ranks are simulated processes on the hosts of a platform file.

    Capacity is the platform's cores (hosts x cores each), not this machine's;
    ranks fill the hosts in order, one per core (the hostfile is written from
    the platform). The collective algorithms are MPICH's (SMPI_COLL_SELECTOR)
    unless the platform's <config> chooses.
    """
    name = "smpi"
    flavour = "smpi"
    simulated = True

    def __init__(self, path, version_text, platform):
        super().__init__(path, version_text, 0, library="smpi")
        self.platform_given = platform
        self.platform = os.path.abspath(platform)
        self.hosts_cores, self.config = read_platform(self.platform)
        self.hostfile = None

    def capacity(self):
        total = sum(c for _, c in self.hosts_cores)
        return total, (f"the {total} simulated cores of {os.path.basename(self.platform)} "
                       f"({len(self.hosts_cores)} hosts)")

    def hosts(self):
        return len(self.hosts_cores)

    def host_names(self, ranks):
        """The simulated host of each rank, in rank order."""
        return [h for h, c in self.hosts_cores for _ in range(c)][:ranks]

    def coll_selector(self):
        return self.config.get("smpi/coll-selector", SMPI_COLL_SELECTOR)

    def cfg_args(self):
        """--cfg=KEY:VALUE for each of SMPI_DEFAULTS the platform's <config> does not set."""
        return [f"--cfg={k}:{v}" for k, v in SMPI_DEFAULTS.items() if k not in self.config]

    def simgrid_version(self):
        """'3.32' from smpirun -version ("SimGrid version 3.32"), or None."""
        m = re.search(r"SimGrid version (\S+)", self.version_text or "")
        return m.group(1) if m else None

    def check_transports(self, transports):
        if transports:
            raise UserError("--transports does not go with --launcher smpi: the platform file is the network")

    def transport_env(self, transport):
        return {}

    def write_hostfile(self):
        """One line per core, hosts in the platform's order; named after the platform's contents."""
        if self.hostfile is None:
            lines = "".join(f"{h}\n" for h, c in self.hosts_cores for _ in range(c))
            digest = hashlib.sha256(lines.encode()).hexdigest()[:12]
            self.hostfile = os.path.join(tempfile.gettempdir(), f"triobench-smpi-{digest}.hosts")
            if not os.path.exists(self.hostfile):
                tmp = f"{self.hostfile}.{os.getpid()}"
                with open(tmp, "w") as f:
                    f.write(lines)
                os.replace(tmp, self.hostfile)
        return self.hostfile

    def command(self, ranks, threads, oversubscribed, cmd, transport=None, pin=False):
        """smpirun's command line; a serial run is one simulated rank (the platform's first host)."""
        argv = [self.path, "-np", str(ranks), "-platform", self.platform, "-hostfile", self.write_hostfile(),
                *self.cfg_args(), "--log=root.thres:warning", *cmd]
        return argv, {"OMP_NUM_THREADS": "1"}

    def hostfile_args(self):
        return []

    def platform_record(self):
        """The platform as every record's sweep.platform and meta.json's launch.platform carry it."""
        return {"name": platform_name(self.platform), "file": self.platform_given,
                "sha256": file_sha256(self.platform), "hosts": len(self.hosts_cores),
                "cores": self.capacity()[0], "coll_selector": self.coll_selector(),
                "simgrid": self.simgrid_version()}

    def describe(self):
        """meta.json's mpi: the platform record with its absolute path, its hosts' shape and <config>."""
        platform = dict(self.platform_record(), file=self.platform,
                        cores_per_host=sorted({c for _, c in self.hosts_cores}),
                        first_hosts=[h for h, _ in self.hosts_cores[:4]], config=self.config)
        return {"name": self.name, "flavour": self.flavour, "path": self.path, "version": self.version(),
                "library": self.library, "simulated": True, "platform": platform,
                "coll_selector": self.coll_selector(), "cfg": self.cfg_args(), "launcher_args": None}


def platform_name(path):
    """cluster-ib for platforms/cluster-ib.xml."""
    base = os.path.basename(path)
    return base[:-4] if base.endswith(".xml") else base


def summary_text(platform):
    """One line for the end of a sweep and meta.json, from a platform record: "simulated on cluster-ib:
    1,024 cores (32 hosts), SimGrid 3.32, collectives mpich"."""
    return (f"simulated on {platform['name']}: {platform['cores']:,} cores ({platform['hosts']:,} hosts), "
            f"SimGrid {platform.get('simgrid') or '(version unknown)'}, collectives {platform['coll_selector']}")


def refusal(backends, faults, transports=None):
    """Why a sweep cannot run under --launcher smpi (one line), or None."""
    for b in ("hybrid", "omp"):
        if b in backends:
            return (f"--launcher smpi does not run {b}: SMPI provides only MPI_THREAD_SINGLE "
                    "(one thread per simulated rank); use --backends serial,mpi")
    for s in faults or ():
        kind = str(s.get("inject") or "").split(":", 1)[0]
        if kind in ("kill", "exit"):
            return (f"fault '{s.get('name')}': --inject-fault {kind} does not go with --launcher smpi: in a "
                    "simulation kill(getpid()) and _exit do not mean what they mean on a cluster (inject a hang)")
        if s.get("backend") in ("hybrid", "omp"):
            return f"fault '{s.get('name')}': --launcher smpi does not run {s.get('backend')} (MPI_THREAD_SINGLE)"
    if transports:
        return "--transports does not go with --launcher smpi: the platform file is the network"
    return None


def check_build(build_dir, backends):
    """A UserError when an executable the sweep will run is not an SMPI build (ldd: no libsimgrid):
    smpirun would start an ordinary MPI program as each simulated rank."""
    for b in backends:
        exe = os.path.join(build_dir, "bin", f"triobench-{b}")
        try:
            r = subprocess.run(["ldd", exe], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue                       # no ldd: smpirun will say what is wrong
        if r.returncode == 0 and "libsimgrid" not in r.stdout:
            raise UserError(f"{exe} is not an SMPI build: --launcher smpi needs the executables of "
                            "`cmake --preset smpi && cmake --build --preset smpi` (pass --build-dir build-smpi)")


def preset_platform(path):
    """A preset's platform: relative to the source tree (or PREFIX/share/triobench when installed),
    not to the current folder, so that `--preset sim` works from anywhere."""
    return path if os.path.isabs(path) else os.path.join(installation.ROOT, path)


def select(platform):
    """The Smpi launcher for a platform file (UserError when SimGrid or the file is missing)."""
    if not platform:
        raise UserError("--launcher smpi needs --platform FILE (a SimGrid platform, e.g. platforms/cluster-ib.xml)")
    path = shutil.which("smpirun")
    if not path:
        raise UserError(MISSING)
    try:
        r = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        text = (r.stdout or "") + (r.stderr or "")
    except (OSError, subprocess.SubprocessError):
        text = ""
    return Smpi(path, text, platform)
