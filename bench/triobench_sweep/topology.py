"""What machine this is: physical cores (hwloc), CPU, topology summary, git, compiler."""

import functools
import os
import platform
import re
import shutil
import subprocess


def _run(argv, timeout=20):
    """stdout of a command, or None when it is missing or fails."""
    if not shutil.which(argv[0]):
        return None
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout if r.returncode == 0 else None


def parse_hwloc_info(text):
    """{'Package': 1, 'Core': 2, 'PU': 2, 'NUMANode': 1, ...} from `hwloc-info`'s output."""
    counts = {}
    for m in re.finditer(r"^\s*(?:Special )?depth -?\d+:\s+(\d+) (\w+) \(type", text, re.M):
        counts[m.group(2)] = int(m.group(1))
    return counts


@functools.lru_cache(maxsize=None)
def hwloc_counts():
    return parse_hwloc_info(_run(["hwloc-info"]) or "")


def _hwloc_count(kind):
    names = {"core": "Core", "package": "Package", "pu": "PU", "numanode": "NUMANode"}
    n = hwloc_counts().get(names[kind])
    if n:
        return n
    out = _run(["hwloc-calc", "--number-of", kind, "machine:0"])
    try:
        return int(out.strip()) if out else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=None)
def physical_cores():
    """(number of physical cores, how it was found)."""
    n = hwloc_counts().get("Core")
    if n:
        return n, "hwloc-info"
    n = _hwloc_count("core")
    if n:
        return n, "hwloc-calc --number-of core machine:0"
    for tool in ("lstopo-no-graphics", "lstopo"):
        out = _run([tool, "--only", "core", "--of", "console"])
        if out:
            n = sum(1 for line in out.splitlines() if line.strip().startswith("Core"))
            if n:
                return n, f"{tool} --only core"
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return n, "os.cpu_count (hwloc not found: logical CPUs, may count hyperthreads)"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def topology():
    """Counts from hwloc and lstopo's one-screen summary (no I/O devices)."""
    counts = {k: _hwloc_count(k) for k in ("package", "numanode", "core", "pu")}
    text = _run(["lstopo-no-graphics", "--of", "console", "--no-io"]) or \
        _run(["lstopo", "--of", "console", "--no-io"])
    lines = text.splitlines()[:200] if text else None
    return {"packages": counts["package"], "numa_nodes": counts["numanode"], "cores": counts["core"],
            "pus": counts["pu"], "lstopo": lines,
            "hwloc_version": (_run(["hwloc-info", "--version"]) or "").strip() or None}


def host():
    u = platform.uname()
    return {"name": u.node, "system": u.system, "kernel": u.release, "machine": u.machine,
            "cpu_model": cpu_model(), "logical_cpus": os.cpu_count(),
            "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None}


def git_info(repo):
    """The commit of `repo` only when it is its own repository's top (an installed sweep inside
    somebody's checkout must not record that checkout's commit; cmake/git_commit.cmake does the same)."""
    top = _run(["git", "-C", repo, "rev-parse", "--show-toplevel"])
    if not top or os.path.realpath(top.strip()) != os.path.realpath(repo):
        return {"commit": None, "dirty": None}
    commit = _run(["git", "-C", repo, "rev-parse", "HEAD"])
    status = _run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"])
    return {"commit": commit.strip() if commit else None,
            "dirty": bool(status.strip()) if status is not None else None}


def compiler_info(build_dir):
    """Compiler, flags and build type from the CMake cache, and the compiler's version line."""
    info = {}
    wanted = {"CMAKE_C_COMPILER": "compiler", "CMAKE_C_FLAGS": "flags", "CMAKE_BUILD_TYPE": "build_type",
              "CMAKE_C_FLAGS_RELEASE": "flags_release", "MPI_C_COMPILER": "mpi_compiler"}
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^([A-Za-z_]+):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m and m.group(1) in wanted:
                    info[wanted[m.group(1)]] = m.group(2)
    except OSError:
        return {"note": "no CMakeCache.txt in the build folder"}
    if info.get("compiler"):
        out = _run([info["compiler"], "--version"])
        info["version"] = out.splitlines()[0] if out else None
    return info


INTERESTING_ENV = re.compile(r"^(OMP_|GOMP_|KMP_|OMPI_|PMIX_MCA|PRTE_MCA|MPICH|HYDRA_|I_MPI_|SLURM_|UCX_|HWLOC_)")


def environment():
    """The environment variables that change how the runs behave (no secrets: only these prefixes)."""
    return {k: v for k, v in sorted(os.environ.items()) if INTERESTING_ENV.match(k)}
