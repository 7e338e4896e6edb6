"""What the charts say, read from the matplotlib figures in process (not from pixels).

The superlinear ring and its cause, the cache-resident label, "best of N"
beside a hybrid point, "no sig. difference" on the shapes chart, the
roofline's missing-ceiling box and hollow cache-resident points, the
hand-off's own chart. Skipped, saying why, without matplotlib.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

try:
    import matplotlib  # noqa: F401
except ImportError:
    matplotlib = None

from tbplots import analysis, loader  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import LLC, record, scratch, working_set, write_folder  # noqa: E402

CACHED = working_set(LLC / 2)
P = {"n": 1000, "radius": 2}


def reps(kernel, backend, ranks, threads, times, params=P, **kw):
    return [record(kernel, backend, ranks, threads, params, t, rep=i, **kw) for i, t in enumerate(times)]


def texts(fig):
    """Every piece of text on a figure: titles, annotations, legend entries, box texts."""
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return "\n".join(t for t in out if t)


@unittest.skipIf(matplotlib is None, "matplotlib not installed (apt-get install python3-matplotlib)")
class ChartMarksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from tbplots import charts
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=CACHED)
        recs += reps("stencil", "omp", 1, 2, [0.8] * 6, ws=CACHED)                        # E = 1.25
        recs += reps("stencil", "hybrid", 1, 2, [1.10, 1.15, 1.2, 1.2, 1.2, 1.3], ws=CACHED)
        recs += reps("stencil", "hybrid", 2, 1, [1.05, 1.1, 1.1, 1.1, 1.15, 1.2], ws=CACHED)
        # at 4 PEs two hybrid shapes overlap the fastest's CI: no ranking between them
        recs += reps("stencil", "omp", 1, 4, [0.9] * 6, ws=CACHED)
        recs += reps("stencil", "hybrid", 4, 1, [0.50, 0.52, 0.55, 0.55, 0.58, 0.60], ws=CACHED)
        recs += reps("stencil", "hybrid", 2, 2, [0.55, 0.57, 0.60, 0.60, 0.62, 0.65], ws=CACHED)
        recs += reps("nstream", "omp", 1, 2, [0.01] * 6, params={"n": 10000}, flops=2e8, nbytes=3.2e9,
                     ws=working_set(LLC / 4))
        for size in (8, 1024):
            recs += reps("pingpong", "omp", 1, 2, [1e-7] * 6, params={"bytes": size}, flops=0, nbytes=size,
                         rate_unit="MB/s", variant="handoff")
            recs += reps("pingpong", "omp", 1, 2, [1e-6] * 6, params={"bytes": size}, flops=0, nbytes=size,
                         rate_unit="MB/s", variant="copy")
        data = loader.load(write_folder(scratch(), recs))
        configs = tbconfigs.group_configs(data.runs)
        cls.studies = {s.kernel: s for s in analysis.build_studies(configs)}
        ctx = charts.Context(scratch(), ["png"], "caption", "best-serial")
        cls.figs = {}
        saved = ctx.save

        def keep(fig, stem, title, desc):
            cls.figs[stem] = texts(fig)
            saved(fig, stem, title, desc)

        ctx.save = keep
        cls.errors = charts.draw_all(ctx, configs, list(cls.studies.values()))
        cls.notes = ctx.notes

    def test_no_chart_failed(self):
        self.assertEqual(self.errors, [])

    def test_superlinear_ringed_with_its_cause(self):
        for stem in ("stencil-speedup", "stencil-efficiency", "stencil-scaling"):
            self.assertIn("E>1 (omp):\ncache-resident", self.figs[stem], stem)
            self.assertIn("superlinear (E > 1)", self.figs[stem], stem)
            self.assertIn("CACHE-RESIDENT sizes", self.figs[stem], stem)
            self.assertIn("[cache-resident]", self.figs[stem], stem)

    def test_hybrid_point_says_best_of_n(self):
        self.assertIn("2x1 · best of 2 shapes, n.s.", self.figs["stencil-speedup"])
        self.assertIn("4x1 · best of 2 shapes, n.s.", self.figs["stencil-speedup"])
        self.assertIn("hybrid: best of its shapes per PE count", self.figs["stencil-speedup"])

    def test_shapes_chart_does_not_rank_overlapping_cis(self):
        text = self.figs["stencil-shapes"]
        self.assertIn("no sig.\ndifference", text)
        self.assertEqual(text.count("fastest\n"), 1)         # 2 PEs: omp 1x2 is clear of both hybrid shapes
        self.assertEqual(text.count("no sig.\ndifference"), 2)  # 4 PEs: hybrid 4x1 and 2x2 overlap

    def test_roofline_says_what_is_missing_and_marks_cache_resident(self):
        text = self.figs["roofline"]
        self.assertIn("no bandwidth ceiling — run: bench/sweep --kernels nstream --size auto", text)
        self.assertIn("no compute ceiling — run: bench/sweep --kernels peak", text)
        self.assertIn("cache-resident (hollow)", text)
        self.assertNotIn("memory bandwidth", text)           # the in-cache nstream is no ceiling

    def test_handoff_has_its_own_chart(self):
        self.assertIn("omp 1x2 copy", self.figs["pingpong"])
        self.assertNotIn("hand-off", self.figs["pingpong"])
        self.assertIn("omp 1x2 hand-off", self.figs["pingpong-handoff"])
        self.assertIn("not comparable with copies", self.figs["pingpong-handoff"])
        self.assertNotIn("pingpong-speedup", self.figs)


if __name__ == "__main__":
    unittest.main()
