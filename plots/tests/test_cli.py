"""plots/plot end to end without charts: bad input, tables, reports.

The no-matplotlib path is forced by hiding matplotlib from the interpreter,
so these tests run anywhere (standard library only).
"""

import csv
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.dirname(HERE)
WRAPPER = os.path.join(PLOTS, "plot")
sys.path[:0] = [PLOTS, HERE]

from fixtures import read, realistic, record, scratch, write_folder  # noqa: E402
from test_analysis import strong_records  # noqa: E402

NO_MPL = ("matplotlib not found: install it with apt-get install python3-matplotlib "
          "(charts skipped; tables written)")


def run_wrapper(*args):
    return subprocess.run(["sh", WRAPPER] + list(args), capture_output=True, text=True, timeout=120)


def run_without_matplotlib(*args):
    code = ("import sys; sys.modules['matplotlib'] = None; sys.path.insert(0, %r); "
            "from tbplots.cli import main; sys.exit(main(%r))" % (PLOTS, list(args)))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


class BadInputTest(unittest.TestCase):
    def assertOneLineError(self, proc, text):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn(text, lines[0])
        self.assertTrue(lines[0].startswith("plots/plot: error: "), lines[0])
        self.assertNotIn("Traceback", proc.stderr)

    def test_missing_folder(self):
        self.assertOneLineError(run_wrapper("/nonexistent/sweep"), "no such results folder")

    def test_folder_without_results(self):
        self.assertOneLineError(run_wrapper(scratch()), "has no results.jsonl")

    def test_empty_results(self):
        tmp = write_folder(scratch(), [])
        self.assertOneLineError(run_wrapper(tmp), "holds no records")

    def test_corrupt_results(self):
        tmp = scratch()
        with open(os.path.join(tmp, "results.jsonl"), "wb") as fh:
            fh.write(b"\x00\x01garbage\n{not json}\n")
        self.assertOneLineError(run_wrapper(tmp), "corrupt")

    def test_bad_options(self):
        tmp = write_folder(scratch(), strong_records())
        self.assertOneLineError(run_wrapper(tmp, "--format", "png,gif"), "gif")
        self.assertOneLineError(run_wrapper(tmp, "--baseline", "worst"), "--baseline")
        self.assertOneLineError(run_wrapper(), "RESULTS_FOLDER")


class TablesWithoutMatplotlibTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = write_folder(scratch(), strong_records(), meta={"host": {"name": "box"},
                                                                              "git_commit": "abc"})
        cls.proc = run_without_matplotlib(cls.folder)
        cls.out = os.path.join(cls.folder, "report")

    def test_message_and_status(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertIn(NO_MPL, self.proc.stderr.splitlines())
        self.assertNotIn("Traceback", self.proc.stderr)

    def test_tables_and_reports_written(self):
        for name in ("report.md", "report.html", "tables/summary.csv", "tables/fits.csv",
                     "tables/failures.csv"):
            self.assertTrue(os.path.getsize(os.path.join(self.out, name)) > 0, name)
        self.assertEqual(os.listdir(os.path.join(self.out, "figures")), [])
        md = read(os.path.join(self.out, "report.md"))
        self.assertIn("charts skipped", md)
        self.assertIn("box", md)
        self.assertIn("timeout after 60 s", md)
        html = read(os.path.join(self.out, "report.html"))
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<img", html)

    def test_summary_csv_values(self):
        with open(os.path.join(self.out, "tables", "summary.csv"), newline="") as fh:
            rows = {(r["model"], r["ranks"], r["threads"]): r for r in csv.DictReader(fh)}
        omp2 = rows[("omp", "1", "2")]
        self.assertAlmostEqual(float(omp2["speedup"]), 1.6)
        self.assertAlmostEqual(float(omp2["efficiency"]), 0.8)
        self.assertAlmostEqual(float(omp2["karp_flatt"]), 0.25)
        self.assertEqual(omp2["ci95_lo_s"], "")
        serial = rows[("serial", "1", "1")]
        self.assertEqual((float(serial["ci95_lo_s"]), float(serial["ci95_hi_s"])), (1.8, 2.2))
        self.assertEqual(rows[("mpi", "4", "1")]["oversubscribed"], "true")
        self.assertIn("exit status 1", rows[("hybrid", "2", "2")]["failures"])
        with open(os.path.join(self.out, "tables", "fits.csv"), newline="") as fh:
            fits = {r["model"]: r for r in csv.DictReader(fh)}
        self.assertAlmostEqual(float(fits["hybrid"]["serial_fraction"]), 0.3)

    def test_output_is_deterministic(self):
        out2 = scratch()
        proc = run_without_matplotlib(self.folder, "--out", out2)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for name in ("report.md", "report.html", "tables/summary.csv"):
            with open(os.path.join(self.out, name), "rb") as a, open(os.path.join(out2, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), name)

    def test_self_baseline(self):
        out = scratch()
        proc = run_without_matplotlib(self.folder, "--out", out, "--baseline", "self")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "tables", "summary.csv"), newline="") as fh:
            rows = {(r["model"], r["ranks"], r["threads"]): r for r in csv.DictReader(fh)}
        self.assertAlmostEqual(float(rows[("omp", "1", "2")]["speedup"]), 2.2 / 1.25)

    def test_realistic_sweep_tables(self):
        folder = realistic(os.path.join(scratch(), "sweep"))
        proc = run_without_matplotlib(folder)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("inferred", proc.stderr)          # every record says its kind
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("## stencil, strong scaling, n=1000 radius=2 [cache-resident]", md)
        self.assertIn("## stencil, strong scaling, n=4000 radius=2\n", md)
        self.assertIn("SUPERLINEAR, E = ", md)
        self.assertIn("## Roofline probes", md)
        for kernel in ("pingpong", "barrier", "allreduce", "halo"):
            self.assertNotIn("## %s, strong scaling" % kernel, md)
        with open(os.path.join(folder, "report", "tables", "summary.csv"), newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual({r["kernel"] for r in rows}, {"stencil", "nstream", "transpose", "dgemm", "ep", "cg"})
        self.assertFalse([r for r in rows if r["params"] == "n=100000000"])    # the probe is no configuration
        superlinear = [r for r in rows if r["superlinear"]]
        self.assertTrue(superlinear)
        for r in superlinear:                                                  # every E > 1 is flagged
            self.assertGreater(float(r["efficiency"] or r["weak_efficiency"]), 1.0)
        for r in rows:
            e = r["efficiency"] or r["weak_efficiency"]
            if e and float(e) > 1.0:
                self.assertTrue(r["superlinear"], r)
        with open(os.path.join(folder, "report", "tables", "micro.csv"), newline="") as fh:
            micro = list(csv.DictReader(fh))
        self.assertEqual({r["kernel"] for r in micro}, {"pingpong", "barrier", "allreduce", "halo"})
        self.assertEqual({r["variant"] for r in micro if r["kernel"] == "pingpong"}, {"copy", "hand-off", "funneled", ""})

    def test_faults_table(self):
        fault = {"injected": {"spec": "kill:rank=1,after=3", "kind": "kill", "rank": 1, "thread": None,
                              "after": 3}, "ft": "detect", "outcome": "detected", "launcher_keeps_job": False}
        recs = strong_records() + [record("stencil", "mpi", 3, 1, {"n": 64, "radius": 2}, 0.5,
                                          status="invalid", fault=fault)]
        folder = write_folder(scratch(), recs)
        proc = run_without_matplotlib(folder)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("## Fault scenarios", md)
        self.assertIn("| mpi | 3x1 | kill:rank=1,after=3 | detect | plain | detected |", md)
        with open(os.path.join(folder, "report", "tables", "summary.csv"), newline="") as fh:
            self.assertNotIn(("mpi", "3", "1"), {(r["model"], r["ranks"], r["threads"]) for r in csv.DictReader(fh)})


if __name__ == "__main__":
    unittest.main()
