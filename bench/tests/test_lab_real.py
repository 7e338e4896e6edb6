"""The shortest lab (5: hybrid shapes and binding) end to end on the real executables in
TRIOBENCH_BUILD_DIR (set by ctest; skipped when it is not set), at a tiny size: it would notice a
renamed sweep option, a preset the sweep refuses, a chart that is no longer drawn, or a record
field the rules read that is gone. Speed is not checked (one repetition: no confidence interval)."""

import os
import subprocess
import unittest

from helpers import BENCH

BUILD = os.environ.get("TRIOBENCH_BUILD_DIR")
LAB = os.path.join(BENCH, "lab")


def _has_mpi():
    return bool(BUILD) and os.path.isfile(os.path.join(BUILD, "bin", "triobench-hybrid"))


@unittest.skipUnless(_has_mpi(), "TRIOBENCH_BUILD_DIR not set or built without MPI: no real hybrid executable")
class Lab5Real(unittest.TestCase):
    def test_lab5(self):
        import tempfile
        tmp = tempfile.mkdtemp(prefix="triobench-lab-test-")
        self.addCleanup(subprocess.run, ["rm", "-rf", tmp])
        folder = os.path.join(tmp, "lab5")
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        r = subprocess.run([LAB, "5", "--out", folder, "--build-dir", BUILD, "--no-build", "--reps", "1",
                            "--iters", "2", "--warmup", "0", "--size", "stencil=300", "--pes", "1,2"],
                           capture_output=True, text=True, env=env, timeout=240, stdin=subprocess.DEVNULL)
        self.assertIn(r.returncode, (0, 1), r.stderr)        # 1: a step of the lab failed on this machine
        self.assertNotIn("Traceback", r.stderr)
        with open(os.path.join(folder, "lab-5-answers.md"), encoding="utf-8") as f:
            md = f.read()
        from triobench_lab.sheet import placeholders
        self.assertEqual(placeholders(md), [])
        self.assertRegex(md, r"OpenMP 1x2: [0-9.]+ [mµn]?s\.")
        self.assertRegex(md, r"MPI 2x1: [0-9.]+ [mµn]?s\.")
        self.assertRegex(md, r"hybrid 1x2 took [0-9.]+ [mµn]?s per iteration against [0-9.]+ [mµn]?s")
        self.assertRegex(md, r"OpenMP 1x2: [0-9.]+ MiB\.")
        # the binding lesson does not depend on timings: Open MPI's --bind-to core puts the one rank, and
        # so both of its threads, on one core; the sweep's --map-by slot:PE=2 gives each thread its own
        self.assertRegex(md, r"Default binding: rank 0's threads on CPUs (\d+), \1; the sweep's binding: \d+, \d+\.")
        self.assertIn("## Question 4. How does the record's `binding` field show it?\n\n*Verdict: as expected.*", md)
        figures = os.path.join(folder, "shapes", "report", "figures")
        if os.path.isdir(figures) and any(n.endswith(".png") for n in os.listdir(figures)):   # matplotlib present
            self.assertIn("stencil-shapes.png", os.listdir(figures))
            self.assertIn("shapes/report/figures/stencil", md)


if __name__ == "__main__":
    unittest.main()
