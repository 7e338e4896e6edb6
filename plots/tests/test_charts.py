"""Charts end to end through plots/plot (the same interpreter search users get).

Skipped, with the reason, where no interpreter the wrapper finds has
matplotlib (Debian: apt-get install python3-matplotlib).
"""

import os
import struct
import sys
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from fixtures import read, record, scratch, write_folder, META  # noqa: E402
from test_analysis import reps, strong_records  # noqa: E402
from test_cli import NO_MPL, run_wrapper  # noqa: E402


def full_records():
    recs = strong_records()
    weak = {"radius": 2}
    recs += reps("stencil", "serial", 1, 1, [1.0] * 6, params=dict(weak, n=100), scaling="weak")
    recs += reps("stencil", "omp", 1, 2, [1.25] * 6, params=dict(weak, n=141), scaling="weak")
    recs += reps("stencil", "mpi", 2, 1, [1.1] * 6, params=dict(weak, n=141), scaling="weak")
    recs += reps("nstream", "omp", 1, 2, [0.01] * 3, params={"n": 10}, flops=2e8, nbytes=3.2e9)
    recs += reps("dgemm", "omp", 1, 2, [0.1] * 3, params={"n": 10}, flops=4e9, nbytes=1e7)
    for size in (1, 64, 4096, 262144):
        for backend, ranks, threads in (("omp", 1, 2), ("mpi", 2, 1)):
            recs += reps("pingpong", backend, ranks, threads, [1e-6 + size / 5e9] * 3, params={"bytes": size},
                         flops=0, nbytes=size)
        recs += reps("allreduce", "mpi", 2, 1, [2e-6 + size / 3e9] * 3, params={"bytes": size}, flops=0,
                     nbytes=size)
        recs += reps("pingpong", "omp", 1, 2, [1e-7] * 3, params={"bytes": size}, flops=0, nbytes=size,
                     variant="handoff")
    for pes in (1, 2):
        recs += reps("barrier", "omp", 1, pes, [1e-7 * pes] * 3, params={}, flops=0, nbytes=0)
        recs += reps("halo", "mpi", pes, 1, [1e-6 * pes] * 3, params={"n": 100, "radius": 2}, flops=0,
                     nbytes=3200 * (pes - 1), exchange={"bytes": 3200 * (pes - 1)})
    recs.append(record("barrier", "mpi", 2, 1, {}, None, failure="exit status 1"))
    return recs


def check_png(test, path):
    with open(path, "rb") as fh:
        head = fh.read(33)
    test.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n", path)
    length, kind = struct.unpack(">I4s", head[8:16])
    test.assertEqual((length, kind), (13, b"IHDR"), path)
    width, height = struct.unpack(">II", head[16:24])
    test.assertTrue(300 < width < 4000 and 300 < height < 4000, (path, width, height))


def check_svg(test, path):
    root = ET.parse(path).getroot()
    test.assertTrue(root.tag.endswith("svg"), path)


def plot(test, records, *args):
    folder = write_folder(scratch(), records, meta=META)
    proc = run_wrapper(folder, *args)
    if NO_MPL in proc.stderr:
        test.skipTest("no interpreter with matplotlib (apt-get install python3-matplotlib)")
    test.assertEqual(proc.returncode, 0, proc.stderr)
    test.assertNotIn("Traceback", proc.stderr)
    return os.path.join(folder, "report")


class FullSweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = None

    def setUp(self):
        if FullSweepTest.out is None:
            FullSweepTest.out = plot(self, full_records(), "--format", "png,svg")
        self.figures = os.path.join(self.out, "figures")

    def test_every_expected_figure_in_every_format(self):
        expected = ["stencil-speedup", "stencil-efficiency", "stencil-scaling", "stencil-shapes",
                    "stencil-breakdown", "stencil-memory", "stencil-fits", "stencil-weak-scaling",
                    "stencil-weak-breakdown", "stencil-weak-memory", "roofline", "pingpong", "pingpong-handoff",
                    "allreduce", "barrier", "halo"]
        files = sorted(os.listdir(self.figures))
        for stem in expected:
            for ext in ("png", "svg"):
                self.assertIn("%s.%s" % (stem, ext), files)
        stems = {f.rsplit(".", 1)[0] for f in files}
        self.assertEqual(len(files), 2 * len(stems), "every figure in both formats")
        for name in files:
            path = os.path.join(self.figures, name)
            (check_png if name.endswith(".png") else check_svg)(self, path)

    def test_report_links_every_figure(self):
        html = read(os.path.join(self.out, "report.html"))
        md = read(os.path.join(self.out, "report.md"))
        for name in os.listdir(self.figures):
            self.assertIn("figures/" + name, html)
            self.assertIn("figures/" + name, md)
        self.assertIn("Failed runs", html)
        self.assertIn("fixture-host", html)

    def test_micro_kernels_get_no_scaling_charts(self):
        stems = {f.rsplit(".", 1)[0] for f in os.listdir(self.figures)}
        for kernel in ("pingpong", "allreduce", "barrier", "halo"):
            self.assertFalse([s for s in stems if s.startswith(kernel + "-") and s != "pingpong-handoff"], kernel)
        md = read(os.path.join(self.out, "report.md"))
        self.assertNotIn("Mbarrier", md)
        self.assertIn("## pingpong hand-off: a pointer passed, no data copied", md)

    def test_roofline_says_which_ceiling_is_missing(self):
        md = read(os.path.join(self.out, "report.md"))
        # the fixture's nstream has no working-set data and there is no peak run
        self.assertIn("roofline: no bandwidth ceiling", md)
        self.assertIn("bench/sweep --kernels nstream --size auto", md)
        self.assertIn("roofline: no compute ceiling", md)

    def test_no_chart_failed(self):
        md = read(os.path.join(self.out, "report.md"))
        self.assertNotIn("_chart failed", md)
        self.assertNotIn("micro_charts failed", md)


class EdgeCasesTest(unittest.TestCase):
    def test_single_pe_count(self):
        recs = reps("stencil", "serial", 1, 1, [1.0] * 3) + reps("stencil", "omp", 1, 1, [1.1] * 3)
        recs += reps("stencil", "mpi", 1, 1, [1.2] * 3)
        out = plot(self, recs)
        files = os.listdir(os.path.join(out, "figures"))
        self.assertIn("stencil-speedup.png", files)
        self.assertNotIn("stencil-fits.png", files)
        for name in files:
            check_png(self, os.path.join(out, "figures", name))
        # the missing chart is one line saying what to run, not a silent gap (issue 12, bad input)
        md = read(os.path.join(out, "report.md"))
        self.assertIn("No fits chart: it needs speedups at two or more PE counts: run bench/sweep --pes 1,2,4", md)
        self.assertIn("No shapes chart: it needs hybrid runs at 2 or more PEs", md)
        self.assertNotIn("No speedup chart", md)

    def test_overhead_at_or_below_zero(self):
        """An overhead is a difference of medians: a near no-op can give 0 or a little below. Such
        repetitions are measurements (not failed runs) and the chart's error bar stays drawable."""
        times = [2e-7, 1e-7, -5e-8, 2e-7, 1.5e-7, 1e-7]
        recs = reps("barrier", "omp", 1, 2, times, params={"delay": 100}, flops=0, nbytes=0, rate_unit="us")
        folder = write_folder(scratch(), recs, meta=META)
        proc = run_wrapper(folder)
        if NO_MPL in proc.stderr:
            self.skipTest("no interpreter with matplotlib")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("error", proc.stderr)
        self.assertIn("barrier.png", os.listdir(os.path.join(folder, "report", "figures")))
        self.assertNotIn("no plausible time", read(os.path.join(folder, "report", "report.md")))

    def test_one_model_only(self):
        recs = reps("stencil", "omp", 1, 1, [1.0] * 3) + reps("stencil", "omp", 1, 2, [0.6] * 3)
        out = plot(self, recs, "--format", "svg")
        files = os.listdir(os.path.join(out, "figures"))
        self.assertIn("stencil-speedup.svg", files)
        self.assertIn("stencil-fits.svg", files)
        for name in files:
            check_svg(self, os.path.join(out, "figures", name))
        self.assertIn("no serial run", read(os.path.join(out, "report.md")))

    def test_every_run_failed(self):
        recs = [record("stencil", b, 1, 1, {"n": 8}, None, failure="crash") for b in ("serial", "omp")]
        out = plot(self, recs)
        md = read(os.path.join(out, "report.md"))
        self.assertIn("crash", md)
        self.assertIn("0 usable, 2 failed", md)


if __name__ == "__main__":
    unittest.main()
