"""The report's Verdict section (verdict_section.py over tbcommon.verdict, whose rules
bench/tests/test_verdict.py checks): where it sits, what a cell says, and the one line that
replaces a part the data cannot give. Drawn without matplotlib (the verdict is tables only)."""

import csv
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from fixtures import META, read, scratch, working_set, write_folder  # noqa: E402
from test_analysis import reps  # noqa: E402
from test_cli import run_without_matplotlib  # noqa: E402

OMP = [1.00, 1.01, 1.02, 1.03, 1.04, 1.05]       # median 1.025, 95% CI [1.00, 1.05]
MPI = [1.20, 1.21, 1.22, 1.23, 1.24, 1.25]       # median 1.225, CI [1.20, 1.25]: apart, U test p = 2/924


def report(records):
    folder = write_folder(scratch(), records, meta=META)
    proc = run_without_matplotlib(folder)
    return proc, os.path.join(folder, "report")


class VerdictSection(unittest.TestCase):
    def test_opens_the_report_with_hand_computed_cells(self):
        dram = working_set(8 * 32 * 2 ** 20)
        recs = (reps("stencil", "serial", 1, 1, [2 * t for t in OMP], ws=dram)
                + reps("stencil", "omp", 1, 2, OMP, ws=dram,
                       breakdown={"compute": 0.96, "comm": 0.0, "sync": 0.04})
                + reps("stencil", "mpi", 2, 1, MPI, ws=dram, breakdown={"compute": 0.6, "comm": 0.38, "sync": 0.02}))
        proc, out = report(recs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        md = read(os.path.join(out, "report.md"))
        self.assertLess(md.index("## Verdict"), md.index("## Machine and sweep"))
        row = next(line for line in md.splitlines() if line.startswith("| stencil |"))
        # at 1 PE serial ran alone; at 2 PEs omp wins by 1.225 / 1.025 = 1.195 with p = 2/924 = 0.0022;
        # mpi's comm + sync share 0.40 against omp's 0.04: the communication rule
        self.assertIn("| only serial ran |", row)
        self.assertIn("omp, 1.20× faster than mpi (p = 0.0022)", row)
        self.assertIn("mpi spends 38% of each iteration in communication and 2% in synchronisation", row)
        self.assertIn("bench/sweep --kernels nstream --size auto", md)   # no bandwidth ceiling: said once
        with open(os.path.join(out, "tables", "verdict.csv"), newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual([(r["pes"], r["status"], r["fastest"]) for r in rows],
                         [("1", "alone", "serial"), ("2", "win", "omp")])
        self.assertAlmostEqual(float(rows[1]["ratio"]), 1.225 / 1.025)
        self.assertIn("<h2 id=\"s1\">Verdict</h2>", read(os.path.join(out, "report.html")))

    def test_one_repetition_one_pe_count(self):
        recs = reps("stencil", "omp", 1, 2, [1.0]) + reps("stencil", "mpi", 2, 1, [1.1])
        proc, out = report(recs)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        md = read(os.path.join(out, "report.md"))
        self.assertIn("| stencil | not enough repetitions to tell |", md)
        self.assertIn("every comparison has fewer than 6 repetitions: run bench/sweep --reps 6", md)
        self.assertIn("one PE count only: the verdict cannot show scaling; run bench/sweep --pes 1,2", md)


if __name__ == "__main__":
    unittest.main()
