"""End-to-end sweeps of the test double (no real executables needed)."""

import csv
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402


class TinySweep(SweepCase):
    def test_all_backends_recorded_interleaved(self):
        r = self.sweep("--kernels", "stencil", "--pes", "1,2", "--reps", "2", "--size", "100",
                       "--iters", "3", "--warmup", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.records()
        # serial 1x1, omp 1x1 1x2, mpi 1x1 2x1, hybrid 1x1 1x2 2x1 = 8 configs x 2 reps
        self.assertEqual(len(recs), 16)
        keys = [(x["sweep"]["rep"], x["sweep"]["config_id"]) for x in recs]
        self.assertEqual(len(set(keys)), 16)
        self.assertEqual([k[0] for k in keys], [1] * 8 + [2] * 8)          # interleaved by repetition
        for x in recs:
            s = x["sweep"]
            self.assertIsNone(s["failure"])
            self.assertEqual(s["exit_status"], 0)
            self.assertGreater(s["wall_s"], 0)
            self.assertEqual(s["scaling"], "strong")
            self.assertFalse(s["oversubscribed"])
            self.assertTrue(x["validated"])
            self.assertEqual(x["params"]["n"], 100)
            self.assertEqual(x["iterations"], 3)
            self.assertEqual(x["pes"], x["ranks"] * x["threads"])
        hybrid12 = next(x for x in recs if x["sweep"]["config_id"].startswith("stencil.hybrid.1x2"))
        self.assertEqual((hybrid12["ranks"], hybrid12["threads"]), (1, 2))
        self.assertEqual(hybrid12["launch"]["env"], {"OMP_NUM_THREADS": "2", "OMP_PLACES": "cores",
                                                     "OMP_PROC_BIND": "close"})

        # binding defaults reached mpirun
        with open(self.env["FAKE_MPIRUN_LOG"]) as f:
            calls = [json.loads(line) for line in f]
        hybrid_call = next(c for c in calls if "slot:PE=2" in c)
        self.assertIn("--bind-to", hybrid_call)
        mpi2 = next(c for c in calls if c[:2] == ["-n", "2"] and c[-1] != "--list")
        self.assertEqual(mpi2[2:6], ["--map-by", "core", "--bind-to", "core"])

        # derived files
        with open(os.path.join(self.out, "results.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 16)
        self.assertEqual(rows[0]["sweep.config_id"], recs[0]["sweep"]["config_id"])
        with open(os.path.join(self.out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["runs_recorded"], 16)
        self.assertEqual(summary["runs_failed"], 0)
        self.assertTrue(summary["complete"])
        self.assertEqual(len(summary["configurations"]), 8)
        omp2 = next(c for c in summary["configurations"] if c["config_id"].startswith("stencil.omp.1x2"))
        self.assertAlmostEqual(omp2["speedup"], 2.0, places=6)      # the double halves the time at 2 PEs
        self.assertAlmostEqual(omp2["efficiency"], 1.0, places=6)
        self.assertGreater(summary["overhead"]["runs_wall_s"], 0)
        with open(os.path.join(self.out, "meta.json")) as f:
            meta = json.load(f)
        for key in ("host", "topology", "compiler", "mpi", "git", "env", "plan", "sessions", "physical_cores"):
            self.assertIn(key, meta)
        self.assertEqual(meta["mpi"]["flavour"], "openmpi")
        self.assertEqual(len(meta["plan"]["configs"]), 8)
        self.assertIn("loop_overhead_pct", meta["sessions"][0]["overhead"])
        self.assertEqual(meta["from_records"]["build"]["mpi_library"], "Fake MPI")
        self.assertEqual(meta["from_records"]["mpi_library"], "Fake MPI")

        # the summary table and where the results are
        self.assertIn("median time", r.stdout)
        self.assertRegex(r.stdout, r"stencil +hybrid +2x1 +n=100 ")
        self.assertIn(f"results: {self.out}", r.stdout)
        self.assertIn("harness overhead", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.out, ".runs")))

    def test_multi_record_runs_and_weak_scaling(self):
        with open(os.path.join(self.tmp, "p.toml"), "w") as f:
            f.write('[kernel.pingpong]\nmin-bytes = 1\nmax-bytes = 4\n')
        r = self.sweep("--preset", os.path.join(self.tmp, "p.toml"), "--kernels", "stencil,pingpong",
                       "--backends", "serial,omp", "--pes", "1,2", "--reps", "1", "--scaling", "weak",
                       "--size", "stencil=100")
        self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.records()
        pp = [x for x in recs if x["kernel"] == "pingpong"]
        self.assertEqual(len(pp), 3)                                       # bytes 1, 2, 4 in one run
        self.assertEqual([x["sweep"]["record_index"] for x in pp], [0, 1, 2])
        self.assertEqual({x["sweep"]["records_in_run"] for x in pp}, {3})
        sizes = {x["sweep"]["config_id"]: x["params"]["n"] for x in recs if x["kernel"] == "stencil"}
        self.assertEqual(sizes["stencil.omp.1x2.n=141"], 141)             # 100 * sqrt(2)
        self.assertEqual(sizes["stencil.serial.1x1.n=100"], 100)
        self.assertEqual({x["sweep"]["scaling"] for x in recs}, {"weak"})
        with open(os.path.join(self.out, "summary.json")) as f:
            conf = json.load(f)["configurations"]
        self.assertEqual(len([c for c in conf if c["kernel"] == "pingpong"]), 3)

    def test_dry_run_writes_nothing(self):
        r = self.sweep("--kernels", "stencil", "--pes", "1,2", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("8 configurations, 48 runs", r.stdout)
        self.assertIn("--map-by slot:PE=2 --bind-to core", r.stdout)
        self.assertFalse(os.path.exists(self.out))

    def test_quick_preset_skips_missing_kernels(self):
        r = self.sweep("--preset", "quick", "--backends", "serial,omp", "--reps", "1",
                       "--size", "stencil=100,nstream=1000", env={"FAKE_TRIOBENCH_KERNELS": "stencil,nstream"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual({x["kernel"] for x in self.records()}, {"stencil", "nstream"})  # "all": the catalogue's
        self.assertEqual({x["iterations"] for x in self.records()}, {3})   # the preset's iters
        r = self.sweep("--preset", "quick", "--kernels", "stencil,dgemm", "--backends", "serial", "--reps", "1",
                       "--size", "stencil=100", env={"FAKE_TRIOBENCH_KERNELS": "stencil,nstream"}, out=False)
        self.assertEqual(r.returncode, 2, r.stderr)              # named on the command line: refused
        self.assertIn("unknown kernel 'dgemm'", r.stderr)

    def test_plot_called_and_its_failure_tolerated(self):
        marker = os.path.join(self.tmp, "plot-args")
        tool = os.path.join(self.tmp, "plot")
        with open(tool, "w") as f:
            f.write(f'#!/bin/sh\necho "$@" > "{marker}"\necho boom >&2\nexit 1\n')
        os.chmod(tool, 0o755)
        cmd = [c for c in self.sweep_cmd("--kernels", "stencil", "--backends", "serial", "--reps", "1")
               if c != "--no-plot"]
        r = subprocess.run(cmd, env=dict(self.env, TRIOBENCH_PLOT=tool), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(marker) as f:
            self.assertEqual(f.read().strip(), os.path.abspath(self.out))
        self.assertIn("the charts failed", r.stderr)
        os.unlink(marker)
        r = self.sweep("--kernels", "stencil", "--backends", "serial", "--reps", "1", "--out",
                       os.path.join(self.tmp, "out2"), out=False, env={"TRIOBENCH_PLOT": tool})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(marker))              # --no-plot: not called


if __name__ == "__main__":
    unittest.main()
