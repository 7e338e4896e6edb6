"""How a run is started: directly (serial, omp) or through an MPI launcher (mpi, hybrid).

One class per launcher. Each says how many PEs it can run without
oversubscribing (``capacity``) and builds the command and the environment of a
run (``command``). To add one (PBS's mpiexec, say): write a class like Srun
and register it in ``select``.

The binding defaults are in BINDING_DEFAULTS below (also written to meta.json).
"""

import os
import re
import shlex
import shutil
import subprocess

from .errors import UserError

BINDING_DEFAULTS = """\
Binding defaults, overridable with --launcher-args (replaces the MPI mapping
and binding options) and by setting OMP_PLACES / OMP_PROC_BIND yourself:
  serial   hwloc-bind core:0 (one core, like an omp run of one thread)
  omp      OMP_PLACES=cores OMP_PROC_BIND=close (one thread per core)
  mpi      Open MPI: --map-by core --bind-to core; MPICH: -bind-to core; srun: --cpu-bind=cores
  hybrid   each rank gets `threads` cores, its threads placed on them:
           Open MPI: --map-by slot:PE=T --bind-to core; MPICH: -bind-to core:T;
           srun: --cpus-per-task=T --cpu-bind=cores; plus the omp variables
  oversubscribed runs: no binding (Open MPI --oversubscribe --bind-to none,
           OMP_PROC_BIND=false), so that processes are not stacked on one core."""

MISSING_MPIRUN = ("mpirun not found: install openmpi-bin (apt-get install openmpi-bin) "
                  "or pass --backends serial,omp")


def omp_env(threads, oversubscribed, base=None):
    """OpenMP variables of a run; OMP_PLACES/OMP_PROC_BIND already set by the user are kept."""
    base = os.environ if base is None else base
    env = {"OMP_NUM_THREADS": str(threads)}
    if oversubscribed:
        env["OMP_PROC_BIND"] = base.get("OMP_PROC_BIND", "false")
        if "OMP_PLACES" in base:
            env["OMP_PLACES"] = base["OMP_PLACES"]
    else:
        env["OMP_PLACES"] = base.get("OMP_PLACES", "cores")
        env["OMP_PROC_BIND"] = base.get("OMP_PROC_BIND", "close")
    return env


class Direct:
    """serial and omp: the executable itself, on this machine.

    The serial run is pinned to one core with hwloc-bind (when it is there), as
    OMP_PLACES=cores pins an omp run of one thread, so the baseline is measured
    the same way as what it is compared with.
    """
    name = "direct"

    def __init__(self, local_cores):
        self.local_cores = local_cores
        self.hwloc_bind = shutil.which("hwloc-bind")

    def capacity(self):
        return self.local_cores, f"the {self.local_cores} physical cores"

    def command(self, ranks, threads, oversubscribed, cmd, pin=False):
        prefix = [self.hwloc_bind, "core:0", "--"] if pin and self.hwloc_bind and not oversubscribed else []
        return prefix + list(cmd), omp_env(threads, oversubscribed)

    def describe(self):
        return {"name": self.name, "binding": "serial: hwloc-bind core:0; omp: OMP_PLACES=cores OMP_PROC_BIND=close"}


class MpiLauncher:
    """Common part of the mpirun-style launchers."""
    name = "mpirun"
    flavour = "generic"

    def __init__(self, path, version_text, local_cores, hostfile=None, extra_args=None):
        self.path = path
        self.version_text = version_text
        self.local_cores = local_cores
        self.hostfile = hostfile
        self.extra_args = shlex.split(extra_args) if extra_args else None
        self.slots = parse_hostfile(hostfile) if hostfile else None

    def capacity(self):
        if self.slots is not None:
            return self.slots, f"the {self.slots} slots of {self.hostfile}"
        return self.local_cores, f"the {self.local_cores} physical cores"

    def binding(self, ranks, threads, oversubscribed):
        return []

    def hostfile_args(self):
        return []

    def env_args(self, env):
        return []

    def extra_env(self):
        return {}

    def command(self, ranks, threads, oversubscribed, cmd):
        env = self.extra_env()
        env.update(omp_env(threads, oversubscribed))
        bind = self.extra_args if self.extra_args is not None else self.binding(ranks, threads, oversubscribed)
        argv = [self.path, *self.np_args(ranks), *self.hostfile_args(), *bind, *self.env_args(env), *cmd]
        return argv, env

    def np_args(self, ranks):
        return ["-n", str(ranks)]

    def version(self):
        return self.version_text.splitlines()[0].strip() if self.version_text else None

    def describe(self):
        return {"name": self.name, "flavour": self.flavour, "path": self.path, "version": self.version(),
                "hostfile": self.hostfile, "launcher_args": self.extra_args,
                "binding_mpi_example": self.binding(2, 1, False),
                "binding_hybrid_example": self.binding(1, 2, False)}


class OpenMPI(MpiLauncher):
    flavour = "openmpi"

    def binding(self, ranks, threads, oversubscribed):
        if oversubscribed:
            return ["--oversubscribe", "--bind-to", "none"]
        if threads > 1:
            return ["--map-by", f"slot:PE={threads}", "--bind-to", "core"]
        return ["--map-by", "core", "--bind-to", "core"]

    def hostfile_args(self):
        return ["--hostfile", self.hostfile] if self.hostfile else []

    def env_args(self, env):
        return [a for k in sorted(env) if k.startswith("OMP_") for a in ("-x", k)]

    def extra_env(self):
        # Open MPI refuses to run as root without these (containers, CI).
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            return {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
        return {}


class MPICH(MpiLauncher):
    """MPICH's (and Intel MPI's) Hydra mpiexec: passes the whole environment by default."""
    flavour = "mpich"

    def binding(self, ranks, threads, oversubscribed):
        if oversubscribed:
            return ["-bind-to", "none"]
        return ["-bind-to", f"core:{threads}" if threads > 1 else "core"]

    def hostfile_args(self):
        return ["-f", self.hostfile] if self.hostfile else []


class Srun(MpiLauncher):
    """Slurm's srun inside an allocation; exports the environment by default."""
    name = "srun"
    flavour = "slurm"

    def capacity(self):
        n = slurm_cpus(os.environ)
        if n:
            return n, f"the {n} CPUs of Slurm job {os.environ.get('SLURM_JOB_ID', '?')}"
        return self.local_cores, f"the {self.local_cores} physical cores"

    def np_args(self, ranks):
        return ["-n", str(ranks)]

    def binding(self, ranks, threads, oversubscribed):
        args = [f"--cpus-per-task={threads}"]
        if oversubscribed:
            return args + ["--overcommit", "--cpu-bind=none"]
        return args + ["--cpu-bind=cores"]


def slurm_cpus(env):
    """CPUs of the Slurm allocation: SLURM_JOB_CPUS_PER_NODE like '4(x2),2' -> 10."""
    text = env.get("SLURM_JOB_CPUS_PER_NODE")
    if not text:
        return None
    total = 0
    for part in text.split(","):
        m = re.match(r"^(\d+)(?:\(x(\d+)\))?$", part.strip())
        if not m:
            return None
        total += int(m.group(1)) * int(m.group(2) or 1)
    return total or None


def parse_hostfile(path):
    """Total slots of an Open MPI ('host slots=4') or MPICH ('host:4') hostfile; 1 per host otherwise."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise UserError(f"cannot read hostfile {path}: {e.strerror}") from None
    slots = 0
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.search(r"\bslots\s*=\s*(\d+)", line) or re.match(r"^\S+?:(\d+)\b", line)
        slots += int(m.group(1)) if m else 1
    if slots == 0:
        raise UserError(f"hostfile {path} names no host")
    return slots


def mpirun_flavour(path):
    """('openmpi' | 'mpich' | 'generic', version text) from `mpirun --version`."""
    try:
        r = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        text = (r.stdout or "") + (r.stderr or "")
    except (OSError, subprocess.SubprocessError):
        text = ""
    if re.search(r"Open MPI|OpenRTE|Open RTE", text):
        return "openmpi", text
    if re.search(r"HYDRA|MPICH|Intel\(R\) MPI", text):
        return "mpich", text
    return "generic", text


def select(name, local_cores, hostfile=None, extra_args=None, env=None):
    """The launcher for mpi and hybrid runs. Raises UserError when it is not there."""
    env = os.environ if env is None else env
    if hostfile and name in ("auto", "mpirun"):
        name = "hostfile"
    if name == "auto":
        name = "srun" if env.get("SLURM_JOB_ID") and shutil.which("srun") else "mpirun"
    if name == "srun":
        path = shutil.which("srun")
        if not path:
            raise UserError("srun not found: run inside a Slurm allocation or pass --launcher mpirun")
        return Srun(path, "", local_cores, extra_args=extra_args)
    if name == "hostfile" and not hostfile:
        raise UserError("--launcher hostfile needs --hostfile FILE")
    path = shutil.which("mpirun") or shutil.which("mpiexec")
    if not path:
        raise UserError(MISSING_MPIRUN)
    flavour, text = mpirun_flavour(path)
    cls = {"openmpi": OpenMPI, "mpich": MPICH}.get(flavour, MpiLauncher)
    launcher = cls(path, text, local_cores, hostfile=hostfile, extra_args=extra_args)
    if name == "hostfile":
        launcher.name = "hostfile"
    return launcher
