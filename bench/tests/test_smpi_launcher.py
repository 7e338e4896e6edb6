"""bench/sweep --launcher smpi (docs/simulation.md): the platform file, the refusals, and real
sweeps of the SMPI build (cmake/smpi.cmake) whose records say they are simulated.

The real sweeps need the SMPI executables: TRIOBENCH_SMPI_BUILD_DIR, else <TRIOBENCH_BUILD_DIR>/smpi
(ctest's smpi.build makes it), else build-smpi in the repository. Without them those tests are
skipped, or fail when TRIOBENCH_REQUIRE_SMPI=1."""

import json
import os
import shutil
import unittest

from helpers import BENCH, SweepCase
from tbcommon.errors import UserError
from triobench_sweep import launchers

REPO = os.path.dirname(BENCH)
PLATFORM = os.path.join(REPO, "platforms", "cluster-ib.xml")


def smpi_build():
    for d in (os.environ.get("TRIOBENCH_SMPI_BUILD_DIR"),
              os.environ.get("TRIOBENCH_BUILD_DIR") and os.path.join(os.environ["TRIOBENCH_BUILD_DIR"], "smpi"),
              os.path.join(REPO, "build-smpi")):
        if d and os.access(os.path.join(d, "bin", "triobench-mpi"), os.X_OK):
            return d
    return None


class Platform(SweepCase):
    def write(self, text):
        path = os.path.join(self.tmp, "p.xml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_the_shipped_cluster(self):
        """32 nodes (radical 0-31) of 32 cores: 1,024 simulated cores, in order, and its <config>."""
        hosts, config = launchers.read_platform(PLATFORM)
        self.assertEqual(len(hosts), 32)
        self.assertEqual(hosts[0], ("node-0", 32))
        self.assertEqual(hosts[-1], ("node-31", 32))
        self.assertEqual(config["smpi/coll-selector"], "mpich")

    def test_hosts_and_clusters_in_document_order(self):
        path = self.write('<platform version="4.1"><zone id="z" routing="Full">'
                          '<host id="front" speed="1Gf"/><cluster id="c" prefix="n" suffix=".x" radical="2-3,7" '
                          'core="4" speed="1Gf" bw="1GBps" lat="1us"/></zone></platform>')
        hosts, config = launchers.read_platform(path)
        self.assertEqual(hosts, [("front", 1), ("n2.x", 4), ("n3.x", 4), ("n7.x", 4)])
        self.assertEqual(config, {})
        launcher = launchers.Smpi("/usr/bin/smpirun", "", path)
        self.assertEqual(launcher.capacity()[0], 13)           # 1 + 3 x 4
        self.assertEqual(launcher.host_names(3), ["front", "n2.x", "n2.x"])
        argv, _ = launcher.command(3, 1, False, ["exe", "stencil"])
        self.addCleanup(os.unlink, launcher.hostfile)
        self.assertIn("--cfg=smpi/coll-selector:mpich", argv)    # the platform does not choose
        with open(argv[argv.index("-hostfile") + 1]) as f:
            self.assertEqual(f.read().split(), ["front"] + ["n2.x"] * 4 + ["n3.x"] * 4 + ["n7.x"] * 4)

    def test_bad_platforms(self):
        for text, fragment in (("<platform><zone", "is not XML"),
                               ('<platform><zone id="z"/></platform>', "describes no host"),
                               ('<platform><host id="a" core="many"/></platform>', "not a number")):
            with self.assertRaises(UserError) as e:
                launchers.read_platform(self.write(text))
            self.assertIn(fragment, str(e.exception))
        with self.assertRaises(UserError) as e:
            launchers.read_platform(os.path.join(self.tmp, "none.xml"))
        self.assertIn("cannot read platform", str(e.exception))


class Refusals(SweepCase):
    """One line on stderr, exit 2, before anything runs."""

    def smpi(self, *args):
        return self.sweep("--launcher", "smpi", "--platform", PLATFORM, "--kernels", "stencil", *args)

    def test_threads_are_refused(self):
        for b in ("hybrid", "omp"):
            self.assertOneLineError(self.smpi("--backends", f"mpi,{b}"), f"does not run {b}",
                                    "MPI_THREAD_SINGLE")

    def test_serial_is_refused_for_now(self):
        self.assertOneLineError(self.smpi("--backends", "serial,mpi"), "does not run serial yet")

    def test_kill_and_exit_faults_are_refused(self):
        for kind in ("kill", "exit"):
            preset = os.path.join(self.tmp, f"{kind}.toml")
            with open(preset, "w") as f:
                f.write(f'kernels = ["ep"]\nbackends = ["mpi"]\n[[fault]]\nname = "x"\nbackend = "mpi"\n'
                        f'ranks = 3\ninject = "{kind}:rank=1,after=5"\nft = "reassign"\n')
            r = self.sweep("--preset", preset, "--launcher", "smpi", "--platform", PLATFORM)
            self.assertOneLineError(r, f"--inject-fault {kind} does not go with --launcher smpi")

    def test_options_that_do_not_go_together(self):
        self.assertOneLineError(self.sweep("--platform", PLATFORM, "--backends", "mpi"),
                                "--platform goes with --launcher smpi")
        self.assertOneLineError(self.smpi("--backends", "mpi", "--hostfile", PLATFORM),
                                "--hostfile does not go with --launcher smpi")
        self.assertOneLineError(self.smpi("--backends", "mpi", "--transports", "tcp"),
                                "--transports does not go with --launcher smpi")
        self.assertOneLineError(self.smpi("--backends", "mpi", "--submit"),
                                "--submit does not go with --launcher smpi")
        self.assertOneLineError(self.sweep("--resume", self.tmp, "--platform", PLATFORM, out=False),
                                "--resume takes the plan from FOLDER/meta.json: drop --platform")

    def test_a_platform_is_needed(self):
        r = self.sweep("--launcher", "smpi", "--backends", "mpi", "--kernels", "stencil")
        self.assertOneLineError(r, "--launcher smpi needs --platform FILE")


class RealSmpi(SweepCase):
    def setUp(self):
        super().setUp()
        self.build = smpi_build()
        if not (self.build and shutil.which("smpirun")):
            if os.environ.get("TRIOBENCH_REQUIRE_SMPI") == "1":
                self.fail("TRIOBENCH_REQUIRE_SMPI=1 but there is no SMPI build (cmake --preset smpi) or smpirun")
            self.skipTest("no SMPI build (cmake --preset smpi) or no smpirun (apt-get install libsimgrid-dev)")
        self.env["PATH"] = os.environ.get("PATH", "")

    def smpi(self, *args, timeout=300):
        return self.sweep("--launcher", "smpi", "--platform", PLATFORM, "--backends", "mpi", "--no-build",
                          *args, timeout=timeout)

    def test_records_say_simulated(self):
        r = self.smpi("--kernels", "stencil", "--size", "200", "--pes", "4,16", "--reps", "1", "--iters", "3")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        recs = self.records()
        self.assertEqual(sorted(x["ranks"] for x in recs), [4, 16])
        for rec in recs:
            self.assertIs(rec["validated"], True)
            self.assertIn("-DTRIOBENCH_SIMULATED=1", rec["build"]["flags"])
            self.assertTrue(rec["build"]["mpi_library"].startswith("SMPI"), rec["build"]["mpi_library"])
            self.assertIn(f"-platform {PLATFORM}", rec["sweep"]["command"])
            self.assertFalse(rec["sweep"]["oversubscribed"])
        with open(os.path.join(self.out, "meta.json")) as f:
            mpi = json.load(f)["mpi"]
        self.assertIs(mpi["simulated"], True)
        self.assertEqual(mpi["coll_selector"], "mpich")
        self.assertEqual((mpi["platform"]["hosts"], mpi["platform"]["cores"]), (32, 1024))
        self.assertIn("SimGrid", mpi["version"])

    def test_1024_pes_fit_the_platform(self):
        """Capacity is the platform's 1,024 cores: no --allow-oversubscribe, nothing oversubscribed."""
        r = self.smpi("--kernels", "stencil", "--pes", "1024", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("stencil.mpi.1024x1", r.stdout)
        self.assertNotIn("[oversubscribed]", r.stdout)
        r = self.smpi("--kernels", "stencil", "--pes", "1025", "--dry-run")
        self.assertOneLineError(r, "1025 PEs", "more than the 1024 simulated cores of cluster-ib.xml")

    def test_a_hung_worker_is_detected_and_reassigned(self):
        r = self.sweep("--preset", "sim-faults", "--launcher", "smpi", "--platform", PLATFORM, "--no-build",
                       timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        outcomes = {rec["sweep"]["fault"]["name"]: (rec["sweep"]["fault"]["outcome"], rec.get("validated"))
                    for rec in self.records()}
        self.assertEqual(outcomes, {"mpi-hang-detect": ("detected", False),
                                    "mpi-hang-reassign": ("recovered", True)})


if __name__ == "__main__":
    unittest.main()
