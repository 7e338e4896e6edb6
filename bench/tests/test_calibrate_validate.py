"""bench/calibrate --validate end to end, small: the calibration sweeps of this machine (shm only),
the platform, stencil, cg and ep at 2 ranks measured and simulated. The issue's goal is 25% on a
quiet machine (docs/calibration.md); here the bound is a factor of 2 either way on the fastest
iteration (the _min columns), so that a break (a wrong unit, a lost factor, a simulation that skips
the compute) fails while other programs on a CI machine do not make it fail: they slow some real
iterations, seldom all. Run alone by ctest (RUN_SERIAL, tests/calibrate.cmake).

Needs the real build (mpirun, TRIOBENCH_BUILD_DIR) and the SMPI one (as test_calibrate_smpi.py).
"""

import csv
import os
import shutil
import subprocess
import tempfile
import unittest

from helpers import BENCH
from test_calibrate_smpi import need_smpi

CALIBRATE = os.path.join(BENCH, "calibrate")
REPO = os.path.dirname(BENCH)
BOUND = 2.0


def real_build():
    """The build folder with runnable (not SMPI) executables, or None."""
    for d in (os.environ.get("TRIOBENCH_BUILD_DIR"), os.path.join(REPO, "build")):
        if not d or not os.access(os.path.join(d, "bin", "triobench-mpi"), os.X_OK):
            continue
        try:
            with open(os.path.join(d, "CMakeCache.txt")) as f:
                if "TRIOBENCH_SMPI:BOOL=ON" in f.read():
                    continue
        except OSError:
            pass
        return d
    return None


def load_note():
    """What a failure should say when other programs held the cores (the real runs then wait for a
    CPU at every collective; the simulation does not)."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    return ("; the machine was loaded (load average %.1f on %d cores): run it again on a quiet one"
            % (load, cores)) if load > cores else ""


class Validate(unittest.TestCase):
    def test_quick_validation(self):
        need_smpi(self)
        build = real_build()
        if not build or not shutil.which("mpirun"):
            self.skipTest("no real build with triobench-mpi, or no mpirun")
        tmp = tempfile.mkdtemp(prefix="triobench-calibrate-validate-")
        if os.environ.get("TRIOBENCH_KEEP") != "1":         # TRIOBENCH_KEEP=1: keep the folder to look at
            self.addCleanup(shutil.rmtree, tmp, True)
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        r = subprocess.run([CALIBRATE, "--validate", tmp, "--quick", "--build-dir", build],
                           capture_output=True, text=True, timeout=280, env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr)
        with open(os.path.join(tmp, "validation.csv")) as f:
            rows = list(csv.DictReader(f))
        kernels = {(x["kernel"], x["ranks"], x["transport"]): x for x in rows if not x["bytes"]}
        self.assertEqual(sorted(kernels), [("cg", "2", "shm"), ("ep", "2", "shm"), ("stencil", "2", "shm")])
        for key, row in kernels.items():
            self.assertAlmostEqual(float(row["simulated_s"]) / float(row["measured_s"]), float(row["ratio"]), places=6)
            ratio = float(row["simulated_min_s"]) / float(row["measured_min_s"])
            self.assertAlmostEqual(ratio, float(row["ratio_min"]), places=6)
            self.assertTrue(1 / BOUND <= ratio <= BOUND, "%s: fastest iteration simulated/measured %.3f%s"
                            % (key, ratio, load_note()))
        self.assertTrue(any(x["kernel"] == "pingpong" for x in rows))
        self.assertTrue(any(x["kernel"] == "allreduce" for x in rows))
        self.assertTrue(os.path.isfile(os.path.join(tmp, "platform.xml")))


if __name__ == "__main__":
    unittest.main()
