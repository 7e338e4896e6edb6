"""The verdict (tbcommon.verdict) against fixtures whose outcome is computed by hand."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/

from tbcommon import verdict  # noqa: E402

OMP = [1.00, 1.01, 1.02, 1.03, 1.04, 1.05]       # median 1.025, CI (n = 6) [min, max] = [1.00, 1.05]
MPI = [1.20, 1.21, 1.22, 1.23, 1.24, 1.25]       # median 1.225, CI [1.20, 1.25]
MPI_CLOSE = [1.03, 1.04, 1.05, 1.06, 1.07, 1.08]  # CI [1.03, 1.08] overlaps OMP's


def e(model, times, pes=2, shape=None, kernel="stencil", kind="strong", params=None, **kw):
    shape = shape or {"serial": "1x1", "omp": "1x%d" % pes, "mpi": "%dx1" % pes}.get(model, "1x%d" % pes)
    return verdict.entry(kernel, kind, model, shape, pes, times, params or {"n": 100}, **kw)


class Decide(unittest.TestCase):
    def test_win(self):
        # CIs [1.00, 1.05] and [1.20, 1.25] apart; every omp time below every mpi time: U = 0,
        # exact two-sided p = 2 / C(12, 6) = 2/924. Margin 1.225 / 1.025 = 1.1951.
        cell = verdict.decide([e("omp", OMP), e("mpi", MPI)])
        self.assertEqual(cell["status"], "win")
        self.assertEqual(cell["best"]["model"], "omp")
        self.assertAlmostEqual(cell["margin"], 1.225 / 1.025)
        self.assertAlmostEqual(cell["p"], 2 / 924)
        self.assertEqual(verdict.cell_text(cell), "omp, 1.20× faster than mpi (p = 0.0022)")
        self.assertEqual(verdict.cell_text(cell, compact=True), "omp 1.20x")

    def test_overlapping_cis_tie_although_u_says_lower(self):
        # a = 1 2 3 4 5 6.5, b = 6 .. 11: only 6.5 > 6, U = 1; P(U <= 1) = 2/924, p = 4/924 < 0.05,
        # but the CIs [1, 6.5] and [6, 11] overlap: both tests must agree, so a tie.
        cell = verdict.decide([e("omp", [1, 2, 3, 4, 5, 6.5]), e("mpi", [6, 7, 8, 9, 10, 11])])
        self.assertAlmostEqual(cell["p"], 4 / 924)
        self.assertEqual(cell["status"], "tie")
        self.assertEqual([x["model"] for x in cell["tied"]], ["mpi"])
        self.assertEqual(verdict.cell_text(cell), "tie: omp = mpi (CIs overlap, p = 0.0043)")

    def test_u_test_alone_is_not_enough_either(self):
        # interleaved: U = 0+1+2+3+4+5... omp 1.00..1.05 against MPI_CLOSE 1.03..1.08: CIs overlap.
        cell = verdict.decide([e("omp", OMP), e("mpi", MPI_CLOSE)])
        self.assertEqual(cell["status"], "tie")

    def test_winner_must_beat_every_model(self):
        # omp beats mpi clearly but not hybrid (same times): tie of omp and hybrid.
        cell = verdict.decide([e("omp", OMP), e("mpi", MPI), e("hybrid", MPI_CLOSE, shape="2x1")])
        self.assertEqual(cell["status"], "tie")
        self.assertEqual([verdict.name(x) for x in cell["tied"]], ["hybrid 2x1"])

    def test_too_few_repetitions(self):
        cell = verdict.decide([e("omp", OMP[:5]), e("mpi", MPI)])
        self.assertEqual(cell["status"], "few")
        self.assertEqual(verdict.cell_text(cell), "not enough repetitions to tell")

    def test_alone_and_best_shape(self):
        cell = verdict.decide([e("hybrid", MPI, shape="1x2"), e("hybrid", OMP, shape="2x1")])
        self.assertEqual(cell["status"], "alone")
        self.assertEqual(verdict.cell_text(cell), "only hybrid 2x1 ran")


def cells(*pairs):
    return {p: verdict.decide(es) for p, es in pairs}


class Why(unittest.TestCase):
    def test_memory_bound(self):
        # omp moves 1e9 B in a median 1.025 s: 0.9756 GB/s, against a 1.2 GB/s ceiling: 81%.
        # intensity 1e8 / 1e9 = 0.1 flop/B.
        c = cells((2, [e("omp", OMP, nbytes=1e9, flops=1e8, regime="dram"), e("mpi", MPI, nbytes=1e9)]))
        rule, text = verdict.why(c, "strong", bandwidth=1.2e9)
        self.assertEqual(rule, "memory-bound")
        self.assertIn("intensity 0.1 flop/B, 81% of the measured bandwidth ceiling at 2 PEs", text)
        self.assertIn("omp gets closest to it", text)
        # at 50% of a 1.95 GB/s ceiling it is not memory-bound: the breakdown decides
        rule, _ = verdict.why(c, "strong", bandwidth=1.95e9)
        self.assertNotEqual(rule, "memory-bound")

    def test_memory_bound_tie(self):
        c = cells((2, [e("omp", OMP, nbytes=1e9, regime="dram"), e("mpi", MPI_CLOSE, nbytes=1e9)]))
        rule, text = verdict.why(c, "strong", bandwidth=1.0e9)
        self.assertEqual(rule, "memory-bound")
        self.assertIn("so neither model can go further", text)
        # nstream is the bandwidth probe: near 100% of a ceiling it measured itself, and it says so
        c = cells((2, [e("omp", OMP, kernel="nstream", nbytes=1e9, regime="dram"),
                       e("mpi", MPI_CLOSE, kernel="nstream", nbytes=1e9)]))
        self.assertIn("98% of the measured bandwidth ceiling, which nstream itself measures at 2 PEs",
                      verdict.why(c, "strong", bandwidth=1e9 / 1.0045)[1])   # 1.0045 / 1.025 = 98%

    def test_communication(self):
        # mpi: comm 0.38, sync 0.02, compute 0.6 (shares of 1.0); omp: sync 0.04 of 1.0.
        # gap = (0.38 + 0.02) - (0 + 0.04) = 0.36 >= 0.10.
        c = cells((2, [e("omp", OMP, breakdown={"compute": 0.96, "comm": 0.0, "sync": 0.04}),
                       e("mpi", MPI, breakdown={"compute": 0.6, "comm": 0.38, "sync": 0.02})]))
        rule, text = verdict.why(c, "strong")
        self.assertEqual(rule, "communication")
        self.assertEqual(text, "mpi spends 38% of each iteration in communication and 2% in synchronisation "
                               "(breakdown) against 0% and 4% for omp at 2 PEs")

    def test_compute(self):
        # gap 0.05 < 0.10: compute differs. omp computes 0.9 of 1.025 s = 0.9225 s; mpi 0.85 of 1.225 s.
        c = cells((2, [e("omp", OMP, breakdown={"compute": 0.9, "comm": 0.1, "sync": 0.0}),
                       e("mpi", MPI, breakdown={"compute": 0.85, "comm": 0.15, "sync": 0.0})]))
        rule, text = verdict.why(c, "strong")
        self.assertEqual(rule, "compute")
        self.assertIn("omp computes for 922 ms of each iteration against 1.04 s for mpi", text)

    def test_cache_and_superlinear(self):
        # serial 1-PE median 2.5 s; omp at 2 PEs 1.025 s: efficiency 2.5 / (2 * 1.025) = 1.22.
        c = cells((1, [e("serial", [2.5] * 6, pes=1)]),
                  (2, [e("omp", OMP, regime="cache-resident", ratio=0.5), e("mpi", MPI)]))
        rule, text = verdict.why(c, "strong", serial_1pe=2.5)
        self.assertEqual(rule, "cache")
        self.assertTrue(text.startswith("superlinear (efficiency 1.22 at 2 PEs), working set cache-resident "
                                        "(0.5× LLC)"), text)

    def test_tie_everywhere_and_unexplained(self):
        c = cells((2, [e("omp", OMP), e("mpi", MPI_CLOSE)]))
        self.assertEqual(verdict.why(c, "strong")[0], "tie")
        c = cells((2, [e("omp", OMP), e("mpi", MPI)]))
        rule, text = verdict.why(c, "strong")
        self.assertEqual(rule, "unexplained")
        self.assertIn("1.20× faster than mpi at 2 PEs", text)

    def test_focus_is_the_largest_pe_count_with_a_winner(self):
        # at 4 PEs a tie, at 2 PEs mpi wins by communication: the sentence speaks of 2 PEs
        c = cells((2, [e("mpi", OMP, breakdown={"compute": 1, "comm": 0, "sync": 0}),
                       e("omp", MPI, breakdown={"compute": 0.5, "comm": 0, "sync": 0.5})]),
                  (4, [e("omp", OMP, pes=4), e("mpi", MPI_CLOSE, pes=4)]))
        rule, text = verdict.why(c, "strong")
        self.assertEqual(rule, "communication")
        self.assertTrue(text.endswith("for mpi at 2 PEs"))

    def test_no_verdict(self):
        c = cells((2, [e("omp", OMP[:3]), e("mpi", MPI[:3])]))
        rule, text = verdict.why(c, "strong")
        self.assertEqual(rule, "no-verdict")
        self.assertIn("bench/sweep --reps 6", text)

    def test_micro(self):
        c = cells((2, [e("omp", [x * 1e-6 for x in OMP], kind="micro"), e("mpi", [x * 1e-6 for x in MPI],
                                                                        kind="micro")]))
        # 1.225e-6 is stored as 1.2249999...e-6: three digits read 1.22
        self.assertEqual(verdict.why(c, "micro"), ("micro", "omp takes 1.02 µs per operation against 1.22 µs "
                                                            "for mpi at 2 PEs"))


def rec(kernel, backend, ranks, threads, params, t, rep, scaling="strong", **extra):
    r = {"kernel": kernel, "backend": backend, "ranks": ranks, "threads": threads, "pes": ranks * threads,
         "params": params, "validated": True, "time": {"median": t}, "kind": "scaling",
         "work": {"flops": 1e6, "bytes": 8e6}, "sweep": {"rep": rep, "scaling": scaling, "failure": None}}
    r.update(extra)
    return r


class FromRecords(unittest.TestCase):
    def test_grouping_failures_and_breakdown(self):
        recs = [rec("stencil", "omp", 1, 2, {"n": 10}, t, i, breakdown={"compute": t, "comm": 0, "sync": i})
                for i, t in enumerate(OMP)]
        recs.append(rec("stencil", "omp", 1, 2, {"n": 10}, 0.1, 7, validated=False))
        recs.append(rec("stencil", "omp", 1, 2, {"n": 10}, 0.1, 8, sweep={"failure": "timeout", "rep": 8}))
        recs.append(rec("pingpong", "omp", 1, 2, {"bytes": 8}, 1e-6, 1, kind="micro", variant="handoff"))
        recs.append(rec("nstream", "omp", 1, 2, {"n": 1}, 0.5, 1, sweep={"probe": True, "rep": 1},
                        working_set={"regime": "dram", "ratio": 8}))
        es = verdict.from_records(recs)
        self.assertEqual(len(es), 2)    # the failures are left out, the hand-off too
        stencil = next(x for x in es if x["kernel"] == "stencil")
        self.assertEqual(stencil["times"], OMP)
        self.assertEqual(stencil["breakdown"]["sync"], 2.5)   # median of 0..5
        probe = next(x for x in es if x["kernel"] == "nstream")
        self.assertTrue(probe["probe"])
        self.assertEqual(verdict.bandwidth_ceiling(es), 8e6 / 0.5)

    def test_weak_rows_set_the_grown_size_aside(self):
        recs = [rec("stencil", "omp", 1, p, {"n": 100 * p, "radius": 2}, t, i, scaling="weak")
                for p in (1, 2) for i, t in enumerate(OMP)]
        recs += [rec("pingpong", "mpi", 2, 1, {"bytes": b}, 1e-6, i, kind="micro") for b in (8, 1024)
                 for i in range(6)]
        result = verdict.tables(verdict.from_records(recs))
        labels = {t["kind"]: [r["label"] for r in t["rows"]] for t in result["tables"]}
        self.assertEqual(labels, {"weak": ["stencil"], "micro": ["pingpong bytes=8", "pingpong bytes=1024"]})


class Missing(unittest.TestCase):
    def test_one_repetition_one_pe_count_no_ceiling(self):
        recs = [rec("stencil", b, 1, 2, {"n": 10}, 1.0, 0) for b in ("omp", "hybrid")]
        result = verdict.tables(verdict.from_records(recs))
        text = "\n".join(result["missing"])
        self.assertIn("fewer than 6 repetitions: run bench/sweep --reps 6", text)
        self.assertIn("one PE count only", text)
        self.assertIn("bench/sweep --kernels nstream --size auto", text)
        row = result["tables"][0]["rows"][0]
        self.assertEqual(row["rule"], "no-verdict")
        self.assertEqual(verdict.cell_text(row["cells"][2]), "not enough repetitions to tell")

    def test_nothing_missing(self):
        recs = [rec("stencil", b, 1, p, {"n": 10}, t * (1 if b == "omp" else 1.5) / p, i)
                for b in ("omp", "mpi") for p in (1, 2) for i, t in enumerate(OMP)]
        recs += [rec("nstream", "omp", 1, 2, {"n": 1}, 0.5, i, working_set={"regime": "dram"}) for i in range(6)]
        self.assertEqual(verdict.tables(verdict.from_records(recs))["missing"], [])


if __name__ == "__main__":
    unittest.main()
