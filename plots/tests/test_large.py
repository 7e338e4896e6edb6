"""A large sweep (issue 16): 10,000 records over 2,000 configurations, as 100 studies or as one
study at 500 PE counts. The report completes with a bounded number of figures, none wider than a
screen, and every table. The time limit is only a guard against a hang: timings on a shared
machine prove nothing (the lead measures on a quiet one)."""

import os
import struct
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from fixtures import large, read, scratch  # noqa: E402
from test_cli import NO_MPL, WRAPPER  # noqa: E402

HANG_GUARD_S = 280
MAX_WIDTH, MAX_HEIGHT = 1920, 1600     # figure.MAX_WIDTH_IN, MAX_HEIGHT_IN at 150 dpi


def png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def plot_large(test, shape):
    folder = large(scratch(), shape)
    with open(os.path.join(folder, "results.jsonl")) as fh:
        test.assertEqual(sum(1 for _ in fh), 10000)
    proc = subprocess.run(["sh", WRAPPER, folder], capture_output=True, text=True, timeout=HANG_GUARD_S)
    if NO_MPL in proc.stderr:
        test.skipTest("no interpreter with matplotlib (apt-get install python3-matplotlib)")
    test.assertEqual(proc.returncode, 0, proc.stderr)
    test.assertNotIn("Traceback", proc.stderr)
    test.assertIn("10000 runs, 2000 configurations", proc.stdout)
    out = os.path.join(folder, "report")
    figures = sorted(os.listdir(os.path.join(out, "figures")))
    for name in figures:
        w, h = png_size(os.path.join(out, "figures", name))
        test.assertLessEqual(w, MAX_WIDTH, name)
        test.assertLessEqual(h, MAX_HEIGHT, name)
    return out, figures


class LargeSweepTest(unittest.TestCase):
    def test_many_studies_get_summary_charts(self):
        out, figures = plot_large(self, "many")
        self.assertEqual(figures, ["overview.png", "roofline.png"])
        md = read(os.path.join(out, "report.md"))
        self.assertIn("100 studies: per-study charts not drawn", md)
        self.assertIn("--charts all", md)
        self.assertLess(md.index("## Verdict"), md.index("## Notes"))
        # every study keeps its table; the verdict has a row per study
        self.assertEqual(md.count("\n## stencil, strong scaling"), 100)
        verdict = md[md.index("### Strong scaling"):md.index("## Notes")]
        self.assertEqual(verdict.count("\n| stencil n="), 100)
        self.assertNotIn("No speedup chart", md)

    def test_500_pe_counts_bounded(self):
        out, figures = plot_large(self, "wide")
        self.assertLessEqual(len(figures), 8)     # the 7 study charts and the roofline
        self.assertIn("stencil-shapes.png", figures)
        md = read(os.path.join(out, "report.md"))
        self.assertIn("8 of 500 PE counts shown; every one is in tables/verdict.csv", md)
        head = next(line for line in md[md.index("### Strong scaling"):].splitlines() if line.startswith("| kernel"))
        self.assertEqual(head.count(" PE"), 8, head)
        csv_rows = read(os.path.join(out, "tables", "verdict.csv")).splitlines()
        self.assertEqual(len(csv_rows), 1 + 500)


if __name__ == "__main__":
    unittest.main()
