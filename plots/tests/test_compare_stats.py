"""The ratio of two sweeps' times and its CI (tbplots.compare_stats) against values computed by hand."""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # plots/

from tbplots import compare_stats  # noqa: E402


def grid(shift, n=6, step=0.01):
    """Times whose logs are shift, shift + step, ..., so that every pairwise difference of logs
    between two grids is (shift_b - shift_a) + step * (j - i): countable by hand."""
    return [math.exp(shift + step * i) for i in range(n)]


class MosesRank(unittest.TestCase):
    def test_6_6(self):
        # m = n = 6: C(12, 6) = 924 equally likely orderings. The number with U = u is the number of
        # partitions of u into at most 6 parts of at most 6: u = 0..6 give 1, 1, 2, 3, 5, 7, 11.
        # P(U <= 5) = 19/924 = 0.0206 <= 0.025 < P(U <= 6) = 30/924 = 0.0325, so k - 1 = 5: k = 6,
        # coverage 1 - 2 * 19/924 = 0.9589.
        k, coverage = compare_stats.moses_rank(6, 6)
        self.assertEqual(k, 6)
        self.assertAlmostEqual(coverage, 1 - 38 / 924)

    def test_too_few(self):
        # m = n = 3: P(U <= 0) = 1/C(6,3) = 1/20 = 0.05 > 0.025: no 95% interval at all.
        self.assertIsNone(compare_stats.moses_rank(3, 3))

    def test_4_4(self):
        # m = n = 4: P(U <= 0) = 1/70 = 0.0143 <= 0.025 < P(U <= 1) = 2/70: k = 1 (the extreme
        # differences), coverage 1 - 2/70 = 0.9714.
        self.assertEqual(compare_stats.moses_rank(4, 4), (1, 1 - 2 / 70))

    def test_normal_approximation(self):
        # m = n = 30 (900 pairs > 400): mean 450, sd = sqrt(900 * 61 / 12) = 67.639.
        # (k - 1 + 0.5 - 450) / 67.639 <= -1.95996 <=> k - 1 <= 316.93: k = 317;
        # coverage 1 - 2 Phi((316.5 - 450) / 67.639) = 1 - 2 Phi(-1.9737) = 1 - 2 * 0.02421 = 0.9516.
        k, coverage = compare_stats.moses_rank(30, 30)
        self.assertEqual(k, 317)
        self.assertAlmostEqual(coverage, 0.9516, places=3)


class LogShift(unittest.TestCase):
    def test_slower_by_e_0_2(self):
        # Differences 0.2 + 0.01 (j - i), j - i = -5..5 seen 1,2,3,4,5,6,5,4,3,2,1 times (36 in all).
        # Median (18th and 19th): j - i = 0 -> 0.2, ratio e^0.2 = 1.2214. k = 6: the 6th smallest is
        # j - i = -3 (ranks 4-6) -> e^0.17 = 1.1853; the 6th largest, j - i = +3 -> e^0.23 = 1.2586.
        r = compare_stats.log_shift(grid(0.0), grid(0.2))
        self.assertAlmostEqual(r["ratio"], math.exp(0.2))
        self.assertAlmostEqual(r["lo"], math.exp(0.17))
        self.assertAlmostEqual(r["hi"], math.exp(0.23))
        self.assertEqual((r["k"], r["method"]), (6, "exact"))

    def test_faster_and_scale_free(self):
        # B = A * e^-0.3 in every repetition, A around 1 ms: differences -0.3 + 0.01 (j - i):
        # ratio e^-0.3 = 0.7408, CI e^-0.33 .. e^-0.27 (the unit of the times does not matter).
        a = [1e-3 * t for t in grid(0.0)]
        r = compare_stats.log_shift(a, [t * math.exp(-0.3) for t in a])
        self.assertAlmostEqual(r["ratio"], math.exp(-0.3))
        self.assertAlmostEqual(r["lo"], math.exp(-0.33))
        self.assertAlmostEqual(r["hi"], math.exp(-0.27))

    def test_four_reps_give_the_extremes(self):
        # m = n = 4, k = 1: differences 0.5 + 0.01 (j - i), j - i = -3..3: CI e^0.47 .. e^0.53.
        r = compare_stats.log_shift(grid(0.0, 4), grid(0.5, 4))
        self.assertAlmostEqual(r["ratio"], math.exp(0.5))
        self.assertAlmostEqual(r["lo"], math.exp(0.47))
        self.assertAlmostEqual(r["hi"], math.exp(0.53))
        self.assertAlmostEqual(r["coverage"], 1 - 2 / 70)

    def test_three_reps_no_interval(self):
        r = compare_stats.log_shift([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
        self.assertIsNone(r["lo"])
        self.assertIsNone(r["hi"])
        self.assertIsNotNone(r["ratio"])

    def test_identical_samples(self):
        # Every difference is 0: ratio 1 and a CI of [1, 1].
        r = compare_stats.log_shift([2.0] * 6, [2.0] * 6)
        self.assertEqual((r["ratio"], r["lo"], r["hi"]), (1.0, 1.0, 1.0))

    def test_no_log_of_zero(self):
        # An overhead (a difference of medians) can be 0 or below: no ratio, no crash.
        self.assertIsNone(compare_stats.log_shift([0.0, 1.0], [1.0, 2.0]))
        self.assertIsNone(compare_stats.log_shift([1.0], [-1e-9]))
        self.assertIsNone(compare_stats.log_shift([], [1.0]))


if __name__ == "__main__":
    unittest.main()
