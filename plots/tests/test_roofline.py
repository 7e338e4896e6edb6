"""The roofline's ceilings (plots/tbplots/roofline.py) against hand-computed values.

The bandwidth ceiling comes only from a DRAM-sized nstream (the probe or the
sweep's own), never from an in-cache one; the compute ceiling from the peak
probe at the largest PE count (per core from its 1-PE run); dgemm is a point.
Standard library only.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from tbplots import loader, roofline  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import LLC, record, scratch, working_set, write_folder  # noqa: E402


def reps(kernel, backend, ranks, threads, params, times, **kw):
    return [record(kernel, backend, ranks, threads, params, t, rep=i, **kw) for i, t in enumerate(times)]


def roof_of(records):
    data = loader.load(write_folder(scratch(), records))
    return roofline.roofline(tbconfigs.group_configs(data.runs))


IN_CACHE = reps("nstream", "omp", 1, 2, {"n": 10000}, [0.01] * 6, flops=2e8, nbytes=3.2e9,   # 320 GB/s
                rate_unit="GB/s", ws=working_set(LLC / 4))
SWEEP_DRAM = reps("nstream", "omp", 1, 2, {"n": 100000000}, [0.24] * 6, flops=2e8, nbytes=2.4e9,  # 10 GB/s
                  rate_unit="GB/s", ws=working_set(LLC * 8, "auto"))
PROBE_DRAM = reps("nstream", "omp", 1, 2, {"n": 133333333}, [0.25] * 6, flops=2e8, nbytes=3.2e9,  # 12.8 GB/s
                  rate_unit="GB/s", ws=working_set(LLC * 10, "auto"), probe=True)
PEAK = (reps("peak", "omp", 1, 1, {}, [0.05] * 6, flops=2e9, nbytes=0, rate_unit="GFLOP/s", probe=True)     # 40
        + reps("peak", "omp", 1, 2, {}, [0.026] * 6, flops=2e9, nbytes=0, rate_unit="GFLOP/s", probe=True)  # 76.9
        + reps("peak", "omp", 1, 4, {}, [0.025] * 6, flops=2e9, nbytes=0, rate_unit="GFLOP/s", probe=True,
               oversubscribed=True))
DGEMM = reps("dgemm", "omp", 1, 2, {"n": 1000}, [0.1] * 6, flops=4e9, nbytes=1e7, ws=working_set(24e6))


class CeilingsTest(unittest.TestCase):
    def test_ceilings_come_from_dram_nstream_and_peak(self):
        roof = roof_of(IN_CACHE + SWEEP_DRAM + PROBE_DRAM + PEAK + DGEMM)
        self.assertAlmostEqual(roof["bandwidth"]["value"], 3.2e9 / 0.25)   # the probe, not 320 GB/s in cache
        self.assertTrue(roof["bandwidth"]["config"].probe)
        self.assertAlmostEqual(roof["peak"]["value"], 2e9 / 0.026)       # 2 PEs: 4 is oversubscribed
        self.assertEqual(roof["peak"]["config"].pes, 2)
        self.assertAlmostEqual(roof["per_core"]["value"], 4e10)
        self.assertEqual(roof["missing"], [])
        self.assertEqual(len(roof["rejected"]), 1)
        self.assertIn("cache-resident", roof["rejected"][0])
        self.assertIsNone(roof["skipped"])

    def test_points_dgemm_achieved_and_probes_excluded(self):
        roof = roof_of(IN_CACHE + SWEEP_DRAM + PROBE_DRAM + PEAK + DGEMM)
        pts = {(p["kernel"], p["regime"]): p for p in roof["points"]}
        self.assertEqual(sorted(pts), [("dgemm", "cache-resident"), ("nstream", "cache-resident"),
                                       ("nstream", "dram")])
        self.assertAlmostEqual(pts[("dgemm", "cache-resident")]["rate"], 4e10)
        self.assertAlmostEqual(pts[("dgemm", "cache-resident")]["ai"], 400)
        self.assertAlmostEqual(pts[("nstream", "dram")]["rate"], 2e8 / 0.24)   # the sweep's run, not the probe
        self.assertLess(pts[("dgemm", "cache-resident")]["rate"], roof["peak"]["value"])

    def test_a_point_above_the_roof_is_reported(self):
        fast = reps("dgemm", "omp", 1, 2, {"n": 1000}, [0.04] * 6, flops=4e9, nbytes=1e7)   # 100 > 76.9 GFLOP/s
        roof = roof_of(PROBE_DRAM + PEAK + fast)
        self.assertEqual(len(roof["rejected"]), 1)
        self.assertIn("dgemm omp 1x2 at 2 PEs runs at 100 GFLOP/s, above the compute peak (76.9)",
                      roof["rejected"][0])
        # a DRAM-sized nstream above its own slope: 20 GB/s against the probe's 12.8
        fast = reps("nstream", "omp", 1, 2, {"n": 100000000}, [0.12] * 6, flops=2e8, nbytes=2.4e9,
                    ws=working_set(LLC * 8))
        roof = roof_of(reps("nstream", "omp", 1, 2, {"n": 133333333}, [0.25] * 6, flops=2e8, nbytes=3.2e9,
                            ws=working_set(LLC * 10), probe=True, rate_unit="GB/s") + fast)
        self.assertAlmostEqual(roof["bandwidth"]["value"], 2e10)   # the best DRAM-sized run is the ceiling
        self.assertEqual(roof["rejected"], [])

    def test_a_probe_marked_as_a_ceiling_counts_whatever_its_name(self):
        fma = reps("fma", "omp", 1, 2, {}, [0.05] * 6, flops=2e9, nbytes=0, rate_unit="GFLOP/s", probe=True)
        for r in fma:
            r["sweep"]["ceiling"] = "compute"
        roof = roof_of(fma + PROBE_DRAM)
        self.assertAlmostEqual(roof["peak"]["value"], 4e10)
        self.assertEqual(roof["peak"]["config"].kernel, "fma")

    def test_sweeps_own_dram_nstream_is_enough(self):
        roof = roof_of(IN_CACHE + SWEEP_DRAM)
        self.assertAlmostEqual(roof["bandwidth"]["value"], 1e10)
        self.assertFalse(roof["bandwidth"]["config"].probe)

    def test_no_ceiling_from_an_in_cache_run(self):
        roof = roof_of(IN_CACHE + DGEMM)
        self.assertIsNone(roof["bandwidth"])
        self.assertIsNone(roof["peak"])
        self.assertIn("bench/sweep --kernels nstream --size auto", roof["missing"][0])
        self.assertIn("no nstream run here is shown to be DRAM-sized", roof["missing"][0])
        self.assertIn("no compute ceiling", roof["missing"][1])
        self.assertIsNone(roof["skipped"])                                  # the points are still drawn

    def test_old_nstream_without_working_set_is_no_ceiling(self):
        roof = roof_of(reps("nstream", "omp", 1, 2, {"n": 10}, [0.25] * 6, flops=2e8, nbytes=3.2e9, kind=False))
        self.assertIsNone(roof["bandwidth"])
        self.assertIn("no working-set data", roof["rejected"][0])

    def test_nothing_to_draw_is_skipped_with_a_reason(self):
        roof = roof_of(reps("barrier", "omp", 1, 2, {}, [1e-6] * 6, flops=0, nbytes=0))
        self.assertIn("no record has work.flops", roof["skipped"])


if __name__ == "__main__":
    unittest.main()
