"""Issue 11's honesty rules against hand-computed flags (standard library only).

- kinds come from the record, else meta.json's catalogue, else an inference
  from the record; never from a list of kernel names;
- micro-benchmarks and probes are no scaling studies (no speedup columns);
- every efficiency above 1 is flagged with its likely cause;
- overlapping 95% CIs of the median give "no significant difference";
- hybrid's charted point is labelled "best of N shapes".
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from tbplots import analysis, loader, micro, significance, superlinear, tables  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import CATALOGUE, LLC, record, scratch, working_set, write_folder  # noqa: E402

SMALL = {"n": 1000, "radius": 2}
CACHED = working_set(16 * 1000 ** 2)                     # 16 MB: 0.477x the 32 MiB LLC


def reps(kernel, backend, ranks, threads, times, params=SMALL, **kw):
    return [record(kernel, backend, ranks, threads, params, t, rep=i, **kw) for i, t in enumerate(times)]


def load(records, meta=None):
    return loader.load(write_folder(scratch(), records, meta=meta))


def studies_of(data):
    return analysis.build_studies(tbconfigs.group_configs(data.runs))


def rows_by_shape(study, backend, mode="best-serial"):
    return {r["config"].shape: r for r in analysis.model_rows(study, mode)[backend]["rows"]}


class KindTest(unittest.TestCase):
    def test_the_fixture_catalogue_speaks_the_shared_schema(self):
        try:
            from tbcommon import catalogue
        except ImportError:
            self.skipTest("bench/tbcommon/catalogue.py (the sweep's schema check) is not in this tree yet")
        self.assertEqual(catalogue.validate(CATALOGUE), [])
        self.assertEqual(catalogue.SCHEMA, CATALOGUE["schema"])

    def test_record_field_wins(self):
        recs = [record("stencil", "omp", 1, 2, SMALL, 1.0, kind="micro")]
        run, = load(recs, meta={"catalogue": CATALOGUE}).runs
        self.assertEqual((run.kind, run.kind_source), ("micro", "record"))

    def test_catalogue_single_and_per_backend(self):
        recs = [record("halo", "mpi", 2, 1, SMALL, 1e-6, kind=False),
                record("peak", "omp", 1, 1, {}, 0.1, kind=False),
                record("stencil", "serial", 1, 1, SMALL, 1.0, kind=False)]
        per_backend = {"mpi": dict(CATALOGUE, backend="mpi"), "omp": CATALOGUE,
                       "serial": dict(CATALOGUE, backend="serial")}
        for cat in (CATALOGUE, per_backend):
            runs = load(recs, meta={"catalogue": cat}).runs
            self.assertEqual([(r.kind, r.kind_source) for r in runs],
                             [("micro", "catalogue"), ("probe", "catalogue"), ("scaling", "catalogue")])

    def test_a_new_kernel_needs_no_python_edit(self):
        cat = dict(CATALOGUE, kernels=CATALOGUE["kernels"] + [dict(CATALOGUE["kernels"][0], name="sendrecv",
                                                                    kind="micro")])
        run, = load([record("sendrecv", "mpi", 2, 1, {"bytes": 8}, 1e-6, kind=False)],
                    meta={"catalogue": cat}).runs
        self.assertEqual(run.kind, "micro")

    def test_old_records_are_inferred_from_themselves(self):
        barrier = record("barrier", "omp", 1, 2, {}, 1e-6, kind=False, rate_unit="Mbarrier/s")
        halo = record("halo", "mpi", 2, 1, dict(SMALL, **{"target-time": 1000}), 1e-6, kind=False)
        probe = record("nstream", "omp", 1, 2, {"n": 10}, 0.1, kind=False, probe=True)
        stencil = record("stencil", "omp", 1, 2, SMALL, 1.0, kind=False)
        data = load([barrier, halo, probe, stencil])
        self.assertEqual([r.kind for r in data.runs], ["micro", "micro", "probe", "scaling"])
        self.assertEqual({r.kind_source for r in data.runs}, {"inferred"})
        self.assertTrue(any("inferred" in w for w in data.warnings))

    def test_no_kernel_name_list_in_the_package(self):
        pkg = os.path.join(os.path.dirname(HERE), "tbplots")
        for name in os.listdir(pkg):
            if name.endswith(".py"):
                with open(os.path.join(pkg, name), encoding="utf-8") as fh:
                    text = fh.read()
                self.assertNotIn("MICRO_KERNELS", text, name)
                self.assertNotIn('"barrier"', text, name)
                self.assertNotIn('"pingpong"', text, name)


class MicroTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=CACHED)
        for size in (8, 1024):
            for variant, t in (("copy", 2e-6), ("handoff", 1e-7)):
                recs += reps("pingpong", "omp", 1, 2, [t] * 6, params={"bytes": size, "variant": variant},
                             flops=0, nbytes=size, rate_unit="MB/s", variant=variant)
            recs += reps("pingpong", "mpi", 2, 1, [3e-6] * 6, params={"bytes": size, "variant": "auto"}, flops=0,
                         nbytes=size, rate_unit="MB/s")
        recs += reps("barrier", "serial", 1, 1, [1e-8] * 6, params={"delay": 100}, flops=0, nbytes=0, rate_unit="us")
        recs += reps("barrier", "omp", 1, 2, [4e-7, 5e-7, 5e-7, 6e-7, 5e-7, 7e-7], params={"delay": 100},
                     flops=0, nbytes=0, rate_unit="us")
        for r in recs[-6:]:
            r["reference"] = {"what": "the delay loop alone", "unit": "s", "min": 9e-8, "median": 1e-7, "max": 2e-7}
        recs += reps("halo", "serial", 1, 1, [1e-7] * 6, flops=0, nbytes=0,
                     exchange={"bytes": 0, "ghost_points": 0})
        recs += reps("halo", "mpi", 2, 1, [2e-6] * 6, flops=0, nbytes=32000,
                     exchange={"bytes": 32000, "ghost_points": 4000})
        cls.data = load(recs)
        cls.configs = tbconfigs.group_configs(cls.data.runs)
        cls.studies = analysis.build_studies(cls.configs)
        cls.tables = {t.name: t for t in tables.build(cls.data, cls.configs, cls.studies, "best-serial")}

    def test_micro_kernels_are_no_studies(self):
        self.assertEqual([s.kernel for s in self.studies], ["stencil"])
        summary = self.tables["summary"]
        kernels = {r[summary.columns.index("kernel")] for r in summary.rows}
        self.assertEqual(kernels, {"stencil"})

    def test_micro_table_has_no_speedup_columns_and_shows_microseconds(self):
        t = self.tables["micro"]
        for col in ("speedup", "efficiency", "weak_efficiency", "karp_flatt", "rate", "rate_unit"):
            self.assertNotIn(col, t.columns)
        rows = [dict(zip(t.columns, r)) for r in t.rows]
        barrier = next(r for r in rows if r["kernel"] == "barrier" and r["model"] == "omp")
        self.assertAlmostEqual(barrier["median_us"], 0.5)
        self.assertAlmostEqual(barrier["ci95_lo_us"], 0.4)     # n = 6: the CI is [min, max]
        self.assertAlmostEqual(barrier["ci95_hi_us"], 0.7)
        self.assertEqual(barrier["spread"], "95% CI 0.4–0.7 µs")
        self.assertIsNone(barrier["bandwidth_MB_per_s"])       # a barrier moves no bytes
        self.assertAlmostEqual(barrier["reference_subtracted_us"], 0.1)
        halo = next(r for r in rows if r["kernel"] == "halo" and r["model"] == "mpi")
        self.assertEqual(halo["exchange"], "bytes=32000, ghost_points=4000")
        self.assertAlmostEqual(halo["bandwidth_MB_per_s"], 32000 / 2e-6 / 1e6)

    def test_handoff_is_kept_apart_from_copies(self):
        copies = micro.series(self.configs, "pingpong")
        handoffs = micro.series(self.configs, "pingpong", handoff=True)
        self.assertEqual([k[1] for k in copies], ["omp 1x2 copy", "mpi 2x1 variant=auto"])
        self.assertEqual([k[1] for k in handoffs], ["omp 1x2 hand-off"])
        self.assertEqual([x for x, _ in handoffs[(1, "omp 1x2 hand-off", "omp")]], [8, 1024])
        self.assertTrue(all(c.variant == "handoff" for pts in handoffs.values() for _, c in pts))
        col = self.tables["micro"].columns.index("variant")
        variants = {r[col] for r in self.tables["micro"].rows if r[0] == "pingpong"}
        self.assertEqual(variants, {"copy", "hand-off", None})

    def test_two_shapes_at_one_pe_count_are_two_lines(self):
        recs = reps("barrier", "hybrid", 1, 4, [1e-6] * 6, params={}, flops=0, nbytes=0)
        recs += reps("barrier", "hybrid", 2, 2, [2e-6] * 6, params={}, flops=0, nbytes=0)
        series = micro.series(tbconfigs.group_configs(load(recs).runs), "barrier")
        self.assertEqual(sorted(k[1] for k in series), ["hybrid 1x4", "hybrid 2x2"])

    def test_barrier_is_drawn_against_pes(self):
        self.assertIsNone(micro.x_param(self.configs, "barrier"))
        self.assertEqual(micro.x_param(self.configs, "pingpong"), "bytes")
        series = micro.series(self.configs, "barrier")
        self.assertEqual(sorted(x for pts in series.values() for x, _ in pts), [1, 2])


class SuperlinearTest(unittest.TestCase):
    def study(self, recs):
        s, = studies_of(load(recs))
        return s

    def test_cache_resident_superlinear_point_is_flagged(self):
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=CACHED)
        recs += reps("stencil", "omp", 1, 2, [0.8] * 6, ws=CACHED)       # S = 2.5, E = 1.25
        study = self.study(recs)
        row = rows_by_shape(study, "omp")["1x2"]
        self.assertAlmostEqual(row["efficiency"], 1.25)
        key, text = row["superlinear"]
        self.assertEqual(key, "cache-resident")
        self.assertIn("E = 1.25", text)
        self.assertIn("0.48× LLC", text)
        self.assertIsNone(rows_by_shape(study, "serial")["1x1"]["superlinear"])
        self.assertEqual(study.size_label(), "cache-resident")
        self.assertIn("[cache-resident]", study.title)
        t = tables.build(load(recs), [], [study], "best-serial")[0]
        row = dict(zip(t.columns, next(r for r in t.rows if r[t.columns.index("model")] == "omp")))
        self.assertIn("cache-resident", row["superlinear"])
        self.assertEqual(row["working_set_regime"], "cache-resident")

    def test_superlinear_within_its_error_bar_is_within_noise(self):
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=CACHED)
        recs += reps("stencil", "omp", 1, 2, [0.95, 0.96, 0.98, 0.98, 1.0, 1.05], ws=CACHED)  # E = 1.02; CI to 0.952
        row = rows_by_shape(self.study(recs), "omp")["1x2"]
        self.assertAlmostEqual(row["efficiency"], 1 / 0.98)
        self.assertIn("within noise: its error bar reaches E = 0.952", row["superlinear"][1])
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=CACHED) + reps("stencil", "omp", 1, 2, [0.8] * 6, ws=CACHED)
        self.assertNotIn("noise", rows_by_shape(self.study(recs), "omp")["1x2"]["superlinear"][1])

    def test_causes(self):
        dram = working_set(LLC * 4.5)                                     # 144 MiB: 18 MiB per PE at 8
        cases = [(dram, 8, 0.2, "per-pe"), (working_set(LLC * 2), 2, 0.9, "mixed"), (None, 2, 0.9, "unknown"),
                 (dram, 2, 0.9, "unknown"), (dram, 2, 1.1, None), (dram, 1, 1.8, "one-pe")]
        for ws, pes, t, want in cases:
            recs = reps("stencil", "serial", 1, 1, [2.0] * 6, ws=ws)
            recs += reps("stencil", "omp", 1, pes, [t] * 6, ws=ws)
            row = rows_by_shape(self.study(recs), "omp")["1x%d" % pes]
            got = row["superlinear"][0] if row["superlinear"] else None
            self.assertEqual(got, want, (ws and ws["ratio"], pes, t))
            self.assertIn(got or "unknown", superlinear.SHORT)

    def test_dram_study_has_no_size_label(self):
        dram = working_set(LLC * 8)
        study = self.study(reps("stencil", "serial", 1, 1, [2.0] * 6, ws=dram)
                           + reps("stencil", "omp", 1, 2, [1.1] * 6, ws=dram))
        self.assertIsNone(study.size_label())
        self.assertNotIn("[", study.title)
        self.assertIn("DRAM-sized (working set 8× LLC)", study.size_note())


class SignificanceTest(unittest.TestCase):
    def test_overlap(self):
        self.assertTrue(significance.overlap((1.0, 1.5), (1.5, 2.0)))
        self.assertFalse(significance.overlap((1.0, 1.49), (1.5, 2.0)))

    def test_overlapping_cis_give_no_significant_difference(self):
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6)
        recs += reps("stencil", "omp", 1, 2, [1.0, 1.1, 1.2, 1.3, 1.4, 1.5])     # CI [1.0, 1.5]
        recs += reps("stencil", "mpi", 2, 1, [1.4, 1.5, 1.6, 1.7, 1.8, 1.9])     # CI [1.4, 1.9]: overlaps
        recs += reps("stencil", "hybrid", 1, 2, [2.0, 2.1, 2.2, 2.3, 2.4, 2.5])  # CI [2.0, 2.5]: apart
        study, = studies_of(load(recs))
        v = {c.label(): text for c, text in study.verdicts().items()}
        self.assertEqual(v["omp 1x2"], "no significant difference (with mpi 2x1)")
        self.assertEqual(v["mpi 2x1"], "no significant difference (with omp 1x2)")
        self.assertEqual(v["hybrid 1x2"], "slower than omp 1x2 (CIs apart)")
        self.assertNotIn("serial 1x1", v)                                          # alone at 1 PE
        t = tables.build(load(recs), [], [study], "best-serial")[0]
        comp = {r[t.columns.index("model")]: r[t.columns.index("comparison")] for r in t.rows}
        self.assertEqual(comp["mpi"], "no significant difference (with omp 1x2)")

    def test_clear_winner_and_too_few_reps(self):
        recs = reps("stencil", "omp", 1, 2, [1.0] * 6) + reps("stencil", "mpi", 2, 1, [1.2] * 6)
        study, = studies_of(load(recs))
        self.assertEqual(sorted(study.verdicts().values()),
                         ["fastest (CI apart from the others)", "slower than omp 1x2 (CIs apart)"])
        recs = reps("stencil", "omp", 1, 2, [1.0] * 5) + reps("stencil", "mpi", 2, 1, [1.2] * 6)
        study, = studies_of(load(recs))
        self.assertEqual(set(study.verdicts().values()), {"not ranked (< 6 reps: no CI)"})


class HybridShapesTest(unittest.TestCase):
    def test_best_of_n_shapes_is_labelled(self):
        recs = reps("stencil", "serial", 1, 1, [2.0] * 6)
        recs += reps("stencil", "hybrid", 1, 2, [1.3] * 6) + reps("stencil", "hybrid", 2, 1, [1.2] * 6)
        study, = studies_of(load(recs))
        row = rows_by_shape(study, "hybrid")["2x1"]
        self.assertEqual(row["best_of"], "best of 2 shapes")
        self.assertIsNone(rows_by_shape(study, "serial")["1x1"]["best_of"])
        t = tables.build(load(recs), [], [study], "best-serial")[0]
        choice = {r[t.columns.index("ranks")]: r[t.columns.index("shape_choice")] for r in t.rows
                  if r[t.columns.index("model")] == "hybrid"}
        self.assertEqual(choice, {2: "charted: best of 2 shapes", 1: "not charted: 2x1 is the best of 2 shapes"})

    def test_best_of_n_says_when_shapes_do_not_differ(self):
        recs = reps("stencil", "hybrid", 1, 2, [1.2, 1.3, 1.4, 1.3, 1.3, 1.3])
        recs += reps("stencil", "hybrid", 2, 1, [1.1, 1.2, 1.3, 1.2, 1.2, 1.2])
        study, = studies_of(load(recs))
        self.assertEqual(rows_by_shape(study, "hybrid")["2x1"]["best_of"],
                         "best of 2 shapes, no significant difference (with 1x2)")


if __name__ == "__main__":
    unittest.main()
