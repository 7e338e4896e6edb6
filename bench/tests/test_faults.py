"""Fault scenarios (--preset faults, bench/triobench_sweep/faults.py): the preset's checks, the
classification of a run from the outside, the plan, and a small sweep of real faults with the real
executables (TRIOBENCH_BIN_DIR): expected outcomes are recorded, not counted as failures."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402

from triobench_sweep import faults, options, presets  # noqa: E402
from tbcommon.errors import UserError  # noqa: E402
from triobench_sweep.plan import Config, build_plan  # noqa: E402

BIN = os.environ.get("TRIOBENCH_BIN_DIR")
NOTICE = ("triobench-mpi: fault injected: rank 1 sends itself SIGKILL after 5 tasks, 0.250 s into the run "
          "(at 1000.500000 s since the epoch)\n")


class PresetChecks(unittest.TestCase):
    def problem(self, scenarios):
        return faults.check_preset(scenarios, "p.toml")

    def test_good(self):
        self.assertIsNone(self.problem([{"name": "a", "backend": "mpi", "ranks": 3, "inject": "kill:rank=1",
                                         "ft": "reassign", "timeout": 0.5, "launcher": "recovery",
                                         "expect": ["recovered", "aborted"]}]))

    def test_bad(self):
        cases = [([{"backend": "mpi"}], "has no 'name'"),
                 ([{"name": "a", "backend": "mpi", "ft": "retry"}], "'ft' must be none, detect or reassign"),
                 ([{"name": "a", "backend": "mpi", "colour": 1}], "unknown key 'colour'"),
                 ([{"name": "a", "backend": "mpi", "expect": "exploded"}], "'expect' must be outcomes"),
                 ([{"name": "a", "backend": "mpi"}, {"name": "a", "backend": "omp"}], "appears twice"),
                 ({"name": "a"}, "tables like [[fault]]")]
        for scenarios, text in cases:
            self.assertIn(text, self.problem(scenarios) or "", scenarios)

    def test_shipped_preset_loads(self):
        data = presets.load("faults")
        self.assertGreaterEqual(len(data["fault"]), 15)
        outcomes = {o for s in data["fault"] for o in faults.scenario(s)["expect"]}
        self.assertTrue({"aborted", "detected", "recovered", "resumed", "hung-and-killed"} <= outcomes)

    def test_malformed_preset_is_one_clear_error(self):
        path = os.path.join(self._tmp(), "bad.toml")
        with open(path, "w") as f:
            f.write('[[fault]]\nname = "x"\nbackend = "mpi"\nft = "sometimes"\n')
        with self.assertRaises(UserError) as e:
            presets.load(path)
        self.assertIn("fault 'x': 'ft' must be none, detect or reassign", str(e.exception))

    def _tmp(self):
        import tempfile
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        return d


class Classification(unittest.TestCase):
    def test_outcomes(self):
        ok = {"time": {}, "validated": True}
        self.assertEqual(faults.classify(None, True, None, ""), "hung-and-killed")
        self.assertEqual(faults.classify(137, False, None, NOTICE), "aborted")
        self.assertEqual(faults.classify(0, False, None, "triobench-mpi: error: the master (rank 0) is lost: no"),
                         "detected")
        self.assertEqual(faults.classify(1, False, dict(ok, validated=False, fault={"outcome": "detected"}), ""),
                         "detected")
        self.assertEqual(faults.classify(0, False, dict(ok, fault={"outcome": "recovered"}), ""), "recovered")
        self.assertEqual(faults.classify(0, False, dict(ok, fault={"outcome": "resumed"}), ""), "resumed")
        self.assertEqual(faults.classify(3, False, dict(ok, validated=False, fault={"outcome": "completed"}), ""),
                         "failed")

    def test_measures(self):
        rec = {"fault": {"detected_at": 1.25, "recovered_at": 1.75}}
        detect, recover, to_end = faults.measures(rec, NOTICE, 1002.0)
        self.assertAlmostEqual(detect, 1.0)
        self.assertAlmostEqual(recover, 0.5)
        self.assertAlmostEqual(to_end, 1.5)
        self.assertEqual(faults.measures(None, "", 5.0), (None, None, None))

    def test_arguments(self):
        sc = faults.scenario({"name": "a", "backend": "mpi", "inject": "kill:rank=1,after=2", "ft": "detect",
                              "timeout": 0.5, "launcher": "recovery", "resume": True})
        self.assertEqual(faults.args_for(sc, "/c"), ["--inject-fault", "kill:rank=1,after=2", "--ft", "detect",
                                                     "--ft-timeout", "0.5", "--checkpoint", "/c",
                                                     "--checkpoint-interval", "0"])
        self.assertEqual(faults.args_for(sc, "/c", resume=True),
                         ["--ft", "detect", "--ft-timeout", "0.5", "--checkpoint", "/c", "--resume"])
        self.assertIn("orte_enable_recovery", faults.launcher_args(sc, "openmpi"))
        self.assertEqual(faults.launcher_args(dict(sc, launcher="plain"), "openmpi"), [])
        self.assertEqual(faults.judge(Config("c", "ep", "mpi", 3, 1, fault=dict(sc, expect=["recovered"])),
                                      "recovered", None), None)
        self.assertIn("expected recovered, got aborted",
                      faults.judge(Config("c", "ep", "mpi", 3, 1, fault=dict(sc, expect=["recovered"])),
                                   "aborted", None))


class Plan(unittest.TestCase):
    def test_one_configuration_per_scenario(self):
        args = options.parse_args(["--preset", "faults"])
        settings = options.settings_from(args)
        info = {"name": "ep", "size_param": "m",
                "params": [{"name": "m", "type": "int", "min": 16, "max": 40, "names": {"S": 24, "W": 25}},
                           {"name": "schedule", "type": "choice", "choices": ["static", "dynamic"]},
                           {"name": "chunk", "type": "int", "min": 1, "max": 1 << 24}]}
        catalogue = {b: {"ep": info} for b in ("serial", "omp", "mpi", "hybrid")}
        plan = build_plan(settings, catalogue, {b: 2 for b in catalogue}, warn=lambda m: None)
        self.assertEqual(len(plan.configs), len(settings.faults))
        for c in plan.configs:
            self.assertEqual((c.kernel, c.params["schedule"], c.size, c.iters, c.warmup), ("ep", "dynamic", 25, 1, 0))
            self.assertIn(".fault=", c.config_id)
        mpi3 = [c for c in plan.configs if c.backend == "mpi"]
        self.assertTrue(mpi3 and all(c.oversubscribed for c in mpi3))     # 3 ranks on 2 cores


@unittest.skipUnless(BIN and os.path.isdir(BIN) and (shutil.which("mpirun") or shutil.which("mpiexec")),
                     "TRIOBENCH_BIN_DIR not set or no mpirun: no real faults to sweep")
class RealFaults(SweepCase):
    def setUp(self):
        super().setUp()
        self.build = os.path.dirname(os.path.abspath(BIN))
        self.env["PATH"] = os.environ.get("PATH", "")          # the real mpirun, not the double

    def test_small_fault_sweep(self):
        preset = os.path.join(self.tmp, "f.toml")
        with open(preset, "w") as f:
            f.write("""kernels = ["ep"]
reps = 1
timeout = 4
allow_oversubscribe = true
[kernel.ep]
size = "S"
chunk = 2
[[fault]]
name = "serial-resume"
backend = "serial"
inject = "kill:after=30"
resume = true
expect = "resumed"
[[fault]]
name = "hang-detect"
backend = "mpi"
ranks = 3
inject = "hang:rank=1,after=5"
ft = "detect"
timeout = 0.5
expect = "detected"
[[fault]]
name = "omp-hang"
backend = "omp"
threads = 2
inject = "hang:thread=1,after=5"
expect = "hung-and-killed"
[[fault]]
name = "wrong-expectation"
backend = "omp"
threads = 2
inject = "kill:thread=1,after=5"
expect = "recovered"
""")
        r = self.sweep("--no-build", "--preset", preset, env={"OMP_WAIT_POLICY": "passive"}, timeout=200)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)       # one scenario did not do what it expected
        recs = {x["sweep"]["fault"]["name"]: x for x in self.records()}
        self.assertEqual(set(recs), {"serial-resume", "hang-detect", "omp-hang", "wrong-expectation"})
        outcome = {k: x["sweep"]["fault"]["outcome"] for k, x in recs.items()}
        self.assertEqual(outcome, {"serial-resume": "resumed", "hang-detect": "detected",
                                   "omp-hang": "hung-and-killed", "wrong-expectation": "aborted"})
        for name in ("serial-resume", "hang-detect", "omp-hang"):
            self.assertIsNone(recs[name]["sweep"]["failure"], name)
        self.assertIn("expected recovered, got aborted", recs["wrong-expectation"]["sweep"]["failure"])
        self.assertTrue(recs["serial-resume"]["validated"])
        self.assertGreater(recs["serial-resume"]["fault"]["tasks"]["from_checkpoint"], 0)
        self.assertGreater(recs["hang-detect"]["sweep"]["fault"]["detect_s"], 0.4)
        self.assertIn("hung-and-killed", r.stdout)                    # the outcome table


if __name__ == "__main__":
    unittest.main()
