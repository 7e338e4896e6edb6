"""How a run is started: directly (serial, omp) or through an MPI launcher (mpi, hybrid).

One class per launcher. Each says how many PEs it can run without
oversubscribing (``capacity``) and builds the command and the environment of a
run (``command``). To add one (PBS's mpiexec, say): write a class like Srun
and register it in ``select``.

The launcher follows the MPI library the executables are linked with
(``binary_library``: ldd), not whatever ``mpirun`` comes first on PATH: a
build against MPICH is started with MPICH's mpiexec (the build's CMake cache
names it) and its flags, one against Open MPI with Open MPI's mpirun. Inside a
Slurm allocation (``--launcher slurm``, or ``auto`` there) runs go through
srun with the PMI plugin that library speaks (Open MPI: pmix, MPICH: pmi2), or
through the library's own mpirun when srun lacks it.

Transports (``--transports shm,tcp``): the same job over shared memory or over
TCP, see TRANSPORTS_TEXT.

``--launcher smpi --platform FILE`` (a simulated cluster) is smpi.py's.

The binding defaults are in BINDING_DEFAULTS below (also written to meta.json).
"""

import os
import re
import shlex
import shutil
import subprocess

from tbcommon.errors import UserError

from . import simgrid_platform

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

TRANSPORTS = ("shm", "tcp")

TRANSPORTS_TEXT = """\
Transports (--transports shm,tcp): every mpi and hybrid configuration runs once
per transport; records carry sweep.transport.
  shm  shared memory between the ranks of one host:
       Open MPI --mca pml ob1 --mca btl self,vader; MPICH its default
       (MPIR_CVAR_NOLOCAL=0: ranks of one host talk through shared memory)
  tcp  TCP even between the ranks of one host:
       Open MPI --mca pml ob1 --mca btl self,tcp (on one host over loopback:
       --mca btl_tcp_if_include lo); MPICH MPIR_CVAR_NOLOCAL=1 (every rank
       treated as remote) with UCX_TLS=self,tcp / FI_PROVIDER=tcp for its network
       module (on one host UCX_NET_DEVICES=lo)
  under srun the same settings go as environment variables (OMPI_MCA_*)."""

# Names under which each library's launcher is installed beside the other's
# (Debian's alternatives: mpirun -> mpirun.openmpi or mpirun.mpich).
LAUNCHER_NAMES = {
    "openmpi": ("mpirun", "mpiexec", "mpirun.openmpi", "mpiexec.openmpi", "orterun"),
    "mpich": ("mpiexec", "mpirun", "mpiexec.mpich", "mpirun.mpich", "mpiexec.hydra"),
}
# The srun --mpi plugin through which each library's ranks find each other.
SRUN_PLUGIN = {"openmpi": ("pmix", "pmix_v5", "pmix_v4", "pmix_v3"), "mpich": ("pmi2",)}


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
    simulated = False

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
    simulated = False        # smpi.Smpi: the runs are simulated

    def __init__(self, path, version_text, local_cores, hostfile=None, extra_args=None, library=None):
        self.path = path
        self.version_text = version_text
        self.local_cores = local_cores
        self.hostfile = hostfile
        self.extra_args = shlex.split(extra_args) if extra_args else None
        self.slots = parse_hostfile(hostfile) if hostfile else None
        # The MPI library of the executables ('openmpi', 'mpich' or None: unknown).
        self.library = library or (self.flavour if self.flavour in ("openmpi", "mpich") else None)

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

    def hosts(self):
        """How many hosts the runs may spread over (1: one machine)."""
        if self.hostfile:
            return count_hosts(self.hostfile)
        return slurm_nodes(os.environ) if self.name == "slurm" else 1

    def transport_args(self, transport):
        """Launcher options that select a transport (Open MPI's --mca)."""
        return []

    def transport_env(self, transport):
        """Environment variables that select a transport."""
        if transport is None:
            return {}
        if self.library == "openmpi":
            return {}
        if self.library == "mpich":
            return mpich_transport_env(transport, self.hosts() == 1)
        raise UserError(f"--transports needs Open MPI or MPICH, and neither the executables (ldd) nor "
                        f"{os.path.basename(self.path)} name one")

    def check_transports(self, transports):
        """A UserError when a transport cannot work with these hosts."""
        for t in transports or ():
            self.transport_env(t)
        if transports and "shm" in transports and self.hosts() > 1:
            raise UserError(f"--transports shm reaches only the ranks of one host, and the runs may spread "
                            f"over {self.hosts()} hosts: use --transports tcp, or one host")

    def command(self, ranks, threads, oversubscribed, cmd, transport=None):
        env = self.extra_env()
        env.update(omp_env(threads, oversubscribed))
        env.update(self.transport_env(transport))
        bind = self.extra_args if self.extra_args is not None else self.binding(ranks, threads, oversubscribed)
        argv = [self.path, *self.np_args(ranks), *self.hostfile_args(), *bind, *self.transport_args(transport),
                *self.env_args(env), *cmd]
        return argv, env

    def np_args(self, ranks):
        return ["-n", str(ranks)]

    def version(self):
        return self.version_text.splitlines()[0].strip() if self.version_text else None

    def describe(self):
        return {"name": self.name, "flavour": self.flavour, "path": self.path, "version": self.version(),
                "library": self.library, "hostfile": self.hostfile, "launcher_args": self.extra_args,
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
        return openmpi_root_env()

    def transport_args(self, transport):
        return [a for k, v in openmpi_transport(transport, self.hosts() == 1).items()
                for a in ("--mca", k, v)]


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
    """Slurm's srun inside an allocation; exports the environment by default.

    ``plugin`` is the --mpi plugin for the executables' library (pmix for Open
    MPI, pmi2 for MPICH), None to leave Slurm's MpiDefault.
    """
    name = "srun"
    flavour = "slurm"

    def __init__(self, path, version_text, local_cores, hostfile=None, extra_args=None, library=None,
                 plugin=None):
        super().__init__(path, version_text, local_cores, hostfile=hostfile, extra_args=extra_args,
                         library=library)
        self.plugin = plugin

    def capacity(self):
        n = slurm_cpus(os.environ)
        if n:
            return n, f"the {n} CPUs of Slurm job {os.environ.get('SLURM_JOB_ID', '?')}"
        return self.local_cores, f"the {self.local_cores} physical cores"

    def hosts(self):
        return slurm_nodes(os.environ)

    def np_args(self, ranks):
        return ["-n", str(ranks)] + ([f"--mpi={self.plugin}"] if self.plugin else [])

    def binding(self, ranks, threads, oversubscribed):
        args = [f"--cpus-per-task={threads}"]
        if oversubscribed:
            return args + ["--overcommit", "--cpu-bind=none"]
        return args + ["--cpu-bind=cores"]

    def extra_env(self):
        return openmpi_root_env() if self.library == "openmpi" else {}

    def transport_env(self, transport):
        if transport is not None and self.library == "openmpi":
            return {"OMPI_MCA_" + k: v for k, v in openmpi_transport(transport, self.hosts() == 1).items()}
        return super().transport_env(transport)

    def describe(self):
        d = super().describe()
        d["mpi_plugin"] = self.plugin
        return d


def openmpi_root_env():
    # Open MPI refuses to run as root without these (containers, CI).
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    return {}


def openmpi_transport(transport, one_host, env=None):
    """Open MPI's MCA settings of a transport: ob1 (so the BTL chosen is the one used) and the BTLs.

    TCP on one host goes over loopback, which Open MPI's TCP BTL leaves out by
    default, unless the user already chose the interfaces (OMPI_MCA_btl_tcp_if_*).
    """
    env = os.environ if env is None else env
    if transport is None:
        return {}
    if transport == "shm":
        return {"pml": "ob1", "btl": "self,vader"}
    if transport == "tcp":
        mca = {"pml": "ob1", "btl": "self,tcp"}
        if one_host and not any(k in env for k in ("OMPI_MCA_btl_tcp_if_include", "OMPI_MCA_btl_tcp_if_exclude")):
            mca["btl_tcp_if_include"] = "lo"
        return mca
    raise UserError(f"unknown transport '{transport}' (known: {', '.join(TRANSPORTS)})")


def mpich_transport_env(transport, one_host, env=None):
    """MPICH's environment for a transport (ch4 with UCX or libfabric, or ch3)."""
    env = os.environ if env is None else env
    if transport == "shm":
        return {"MPIR_CVAR_NOLOCAL": "0"}
    if transport == "tcp":
        out = {"MPIR_CVAR_NOLOCAL": "1", "UCX_TLS": "self,tcp", "FI_PROVIDER": "tcp"}
        if one_host and "UCX_NET_DEVICES" not in env:
            out["UCX_NET_DEVICES"] = "lo"
        return out
    raise UserError(f"unknown transport '{transport}' (known: {', '.join(TRANSPORTS)})")


def slurm_nodes(env):
    """Nodes of the Slurm allocation (1 outside one)."""
    try:
        return max(1, int(env.get("SLURM_JOB_NUM_NODES") or env.get("SLURM_NNODES") or 1))
    except ValueError:
        return 1


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


def _hostfile_lines(path):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise UserError(f"cannot read hostfile {path}: {e.strerror}") from None
    return [x for x in (line.split("#", 1)[0].strip() for line in lines) if x]


def parse_hostfile(path):
    """Total slots of an Open MPI ('host slots=4') or MPICH ('host:4') hostfile; 1 per host otherwise."""
    slots = 0
    for line in _hostfile_lines(path):
        m = re.search(r"\bslots\s*=\s*(\d+)", line) or re.match(r"^\S+?:(\d+)\b", line)
        slots += int(m.group(1)) if m else 1
    if slots == 0:
        raise UserError(f"hostfile {path} names no host")
    return slots


def count_hosts(path):
    """Distinct hosts a hostfile names."""
    return len({re.split(r"[\s:]", line, 1)[0] for line in _hostfile_lines(path)})


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


def binary_library(path):
    """'openmpi' or 'mpich' (MPICH and its ABI: Intel MPI, MVAPICH), from the libraries an
    executable is linked with (ldd); None when it cannot tell (not there, not dynamic, no MPI)."""
    if not path or not os.access(path, os.X_OK):
        return None
    try:
        r = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    libs = re.findall(r"^\s*(\S+\.so[.\d]*)", r.stdout, re.M)
    names = " ".join(libs)
    if re.search(r"\blibmpich\b|\blibmpi\.so\.12\b|\blibmpi_ilp64|\blibmpl\b", names):
        return "mpich"
    if re.search(r"\blibopen-(pal|rte)\b|\blibmpi\.so\.4\d", names):
        return "openmpi"
    return None


def cmake_mpiexec(build_dir):
    """The MPIEXEC_EXECUTABLE that CMake found for this build (its CMakeCache.txt), or None."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^MPIEXEC_EXECUTABLE:[A-Z]+=(.+)$", line.strip())
                if m and m.group(1) and not m.group(1).endswith("-NOTFOUND"):
                    return shutil.which(m.group(1)) or m.group(1)
    except OSError:
        pass
    return None


def library_of_build(build_dir):
    """The MPI library of the build's mpi (else hybrid) executable, or None."""
    if not build_dir:
        return None
    for b in ("mpi", "hybrid"):
        lib = binary_library(os.path.join(build_dir, "bin", f"triobench-{b}"))
        if lib:
            return lib
    return None


def find_mpirun(library, build_dir=None):
    """(path, flavour, version text) of the launcher for `library` (None: whatever mpirun is on PATH)."""
    if library is None:         # executables not built yet (or not dynamic): CMake's choice, else PATH's
        path = (cmake_mpiexec(build_dir) if build_dir else None) or shutil.which("mpirun") or \
            shutil.which("mpiexec")
        if not path:
            raise UserError(MISSING_MPIRUN)
        return (path, *mpirun_flavour(path))
    candidates = [cmake_mpiexec(build_dir)] if build_dir else []
    candidates += [shutil.which(n) for n in LAUNCHER_NAMES[library]]
    seen = set()
    for path in candidates:
        if not path or path in seen or not os.access(path, os.X_OK):
            continue
        seen.add(path)
        flavour, text = mpirun_flavour(path)
        if flavour == library:
            return path, flavour, text
    names = ", ".join(LAUNCHER_NAMES[library])
    pkg = "openmpi-bin" if library == "openmpi" else "mpich"
    raise UserError(f"the executables use {'Open MPI' if library == 'openmpi' else 'MPICH'} but none of "
                    f"{names} is its launcher: install {pkg}, or put its bin folder first on PATH")


def srun_plugins(srun):
    """The --mpi plugins this srun offers (`srun --mpi=list`)."""
    try:
        r = subprocess.run([srun, "--mpi=list"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return []
    text = (r.stdout or "") + (r.stderr or "")
    plugins = re.findall(r"^\s*(?:srun:\s*)?(?:mpi/)?([a-z][a-z0-9_]*)\s*$", text, re.M)
    plugins += re.findall(r"\b(pmix_v\d+)\b", text)
    return list(dict.fromkeys(plugins))


def srun_plugin_for(library, plugins):
    for p in SRUN_PLUGIN.get(library, ()):
        if p in plugins:
            return p
    return None


def select(name, local_cores, hostfile=None, extra_args=None, env=None, build_dir=None):
    """The launcher for mpi and hybrid runs. Raises UserError when it is not there.

    name: auto (slurm inside an allocation, hostfile with a hostfile, else
    mpirun), mpirun, hostfile, srun, or slurm (srun with the executables'
    PMI plugin, or their library's mpirun when srun lacks it).
    """
    env = os.environ if env is None else env
    library = library_of_build(build_dir)
    if hostfile and name in ("auto", "mpirun"):
        name = "hostfile"
    if name == "auto":
        name = "slurm" if env.get("SLURM_JOB_ID") and shutil.which("srun") else "mpirun"
    if name in ("srun", "slurm"):
        if name == "slurm" and not env.get("SLURM_JOB_ID"):
            raise UserError("--launcher slurm runs inside a Slurm allocation (sbatch, salloc), and there is "
                            "none here (no SLURM_JOB_ID): submit the sweep with --submit instead")
        path = shutil.which("srun")
        if not path:
            raise UserError("srun not found: run inside a Slurm allocation or pass --launcher mpirun")
        plugin = srun_plugin_for(library, srun_plugins(path)) if library else None
        if name == "srun" or plugin or library is None:
            launcher = Srun(path, "", local_cores, extra_args=extra_args, library=library, plugin=plugin)
            launcher.name = name
            return launcher
        # srun cannot wire up this library's ranks: its own mpirun, which reads the allocation.
        hostfile = None
    elif name == "hostfile" and not hostfile:
        raise UserError("--launcher hostfile needs --hostfile FILE")
    path, flavour, text = find_mpirun(library, build_dir)
    cls = {"openmpi": OpenMPI, "mpich": MPICH}.get(flavour, MpiLauncher)
    launcher = cls(path, text, local_cores, hostfile=hostfile, extra_args=extra_args, library=library)
    if name in ("hostfile", "slurm"):
        launcher.name = name
    return launcher


# The platform reader the SMPI launcher uses (smpi.py, simgrid_platform.py), importable from here
# too, where issue 15's contract first named it.
read_platform = simgrid_platform.read_platform
file_sha256 = simgrid_platform.file_sha256
