"""The summary's flags (issue 11): superlinear efficiencies with their cause, overlapping confidence
intervals as "no significant difference", no speedup for micro-benchmarks, hybrid's best of N shapes."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/
from triobench_sweep import report, stats  # noqa: E402

LLC = 32 << 20


def records(kernel, backend, ranks, threads, times, kind="scaling", regime="cache-resident"):
    cid = f"{kernel}.{backend}.{ranks}x{threads}"
    ratio = {"cache-resident": 0.5, "mixed": 2.0, "dram": 8.0}[regime]
    ws = None if kind == "micro" else {"bytes": ratio * LLC, "llc_bytes": LLC, "ratio": ratio, "regime": regime,
                                       "size_rule": "given"}
    return [{"kernel": kernel, "backend": backend, "kind": kind, "ranks": ranks, "threads": threads,
             "pes": ranks * threads, "params": {"n": 100}, "validated": True, "working_set": ws,
             "time": {"median": t}, "rate": {"value": 1.0 / t, "unit": "x/s"},
             "sweep": {"config_id": cid, "rep": i + 1, "failure": None}} for i, t in enumerate(times)]


def spread(centre, width=0.01):
    return [centre * (1 + width * (i - 2.5)) for i in range(6)]


class Flags(unittest.TestCase):
    def setUp(self):
        recs = (records("stencil", "serial", 1, 1, spread(1.0))
                + records("stencil", "omp", 1, 2, spread(0.40))            # efficiency 1.25
                + records("stencil", "mpi", 2, 1, spread(0.401))           # overlaps omp's CI
                + records("stencil", "hybrid", 1, 2, spread(0.60))
                + records("stencil", "hybrid", 2, 1, spread(0.55))
                + records("nstream", "serial", 1, 1, spread(1.0), regime="dram")
                + records("nstream", "omp", 1, 2, spread(0.45), regime="dram")
                + records("halo", "serial", 1, 1, spread(1e-6), kind="micro")
                + records("halo", "omp", 1, 2, spread(2e-6), kind="micro"))
        self.rows = {r["config_id"]: r for r in stats.summarize(recs, {}, "strong")[0]}

    def test_superlinear_flagged_with_its_cause(self):
        omp = self.rows["stencil.omp.1x2"]
        self.assertAlmostEqual(omp["efficiency"], 1.25, places=2)
        self.assertTrue(omp["superlinear"])
        self.assertIn("cache-resident", omp["superlinear_cause"])
        self.assertIn("likely cache", omp["superlinear_cause"])
        dram = self.rows["nstream.omp.1x2"]
        self.assertTrue(dram["superlinear"])
        self.assertIn("not cache", dram["superlinear_cause"])
        self.assertFalse(self.rows["stencil.hybrid.1x2"]["superlinear"])
        self.assertIsNone(self.rows["stencil.hybrid.1x2"]["superlinear_cause"])

    def test_superlinear_within_noise_or_at_one_pe(self):
        """E > 1 whose CI reaches the ideal time is called noise; at 1 PE it is never cache (the
        serial baseline has the same working set)."""
        recs = (records("cg", "serial", 1, 1, spread(1.0))
                + records("cg", "omp", 1, 1, spread(0.97, 0.02))             # E 1.03, CI reaches 1.0
                + records("cg", "mpi", 1, 1, spread(0.90))                   # E 1.11, CI below 1.0
                + records("cg", "omp", 1, 2, spread(0.49, 0.04)))            # E 1.02, CI reaches 0.5
        rows = {r["config_id"]: r for r in stats.summarize(recs, {}, "strong")[0]}
        self.assertIn("within noise", rows["cg.omp.1x1"]["superlinear_cause"])
        self.assertIn("1-PE run faster", rows["cg.mpi.1x1"]["superlinear_cause"])
        self.assertIn("within noise", rows["cg.omp.1x2"]["superlinear_cause"])
        # rows come sorted: kernel, then serial, omp, mpi, hybrid, then PEs
        self.assertEqual([r["config_id"] for r in stats.summarize(recs, {}, "strong")[0]],
                         ["cg.serial.1x1", "cg.omp.1x1", "cg.omp.1x2", "cg.mpi.1x1"])

    def test_overlapping_intervals_are_not_ranked(self):
        omp, mpi = self.rows["stencil.omp.1x2"], self.rows["stencil.mpi.2x1"]
        self.assertEqual(omp["significance"], "no significant difference")
        self.assertIn("stencil.mpi.2x1", omp["no_significant_difference"])
        self.assertIn("stencil.omp.1x2", mpi["no_significant_difference"])
        self.assertEqual(self.rows["stencil.hybrid.1x2"]["significance"], "slower")
        self.assertEqual(self.rows["nstream.omp.1x2"]["significance"], None)      # no peer at 2 PEs

    def test_micro_benchmarks_have_no_speedup(self):
        for cid in ("halo.serial.1x1", "halo.omp.1x2"):
            self.assertIsNone(self.rows[cid]["speedup"])
            self.assertIsNone(self.rows[cid]["efficiency"])
        text = report.table(list(self.rows.values()))
        scaling, micro = text.split("micro-benchmarks")
        self.assertIn("speedup", scaling)
        self.assertNotIn("speedup", micro.splitlines()[1])
        self.assertIn("halo", micro)
        self.assertNotIn("halo", scaling)

    def test_hybrid_best_of_shapes(self):
        self.assertEqual(self.rows["stencil.hybrid.2x1"]["best_of_shapes"], 2)
        self.assertIsNone(self.rows["stencil.hybrid.1x2"]["best_of_shapes"])
        text = report.table(list(self.rows.values()))
        line = next(x for x in text.splitlines() if x.startswith("stencil") and "hybrid" in x and "2x1" in x)
        self.assertIn("best of 2 shapes", line)

    def test_table_flags_every_superlinear_row(self):
        text = report.table(list(self.rows.values()))
        for line in text.splitlines():
            cells = line.split()
            if line.startswith(("stencil", "nstream")) and "1.25" in cells:
                self.assertIn("SUPERLINEAR", line)
        self.assertIn("no significant difference vs mpi 2x1", text)


class Verdict(unittest.TestCase):
    """The verdict the sweep prints before the folder's path: the report's rules (tbcommon.verdict)."""

    def test_compact_table(self):
        # omp 0.40 s against mpi 0.55 s (each 6 reps, 1% apart: CIs and U test apart): 0.55/0.40 = 1.375;
        # at 1 PE serial ran alone. Records without breakdown or bandwidth: "no breakdown to say why".
        recs = (records("stencil", "serial", 1, 1, spread(1.0), regime="dram")
                + records("stencil", "omp", 1, 2, spread(0.40), regime="dram")
                + records("stencil", "mpi", 2, 1, spread(0.55), regime="dram"))
        text = report.verdict(recs)
        head, rule, line, why = text.splitlines()[:4]
        self.assertEqual(head.split()[:4], ["verdict:", "strong", "1", "PE"])
        self.assertIn("only serial ran", line)
        self.assertIn("omp 1.38x", line)
        self.assertTrue(why.startswith("  why, stencil: omp is 1.38× faster than mpi at 2 PEs"), why)
        self.assertIn("no breakdown to say why", why)
        self.assertIn("verdict: no bandwidth ceiling", text)

    def test_few_repetitions_say_what_to_run(self):
        recs = records("cg", "omp", 1, 2, spread(0.4)[:3]) + records("cg", "mpi", 2, 1, spread(0.5)[:3])
        text = report.verdict(recs)
        self.assertIn("few reps", text)
        self.assertIn("run bench/sweep --reps 6", text)


if __name__ == "__main__":
    unittest.main()
