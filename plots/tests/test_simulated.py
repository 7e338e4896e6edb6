"""Simulated records (SimGrid SMPI, issue 15) in the charts, tables and report.

A record is simulated iff build.simulated is true or build.flags hold -DTRIOBENCH_SIMULATED=1
(CONTRACT15.md §3); its model becomes "mpi — simulated on cluster-ib". The fixtures copy a real
record of the SMPI build (fixtures.smpi_record says how it was made). Asserted: recognition (also
of an unmodified record, by its flags), separate configurations and studies, each world's own
baseline, the legend text and the hollow-diamond dashed marks, axes to 1,024 PEs, the report's
note, the verdict's wording, the model fit without simulated records, --compare refusing a
simulated sweep against a measured one, and a simulated-only sweep without a traceback.
"""

import contextlib
import csv
import io
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

try:
    import matplotlib  # noqa: F401
except ImportError:
    matplotlib = None

from tbplots import analysis, cli, loader, model, simulated, style  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import read, record, scratch, smpi_record, write_folder  # noqa: E402

P = {"n": 4000, "radius": 2}
SIM_PES = (1, 4, 16, 64, 256, 1024)
SIM = "simulated on cluster-ib"


def measured(reps=6):
    """Measured: serial 2.0 s, mpi 1.0 s at 2 PEs (speedup 2 against the measured serial)."""
    out = []
    for rep in range(reps):
        out += [record("stencil", "serial", 1, 1, P, 2.0, rep=rep), record("stencil", "mpi", 1, 1, P, 2.1, rep=rep),
                record("stencil", "mpi", 2, 1, P, 1.0, rep=rep)]
    return out


def simulated_runs(reps=6, **kw):
    """Simulated on cluster-ib: serial 8.0 s; mpi 8.0 / p * 1.25 at p > 1 (efficiency 0.8 against the
    simulated serial: 8.0 / (10.0 / p) / p), 8.0 at 1 PE."""
    out = []
    for rep in range(reps):
        out.append(smpi_record("stencil", "serial", 1, P, 8.0, rep=rep, **kw))
        for p in SIM_PES:
            out.append(smpi_record("stencil", "mpi", p, P, 8.0 if p == 1 else 10.0 / p, rep=rep, **kw))
    return out


def run_cli(*argv):
    """(exit status, stderr) of plots/plot in process."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(list(argv))
    return status, err.getvalue()


def legend_of(ax):
    """{legend text: its handle} of one axes' legend ({} without one)."""
    leg = ax.get_legend()
    if not leg:
        return {}
    handles = getattr(leg, "legend_handles", None) or leg.legendHandles   # matplotlib < 3.7
    return {t.get_text(): h for t, h in zip(leg.get_texts(), handles)}


def csv_rows(folder, name):
    with open(os.path.join(folder, "report", "tables", name + ".csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class Recognition(unittest.TestCase):
    def test_contract_record_flags_only_record_and_measured_record(self):
        self.assertEqual(simulated.record_label(smpi_record("stencil", "mpi", 4, P, 1.0)), SIM)
        # an unmodified record of today's SMPI build: no build.simulated, no sweep.platform
        old = smpi_record("stencil", "mpi", 4, P, 1.0, contract=False)
        self.assertNotIn("simulated", old["build"])
        self.assertNotIn("platform", old["sweep"])
        self.assertEqual(simulated.record_label(old), "simulated")
        self.assertIsNone(simulated.record_label(record("stencil", "mpi", 4, 1, P, 1.0)))
        flagged = record("stencil", "mpi", 4, 1, P, 1.0)
        flagged["build"] = dict(flagged["build"], flags="-O3 -DTRIOBENCH_SIMULATED=10")   # another flag
        self.assertIsNone(simulated.record_label(flagged))
        # a failed run of an SMPI sweep: no build object, but its sweep names the platform
        failed = smpi_record("stencil", "mpi", 4, P, None)
        self.assertNotIn("build", failed)
        self.assertEqual(simulated.record_label(failed), SIM)

    def test_simgrid_version_from_platform_or_library(self):
        self.assertEqual(simulated.simgrid_version(smpi_record("stencil", "mpi", 4, P, 1.0)), "3.32")
        self.assertEqual(simulated.simgrid_version(smpi_record("stencil", "mpi", 4, P, 1.0, contract=False)), "3.32")

    def test_model_names_and_style(self):
        name = simulated.model_name("mpi", SIM)
        self.assertEqual(name, "mpi — simulated on cluster-ib")
        self.assertEqual((simulated.base(name), simulated.label(name)), ("mpi", SIM))
        self.assertEqual((simulated.base("mpi/tcp"), simulated.label("mpi/tcp")), ("mpi/tcp", None))
        self.assertEqual(style.color(name), style.color("mpi"))
        self.assertNotEqual(style.marker(name), style.marker("mpi"))
        order = sorted([name, "serial", "mpi", "mpi/tcp", "omp"], key=tbconfigs.backend_order)
        self.assertEqual(order, ["serial", "omp", "mpi", "mpi/tcp", name])


class Grouping(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = write_folder(scratch(), measured() + simulated_runs())
        cls.configs = tbconfigs.group_configs(loader.load(cls.folder).runs)
        cls.studies = {s.simulated: s for s in analysis.build_studies(cls.configs)}

    def test_never_pooled(self):
        # mpi 1x1 ran in both worlds: two configurations, each with its own median
        ones = sorted((c.backend, c.median) for c in self.configs if c.ranks == 1 and c.model == "mpi")
        self.assertEqual(ones, [("mpi", 2.1), ("mpi — simulated on cluster-ib", 8.0)])
        self.assertEqual(set(self.studies), {None, SIM})
        self.assertEqual(self.studies[SIM].name, "stencil-simulated-cluster-ib")
        self.assertTrue(self.studies[SIM].title.endswith("— " + SIM))
        self.assertNotIn("simulated", self.studies[None].title)
        self.assertTrue(all(c.simulated == SIM for c in self.studies[SIM].configs))
        self.assertTrue(all(c.simulated is None for c in self.studies[None].configs))

    def test_each_world_has_its_own_baseline(self):
        real = analysis.model_rows(self.studies[None], "best-serial")["mpi"]
        self.assertAlmostEqual(real["baseline"].time, 2.0)
        self.assertAlmostEqual(real["rows"][-1]["speedup"]["s"], 2.0)          # 2.0 / 1.0
        sim = analysis.model_rows(self.studies[SIM], "best-serial")["mpi — simulated on cluster-ib"]
        self.assertAlmostEqual(sim["baseline"].time, 8.0)                        # the simulated serial
        self.assertEqual([r["pes"] for r in sim["rows"]], list(SIM_PES))
        self.assertAlmostEqual(sim["rows"][-1]["efficiency"], 0.8)              # 8.0 / (10/1024) / 1024
        fits = analysis.fits(self.studies[SIM], "best-serial")
        self.assertEqual(list(fits), ["mpi — simulated on cluster-ib"])        # serial is never fitted

    def test_compare_refuses_simulated_against_measured(self):
        sim = write_folder(scratch(), simulated_runs(reps=2))
        real = write_folder(scratch(), [record("stencil", "mpi", p, 1, P, 1.0, rep=r) for p in (1, 4)
                                        for r in range(2)])
        status, err = run_cli("--compare", real, sim)
        self.assertEqual(status, 2)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("A is measured and B is simulated on cluster-ib", err)
        self.assertNotIn("Traceback", err)
        # two simulated sweeps on the same platform compare as usual
        status, err = run_cli("--compare", sim, write_folder(scratch(), simulated_runs(reps=2)), "--quiet",
                              "--out", scratch())
        self.assertEqual(status, 0, err)


class ModelFit(unittest.TestCase):
    def test_simulated_records_do_not_fit_the_machine(self):
        from test_model import machine
        # simulated ping-pongs 100x slower than the measured ones, and a simulated DRAM-sized nstream
        # 100x faster: either would move α, β or the bandwidth if the fit used it
        sims = [smpi_record("pingpong", "mpi", 2, {"bytes": b}, 100 * t, flops=0, nbytes=b, rate_unit="MB/s")
                for b, t in ((0, 1e-6), (1000000, 1.001e-3))]
        folder = write_folder(scratch(), machine() + sims)
        data = loader.load(folder)
        fitted = model.evaluate(data)["machine"]
        self.assertAlmostEqual(fitted["p2p"]["mpi"]["alpha"] * 1e6, 1.0, places=3)   # 1 µs: measured only
        self.assertIn("2 simulated records (SimGrid SMPI) left out of the model", model.simulated_note(data))
        only = loader.load(write_folder(scratch(), sims))
        self.assertEqual(model.evaluate(only)["machine"]["p2p"], {})
        self.assertIn("no measured record to fit", model.simulated_note(only))


class Report(unittest.TestCase):
    """plots/plot on a sweep with both worlds, and on a simulated-only one (charts when matplotlib is
    there; the report either way)."""

    @classmethod
    def setUpClass(cls):
        cls.mixed = write_folder(scratch(), measured() + simulated_runs())
        cls.status, cls.err = run_cli(cls.mixed, "--quiet", "--charts", "all")
        cls.md = read(os.path.join(cls.mixed, "report", "report.md"))
        cls.html = read(os.path.join(cls.mixed, "report", "report.html"))

    def test_runs_clean(self):
        self.assertEqual(self.status, 0, self.err)
        self.assertNotIn("Traceback", self.err)

    def test_note_at_the_top(self):
        first = self.md.split("\n\n")[1]
        self.assertEqual(first, "> **SIMULATED: 7 configurations simulated on cluster-ib with SimGrid SMPI 3.32 — "
                                "not measured on hardware. Simulated points are hollow diamonds on dashed lines, "
                                "their models named \"… — simulated on …\"; what a simulation leaves out: "
                                "docs/simulation.md.**")
        self.assertLess(self.html.index('<p class="note">'), self.html.index("<h2"))
        self.assertIn("· partly simulated on cluster-ib (SimGrid SMPI) ·", self.md)   # the caption

    def test_tables_say_simulated(self):
        rows = csv_rows(self.mixed, "summary")
        sim = [r for r in rows if r["simulated"]]
        self.assertEqual(len(sim), 7)
        self.assertTrue(all(r["simulated"] == SIM and r["model"].endswith("— " + SIM) for r in sim))
        self.assertEqual({r["model"] for r in rows if not r["simulated"]}, {"serial", "mpi"})

    def test_verdict_says_simulated(self):
        rows = csv_rows(self.mixed, "verdict")
        sim = [r for r in rows if r["simulated"]]
        self.assertTrue(sim)
        self.assertTrue(all(r["why"].startswith("Simulated on cluster-ib: ") for r in sim), sim[0]["why"])
        self.assertTrue(any(r["simulated"] == "" for r in rows))
        self.assertIn("### Strong scaling (fixed problem size) — SIMULATED ON CLUSTER-IB (SimGrid SMPI: not "
                      "measured on hardware)", self.md)
        # simulated cells compare simulated models only: no measured serial in a simulated cell
        for r in sim:
            self.assertNotIn("— simulated", r["fastest"] + r["next"])

    @unittest.skipIf(matplotlib is None, "matplotlib not installed: the charts' notes come with the charts")
    def test_no_memory_chart_and_no_roofline_points_from_a_simulation(self):
        self.assertIn("no memory chart: a simulation holds every rank in one process", self.md)
        self.assertIn("7 simulated configurations left out: the roofline is this machine's", self.md)

    @unittest.skipIf(matplotlib is None, "matplotlib not installed (apt-get install python3-matplotlib)")
    def test_figures_of_each_world(self):
        figs = set(os.listdir(os.path.join(self.mixed, "report", "figures")))
        for chart in ("speedup", "efficiency", "scaling", "fits"):
            self.assertIn("stencil-%s.png" % chart, figs)
            self.assertIn("stencil-simulated-cluster-ib-%s.png" % chart, figs)
        self.assertNotIn("stencil-simulated-cluster-ib-memory.png", figs)

    def test_simulated_only_sweep(self):
        folder = write_folder(scratch(), simulated_runs(reps=2, contract=False))   # today's records
        status, err = run_cli(folder, "--quiet")
        self.assertEqual(status, 0, err)
        self.assertNotIn("Traceback", err)
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("> **SIMULATED: 7 configurations simulated with SimGrid SMPI 3.32", md)
        self.assertIn("simulated (SimGrid SMPI), computed on fixture-host (Example CPU @ 3.0GHz) ·", md)
        self.assertNotIn("--kernels peak", md)          # nothing to run: a simulation has no roofline
        self.assertNotIn("--preset quick", md)          # nor a model
        self.assertIn("left out of the model", md)
        self.assertIn("Model vs measured: every record is simulated; the model is this machine's", md)
        if matplotlib is not None:   # the roofline's notes come with the charts
            self.assertIn("roofline skipped: every configuration is simulated", md)


@unittest.skipIf(matplotlib is None, "matplotlib not installed (apt-get install python3-matplotlib)")
class Marks(unittest.TestCase):
    """The figures themselves, read from matplotlib's artists in process."""

    @classmethod
    def setUpClass(cls):
        from tbplots import charts
        recs = measured() + simulated_runs()
        for rep in range(6):
            for size in (8, 1024):
                recs.append(smpi_record("pingpong", "mpi", 2, {"bytes": size}, 1e-6, rep=rep, flops=0, nbytes=size,
                                        rate_unit="MB/s", variant="copy"))
            # weak scaling, n growing as 1000 sqrt(p), the way --preset sim grows stencil
            recs.append(smpi_record("stencil", "serial", 1, {"n": 1000, "radius": 2}, 1.0, rep=rep, scaling="weak"))
            recs += [smpi_record("stencil", "mpi", p, {"n": 1000 * int(p ** 0.5), "radius": 2}, 1.0 + p / 1024, rep=rep,
                                 scaling="weak") for p in SIM_PES]
        configs = tbconfigs.group_configs(loader.load(write_folder(scratch(), recs)).runs)
        studies = analysis.build_studies(configs)
        ctx = charts.Context(scratch(), ["png"], "caption", "best-serial")
        cls.figs = {}
        saved = ctx.save

        def keep(fig, stem, title, desc):
            cls.figs[stem] = fig
            saved(fig, stem, title, desc)
        ctx.save = keep
        cls.errors = charts.draw_all(ctx, configs, studies)
        ctx.study_charts = False
        charts.draw_all(ctx, configs, studies)   # the summary: the overview chart

    def legend(self, fig):
        """{legend text: its handle} of every legend on the figure."""
        out = {}
        for ax in fig.axes:
            out.update(legend_of(ax))
        return out

    def test_no_chart_failed(self):
        self.assertEqual(self.errors, [])

    def test_legend_entry_and_marks(self):
        for stem in ("stencil-simulated-cluster-ib-speedup", "stencil-simulated-cluster-ib-efficiency",
                     "stencil-simulated-cluster-ib-scaling"):
            handles = self.legend(self.figs[stem])
            sim = handles["mpi — simulated on cluster-ib"]
            self.assertEqual((sim.get_marker(), sim.get_linestyle(), sim.get_markerfacecolor()), ("D", "--", "white"))
            self.assertNotIn("mpi", handles)                  # no measured model on a simulated study's axes
            fig = self.figs[stem]
            self.assertIn("simulated on cluster-ib", fig._suptitle.get_text())
            self.assertIn("SIMULATED ON CLUSTER-IB (SimGrid SMPI): NOT MEASURED ON HARDWARE",
                          fig.axes[0].get_title())
            # the drawn points, not only the legend: every marker line of the model is a hollow diamond
            pts = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "D"]
            self.assertTrue(pts and all(ln.get_markerfacecolor() == "white" for ln in pts))
        real = self.legend(self.figs["stencil-speedup"])["mpi"]
        self.assertEqual((real.get_marker(), real.get_linestyle()), ("^", "-"))
        self.assertNotIn("simulated", self.figs["stencil-speedup"]._suptitle.get_text())

    def test_weak_scaling(self):
        fig = self.figs["stencil-weak-simulated-cluster-ib-scaling"]
        self.assertIn("(n grows with PEs) — simulated on cluster-ib", fig._suptitle.get_text())
        for ax in fig.axes:
            sim = legend_of(ax)["mpi — simulated on cluster-ib"]
            self.assertEqual((sim.get_marker(), sim.get_linestyle()), ("D", "--"))
            self.assertEqual([t.get_text() for t in ax.get_xticklabels()], [str(p) for p in SIM_PES])

    def test_axes_reach_1024_pes(self):
        ax = self.figs["stencil-simulated-cluster-ib-speedup"].axes[0]
        self.assertEqual(list(ax.get_xticks()), list(SIM_PES))
        self.assertEqual([t.get_text() for t in ax.get_xticklabels()], [str(p) for p in SIM_PES])
        lo, hi = ax.get_xlim()
        self.assertTrue(lo < 1 and hi > 1024)

    def test_micro_and_overview(self):
        fig = self.figs["pingpong"]
        self.assertIn("— simulated on cluster-ib", fig._suptitle.get_text())
        handles = self.legend(fig)
        entry = next(t for t in handles if t.startswith("mpi — simulated on cluster-ib"))
        self.assertEqual((handles[entry].get_marker(), handles[entry].get_markerfacecolor()), ("D", "white"))
        labels = [t.get_text() for t in self.figs["overview"].axes[0].get_xticklabels()]
        self.assertEqual(labels, ["mpi", "mpi\nsimulated on cluster-ib"])

    def test_bars_are_striped_with_dashed_edges(self):
        def marks(stem):
            ax = self.figs[stem].axes[0]
            bars = [p for p in ax.patches if p.get_height() > 0]
            return (len([p for p in bars if p.get_fill()]), len([p for p in bars if p.get_hatch() == style.SIMULATED_HATCH]),
                    len([p for p in bars if p.get_linestyle() == "--"]), [t.get_text() for t in ax.get_xticklabels()])
        # 7 configurations, one compute stack each (the fixture's breakdown is all compute)
        self.assertEqual(marks("stencil-simulated-cluster-ib-breakdown")[:3], (7, 7, 7))
        self.assertEqual(marks("stencil-simulated-cluster-ib-breakdown")[3][:2], ["serial\nsim. 1x1", "mpi\nsim. 1x1"])
        self.assertEqual(marks("stencil-breakdown")[:3], (3, 0, 0))


def charts_python():
    """An interpreter with matplotlib, found as plots/plot finds one ($TRIOBENCH_PYTHON, /usr/bin/python3),
    or None."""
    for py in filter(None, (os.environ.get("TRIOBENCH_PYTHON"), "/usr/bin/python3")):
        try:
            if subprocess.run([py, "-c", "import matplotlib"], capture_output=True, timeout=60).returncode == 0:
                return py
        except OSError:
            continue
    return None


class ChartsInterpreter(unittest.TestCase):
    """ctest may run this file with a python3 that lacks matplotlib (a pyenv one) while plots/plot
    draws with the system's: then the chart tests run there, not skipped."""

    @unittest.skipIf(matplotlib is not None, "matplotlib is in this interpreter: the chart tests ran here")
    def test_chart_tests_under_the_charts_interpreter(self):
        py = charts_python()
        if py is None:
            self.skipTest("no interpreter with matplotlib (apt-get install python3-matplotlib)")
        proc = subprocess.run([py, "-m", "unittest", "test_simulated.Marks", "test_simulated.Report"], cwd=HERE,
                              capture_output=True, text=True, timeout=280)
        last = proc.stderr.strip().splitlines()[-1:]
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        self.assertEqual(last, ["OK"], proc.stderr[-3000:])      # nothing skipped there


if __name__ == "__main__":
    unittest.main()
