"""bench/sweep --preset sim (bench/presets/sim.toml, docs/simulation.md): what the preset carries (the
smpi launcher and its platform, stencil in both scalings, cg's own PE counts), that options override it,
its plan, and a cut-down real run of it on the SMPI build (test_smpi_launcher.smpi_build)."""

import json
import os
import unittest

import test_smpi_launcher as simulated
from helpers import SweepCase
from triobench_sweep import executables, options, presets

PLATFORM = simulated.PLATFORM


def settings(*argv):
    return options.settings_from(options.parse_args(list(argv)))


class Preset(unittest.TestCase):
    def test_it_loads_and_carries_its_launcher_and_platform(self):
        self.assertEqual(presets.load("sim")["launcher"], "smpi")
        s = settings("--preset", "sim")
        self.assertEqual((s.launcher, s.platform), ("smpi", PLATFORM))      # the source tree's, not the cwd's
        self.assertTrue(os.path.isfile(s.platform))
        self.assertEqual(s.backends, ["serial", "mpi"])
        self.assertEqual(s.pes, [1, 4, 16, 64, 256, 1024])
        self.assertEqual(s.kernel_opts["stencil"]["scaling"], ["strong", "weak"])
        self.assertGreaterEqual(s.timeout, 300)          # a 1,024-rank point takes about 2 minutes

    def test_options_override_it(self):
        other = os.path.join(os.path.dirname(PLATFORM), "other.xml")
        self.assertEqual(settings("--preset", "sim", "--platform", other).platform, other)
        s = settings("--preset", "sim", "--launcher", "mpirun")
        self.assertEqual((s.launcher, s.platform), ("mpirun", None))
        s = settings("--preset", "sim", "--scaling", "weak", "--pes", "1,2")
        self.assertTrue(s.scaling_forced and s.pes_forced)

    def test_an_smpi_build_is_configured_with_the_toolchain(self):
        """What the sweep runs when build-smpi is missing: cmake/smpi.cmake, and only the two executables
        an SMPI build has (CMakePresets.json's smpi build preset)."""
        configure, build = executables._steps("cmake", "/src", "/src/build-smpi", 2, simulated=True)
        self.assertIn("-DCMAKE_TOOLCHAIN_FILE=/src/cmake/smpi.cmake", configure)
        self.assertNotIn("-DTRIOBENCH_NATIVE=ON", configure)
        self.assertEqual(build[-3:], ["--target", "triobench-mpi", "triobench-serial"])
        with open(os.path.join(simulated.REPO, "CMakePresets.json")) as f:
            smpi = next(p for p in json.load(f)["buildPresets"] if p["name"] == "smpi")
        self.assertEqual(smpi["targets"], build[-2:])


class BadPresets(SweepCase):
    def preset(self, text):
        path = os.path.join(self.tmp, "p.toml")
        with open(path, "w") as f:
            f.write('kernels = ["stencil"]\nbackends = ["mpi"]\n' + text)
        return self.sweep("--preset", path, "--dry-run", out=False)

    def test_malformed_keys_are_one_line(self):
        for text, fragment in (('launcher = "simgrid"\n', "'launcher' must be auto, mpirun"),
                               ('platform = 3\n', "'platform' must be a SimGrid platform file"),
                               ('[kernel.stencil]\nscaling = "both"\n', "kernel.stencil.scaling must be"),
                               ('[kernel.stencil]\nsize = {strong = 1, fast = 2}\n', "kernel.stencil.size must be"),
                               ('[kernel.stencil]\npes = [0]\n', "kernel.stencil.pes must be")):
            self.assertOneLineError(self.preset(text), "malformed preset", fragment)

    def test_without_simgrid_one_line_says_what_to_install(self):
        r = self.sweep("--preset", "sim", "--dry-run", env={"PATH": self.fakebin}, out=False)
        self.assertOneLineError(r, "smpirun not found: install SimGrid (apt-get install libsimgrid-dev)")


class RealPreset(simulated.SmpiCase):
    def test_the_plan(self):
        r = self.sweep("--preset", "sim", "--dry-run", "--no-build", out=False, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = [line.strip() for line in r.stdout.splitlines() if line.startswith("  ") and "smpirun" not in line]
        self.assertIn("strong and weak scaling", r.stdout)
        self.assertIn("timeout 600 s per run", r.stdout)
        self.assertNotIn("[oversubscribed]", r.stdout)
        self.assertIn("stencil.mpi.1024x1.n=4096", ids)
        self.assertIn("stencil.mpi.1024x1.n=8192.scaling=weak", ids)    # 256 x sqrt(1024)
        self.assertIn("stencil.serial.1x1.n=256.scaling=weak", ids)     # the weak study's own baseline
        self.assertIn("ep.mpi.1024x1.m=25.chunk=1.schedule=dynamic", ids)
        self.assertEqual([i for i in ids if i.startswith("cg.mpi")],            # its own PE counts
                         ["cg.mpi.1x1.class=A", "cg.mpi.4x1.class=A", "cg.mpi.16x1.class=A",
                          "cg.mpi.64x1.class=A", "cg.mpi.256x1.class=A"])
        self.assertEqual(len(ids), 27)        # 7 + 7 stencil, 6 cg, 7 ep (serial and mpi at 1 PE each)

    def test_a_cut_down_run(self):
        """The preset at 1 and 4 ranks and tiny sizes: every run validates, stencil's weak study has its
        own records and baseline, and the sweep says where it was simulated."""
        r = self.sweep("--preset", "sim", "--pes", "1,4", "--size", "stencil=64,cg=S,ep=18", "--reps", "1",
                       "--no-build", timeout=280)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("simulated on cluster-ib: 1,024 cores", r.stdout)
        recs = self.records()
        self.assertEqual(len(recs), 12)        # stencil 2 x (serial, 1, 4 ranks), cg and ep 3 each
        self.assertTrue(all(x["validated"] is True and x["sweep"]["failure"] is None for x in recs))
        self.assertTrue(all(x["sweep"]["platform"]["name"] == "cluster-ib" for x in recs))
        weak = sorted((x["ranks"], x["params"]["n"]) for x in recs
                      if x["kernel"] == "stencil" and x["sweep"]["scaling"] == "weak")
        self.assertEqual(weak, [(1, 64), (1, 64), (4, 128)])        # 64 x sqrt(4) at 4 ranks
        with open(os.path.join(self.out, "summary.json")) as f:
            rows = json.load(f)["configurations"]
        for row in rows:
            self.assertIsNotNone(row["speedup"], row["config_id"])     # each study found its baseline
            self.assertEqual(row["scaling"], "weak" if row["config_id"].endswith("scaling=weak") else "strong")


if __name__ == "__main__":
    unittest.main()

