"""The four executables: where they are, whether they are stale, building them."""

import os
import shutil
import subprocess
import time

from tbcommon.errors import SweepError, UserError

from . import installation
from .messages import say, warn

REPO = installation.ROOT          # the source tree, or PREFIX/share/triobench when installed
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


def _steps(cmake, repo, build_dir, jobs, simulated):
    """The cmake commands that configure (when needed) and build: an SMPI build (CMake preset smpi's
    toolchain, its two executables) for a simulated sweep, else one for this CPU."""
    steps = []
    if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
        steps.append([cmake, "-S", repo, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"] +
                     ([f"-DCMAKE_TOOLCHAIN_FILE={os.path.join(repo, 'cmake', 'smpi.cmake')}"] if simulated
                      else ["-DTRIOBENCH_NATIVE=ON"]))
    steps.append([cmake, "--build", build_dir, "-j", str(jobs or os.cpu_count() or 1)] +
                 (["--target", "triobench-mpi", "triobench-serial"] if simulated else []))
    return steps


def build(repo, build_dir, jobs, log_path, simulated=False):
    """Configure (if needed) and build with CMake; the output goes to log_path.

    A sweep measures this machine, so a build folder it configures itself is
    for this CPU (TRIOBENCH_NATIVE: -march=native; the peak probe's FMA roof
    and dgemm need it). The project's default build and the package stay
    portable; a build folder configured by hand is used as it is. Every record
    says which (build.march_native). A simulated sweep's build is SimGrid's smpicc's (cmake/smpi.cmake)."""
    cmake = shutil.which("cmake")
    if not cmake:
        raise UserError("cmake not found: install cmake (apt-get install cmake build-essential) "
                        "or pass --build-dir with built executables")
    if simulated and not shutil.which("smpicc"):
        raise UserError("smpicc not found, needed to build the simulated executables: install SimGrid "
                        "(apt-get install libsimgrid-dev)")
    steps = _steps(cmake, repo, build_dir, jobs, simulated)
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


def ensure_binaries(build_dir, backends, no_build, jobs, dry_run, only_if_missing=False, simulated=False):
    """Build when missing or stale; returns seconds spent building (0 when not); simulated: an SMPI build.

    An installed sweep never builds: it has no sources, and its prefix is not the user's to write.
    """
    reason = stale_reason(REPO, build_dir, backends)
    if installation.installed():
        if reason and reason.startswith("missing") and not dry_run:
            raise UserError(f"{reason} in {os.path.join(build_dir, 'bin')} (an installed triobench "
                            "never builds: install the package that has them, pass --backends without them, "
                            "or --build-dir with a CMake build)")
        return 0.0
    if reason and only_if_missing and not reason.startswith("missing"):
        warn(f"{reason}; resuming with the executables as they are")
        return 0.0
    if not reason:
        return 0.0
    if no_build or dry_run:
        if reason.startswith("missing"):
            if dry_run:
                say(f"bench/sweep: would build first ({reason})")
                return 0.0
            raise UserError(f"{reason} in {os.path.join(build_dir, 'bin')} (and --no-build given)")
        if dry_run:
            say(f"bench/sweep: would rebuild first ({reason})")
        return 0.0
    log = os.path.join(build_dir, "sweep-build.log")
    say(f"bench/sweep: building ({reason}); its output goes to {log}")
    seconds = build(REPO, build_dir, jobs, log, simulated)
    still = stale_reason(REPO, build_dir, backends)
    if still and still.startswith("missing"):
        hint = ""
        if any(b in ("mpi", "hybrid") for b in backends):
            hint = (" (MPI not found by CMake? apt-get install libopenmpi-dev openmpi-bin, "
                    "or pass --backends serial,omp)")
        raise SweepError(f"the build did not produce everything: {still}{hint}; log: {log}")
    return seconds
