"""Statistics, baselines, speedups and fits against hand-computed values.

Standard library only: runs under any Python 3.8+, with or without matplotlib.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from tbplots import analysis, loader  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import record, scratch, write_folder  # noqa: E402

P = {"n": 64, "radius": 2}


def reps(kernel, backend, ranks, threads, times, params=P, **kw):
    return [record(kernel, backend, ranks, threads, params, t, rep=i, **kw) for i, t in enumerate(times)]


def strong_records():
    recs = []
    recs += reps("stencil", "serial", 1, 1, [2.0, 2.1, 1.9, 2.0, 2.2, 1.8])
    recs += reps("stencil", "omp", 1, 1, [2.2] * 6)
    recs += reps("stencil", "omp", 1, 2, [1.2, 1.25, 1.3, 1.25, 1.25])
    recs += reps("stencil", "omp", 1, 4, [0.8] * 6)
    recs += reps("stencil", "mpi", 1, 1, [2.1] * 6)
    recs += reps("stencil", "mpi", 2, 1, [1.0] * 6)
    recs.append(record("stencil", "mpi", 2, 1, P, None, rep=6, failure="timeout after 60 s"))
    recs += reps("stencil", "mpi", 4, 1, [1.6] * 6, oversubscribed=True)
    recs += reps("stencil", "hybrid", 1, 1, [2.5] * 6)
    recs += reps("stencil", "hybrid", 1, 2, [1.4] * 6)
    recs += reps("stencil", "hybrid", 2, 1, [1.3] * 6)
    recs.append(record("stencil", "hybrid", 2, 2, P, None, rep=0, failure="exit status 1"))
    recs.append(record("stencil", "hybrid", 2, 2, P, 0.5, rep=1, status="invalid"))
    return recs


def load(records, tail=""):
    tmp = scratch()
    write_folder(tmp, records, tail=tail)
    return loader.load(tmp)


def study_of(data, kernel="stencil", scaling="strong"):
    configs = tbconfigs.group_configs(data.runs)
    studies = [s for s in analysis.build_studies(configs) if s.kernel == kernel and s.scaling == scaling]
    assert len(studies) == 1, studies
    return studies[0]


class StrongStudyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = load(strong_records())
        cls.study = study_of(cls.data)

    def config(self, backend, shape):
        return next(c for c in self.study.configs if c.backend == backend and c.shape == shape)

    def test_config_statistics(self):
        serial = self.config("serial", "1x1")
        self.assertEqual((serial.n, serial.median, serial.min, serial.max), (6, 2.0, 1.8, 2.2))
        self.assertEqual((serial.ci["lo"], serial.ci["hi"]), (1.8, 2.2))
        omp2 = self.config("omp", "1x2")
        self.assertIsNone(omp2.ci)
        self.assertEqual((omp2.median, omp2.min, omp2.max), (1.25, 1.2, 1.3))
        mpi2 = self.config("mpi", "2x1")
        self.assertEqual((mpi2.n, mpi2.n_total, mpi2.n_failed), (6, 7, 1))
        self.assertEqual(mpi2.failures, ["timeout after 60 s"])
        dead = self.config("hybrid", "2x2")
        self.assertFalse(dead.usable)
        self.assertEqual(dead.failures, ["did not validate", "exit status 1"])

    def test_best_serial_baseline(self):
        base = self.study.baseline("best-serial", "omp")
        self.assertEqual(base.time, 2.0)
        self.assertIn("best serial median 2 s", base.text)

    def test_speedup_efficiency_karp_flatt(self):
        rows = analysis.model_rows(self.study, "best-serial")
        omp = {r["pes"]: r for r in rows["omp"]["rows"]}
        self.assertAlmostEqual(omp[1]["speedup"]["s"], 2.0 / 2.2)
        self.assertAlmostEqual(omp[2]["speedup"]["s"], 1.6)
        self.assertAlmostEqual(omp[2]["efficiency"], 0.8)
        self.assertAlmostEqual(omp[2]["karp_flatt"], 0.25)
        # fewer than 6 reps: the bars are min-max, not a CI
        self.assertEqual(omp[2]["speedup"]["bars"], "minmax")
        self.assertAlmostEqual(omp[2]["speedup"]["lo"], 2.0 / 1.3)
        self.assertAlmostEqual(omp[2]["speedup"]["hi"], 2.0 / 1.2)
        self.assertAlmostEqual(omp[4]["speedup"]["s"], 2.5)
        self.assertAlmostEqual(omp[4]["efficiency"], 0.625)
        self.assertAlmostEqual(omp[4]["karp_flatt"], 0.2)
        # hybrid: the fastest split per PE count (2x1 beats 1x2); 4 PEs failed
        hyb = {r["pes"]: r for r in rows["hybrid"]["rows"]}
        self.assertEqual(hyb[2]["config"].shape, "2x1")
        self.assertAlmostEqual(hyb[2]["speedup"]["s"], 2.0 / 1.3)
        self.assertNotIn(4, hyb)
        self.assertEqual([c.shape for c in self.study.failed_configs("hybrid")], ["2x2"])

    def test_ci_error_bars(self):
        rows = analysis.model_rows(self.study, "best-serial")
        serial = rows["serial"]["rows"][0]["speedup"]
        self.assertEqual(serial["bars"], "ci")
        self.assertAlmostEqual(serial["lo"], 2.0 / 2.2)
        self.assertAlmostEqual(serial["hi"], 2.0 / 1.8)

    def test_self_baseline(self):
        rows = analysis.model_rows(self.study, "self")
        omp = {r["pes"]: r for r in rows["omp"]["rows"]}
        self.assertAlmostEqual(omp[1]["speedup"]["s"], 1.0)
        self.assertAlmostEqual(omp[2]["speedup"]["s"], 2.2 / 1.25)
        self.assertIn("omp 2.2 s", self.study.baseline_text("self"))

    def test_fits(self):
        fits = analysis.fits(self.study, "best-serial")
        # omp: x = 1 - 1/p = (0.5, 0.75), y = 1/S - 1/p = (0.125, 0.15)
        self.assertAlmostEqual(fits["omp"]["f"], (0.5 * 0.125 + 0.75 * 0.15) / (0.5 ** 2 + 0.75 ** 2))
        self.assertEqual(fits["omp"]["points"], 2)
        # mpi: the oversubscribed 4-rank run is left out; S(2) = 2 gives f = 0
        self.assertAlmostEqual(fits["mpi"]["f"], 0.0)
        self.assertEqual(fits["mpi"]["points"], 1)
        self.assertAlmostEqual(fits["hybrid"]["f"], 0.3)
        self.assertNotIn("serial", fits)


class WeakStudyTest(unittest.TestCase):
    def test_weak_scaling_groups_grown_parameter(self):
        recs = reps("stencil", "serial", 1, 1, [1.0] * 6, params={"n": 100, "radius": 2}, scaling="weak")
        recs += reps("stencil", "omp", 1, 2, [1.25] * 6, params={"n": 141, "radius": 2}, scaling="weak")
        recs += reps("stencil", "mpi", 2, 1, [1.1] * 6, params={"n": 141, "radius": 2}, scaling="weak")
        study = study_of(load(recs), scaling="weak")
        self.assertEqual(study.grown, ["n"])
        self.assertEqual(study.fixed_params, {"radius": 2})
        rows = analysis.model_rows(study, "best-serial")
        self.assertAlmostEqual(rows["omp"]["rows"][0]["weak_efficiency"], 0.8)
        self.assertAlmostEqual(rows["mpi"]["rows"][0]["weak_efficiency"], 1 / 1.1)
        self.assertEqual(analysis.fits(study, "best-serial"), {})

    def test_no_serial_falls_back_to_best_one_pe_run(self):
        recs = reps("stencil", "omp", 1, 1, [2.0] * 3) + reps("stencil", "omp", 1, 2, [1.0] * 3)
        study = study_of(load(recs))
        base = study.baseline("best-serial", "omp")
        self.assertEqual(base.time, 2.0)
        self.assertIn("no serial run", base.text)


class LoaderTest(unittest.TestCase):
    def test_truncated_last_line_is_skipped_with_warning(self):
        data = load(reps("stencil", "serial", 1, 1, [1.0] * 2), tail='{"schema": "triobench.res')
        self.assertEqual(len(data.runs), 2)
        self.assertTrue(any("truncated" in w for w in data.warnings))

    def test_corrupt_middle_line_is_skipped_with_warning(self):
        tmp = scratch()
        write_folder(tmp, reps("stencil", "serial", 1, 1, [1.0]))
        with open(os.path.join(tmp, "results.jsonl"), "a") as fh:
            fh.write("garbage\n[1, 2]\n")
        data = loader.load(tmp)
        self.assertEqual(len(data.runs), 1)
        self.assertTrue(any("2 line(s)" in w for w in data.warnings))

    def test_bad_inputs_raise_user_error(self):
        tmp = scratch()
        with self.assertRaisesRegex(loader.UserError, "no such results folder"):
            loader.load(os.path.join(tmp, "missing"))
        with self.assertRaisesRegex(loader.UserError, "has no results.jsonl"):
            loader.load(tmp)
        open(os.path.join(tmp, "results.jsonl"), "w").close()
        with self.assertRaisesRegex(loader.UserError, "holds no records"):
            loader.load(tmp)
        with open(os.path.join(tmp, "results.jsonl"), "w") as fh:
            fh.write("not json\nalso not json\n")
        with self.assertRaisesRegex(loader.UserError, "corrupt"):
            loader.load(tmp)
        rec = record("stencil", "serial", 1, 1, P, 1.0)
        rec["schema"] = "triobench.result/2"
        write_folder(tmp, [rec])
        with self.assertRaisesRegex(loader.UserError, "schema"):
            loader.load(tmp)

    def test_garbage_values_are_failures_not_measurements(self):
        huge = record("stencil", "mpi", 2, 1, P, 1.0)
        huge["pes"] = huge["ranks"] = 1e308
        slow = record("stencil", "serial", 1, 1, P, 1e308)
        text = record("stencil", "serial", 1, 1, P, 1.0)
        text["time"]["median"] = "fast"
        data = load([huge, slow, text])
        self.assertEqual([r.failure for r in data.runs],
                         ["no PE count in record", "no plausible time in record", "no plausible time in record"])

    def test_missing_fields_are_failures_not_crashes(self):
        data = load([{"kernel": "stencil"}, {"status": "failed", "sweep": {"failure": "crash"}},
                     record("stencil", "serial", 1, 1, P, 1.0)])
        self.assertEqual([r.ok for r in data.runs], [False, False, True])
        self.assertEqual(data.runs[1].failure, "crash")
        self.assertTrue(any("meta.json" in w for w in data.warnings))


if __name__ == "__main__":
    unittest.main()
