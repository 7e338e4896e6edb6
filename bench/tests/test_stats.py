"""Statistics against hand-computed values."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402,F401

from triobench_sweep import stats  # noqa: E402
from triobench_sweep.plan import Config  # noqa: E402


class Basic(unittest.TestCase):
    def test_median(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)
        self.assertIsNone(stats.median([]))

    def test_quantile_type7(self):
        s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        self.assertAlmostEqual(stats.quantile(s, 0.25), 3.25)   # numpy.percentile(s, 25)
        self.assertAlmostEqual(stats.quantile(s, 0.75), 7.75)
        self.assertAlmostEqual(stats.quantile(s, 0.5), 5.5)

    def test_binomial(self):
        self.assertAlmostEqual(stats.binom_cdf_half(0, 6), 1 / 64)
        self.assertAlmostEqual(stats.binom_cdf_half(1, 10), 11 / 1024)
        self.assertAlmostEqual(stats.binom_cdf_half(10, 10), 1.0)


class MedianCI(unittest.TestCase):
    def test_too_few(self):
        for n in range(1, 6):       # 1 - 2/2^5 = 0.9375 < 0.95: no interval below 6
            self.assertIsNone(stats.median_ci(list(range(n))))

    def test_six_gives_min_max(self):
        lo, hi, cov = stats.median_ci([6, 1, 5, 2, 4, 3])
        self.assertEqual((lo, hi), (1, 6))
        self.assertAlmostEqual(cov, 1 - 2 / 64)               # 0.96875

    def test_ten(self):
        # P(B <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024: ranks 2 and 9
        lo, hi, cov = stats.median_ci([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        self.assertEqual((lo, hi), (20, 90))
        self.assertAlmostEqual(cov, 1 - 22 / 1024)

    def test_twenty(self):
        # textbook table: n = 20 -> ranks 6 and 15, coverage 0.9586
        l, u, cov = stats.median_ci_ranks(20)
        self.assertEqual((l, u), (6, 15))
        self.assertAlmostEqual(cov, 0.958610, places=5)


class Outliers(unittest.TestCase):
    def test_tukey(self):
        # quartiles of 1..7 plus 30: Q1 = 2.75, Q3 = 6.25, IQR = 3.5, upper fence 11.5
        xs = [1, 2, 3, 4, 5, 6, 7, 30]
        self.assertEqual(stats.tukey_outliers(xs), [False] * 7 + [True])
        # [1, 2, 3, 11]: Q1 = 1.75, Q3 = 5, IQR = 3.25, upper fence 9.875
        self.assertEqual(stats.tukey_outliers([1, 2, 3, 11]), [False, False, False, True])
        # [1, 2, 3, 6]: Q1 = 1.75, Q3 = 3.75, IQR = 2, upper fence 6.75
        self.assertEqual(stats.tukey_outliers([1, 2, 3, 6]), [False] * 4)
        self.assertEqual(stats.tukey_outliers([1, 100, 1]), [False] * 3)     # fewer than 4: never

    def test_never_dropped(self):
        recs = [_rec("k.omp.1x1", "omp", rep, t) for rep, t in enumerate([1.0, 1.1, 1.0, 1.05, 9.0], 1)]
        rows, flags = stats.summarize(recs, {}, "strong")
        self.assertEqual(rows[0]["ok"], 5)
        self.assertEqual(rows[0]["max_s"], 9.0)
        self.assertEqual(rows[0]["outlier_reps"], [5])


def _rec(cid, backend, rep, t, pes=1, n=100, failure=None):
    return {"kernel": "k", "backend": backend, "ranks": pes, "threads": 1, "pes": pes, "params": {"n": n},
            "time": {"median": t}, "rate": {"value": 1 / t, "unit": "X/s"}, "validated": failure is None,
            "sweep": {"config_id": cid, "rep": rep, "failure": failure}}


class Summary(unittest.TestCase):
    def test_strong_speedup_efficiency(self):
        recs = [_rec("k.serial", "serial", r, t) for r, t in enumerate([4.0, 4.2, 3.9], 1)]
        recs += [_rec("k.mpi2", "mpi", r, t, pes=2) for r, t in enumerate([2.5, 2.4, 2.6], 1)]
        rows, _ = stats.summarize(recs, {}, "strong")
        mpi = next(r for r in rows if r["backend"] == "mpi")
        self.assertAlmostEqual(mpi["baseline_s"], 4.0)
        self.assertAlmostEqual(mpi["median_s"], 2.5)
        self.assertAlmostEqual(mpi["speedup"], 1.6)
        self.assertAlmostEqual(mpi["efficiency"], 0.8)
        self.assertIsNone(mpi["ci95_s"])

    def test_weak_efficiency(self):
        cfg = {"k.serial": Config("k.serial", "k", "serial", 1, 1, "n", 100, 100),
               "k.mpi4": Config("k.mpi4", "k", "mpi", 4, 1, "n", 200, 100)}
        recs = [_rec("k.serial", "serial", 1, 2.0), _rec("k.mpi4", "mpi", 1, 2.5, pes=4, n=200)]
        rows, _ = stats.summarize(recs, cfg, "weak")
        mpi = next(r for r in rows if r["backend"] == "mpi")
        self.assertAlmostEqual(mpi["efficiency"], 0.8)
        self.assertAlmostEqual(mpi["speedup"], 3.2)

    def test_failures_counted_not_timed(self):
        recs = [_rec("k.omp", "omp", r, t) for r, t in enumerate([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 1)]
        recs.append({"kernel": "k", "backend": "omp", "params": {"n": 100}, "validated": False,
                     "status": "failed", "sweep": {"config_id": "k.omp", "rep": 7, "failure": "timeout after 1 s"}})
        recs[2]["sweep"]["failure"] = "validation failed"
        recs[2]["validated"] = False
        rows, _ = stats.summarize(recs, {}, "strong")
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual((row["runs"], row["ok"], row["failed"], row["validated"]), (7, 5, 2, 5))
        self.assertEqual(row["median_s"], 4.0)                 # median of 1, 2, 4, 5, 6
        self.assertIsNone(row["ci95_s"])                        # 5 good runs: n/a
        self.assertEqual(row["failures"], ["timeout after 1 s", "validation failed"])


if __name__ == "__main__":
    unittest.main()
