"""plots/plot --compare A B: matching, ratios, CIs, verdicts, exit statuses, bad input.

Fixture times are grids exp(s + 0.01 i), i = 0..5 (test_compare_stats.grid), so every
number below follows from counting the pairwise differences s_B - s_A + 0.01 (j - i), as
in test_compare_stats. With 6 and 6 repetitions the exact U test says p < 0.05 only for
U <= 5 or U >= 31 (P(U <= 5) = 19/924, P(U <= 6) = 30/924), and the CI of B/A is the
6th smallest to the 6th largest difference.
"""

import contextlib
import csv
import importlib.util
import io
import math
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.dirname(HERE)
REPO = os.path.dirname(PLOTS)
sys.path[:0] = [PLOTS, HERE]

from fixtures import BUILD, META, read, record, scratch, write_folder  # noqa: E402
from test_compare_stats import grid  # noqa: E402
from tbplots import cli, compare_match, configs, loader  # noqa: E402

B_BUILD = dict(BUILD, git_commit="fedcba9876543210fedcba9876543210fedcba98", compiler="clang 16.0.6")
PP = {"bytes": 8, "target-time": 1000}  # pingpong's parameters; bytes changes per size


def _reps(kernel, backend, ranks, threads, params, times, build=None, **kw):
    recs = []
    for i, t in enumerate(times):
        rec = record(kernel, backend, ranks, threads, params, t, rep=i + 1, **kw)
        if build:
            rec["build"] = build
        recs.append(rec)
    return recs


def sweep_pair(root, failing_dgemm=False):
    """Folders A and B. Per configuration, what B does against A (see the module docstring):
    stencil serial  e^0.2 slower: U = 36 (every B above every A), p = 2/924 = 0.0022; CI e^0.17 .. e^0.23
    stencil omp     e^-0.3 faster: U = 0, p = 0.0022; CI e^-0.33 .. e^-0.27
    stencil mpi     B's grid shifted by 0.005, interleaved a0 b0 a1 b1 ...: U = 1+2+...+6 = 21,
                    5 < 21 < 31: no difference; median difference 0.005, CI e^-0.025 .. e^0.035
    pingpong bytes=8     the same times: U = 18, p = 1, ratio 1; B has one more run, failed
    pingpong bytes=1024  e^0.1 slower: U = 36; CI e^0.07 .. e^0.13
    ep serial       4 reps each, e^0.5: not enough repetitions; CI (k = 1) e^0.47 .. e^0.53
    nstream         n=100 only in A, n=200 only in B (same shape: a near miss)
    dgemm serial    (failing_dgemm) 6 ok in A, 6 that did not validate in B
    """
    n = {"n": 1000}
    a, b = [], []
    for kernel, backend, r, t, params, sa, sb, reps in [
            ("stencil", "serial", 1, 1, n, 0.0, 0.2, 6), ("stencil", "omp", 1, 2, n, 0.0, -0.3, 6),
            ("stencil", "mpi", 2, 1, n, 0.0, 0.005, 6), ("pingpong", "mpi", 2, 1, PP, -12.0, -12.0, 6),
            ("pingpong", "mpi", 2, 1, dict(PP, bytes=1024), -11.0, -10.9, 6),
            ("ep", "serial", 1, 1, {"m": 20}, 0.0, 0.5, 4)]:
        unit = "us" if kernel == "pingpong" else "MFLOP/s"
        a += _reps(kernel, backend, r, t, params, grid(sa, reps), rate_unit=unit)
        b += _reps(kernel, backend, r, t, params, grid(sb, reps), B_BUILD, rate_unit=unit)
    b.append(record("pingpong", "mpi", 2, 1, PP, None, rep=7, failure="timeout after 600 s"))
    a += _reps("nstream", "serial", 1, 1, {"n": 100}, grid(0.0), rate_unit="GB/s")
    b += _reps("nstream", "serial", 1, 1, {"n": 200}, grid(0.0), B_BUILD, rate_unit="GB/s")
    if failing_dgemm:
        a += _reps("dgemm", "serial", 1, 1, {"n": 64}, grid(0.0))
        b += _reps("dgemm", "serial", 1, 1, {"n": 64}, grid(0.0), B_BUILD, status="invalid")
    meta_b = dict(META, git_commit=B_BUILD["git_commit"], sweep_id="fixture-b")
    return (write_folder(os.path.join(root, "sweep-a"), a, META),
            write_folder(os.path.join(root, "sweep-b"), b, meta_b))


def run_plot(*args):
    return subprocess.run(["sh", os.path.join(PLOTS, "plot")] + list(args), capture_output=True, text=True,
                          timeout=240)


def run_inline(*args):
    """cli.main in this process (no interpreter or matplotlib start-up per call): the same code and
    exit status as run_plot, whose wrapper the other tests go through."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


def rows_of(folder_a, folder_b):
    group = lambda f: configs.group_configs(loader.load(f).runs)  # noqa: E731
    return {r.label(): r for r in compare_match.match(group(folder_a), group(folder_b))}


class Numbers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a, cls.b = sweep_pair(scratch(), failing_dgemm=True)
        cls.rows = rows_of(cls.a, cls.b)

    def check(self, label, ratio, lo, hi, verdict):
        r = self.rows[label]
        self.assertEqual(r.status, "compared")
        self.assertAlmostEqual(r.ratio, ratio)
        self.assertAlmostEqual(r.ci[0], lo)
        self.assertAlmostEqual(r.ci[1], hi)
        self.assertEqual(r.verdict, verdict)

    def test_labels_and_statuses(self):
        # the parameter every pingpong row shares (target-time) is left out of the labels
        self.assertEqual(sorted((k, r.status) for k, r in self.rows.items()), [
            ("dgemm serial 1x1 n=64", "failed in B"), ("ep serial 1x1 m=20", "compared"),
            ("nstream serial 1x1 n=100", "only in A"), ("nstream serial 1x1 n=200", "only in B"),
            ("pingpong mpi 2x1 bytes=1024", "compared"), ("pingpong mpi 2x1 bytes=8", "compared"),
            ("stencil mpi 2x1", "compared"), ("stencil omp 1x2", "compared"),
            ("stencil serial 1x1", "compared")])

    def test_slower(self):
        self.check("stencil serial 1x1", math.exp(0.2), math.exp(0.17), math.exp(0.23), "slower")
        self.assertAlmostEqual(self.rows["stencil serial 1x1"].p, 2 / 924)

    def test_faster(self):
        self.check("stencil omp 1x2", math.exp(-0.3), math.exp(-0.33), math.exp(-0.27), "faster")

    def test_no_difference(self):
        self.check("stencil mpi 2x1", math.exp(0.005), math.exp(-0.025), math.exp(0.035), "no difference")
        self.assertEqual(self.rows["stencil mpi 2x1"].test["test"]["u"], 21)

    def test_per_message_size(self):
        same = self.rows["pingpong mpi 2x1 bytes=8"]
        self.assertEqual((same.ratio, same.verdict, same.p), (1.0, "no difference", 1.0))
        self.assertEqual(same.side_text("B"), "6 ok, 1 failed (timeout after 600 s)")
        self.check("pingpong mpi 2x1 bytes=1024", math.exp(0.1), math.exp(0.07), math.exp(0.13), "slower")

    def test_few_reps(self):
        self.check("ep serial 1x1 m=20", math.exp(0.5), math.exp(0.47), math.exp(0.53), "not enough repetitions")

    def test_failed_and_near_miss(self):
        self.assertEqual(self.rows["dgemm serial 1x1 n=64"].side_text("B"), "all 6 failed (did not validate)")
        misses = compare_match.near_misses(list(self.rows.values()))
        self.assertEqual([(a.label(), b.label()) for a, b in misses],
                         [("nstream serial 1x1 n=100", "nstream serial 1x1 n=200")])

    def test_offender_rule(self):
        rows = list(self.rows.values())
        # 10%: stencil serial's CI starts at e^0.17 = 1.185 > 1.10; pingpong 1024's at e^0.07 = 1.073 < 1.10
        self.assertEqual([r.label() for r in compare_match.offenders(rows, 10)], ["stencil serial 1x1"])
        # 20%: its ratio e^0.2 = 1.221 is above 1.20 but its CI starts below (1.185): not an offender
        self.assertEqual(compare_match.offenders(rows, 20), [])
        # 5%: both (1.185 and 1.073 > 1.05); stencil omp is faster and never counts
        self.assertEqual(sorted(r.label() for r in compare_match.offenders(rows, 5)),
                         ["pingpong mpi 2x1 bytes=1024", "stencil serial 1x1"])


class Overheads(unittest.TestCase):
    def rows(self, a, b):
        root = scratch()
        return rows_of(write_folder(os.path.join(root, "a"), _reps("barrier", "omp", 1, 2, {}, a, rate_unit="us")),
                       write_folder(os.path.join(root, "b"), _reps("barrier", "omp", 1, 2, {}, b, rate_unit="us")))

    def test_no_interval_below_zero(self):
        # A barrier's overhead is a difference of two medians: 0 or a little below on a near no-op.
        # Every B above every A: U = 36, p = 2/924, "slower". Medians 0.5e-8 and 10.5e-8: ratio 21;
        # but times <= 0 have no logarithm: no CI, so never an offender.
        a = [-2e-8, -1e-8, 0.0, 1e-8, 2e-8, 3e-8]
        r = self.rows(a, [t + 1e-7 for t in a])["barrier omp 1x2"]
        self.assertEqual((r.status, r.verdict, r.ci), ("compared", "slower", None))
        self.assertAlmostEqual(r.ratio, 21.0)
        self.assertAlmostEqual(r.p, 2 / 924)
        self.assertEqual(compare_match.offenders([r], 0), [])

    def test_no_ratio_of_a_negative_median(self):
        # A's median is -0.5e-8: no ratio either; the row is still compared and tested.
        a = [-3e-8, -2e-8, -1e-8, 0.0, 1e-8, 2e-8]
        r = self.rows(a, [t + 1e-7 for t in a])["barrier omp 1x2"]
        self.assertEqual((r.status, r.verdict, r.ratio, r.ci), ("compared", "slower", None, None))


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = scratch()
        cls.a, cls.b = sweep_pair(cls.root)

    def test_report(self):
        proc = run_plot("--compare", self.a, self.b)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = os.path.join(self.b, "compare-vs-sweep-a")
        with open(os.path.join(out, "compare.csv"), encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual(len(rows), 8)  # every configuration of either folder, none dropped
        self.assertEqual([r["status"] for r in rows].count("compared"), 6)
        first = next(r for r in rows if r["kernel"] == "stencil" and r["model"] == "serial")
        self.assertAlmostEqual(float(first["ratio"]), math.exp(0.2))
        self.assertAlmostEqual(float(first["ci95_lo"]), math.exp(0.17))
        self.assertEqual(first["verdict"], "slower")
        md = read(os.path.join(out, "compare.md"))
        # what differs comes first: the commit, the compiler and the sweep, not the machine
        self.assertLess(md.index("What differs"), md.index("by change"))
        self.assertIn("Differs: commit, compiler, sweep.", md)
        # sorted by change: slowest first, fastest last
        table = md[md.index("by change"):md.index("## Not compared")]
        order = [label for label in ("stencil serial", "pingpong mpi 2x1 bytes=1024", "stencil omp")]
        self.assertEqual(sorted(order, key=table.index), order)
        self.assertIn("| nstream serial 1x1 n=100 | only in A | 6 ok | absent |", md)
        self.assertIn("n=100 in A, n=200 in B", md)
        html = read(os.path.join(out, "compare.html"))
        self.assertIn("<table>", html)
        if os.path.exists(os.path.join(out, "figures", "compare-1.png")):
            self.assertIn('<img src="figures/compare-1.png"', html)
        else:
            self.assertIn("matplotlib not found", proc.stderr)
        # the stdout table: one line per compared configuration, then the counts
        self.assertIn("6 compared: 2 slower, 1 faster, 2 no difference, 1 not enough repetitions; "
                      "1 only in A; 1 only in B", proc.stdout)

    def test_fail_if_slower(self):
        out = os.path.join(self.root, "check")
        proc = run_plot("--compare", self.a, self.b, "--fail-if-slower", "10", "--out", out, "--quiet")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        offenders = [line for line in proc.stderr.splitlines() if "slower than allowed" in line]
        self.assertEqual(len(offenders), 1, proc.stderr)
        self.assertIn("stencil serial 1x1: +22.1% slower (95% CI 1.185 – 1.259, p = 0.0022)",
                      offenders[0])
        self.assertEqual(proc.stdout, "")
        proc = run_inline("--compare", self.a, self.b, "--fail-if-slower", "20", "--out", out, "--quiet")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Passed.", read(os.path.join(out, "compare.md")))

    def test_failed_in_b_fails_the_check(self):
        a, b = sweep_pair(os.path.join(self.root, "failing"), failing_dgemm=True)
        proc = run_inline("--compare", a, b, "--fail-if-slower", "50", "--quiet")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("dgemm serial 1x1 n=64: all 6 failed (did not validate) in B", proc.stderr)
        proc = run_inline("--compare", a, b, "--quiet")   # without the check: listed, exit 0
        self.assertEqual(proc.returncode, 0, proc.stderr)


class BadInput(unittest.TestCase):
    def assertOneLine(self, proc, text):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith("plots/plot: error: "), lines[0])
        self.assertIn(text, lines[0])
        self.assertNotIn("Traceback", proc.stderr)

    @classmethod
    def setUpClass(cls):
        cls.a, cls.b = sweep_pair(scratch())

    def test_not_a_sweep(self):
        empty = scratch()
        self.assertOneLine(run_plot("--compare", self.a, empty), "--compare B: %s has no results.jsonl" % empty)
        self.assertOneLine(run_inline("--compare", "/nonexistent", self.b), "--compare A: /nonexistent: no such")

    def test_nothing_in_common(self):
        other = write_folder(os.path.join(scratch(), "other"), _reps("cg", "serial", 1, 1, {"class": "S"}, grid(0)))
        proc = run_inline("--compare", self.a, other)
        self.assertOneLine(proc, "sweep-a and other have no configuration in common")
        self.assertFalse(os.path.exists(os.path.join(other, "compare-vs-sweep-a")))  # nothing written

    def test_argument_count(self):
        self.assertOneLine(run_plot("--compare", self.a), "expected 2 arguments")
        self.assertOneLine(run_inline("--compare", self.a, self.b, self.b), "takes no other folder")
        self.assertOneLine(run_inline("--fail-if-slower", "5", self.a), "--fail-if-slower needs --compare")

    def test_bad_percentage(self):
        self.assertOneLine(run_inline("--compare", self.a, self.b, "--fail-if-slower", "-3"), "not a percentage")
        self.assertOneLine(run_inline("--compare", self.a, self.b, "--fail-if-slower", "ten"), "invalid float")


class Pages(unittest.TestCase):
    def test_hundreds_of_configurations(self):
        if importlib.util.find_spec("matplotlib") is None:
            self.skipTest("matplotlib not installed: the chart is not drawn (the report says so)")
        from tbplots import compare_chart
        n = compare_chart.PAGE + 1  # one more than a page holds: two pages
        a, b = [], []
        for size in range(1, n + 1):
            a += _reps("nstream", "serial", 1, 1, {"n": size}, grid(0.0))
            b += _reps("nstream", "serial", 1, 1, {"n": size}, grid(0.001 * size))
        root = scratch()
        fa, fb = write_folder(os.path.join(root, "a"), a), write_folder(os.path.join(root, "b"), b)
        out = os.path.join(root, "out")
        proc = run_plot("--compare", fa, fb, "--out", out, "--quiet")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "figures"))), ["compare-1.png", "compare-2.png"])
        from matplotlib import image
        for name in ("compare-1.png", "compare-2.png"):
            height, width = image.imread(os.path.join(out, "figures", name)).shape[:2]
            self.assertLessEqual(width, 1600)  # 9.5 in at 150 dpi: a screen's width


class RealSweeps(unittest.TestCase):
    """Two real sweeps of one small kernel (about 20 s): the loader, grouping and report on real records."""

    def test_two_sweeps(self):
        build = os.environ.get("TRIOBENCH_BUILD_DIR") or os.path.join(REPO, "build")
        if not os.path.exists(os.path.join(build, "bin", "triobench-omp")):
            self.skipTest("no triobench build in %s (ctest sets TRIOBENCH_BUILD_DIR)" % build)
        root = scratch()
        folders = []
        for name in ("one", "two"):
            folder = os.path.join(root, name)
            proc = subprocess.run(["sh", os.path.join(REPO, "bench", "sweep"), "--kernels", "nstream",
                                   "--backends", "serial,omp", "--pes", "1", "--reps", "6", "--size",
                                   "nstream=20000", "--iters", "3", "--no-probes", "--no-plot", "--no-build",
                                   "--build-dir", build, "--out", folder], capture_output=True, text=True,
                                  timeout=240)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            folders.append(folder)
        out = os.path.join(root, "cmp")
        proc = run_plot("--compare", folders[0], folders[1], "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "compare.csv"), encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual(sorted((r["model"], r["status"], r["reps_a"], r["reps_b"]) for r in rows),
                         [("omp", "compared", "6", "6"), ("serial", "compared", "6", "6")])
        for r in rows:
            self.assertIn(r["verdict"], ("faster", "slower", "no difference"))
            self.assertLessEqual(float(r["ci95_lo"]), float(r["ci95_hi"]))
            self.assertAlmostEqual(float(r["ratio"]), float(r["median_b_s"]) / float(r["median_a_s"]))
        md = read(os.path.join(out, "compare.md"))
        self.assertIn("Differs: date, sweep.", md)  # same machine, commit and build
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
