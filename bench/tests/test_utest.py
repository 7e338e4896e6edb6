"""The Mann-Whitney U test (tbcommon.utest) against values computed by hand."""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/

from tbcommon import utest  # noqa: E402


class Distribution(unittest.TestCase):
    def test_counts_2_2(self):
        # The 6 orderings of a a b b, ascending, and the pairs (a > b) each has:
        # aabb 0, abab 1, abba 2, baab 2, baba 3, bbaa 4.
        self.assertEqual(utest.u_counts(2, 2), [1, 1, 2, 1, 1])

    def test_counts_3_3(self):
        # The Gaussian binomial [6 choose 3]_q: 1 1 2 3 3 3 3 2 1 1 (sum C(6,3) = 20).
        self.assertEqual(utest.u_counts(3, 3), [1, 1, 2, 3, 3, 3, 3, 2, 1, 1])

    def test_counts_unequal(self):
        # m=1, n=3: the a is 1st..4th of 4: U = 0, 1, 2, 3 once each.
        self.assertEqual(utest.u_counts(1, 3), [1, 1, 1, 1])
        self.assertEqual(sum(utest.u_counts(4, 7)), math.comb(11, 4))


class Exact(unittest.TestCase):
    def test_separated_3_3(self):
        # a all below b: R_a = 1+2+3 = 6, U = 6 - 6 = 0; P(U <= 0) = 1/20; two-sided 0.1.
        r = utest.mann_whitney([1, 2, 3], [4, 5, 6])
        self.assertEqual(r["u"], 0)
        self.assertEqual(r["method"], "exact")
        self.assertAlmostEqual(r["p"], 0.1)
        self.assertEqual(r["p_a_greater"], 0)
        r = utest.mann_whitney([4, 5, 6], [1, 2, 3])
        self.assertEqual(r["u"], 9)
        self.assertAlmostEqual(r["p"], 0.1)

    def test_interleaved(self):
        # a = 1 3 5, b = 2 4 6: R_a = 9, U = 3; P(U <= 3) = (1+1+2+3)/20 = 7/20 -> p = 0.7.
        r = utest.mann_whitney([1, 3, 5], [2, 4, 6])
        self.assertEqual(r["u"], 3)
        self.assertAlmostEqual(r["p"], 0.7)

    def test_separated_6_6(self):
        # One ordering of C(12, 6) = 924 at each extreme: p = 2/924.
        r = utest.mann_whitney(range(1, 7), range(7, 13))
        self.assertAlmostEqual(r["p"], 2 / 924)


class Normal(unittest.TestCase):
    def test_ties(self):
        # a = 1 2 2, b = 2 3 4. Mid-ranks: 1 -> 1; the three 2s -> 3; 3 -> 5; 4 -> 6.
        # R_a = 1+3+3 = 7, U = 7 - 6 = 1, mean 4.5.
        # var = 3*3/12 * ((6+1) - (3^3-3)/(6*5)) = 0.75 * 6.2 = 4.65.
        # z = (3.5 - 0.5)/sqrt(4.65) = 1.39118; p = erfc(z/sqrt 2) = 0.16417.
        r = utest.mann_whitney([1, 2, 2], [2, 3, 4])
        self.assertEqual(r["method"], "normal")
        self.assertEqual(r["u"], 1)
        self.assertAlmostEqual(r["p"], 0.16417, places=4)

    def test_all_equal(self):
        r = utest.mann_whitney([5] * 6, [5] * 6)
        self.assertEqual(r["p"], 1.0)

    def test_large_without_ties_is_normal(self):
        # 30 x 30 = 900 pairs > EXACT_MAX_PAIRS; fully separated: U = 0,
        # var = 900/12 * 61 = 4575, z = (450 - 0.5)/67.64 = 6.645: p ~ 3e-11.
        r = utest.mann_whitney(range(30), range(100, 130))
        self.assertEqual(r["method"], "normal")
        self.assertLess(r["p"], 1e-10)
        self.assertGreater(r["p"], 1e-12)

    def test_empty_refused(self):
        with self.assertRaises(ValueError):
            utest.mann_whitney([], [1])


class Verdict(unittest.TestCase):
    def test_lower_higher(self):
        fast = [1.0, 1.1, 1.2, 1.05, 1.15, 1.12]
        slow = [2.0, 2.1, 2.2, 2.05, 2.15, 2.12]
        self.assertEqual(utest.compare(fast, slow)["verdict"], "lower")
        self.assertEqual(utest.compare(slow, fast)["verdict"], "higher")

    def test_no_difference(self):
        a = [1, 3, 5, 7, 9, 11]
        b = [2, 4, 6, 8, 10, 12]
        v = utest.compare(a, b)
        self.assertEqual(v["verdict"], "no difference")
        self.assertGreater(v["p"], 0.05)

    def test_too_few(self):
        v = utest.compare([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        self.assertEqual(v["verdict"], "not enough repetitions")
        self.assertIsNone(v["p"])


if __name__ == "__main__":
    unittest.main()
