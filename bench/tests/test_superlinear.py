"""tbcommon.superlinear, the one rule set for the causes of E > 1 (the sweep's summary and the plots),
against fixtures whose expected verdicts are worked out by hand in the comments."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/

from tbcommon import superlinear  # noqa: E402
from triobench_sweep import stats as sweep_stats  # noqa: E402

LLC = 32 << 20


def ws(ratio, regime):
    """A record's working_set of ratio x LLC bytes (regime as the C side names it)."""
    return {"bytes": ratio * LLC, "llc_bytes": LLC, "ratio": ratio, "regime": regime, "size_rule": "given"}


class Rules(unittest.TestCase):
    def test_not_above_one_has_no_cause(self):
        for eff in (None, 0.5, 1.0):
            self.assertIsNone(superlinear.cause(eff, 2, ws(0.5, "cache-resident")))

    def test_each_cause(self):
        cases = [
            # (efficiency, PEs, working set, key, words the sentence must hold)
            (1.8, 1, ws(8, "dram"), "one-pe", "E = 1.8 at 1 PE: a 1-PE run faster than the serial baseline"),
            (1.2, 2, None, "unknown", "E = 1.2; cause unknown: the record has no working set"),
            (1.2, 2, {"bytes": LLC, "llc_bytes": None, "ratio": None, "regime": None}, "unknown",
             "last-level cache size was not known"),
            (1.25, 2, ws(0.5, "cache-resident"), "cache-resident", "E = 1.25, likely cache: the working set is "
                                                                   "cache-resident (0.5× LLC)"),
            (1.1, 2, ws(2, "mixed"), "mixed", "E = 1.1, likely cache: the working set (2× LLC) spills"),
            # 4.5 LLC over 8 PEs: 4.5 / 8 = 0.5625 LLC per PE, printed to 2 digits: 0.56
            (1.25, 8, ws(4.5, "dram"), "per-pe", "likely cache: the working set per PE (0.56× LLC) fits in the LLC"),
            # 4.5 LLC over 4 PEs: 1.125 LLC per PE, more than the LLC
            (1.1, 4, ws(4.5, "dram"), "unknown", "DRAM-sized working set (4.5× LLC) that does not fit in the LLC "
                                                 "per PE: not cache"),
            # 8 LLC over 8 PEs: exactly 1 LLC per PE, which does not fit (the rule is per PE < LLC)
            (1.1, 8, ws(8, "dram"), "unknown", "not cache"),
        ]
        for eff, pes, w, key, words in cases:
            got = superlinear.cause(eff, pes, w)
            self.assertEqual(got[0], key, (eff, pes, w))
            self.assertIn(words, got[1])
            self.assertNotIn("noise", got[1])
            self.assertIn(key, superlinear.SHORT)

    def test_within_noise_when_the_error_bar_reaches_one(self):
        w = ws(0.5, "cache-resident")
        self.assertTrue(superlinear.cause(1.05, 2, w, low=0.952)[1].endswith(
            "; within noise: its error bar reaches E = 0.952"))
        self.assertIn("within noise", superlinear.cause(1.05, 2, w, low=1.0)[1])       # reaches 1 exactly
        self.assertNotIn("noise", superlinear.cause(1.05, 2, w, low=1.01)[1])
        # the cause stays what the working set says
        self.assertEqual(superlinear.cause(1.05, 1, w, low=0.9)[0], "one-pe")


class Summary(unittest.TestCase):
    """The sweep's summary takes the error bar from the 95% CI of the median."""

    def records(self, backend, threads, times):
        cid = "stencil.%s.1x%d" % (backend, threads)
        return [{"kernel": "stencil", "backend": backend, "kind": "scaling", "ranks": 1, "threads": threads,
                 "pes": threads, "params": {"n": 100}, "validated": True, "working_set": ws(0.5, "cache-resident"),
                 "time": {"median": t}, "sweep": {"config_id": cid, "rep": i + 1, "failure": None}}
                for i, t in enumerate(times)]

    def test_low_end_from_the_ci(self):
        # serial median 1.0. omp at 2 PEs: median (0.47 + 0.48) / 2 = 0.475, so E = 1 / (2 * 0.475) = 1.0526;
        # 6 runs: the CI of the median is [min, max] = [0.45, 0.52], so E at its slow end = 1 / (2 * 0.52)
        # = 0.9615, printed 0.962.
        recs = self.records("serial", 1, [1.0] * 6) + self.records("omp", 2, [0.45, 0.46, 0.47, 0.48, 0.49, 0.52])
        rows = {r["config_id"]: r for r in sweep_stats.summarize(recs, {}, "strong")[0]}
        omp = rows["stencil.omp.1x2"]
        self.assertAlmostEqual(omp["efficiency"], 1 / 0.95)
        self.assertTrue(omp["superlinear"])
        self.assertIn("E = 1.05, likely cache", omp["superlinear_cause"])
        self.assertIn("within noise: its error bar reaches E = 0.962", omp["superlinear_cause"])
        self.assertFalse(rows["stencil.serial.1x1"]["superlinear"])


if __name__ == "__main__":
    unittest.main()
