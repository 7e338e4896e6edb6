"""End to end with the test double: the shuffled order and its seed (issue 11), the roofline probes
(issue 11), and the results folder's robustness (issue 16: one sweep per folder, a record counted
once, absurd counts refused)."""

import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402

TINY = ("--kernels", "stencil", "--backends", "serial,omp", "--pes", "1,2", "--size", "100", "--iters", "2")


def order(records):
    return [(r["sweep"]["rep"], r["sweep"]["config_id"]) for r in records if r["sweep"]["record_index"] == 0]


def meta(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        return json.load(f)


class Order(SweepCase):
    def test_seed_recorded_and_same_seed_same_order(self):
        r = self.sweep(*TINY, "--reps", "2", "--seed", "11")
        self.assertEqual(r.returncode, 0, r.stderr)
        first = order(self.records())
        m = meta(self.out)
        self.assertEqual((m["seed"], m["plan"]["seed"]), (11, 11))
        self.assertEqual(m["catalogue"]["omp"]["schema"], "triobench.catalogue/1")   # what plots read kinds from
        other = os.path.join(self.tmp, "again")
        r = self.sweep(*TINY, "--reps", "2", "--seed", "11", "--out", other, out=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(order(self.records(other)), first)
        for rep in (1, 2):                         # each round runs every configuration once
            self.assertEqual(sorted(c for n, c in first if n == rep),
                             ["stencil.omp.1x1.n=100", "stencil.omp.1x2.n=100", "stencil.serial.1x1.n=100"])

    def test_default_seed_is_random_recorded_and_kept_by_resume(self):
        r = self.sweep(*TINY, "--reps", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        seed = meta(self.out)["seed"]
        self.assertIsInstance(seed, int)
        full = order(self.records())
        with open(os.path.join(self.out, "results.jsonl")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(self.out, "results.jsonl"), "w") as f:
            f.write("\n".join(lines[:2]) + "\n")              # the last 4 runs lost
        r = subprocess.run(self.sweep_cmd("--resume", self.out, out=False), env=self.env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(meta(self.out)["plan"]["seed"], seed)
        self.assertEqual(order(self.records()), full)          # the same order as before

    def test_seed_and_probes_refused_with_resume(self):
        r = self.sweep("--resume", self.out, "--seed", "3", out=False)
        self.assertOneLineError(r, "--seed")


class Probes(SweepCase):
    def probe_records(self):
        return [r for r in self.records() if r["sweep"].get("probe")]

    def test_probes_run_after_the_plan_and_stay_out_of_the_summary(self):
        r = self.sweep(*TINY, "--reps", "1", probes=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        probes = self.probe_records()
        got = {(p["kernel"], p["backend"], p["ranks"], p["threads"], p["sweep"]["ceiling"]) for p in probes}
        # capacity: the machine's physical cores, as the sweep saw them
        cores = meta(self.out)["capacity"]["omp"]["pes"]
        self.assertEqual(got, {("nstream", "omp", 1, cores, "bandwidth"), ("peak", "serial", 1, 1, "compute"),
                               ("peak", "omp", 1, cores, "compute")})
        for p in probes:
            self.assertEqual(p["sweep"]["role"], "roofline")
            self.assertIs(p["sweep"]["probe"], True)
        bandwidth = next(p for p in probes if p["sweep"]["ceiling"] == "bandwidth")
        self.assertIn("--size auto", bandwidth["sweep"]["command"])
        self.assertEqual(bandwidth["working_set"]["regime"], "dram")
        self.assertEqual(order(self.records())[-3:], order(probes))          # after the planned runs
        with open(os.path.join(self.out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["runs_planned"], 3)
        self.assertEqual(summary["runs_recorded"], 3)
        self.assertFalse(any(c["config_id"].startswith("probe.") for c in summary["configurations"]))
        self.assertEqual({p["ceiling"] for p in summary["probes"]}, {"bandwidth", "compute"})
        self.assertIn("roofline probe", r.stdout)

    def test_no_bandwidth_probe_when_the_sweep_has_a_dram_nstream(self):
        r = self.sweep("--kernels", "nstream", "--backends", "omp", "--pes", "1", "--reps", "1", "--size", "auto",
                       probes=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({p["sweep"]["ceiling"] for p in self.probe_records()}, {"compute"})

    def test_no_probes(self):
        r = self.sweep(*TINY, "--reps", "1", "--no-probes", probes=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.probe_records(), [])


class Robustness(SweepCase):
    def test_second_sweep_into_one_folder_refused_naming_the_first(self):
        first = subprocess.Popen(self.sweep_cmd(*TINY, "--reps", "1"), env=dict(self.env, FAKE_TRIOBENCH_SLEEP="1"),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        self.addCleanup(first.wait)
        deadline = time.monotonic() + 20
        while not os.path.exists(os.path.join(self.out, "meta.json")) and time.monotonic() < deadline:
            time.sleep(0.02)
        r = self.sweep(*TINY, "--reps", "1")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertTrue(f"pid {first.pid}" in r.stderr or "already holds a sweep" in r.stderr, r.stderr)
        self.assertEqual(first.wait(timeout=60), 0)
        self.assertEqual(meta(self.out)["sessions"][0]["pid"], first.pid)
        self.assertEqual(len(self.records()), 3)

    def test_lock_names_the_holder(self):
        from triobench_sweep import folders
        folder, created, lock = folders.prepare_out(self.out)
        self.addCleanup(lock.unlock)
        r = self.sweep(*TINY, "--reps", "1")
        self.assertOneLineError(r, f"another sweep (pid {os.getpid()}) is writing")

    def test_a_record_present_twice_counts_once(self):
        r = self.sweep(*TINY, "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        path = os.path.join(self.out, "results.jsonl")
        with open(path) as f:
            lines = f.read().splitlines()
        with open(path, "a") as f:
            f.write(lines[0] + "\n")
        r = subprocess.run(self.sweep_cmd("--resume", self.out, out=False), env=self.env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 record(s) twice", r.stderr)
        self.assertIn("3 of 3 runs already recorded", r.stderr)
        with open(os.path.join(self.out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["runs_recorded"], 3)
        self.assertEqual(sum(c["runs"] for c in summary["configurations"]), 3)

    def test_resume_sets_aside_foreign_and_malformed_lines(self):
        """Issue 16: records whose sweep field is missing, null or a string, whose config_id or rep has the
        wrong type, and a line nested too deep: set aside, never a traceback."""
        r = self.sweep(*TINY, "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        bad = [{"kernel": "stencil"}, {"kernel": "stencil", "sweep": None}, {"kernel": "stencil", "sweep": "x"},
               {"kernel": "stencil", "sweep": {"config_id": [1], "rep": 1}},
               {"kernel": "stencil", "sweep": {"config_id": "stencil.omp.1x1.n=100", "rep": "1"}}]
        with open(os.path.join(self.out, "results.jsonl"), "a") as f:
            f.write("".join(json.dumps(b) + "\n" for b in bad) + "[" * 100000 + "]" * 100000 + "\n")
        r = subprocess.run(self.sweep_cmd("--resume", self.out, out=False), env=self.env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertIn("set aside 6 damaged line(s)", r.stderr)
        self.assertEqual(len(self.records()), 3)

    def test_absurd_counts_refused(self):
        for args, fragment in ((("--reps", "1000000000"), "--reps 1000000000 is absurd"),
                               (("--pes", "1,1000000000"), "--pes 1000000000 is absurd"),
                               (("--iters", "99999999999"), "--iters 99999999999 is absurd")):
            r = self.sweep("--kernels", "stencil", *args, out=False)
            self.assertOneLineError(r, fragment)
        with open(os.path.join(self.tmp, "p.toml"), "w") as f:
            f.write("reps = 1000000000\n")
        r = self.sweep("--preset", os.path.join(self.tmp, "p.toml"), out=False)
        self.assertOneLineError(r, "'reps' must be an integer from 1 to 100000")

    def test_unknown_key_in_a_kernel_table_refused(self):
        with open(os.path.join(self.tmp, "p.toml"), "w") as f:
            f.write('kernels = ["stencil"]\n[kernel.stencil]\nsize = 100\nradios = 2\n')
        r = self.sweep("--preset", os.path.join(self.tmp, "p.toml"), out=False)
        self.assertOneLineError(r, "kernel 'stencil' has no parameter 'radios'")
        with open(os.path.join(self.tmp, "p.toml"), "w") as f:
            f.write('kernels = ["stencil"]\n[kernel.stencli]\nsize = 100\n')
        r = self.sweep("--preset", os.path.join(self.tmp, "p.toml"), out=False)
        self.assertOneLineError(r, "[kernel.stencli]", "no kernel 'stencli'")
        with open(os.path.join(self.tmp, "p.toml"), "w") as f:
            f.write("# nothing\n")
        r = self.sweep("--preset", os.path.join(self.tmp, "p.toml"), out=False)
        self.assertOneLineError(r, "empty preset")


if __name__ == "__main__":
    unittest.main()
