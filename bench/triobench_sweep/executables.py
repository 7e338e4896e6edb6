"""The four executables: where they are, whether they are stale, building them, their kernels."""

import json
import os
import shutil
import subprocess
import time

from .errors import SweepError, UserError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE_DIRS = ("common", "mpi", "openmp", "hybrid", "serial", "cmake")
SOURCE_FILES = ("CMakeLists.txt", "CMakePresets.json")


def binary(build_dir, backend):
    return os.path.join(build_dir, "bin", f"triobench-{backend}")


def _sources(repo):
    for name in SOURCE_FILES:
        path = os.path.join(repo, name)
        if os.path.isfile(path):
            yield path
    for d in SOURCE_DIRS:
        for root, dirs, files in os.walk(os.path.join(repo, d)):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            for f in files:
                yield os.path.join(root, f)


def stale_reason(repo, build_dir, backends):
    """Why the executables must be (re)built, or None when they are usable as they are.

    Missing: always. Stale (a source under common/ mpi/ openmp/ hybrid/ serial/ or a
    CMakeLists.txt newer than an executable): only in a CMake build folder, since a
    folder of prebuilt executables cannot be rebuilt.
    """
    missing = [b for b in backends if not os.access(binary(build_dir, b), os.X_OK)]
    if missing:
        return "missing " + ", ".join(f"triobench-{b}" for b in missing)
    if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
        return None
    oldest = min(os.path.getmtime(binary(build_dir, b)) for b in backends)
    for path in _sources(repo):
        try:
            if os.path.getmtime(path) > oldest:
                return f"{os.path.relpath(path, repo)} is newer than the executables"
        except OSError:
            continue
    return None


def build(repo, build_dir, jobs, log_path, say):
    """Configure (if needed) and build with CMake; the output goes to log_path."""
    cmake = shutil.which("cmake")
    if not cmake:
        raise UserError("cmake not found: install cmake (apt-get install cmake build-essential) "
                        "or pass --build-dir with built executables")
    steps = []
    if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
        steps.append([cmake, "-S", repo, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"])
    steps.append([cmake, "--build", build_dir, "-j", str(jobs or os.cpu_count() or 1)])
    os.makedirs(build_dir, exist_ok=True)
    start = time.monotonic()
    with open(log_path, "w") as log:
        for argv in steps:
            say("building: " + " ".join(argv))
            log.write("$ " + " ".join(argv) + "\n")
            log.flush()
            rc = subprocess.call(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if rc != 0:
                with open(log_path) as f:
                    tail = f.read().splitlines()[-15:]
                raise SweepError(f"build failed (exit status {rc}); log: {log_path}\n" + "\n".join(tail))
    return time.monotonic() - start


def list_kernels(argv, env=None, timeout=60):
    """Run `<exe> --list --json` (argv is the whole command); returns {name: kernel info}."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise SweepError(f"{' '.join(argv)} did not answer within {timeout} s") from None
    except OSError as e:
        raise SweepError(f"cannot run {argv[0]}: {e.strerror}") from None
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise SweepError(f"{' '.join(argv)} failed with exit status {r.returncode}: {last}")
    try:
        data = json.loads(r.stdout)
        kernels = data["kernels"]
        return {k["name"]: k for k in kernels}
    except (ValueError, KeyError, TypeError):
        raise SweepError(f"{' '.join(argv)} did not print the kernel list as JSON") from None
