"""The labs' presets and steps: each step's sweep accepts its options (a dry run against the test
double, whose catalogue equals the real executables': test_real_binaries.py), the sweep refuses an
unknown key in a lab preset, and each lab's page names its command and its preset."""

import json
import os
import shutil
import unittest

from helpers import BENCH, SweepCase
from triobench_lab.labs import LABS, steps

DOCS = os.path.join(os.path.dirname(BENCH), "docs", "labs")


class LabPresets(SweepCase):
    def test_every_step_plans(self):
        for lab in LABS:
            for name, how in steps(lab):
                args = how if not callable(how) else how(None, _FakeData())[0]
                with self.subTest(lab=lab, step=name):
                    self.assertIsNotNone(args)
                    r = self.sweep(*args, "--dry-run", out=False)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertIn("plan: ", r.stdout)
                    self.assertNotIn("skipped", r.stderr)      # no kernel of the preset is missing

    def test_unknown_key_refused(self):
        path = os.path.join(self.tmp, "lab2-typo.toml")
        shutil.copy(os.path.join(BENCH, "presets", "lab2.toml"), path)
        with open(path, "a") as f:
            f.write("radiuss = 3\n")                   # in [kernel.stencil]: not one of its parameters
        self.assertOneLineError(self.sweep("--preset", path, "--dry-run", out=False), "radiuss")

    def test_lab4_runs_eleven_processes(self):
        r = self.sweep("--preset", "lab4", "--dry-run", out=False)
        self.assertEqual(r.stdout.count("-n 11 "), 3, r.stdout)          # chunk 1, 8, 64
        r = self.sweep("--preset", "lab4-faults", "--dry-run", out=False)
        self.assertEqual(r.stdout.count("-n 11 "), 9, r.stdout)          # every fault scenario

    def test_fixture_rows_speak_the_summary(self):
        """test_lab_rules.py's hand-made rows carry only fields the sweep's summary.json rows have."""
        from test_lab_rules import row
        r = self.sweep("--kernels", "stencil", "--backends", "serial,omp", "--pes", "1,2", "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.out, "summary.json")) as f:
            real = json.load(f)["configurations"]
        self.assertTrue(real)
        for real_row in real:
            self.assertLessEqual(set(row("stencil", "omp", 1, 2, 1.0)), set(real_row))

    def test_docs_name_the_command_and_preset(self):
        for lab in LABS:
            with open(os.path.join(DOCS, f"lab{lab}.md")) as f:
                page = f.read()
            self.assertIn(f"bench/lab {lab}", page)
            self.assertIn(f"presets/lab{lab}.toml", page)
            self.assertRegex(page, r"\*\*How long:\*\* expected [0-9.]+–[0-9.]+ minutes")
            questions = [line for line in page.splitlines() if line[:3] in {f"{i}. " for i in range(1, 10)}]
            self.assertEqual(len(questions), len(LABS[lab].answers(_FakeData())), f"lab {lab}'s questions")


class _FakeData:
    """An empty lab whose first step ran under Open MPI (what lab 5's binding step asks)."""
    info = {}
    folder = None

    def step(self, name):
        from triobench_lab.data import Step
        return Step(meta={"mpi": {"flavour": "openmpi"}})

    def figures(self, *a, **k):
        return []

    def existing(self, rel):
        return []


if __name__ == "__main__":
    unittest.main()
