"""bench/lab's command line: bad input gives one line and exit 2; a lab run against the test double
writes its sheet with every number filled in, and a lab whose runs partly failed says what is missing."""

import os
import subprocess
import sys
import unittest

from helpers import BENCH, SweepCase

LAB = os.path.join(BENCH, "lab")


def lab(*args, env=None, timeout=120):
    return subprocess.run([LAB, *args], capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class BadInput(unittest.TestCase):
    def assertOneLine(self, r, *fragments):
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("bench/lab: error: "), lines[0])
        for f in fragments:
            self.assertIn(f, lines[0])

    def test_no_lab(self):
        self.assertOneLine(lab(), "which lab?")

    def test_no_such_lab(self):
        self.assertOneLine(lab("7"), "there is no lab 7", "1 to 5")
        self.assertOneLine(lab("0"), "there is no lab 0")

    def test_not_a_number(self):
        self.assertOneLine(lab("two"), "'two' is not a lab")

    def test_options_the_lab_sets(self):
        self.assertOneLine(lab("2", "--scaling", "weak"), "--scaling is set by the lab itself")
        self.assertOneLine(lab("1", "--preset=quick"), "--preset is set by the lab itself")
        self.assertOneLine(lab("1", "--out"), "--out needs a folder")

    def test_answers_of_a_folder_that_is_no_lab(self):
        self.assertOneLine(lab("3", "--answers", BENCH), "not a lab folder")

    def test_help(self):
        r = lab("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: bench/lab N", r.stdout)


class WithoutMpi(unittest.TestCase):
    """On a machine without an MPI launcher a lab runs what it can: its presets' other backends."""

    def test_steps_keep_serial_and_omp(self):
        sys.path.insert(0, BENCH)
        from triobench_lab.run import without_mpi
        # lab1.toml: backends omp, mpi, hybrid; --transports only concerns MPI
        self.assertEqual(without_mpi(["--preset", "lab1", "--transports", "shm,tcp"]),
                         (["--preset", "lab1", "--backends", "omp"], None))
        self.assertEqual(without_mpi(["--preset", "lab2", "--scaling", "weak"]),
                         (["--preset", "lab2", "--scaling", "weak", "--backends", "serial,omp"], None))
        args, reason = without_mpi(["--preset", "lab4"])          # mpi only
        self.assertIsNone(args)
        self.assertIn("needs MPI", reason)
        self.assertIsNone(without_mpi(["--preset", "lab5", "--backends", "hybrid"])[0])


class WithTheDouble(SweepCase):
    """Lab 5 (two steps, the second chosen from the first's meta.json) on the test double, once
    whole and once with every MPI run crashing."""

    def run_lab(self, **env):
        e = dict(self.env)
        e.update(env)
        folder = os.path.join(self.tmp, "lab")
        r = lab("5", "--out", folder, "--build-dir", self.build, "--no-build", "--no-plot", "--reps", "1", env=e,
                timeout=240)
        return r, folder

    def sheet(self, folder):
        with open(os.path.join(folder, "lab-5-answers.md"), encoding="utf-8") as f:
            return f.read()

    def test_sheet_written(self):
        r, folder = self.run_lab()
        self.assertIn("answer sheet:", r.stdout, r.stderr)
        md = self.sheet(folder)
        sys.path.insert(0, BENCH)
        from triobench_lab.sheet import placeholders
        self.assertEqual(placeholders(md), [])
        self.assertTrue(os.path.isfile(os.path.join(folder, "lab-5-answers.html")))
        self.assertTrue(os.path.isfile(os.path.join(folder, "binding", "results.jsonl")), r.stdout)
        self.assertIn("## Question 3. What did Open MPI's default binding do", md)
        self.assertRegex(md, r"hybrid 1x2 took [0-9.]+ [mµn]?s per iteration against [0-9.]+ [mµn]?s")
        # on the double's 2 cores the 4-PE question cannot be measured: the sheet says so and that it
        # needs more cores, which is no failure of the run: the lab exits 0
        self.assertIn("Not measured: your machine has", md)
        self.assertIn("*Verdict: needs a machine with more cores.*", md)
        self.assertIn("need a machine with more cores", r.stdout)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_mpi_runs_failed(self):
        r, folder = self.run_lab(FAKE_TRIOBENCH_FAIL="crash@backend=hybrid")
        self.assertEqual(r.returncode, 1, r.stderr)
        md = self.sheet(folder)
        self.assertIn("Step `shapes` ended with exit status 1", md)
        self.assertIn("Step `binding` ended with exit status 1", md)
        self.assertIn("Not measured: hybrid 1x2 with both bindings", md)
        self.assertIn("*Verdict: missing.*", md)


if __name__ == "__main__":
    unittest.main()
