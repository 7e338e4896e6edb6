"""The answer sheets' rules (bench/triobench_lab/labN.py) against hand-made fixtures.

Every expected number is computed by hand in the comment beside it; the sentences are the sheet's.
Each lab has a case where the data agree with the lesson and one where they contradict it (CIs
that overlap, or a result that goes the other way): the sheet must then say so, not assert."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from triobench_lab import lab1, lab2, lab3, lab4, lab5, sheet  # noqa: E402
from triobench_lab.data import LabData, Step  # noqa: E402
from triobench_lab.words import CONTRADICTS, EXPECTED, MISSING, NEEDS_CORES  # noqa: E402

# The fixtures' fields are those of the sweep's summary.json rows (bench/triobench_sweep/stats.py:
# config_id, kernel, backend, ranks, threads, pes, params, median_s, ci95_s, speedup, efficiency,
# rate_median, rate_unit, transport, oversubscribed) and of results.jsonl records
# (docs/results-schema.md); RealRows below checks a real sweep's rows carry every one of them.


def row(kernel, backend, ranks, threads, median, ci=None, params=None, **extra):
    r = {"config_id": f"{kernel}.{backend}.{ranks}x{threads}" + "".join(f".{k}={v}" for k, v in (params or {}).items()),
         "kernel": kernel, "backend": backend, "ranks": ranks, "threads": threads, "pes": ranks * threads,
         "params": dict(params or {}), "median_s": median, "ci95_s": list(ci) if ci else None,
         "speedup": None, "efficiency": None, "rate_median": None, "rate_unit": None, "transport": None,
         "oversubscribed": False}
    r.update(extra)
    return r


def lab(folder=None, info=None, **steps):
    return LabData({name: Step(*parts) if isinstance(parts, tuple) else Step(parts)
                    for name, parts in steps.items()}, info or {"cores": 2, "load_start": 0.1}, folder)


def text(answer):
    return " ".join(answer.paragraphs)


def lab1_rows(mpi_median, mpi_ci):
    return [row("pingpong", "omp", 1, 2, 4e-7, (3.5e-7, 4.5e-7), {"bytes": 8}),
            row("pingpong", "mpi", 2, 1, mpi_median, mpi_ci, {"bytes": 8})]


class Lab1(unittest.TestCase):
    def test_latency_as_expected(self):
        a = lab1.latency(lab(messages=lab1_rows(2e-6, (1.8e-6, 2.2e-6))).step("messages"))
        self.assertEqual(a.verdict, EXPECTED)
        # 2e-6 / 4e-7 = 5
        self.assertIn("Your 8-byte MPI latency was 2 µs (95% CI [1.8 µs, 2.2 µs]) against 400 ns "
                      "(95% CI [350 ns, 450 ns]) for an OpenMP copy: 5× more.", text(a))
        self.assertIn("envelope", text(a))

    def test_latency_overlapping_cis_is_noise(self):
        # MPI's CI [0.3 µs, 2.2 µs] overlaps OpenMP's [350 ns, 450 ns]
        a = lab1.latency(lab(messages=lab1_rows(2e-6, (3e-7, 2.2e-6))).step("messages"))
        self.assertEqual(a.verdict, CONTRADICTS)
        self.assertIn("confidence intervals overlap ([300 ns, 2.2 µs] and [350 ns, 450 ns])", text(a))
        self.assertIn("Rerun `bench/lab 1`", text(a))
        self.assertNotIn("envelope", text(a))        # no textbook reason asserted

    def test_latency_reversed_contradicts(self):
        a = lab1.latency(lab(messages=lab1_rows(2e-7, (1.9e-7, 2.1e-7))).step("messages"))
        self.assertEqual(a.verdict, CONTRADICTS)
        # 2e-7 / 4e-7 = 0.5
        self.assertIn("0.5× of it", text(a))
        self.assertIn("Your data do not show what this lab expects (an MPI message costs more than a "
                      "shared-memory copy)", text(a))

    def test_no_tcp_is_missing(self):
        a = lab1.network(lab(messages=lab1_rows(2e-6, (1.8e-6, 2.2e-6))).step("messages"))
        self.assertEqual(a.verdict, MISSING)

    def test_crossover(self):
        def rows(with_ci):
            return [row("pingpong", b, r, th, t, (0.9 * t, 1.1 * t) if with_ci else None, {"bytes": n})
                    for b, r, th in (("omp", 1, 2), ("mpi", 2, 1))
                    for n, t in ((8, 1e-6), (1024, 1.5e-6), (65536, 3e-6))]
        a = lab1.crossover(lab(messages=rows(True)).step("messages"))
        # 1.5 µs < 2 x 1 µs; 3 µs >= 2 µs: the first size at twice the 8-byte time is 65536
        self.assertIn("the first size at twice that is 65536 bytes (3 µs)", text(a))
        self.assertEqual(a.verdict, EXPECTED)
        a = lab1.crossover(lab(messages=rows(False)).step("messages"))
        self.assertEqual(a.verdict, CONTRADICTS)
        self.assertIn("fewer than 6 repetitions there is no confidence interval", text(a))


class Lab2(unittest.TestCase):
    def strong(self, *extra):
        return [row("stencil", "serial", 1, 1, 1.0, (0.9, 1.1), {"n": 1500}),
                row("stencil", "omp", 1, 2, 0.625, (0.6, 0.65), {"n": 1500}, speedup=1.6, efficiency=0.8)] + list(extra)

    def test_speedups(self):
        a = lab2.speedups(lab(strong=self.strong()).step("strong"))
        self.assertIn("OpenMP (1x2) at 2 PEs: 625 ms per iteration, speedup 1.6, efficiency 0.8.", text(a))
        self.assertEqual(a.verdict, EXPECTED)

    def test_cache_resident_is_said(self):
        rows = self.strong()
        rows[1]["working_set"] = {"bytes": 36 * 2 ** 20, "llc_bytes": 96 * 2 ** 20, "regime": "cache-resident"}
        a = lab2.speedups(lab(strong=rows).step("strong"))
        self.assertIn("this problem's working set (36 MiB) is cache-resident against your last-level cache (96 MiB)",
                      text(a))

    def test_slowdown_contradicts(self):
        rows = self.strong()
        rows[1].update(median_s=25.0, speedup=0.04, efficiency=0.02)      # a busy machine's 2-PE run
        a = lab2.speedups(lab(strong=rows).step("strong"))
        self.assertEqual(a.verdict, CONTRADICTS)
        self.assertIn("every model faster on 2 PEs than the serial code; OpenMP ran slower", text(a))
        weak = [row("stencil", "omp", 1, 2, 0.55, None, {"n": 2121}, speedup=1.9, efficiency=0.95)]
        self.assertEqual(lab2.weak(lab(strong=rows).step("strong"), lab(weak=weak).step("weak")).verdict,
                         CONTRADICTS)

    def test_amdahl_fraction(self):
        a = lab2.amdahl(lab(strong=self.strong()).step("strong"))
        # x = 1 - 1/2 = 0.5, y = 1/1.6 - 1/2 = 0.125, f = xy / x^2 = 0.25, 1/f = 4
        self.assertIn("OpenMP: f = 0.25 (25% of the serial time does not shrink), so at most 1/f = 4×", text(a))
        self.assertEqual(a.verdict, EXPECTED)

    def test_amdahl_superlinear_is_no_fit(self):
        rows = self.strong()
        rows[1].update(speedup=2.5, efficiency=1.25)
        a = lab2.amdahl(lab(strong=rows).step("strong"))
        # y = 1/2.5 - 1/2 = -0.1, f = -0.05/0.25 = -0.2
        self.assertIn("f = -0.2, outside (0, 1]", text(a))
        self.assertEqual(a.verdict, CONTRADICTS)

    def test_karp_flatt_one_pe_count_shows_no_trend(self):
        a = lab2.karp(lab(strong=self.strong()).step("strong"))
        self.assertIn("e(2) = 0.25", text(a))
        self.assertIn("one point shows no trend", text(a))
        self.assertEqual(a.verdict, NEEDS_CORES)

    def test_karp_flatt_growing(self):
        four = row("stencil", "omp", 1, 4, 0.5, None, {"n": 1500}, speedup=2.0, efficiency=0.5)
        a = lab2.karp(lab(strong=self.strong(four)).step("strong"))
        # e(4) = (1/2 - 1/4) / (3/4) = 0.333 > e(2) = 0.25
        self.assertIn("e(2) = 0.25, e(4) = 0.333", text(a))
        self.assertIn("grows with p", text(a))

    def test_weak_better_than_strong(self):
        weak = [row("stencil", "omp", 1, 2, 0.55, None, {"n": 2121}, speedup=1.9, efficiency=0.95)]
        a = lab2.weak(lab(strong=self.strong(), weak=weak).step("strong"), lab(weak=weak).step("weak"))
        self.assertIn("OpenMP at 2 PEs: weak efficiency 0.95 (n = 2121), strong 0.8 (n = 1500).", text(a))
        self.assertEqual(a.verdict, EXPECTED)

    def test_weak_worse_contradicts(self):
        weak = [row("stencil", "omp", 1, 2, 0.55, None, {"n": 2121}, speedup=1.4, efficiency=0.7)]
        a = lab2.weak(lab(strong=self.strong()).step("strong"), lab(weak=weak).step("weak"))
        self.assertEqual(a.verdict, CONTRADICTS)
        self.assertIn("Your data do not show what this lab expects (weak-scaling efficiency at least the strong "
                      "one)", text(a))
        self.assertIn("rerun `bench/lab 2`", text(a))


def rec(kernel, backend, flops, bytes_, median, **extra):
    r = {"kernel": kernel, "backend": backend, "ranks": 1, "threads": 1, "validated": True,
         "work": {"flops": flops, "bytes": bytes_}, "time": {"median": median}, "sweep": {"failure": None}}
    r.update(extra)
    return r


class Lab3(unittest.TestCase):
    def records(self, dgemm_flops=1.28e8):
        # nstream n = 1e8 (docs/kernels/nstream.md: 3n flops, 32n bytes): 10 GB/s, I = 3/32
        return [rec("nstream", "omp", 3e8, 3.2e9, 0.32, working_set={"regime": "dram"}),
                rec("peak", "omp", 1e11, 0.0, 1.0, sweep={"failure": None, "probe": True}),  # 100 GFLOP/s
                rec("dgemm", "omp", dgemm_flops, 3.84e6, 0.01)]    # n = 400: 2n^3 flops on 3n^2 doubles

    def test_roofline(self):
        a = lab3.roofline(lab(roofline=([], self.records())).step("roofline"))
        # ridge = 100 GFLOP/s / 10 GB/s = 10 flop/byte; nstream 0.09375 < 10 <= dgemm 33.3
        self.assertIn("ridge point 10 flop/byte", text(a))
        # attainable 0.09375 x 10 GB/s = 0.9375 GFLOP/s, reached: 3e8 / 0.32 s, 100%
        self.assertIn("nstream: intensity 0.0938 flop/byte, below the ridge: memory-bound; attainable "
                      "min(peak, I × bandwidth) = 0.938 GFLOP/s; your best run reached 0.938 GFLOP/s (100% of it)",
                      text(a))
        # dgemm: 1.28e8 / 0.01 = 12.8 GFLOP/s of min(100, 33.3 x 10) = 100: 12.8%
        self.assertIn("dgemm: intensity 33.3 flop/byte, above the ridge: compute-bound; attainable "
                      "min(peak, I × bandwidth) = 100 GFLOP/s; your best run reached 12.8 GFLOP/s (12.8% of it)",
                      text(a))
        self.assertEqual(a.verdict, EXPECTED)

    def test_roofline_dgemm_below_ridge_contradicts(self):
        a = lab3.roofline(lab(roofline=([], self.records(dgemm_flops=1.92e7))).step("roofline"))
        # I = 1.92e7 / 3.84e6 = 5 < 10
        self.assertEqual(a.verdict, CONTRADICTS)

    def test_above_the_roof_contradicts(self):
        recs = self.records() + [rec("nstream", "omp", 3e6, 3.2e7, 0.0016, working_set={"regime": "cache-resident"})]
        a = lab3.roofline(lab(roofline=([], recs)).step("roofline"))
        # 3e6 / 0.0016 s = 1.875 GFLOP/s against 0.9375 attainable: 200%, from cache
        self.assertIn("(200% of it)", text(a))
        self.assertIn("nstream ran above its roof", text(a))
        self.assertEqual(a.verdict, CONTRADICTS)

    def test_no_peak_is_missing(self):
        a = lab3.roofline(lab(roofline=([], self.records()[::2])).step("roofline"))
        self.assertEqual(a.verdict, MISSING)
        self.assertIn("the peak probe (the compute ceiling)", text(a))

    def test_contrast(self):
        a = lab3.contrast({"omp": 0.55}, {"omp": 0.95})
        self.assertEqual(a.verdict, EXPECTED)
        self.assertIn("OpenMP: nstream 0.55, dgemm 0.95.", text(a))
        self.assertEqual(lab3.contrast({"omp": 0.95}, {"omp": 0.55}).verdict, CONTRADICTS)


def fault(name, outcome, exit_status, to_end=None, validated=False, tasks=None, detect=None):
    return {"kernel": "ep", "backend": "mpi", "validated": validated, "fault": {"tasks": tasks or {}},
            "sweep": {"exit_status": exit_status, "record_index": 0,
                      "fault": {"name": name, "outcome": outcome, "fault_to_end_s": to_end, "detect_s": detect}}}


class Lab4(unittest.TestCase):
    def test_plain_mpi(self):
        recs = [fault("kill-none", "aborted", -9, 1.05), fault("exit-none", "aborted", 1, 1.06),
                fault("hang-none", "hung-and-killed", -15)]
        a = lab4.plain(lab(faults=([], recs)).step("faults"))
        self.assertEqual(a.verdict, EXPECTED)
        # killed by SIGKILL (-9): the shell's 128 + 9
        self.assertIn("kill-none: aborted; exit status 137; 1.05 s from the fault to the end of the job; "
                      "no validated answer.", text(a))
        self.assertIn("hang-none: hung-and-killed; exit status 143", text(a))

    def test_fault_that_never_fired(self):
        recs = [fault("kill-none", "aborted", -9, 1.05), fault("exit-none", "aborted", 1, 1.06),
                fault("hang-none", "completed", 0, validated=True)]
        a = lab4.plain(lab(faults=([], recs)).step("faults"))
        self.assertEqual(a.verdict, CONTRADICTS)
        self.assertIn("hang-none was expected to end hung-and-killed, and it ended completed. The fault never "
                      "fired", text(a))

    def test_checkpoint(self):
        recs = [fault("kill-master-resume", "resumed", 0, 1.07, True, {"total": 128, "from_checkpoint": 40})]
        a = lab4.checkpoint(lab(faults=([], recs)).step("faults"))
        # 40 / 128 = 31.25% (printed to 3 digits), 128 - 40 = 88
        self.assertIn("loaded 40 of 128 tasks from the checkpoint (31.2%) and computed the other 88", text(a))
        self.assertEqual(a.verdict, EXPECTED)

    def test_reassign_counts_tasks(self):
        recs = [fault("kill-reassign-recovery", "recovered", 0, 1.1, True, {"total": 128, "reassigned": 2},
                      detect=2.0)]
        a = lab4.detect_reassign(lab(faults=([], recs)).step("faults"))
        self.assertIn("kill-reassign-recovery: 2 of 128 tasks reassigned", text(a))
        self.assertIn("detected after 2 s", text(a))

    def test_chunks(self):
        rows = [row("ep", "mpi", 11, 1, m, ci, {"m": 24, "chunk": c}, oversubscribed=True)
                for c, m, ci in ((1, 0.5, (0.45, 0.55)), (8, 0.3, (0.28, 0.32)), (64, 0.6, (0.55, 0.65)))]
        a = lab4.chunks(lab(chunks=rows).step("chunks"))
        # 2^(24-16) = 256 batches: 256, 32 and 4 tasks; 0.6 / 0.3 = 2
        self.assertIn("chunk 64 (4 tasks for 11 processes): 600 ms.", text(a))
        self.assertIn("Fastest: chunk 8; chunk 64 took 2× its time.", text(a))
        self.assertEqual(a.verdict, EXPECTED)
        rows[2].update(ci95_s=[0.25, 0.65])          # overlaps chunk 8's CI
        self.assertEqual(lab4.chunks(lab(chunks=rows).step("chunks")).verdict, CONTRADICTS)

    def test_balance(self):
        rows = [row("ep", "mpi", 11, 1, m, None, {"m": 24, "chunk": c}) for c, m in ((1, 0.5), (8, 0.3), (64, 0.6))]

        def recs(sync64):
            return [{"kernel": "ep", "backend": "mpi", "validated": True, "time": {"median": r["median_s"]},
                     "breakdown": {"sync": sync}, "sweep": {"config_id": r["config_id"]}}
                    for r, sync in zip(rows, (0.1, 0.03, sync64))]
        a = lab4.balance(lab(chunks=(rows, recs(0.42))).step("chunks"))
        # 0.1 / 0.5 = 20%, 0.03 / 0.3 = 10%, 0.42 / 0.6 = 70%; the fastest chunk is 8 (0.3 s)
        self.assertIn("chunk 1: 20% of the time waiting.", text(a))
        self.assertIn("The largest chunk (64) waited 70% against 10% for the fastest (8).", text(a))
        self.assertEqual(a.verdict, EXPECTED)
        # 0.03 / 0.6 = 5% < 10%
        self.assertEqual(lab4.balance(lab(chunks=(rows, recs(0.03))).step("chunks")).verdict, CONTRADICTS)


def hybrid_rec(cpus, median):
    return {"kernel": "stencil", "backend": "hybrid", "ranks": 1, "threads": 2, "time": {"median": median},
            "binding": [{"rank": 0, "threads": [{"thread": i, "cpus": c} for i, c in enumerate(cpus)]}]}


class Lab5(unittest.TestCase):
    def data(self, wrong_cpus=("0", "0"), wrong_ci=(0.19, 0.21)):
        shapes = [row("stencil", "hybrid", 1, 2, 0.1, (0.09, 0.11), {"n": 1500})]
        binding = [row("stencil", "hybrid", 1, 2, 0.2, wrong_ci, {"n": 1500})]
        return lab(shapes=(shapes, [hybrid_rec(("0", "1"), 0.1)]),
                   binding=(binding, [hybrid_rec(wrong_cpus, 0.2)]))

    def test_wrong_binding_costs(self):
        a = lab5.wrong_binding(self.data())
        self.assertEqual(a.verdict, EXPECTED)
        # 0.2 / 0.1 = 2
        self.assertIn("hybrid 1x2 took 200 ms per iteration against 100 ms with the sweep's `--map-by "
                      "slot:PE=2`: 2×.", text(a))
        self.assertEqual(lab5.wrong_binding(self.data(wrong_ci=(0.1, 0.3))).verdict, CONTRADICTS)

    def test_binding_field(self):
        a = lab5.binding_field(self.data())
        self.assertIn("Default binding: rank 0's threads on CPUs 0, 0; the sweep's binding: 0, 1.", text(a))
        self.assertEqual(a.verdict, EXPECTED)
        self.assertEqual(lab5.binding_field(self.data(wrong_cpus=("0-1", "0-1"))).verdict, CONTRADICTS)

    def test_four_pes_on_two_cores(self):
        a = lab5.four(self.data().step("shapes"), self.data())
        self.assertEqual(a.verdict, NEEDS_CORES)
        self.assertIn("your machine has 2 physical cores", text(a))


class Sheet(unittest.TestCase):
    def test_markdown_and_html(self):
        answers = [sheet.Answer("Why `a < b`?", ["It is & was `x<y`."], EXPECTED, ["s/report/figures/p.png"])]
        md = sheet.markdown("Lab 9", ["intro"], answers)
        self.assertIn("## Question 1. Why `a < b`?\n\n*Verdict: as expected.*", md)
        self.assertIn("Look at: [p.png](s/report/figures/p.png)", md)
        page = sheet.to_html("Lab 9", ["intro"], answers)
        self.assertIn("<h2>Question 1. Why <code>a &lt; b</code>?</h2>", page)
        self.assertIn("It is &amp; was <code>x&lt;y</code>.", page)
        self.assertEqual(sheet.placeholders(md), [])

    def test_every_lab_answers_an_empty_folder_with_missing(self):
        for module in (lab1, lab2, lab3, lab4, lab5):
            answers = module.answers(lab())
            self.assertTrue(4 <= len(answers) <= 6, module.__name__)
            for a in answers:
                self.assertIn(a.verdict, (MISSING, EXPECTED, NEEDS_CORES), (module.__name__, a.question))
                md = sheet.markdown("t", [], [a])
                self.assertEqual(sheet.placeholders(md), [], md)


if __name__ == "__main__":
    unittest.main()
