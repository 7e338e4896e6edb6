"""bench/sweep --launcher smpi (docs/simulation.md): the platform file, the refusals, and real
sweeps of the SMPI build (cmake/smpi.cmake) whose records say they are simulated and on which platform,
with the serial baseline under smpirun, --resume, and simulated runs that fail.

The real sweeps need the SMPI executables: TRIOBENCH_SMPI_BUILD_DIR, else <TRIOBENCH_BUILD_DIR>/smpi
(ctest's smpi.build makes it), else build-smpi in the repository. Without them those tests are
skipped, or fail when TRIOBENCH_REQUIRE_SMPI=1."""

import hashlib
import json
import os
import shutil
import subprocess
import unittest

from helpers import BENCH, SweepCase
from tbcommon.errors import UserError
from triobench_sweep import runner, runs, smpi

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
        hosts, config = smpi.read_platform(PLATFORM)
        self.assertEqual(len(hosts), 32)
        self.assertEqual(hosts[0], ("node-0", 32))
        self.assertEqual(hosts[-1], ("node-31", 32))
        self.assertEqual(config["smpi/coll-selector"], "mpich")

    def test_hosts_and_clusters_in_document_order(self):
        path = self.write('<platform version="4.1"><zone id="z" routing="Full">'
                          '<host id="front" speed="1Gf"/><cluster id="c" prefix="n" suffix=".x" radical="2-3,7" '
                          'core="4" speed="1Gf" bw="1GBps" lat="1us"/></zone></platform>')
        hosts, config = smpi.read_platform(path)
        self.assertEqual(hosts, [("front", 1), ("n2.x", 4), ("n3.x", 4), ("n7.x", 4)])
        self.assertEqual(config, {})
        launcher = smpi.Smpi("/usr/bin/smpirun", "", path)
        self.assertEqual(launcher.capacity()[0], 13)           # 1 + 3 x 4
        self.assertEqual(launcher.host_names(3), ["front", "n2.x", "n2.x"])
        argv, _ = launcher.command(3, 1, False, ["exe", "stencil"])
        self.addCleanup(os.unlink, launcher.hostfile)
        self.assertIn("--cfg=smpi/coll-selector:mpich", argv)    # the platform does not choose
        self.assertIn("--cfg=smpi/iprobe:1e-7", argv)
        shipped, _ = smpi.Smpi("/usr/bin/smpirun", "", PLATFORM).command(3, 1, False, ["exe"])
        self.assertEqual([a for a in shipped if a.startswith("--cfg")], ["--cfg=smpi/iprobe:1e-7"])   # it chooses
        with open(argv[argv.index("-hostfile") + 1]) as f:
            self.assertEqual(f.read().split(), ["front"] + ["n2.x"] * 4 + ["n3.x"] * 4 + ["n7.x"] * 4)

    def test_the_platform_record(self):
        """What every record's sweep.platform and meta.json's launch.platform carry (CONTRACT15 2)."""
        launcher = smpi.Smpi("/usr/bin/smpirun", "SimGrid version 3.32\n", PLATFORM)
        with open(PLATFORM, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        self.assertEqual(launcher.platform_record(),
                         {"name": "cluster-ib", "file": PLATFORM, "sha256": sha, "hosts": 32, "cores": 1024,
                          "coll_selector": "mpich", "simgrid": "3.32"})
        self.assertEqual(smpi.summary_text(launcher.platform_record()),
                         "simulated on cluster-ib: 1,024 cores (32 hosts), SimGrid 3.32, collectives mpich")

    def test_bad_platforms(self):
        for text, fragment in (("<platform><zone", "is not XML"),
                               ('<platform><zone id="z"/></platform>', "describes no host"),
                               ('<platform><host id="a" core="many"/></platform>', "not a number")):
            with self.assertRaises(UserError) as e:
                smpi.read_platform(self.write(text))
            self.assertIn(fragment, str(e.exception))
        with self.assertRaises(UserError) as e:
            smpi.read_platform(os.path.join(self.tmp, "none.xml"))
        self.assertIn("cannot read platform", str(e.exception))


class Refusals(SweepCase):
    """One line on stderr, exit 2, before anything runs."""

    def smpi(self, *args):
        return self.sweep("--launcher", "smpi", "--platform", PLATFORM, "--kernels", "stencil", *args)

    def test_threads_are_refused(self):
        for b in ("hybrid", "omp"):
            self.assertOneLineError(self.smpi("--backends", f"mpi,{b}"), f"does not run {b}",
                                    "MPI_THREAD_SINGLE")

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


class SmpiCase(SweepCase):
    """A sweep case whose build is the SMPI build (skipped without it, unless TRIOBENCH_REQUIRE_SMPI=1)."""

    def setUp(self):
        super().setUp()
        self.build = smpi_build()
        if not (self.build and shutil.which("smpirun")):
            if os.environ.get("TRIOBENCH_REQUIRE_SMPI") == "1":
                self.fail("TRIOBENCH_REQUIRE_SMPI=1 but there is no SMPI build (cmake --preset smpi) or smpirun")
            self.skipTest("no SMPI build (cmake --preset smpi) or no smpirun (apt-get install libsimgrid-dev)")
        self.env["PATH"] = os.environ.get("PATH", "")


class RealSmpi(SmpiCase):
    def smpi(self, *args, timeout=300, backends="mpi"):
        return self.sweep("--launcher", "smpi", "--platform", PLATFORM, "--backends", backends, "--no-build",
                          *args, timeout=timeout)

    def meta(self, folder=None):
        with open(os.path.join(folder or self.out, "meta.json")) as f:
            return json.load(f)

    def test_records_say_simulated(self):
        """The serial baseline runs under smpirun -np 1 (its SMPI executable runs only there), and every
        record, the serial one included, carries the platform."""
        r = self.smpi("--kernels", "stencil", "--size", "200", "--pes", "4,16", "--reps", "1", "--iters", "3",
                      backends="serial,mpi")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("simulated on cluster-ib: 1,024 cores (32 hosts), SimGrid", r.stdout)
        recs = self.records()
        self.assertEqual(sorted((x["backend"], x["ranks"]) for x in recs), [("mpi", 4), ("mpi", 16), ("serial", 1)])
        meta = self.meta()
        platform = meta["launch"]["platform"]
        self.assertEqual((platform["name"], platform["file"], platform["hosts"], platform["cores"]),
                         ("cluster-ib", PLATFORM, 32, 1024))
        self.assertTrue(meta["simulated"].startswith("simulated on cluster-ib: 1,024 cores"), meta["simulated"])
        for rec in recs:
            self.assertIs(rec["validated"], True)
            self.assertIsNone(rec["sweep"]["failure"])
            self.assertIn("-DTRIOBENCH_SIMULATED=1", rec["build"]["flags"])
            if rec["backend"] == "mpi":
                self.assertTrue(rec["build"]["mpi_library"].startswith("SMPI"), rec["build"]["mpi_library"])
            self.assertIn(f"-platform {PLATFORM}", rec["sweep"]["command"])
            self.assertIn(f"smpirun -np {rec['ranks']} ", rec["sweep"]["command"])
            self.assertFalse(rec["sweep"]["oversubscribed"])
            self.assertEqual(rec["sweep"]["platform"], platform)
        self.assertIn("triobench-serial", next(x for x in recs if x["backend"] == "serial")["sweep"]["command"])
        mpi = meta["mpi"]
        self.assertIs(mpi["simulated"], True)
        self.assertEqual(mpi["coll_selector"], "mpich")
        self.assertEqual((mpi["platform"]["hosts"], mpi["platform"]["cores"]), (32, 1024))
        self.assertIn("SimGrid", mpi["version"])
        with open(os.path.join(self.out, "summary.json")) as f:
            rows = json.load(f)["configurations"]
        self.assertEqual(sorted(x["speedup"] is not None for x in rows), [True] * 3)   # the baseline is there

    def drop_last_run(self):
        """Leave the folder as an interrupted sweep would: its last record gone."""
        path = os.path.join(self.out, "results.jsonl")
        with open(path) as f:
            lines = f.readlines()
        with open(path, "w") as f:
            f.writelines(lines[:-1])
        return json.loads(lines[-1])

    def resume_elsewhere(self):
        """--resume from another folder: the relative platform path is the first session's folder's."""
        return subprocess.run(self.sweep_cmd("--resume", self.out, "--no-build", out=False), cwd=self.tmp,
                              env=self.env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)

    def test_resume_reads_the_platform_from_meta(self):
        r = subprocess.run(self.sweep_cmd("--launcher", "smpi", "--platform", os.path.relpath(PLATFORM, REPO),
                                          "--backends", "mpi", "--no-build", "--kernels", "stencil", "--size", "100",
                                          "--pes", "2,4", "--reps", "1", "--iters", "2"),
                           cwd=REPO, env=self.env, capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        platform = self.meta()["launch"]["platform"]
        self.assertEqual(platform["file"], "platforms/cluster-ib.xml")       # as given
        gone = self.drop_last_run()
        r = self.resume_elsewhere()
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        again = [x for x in self.records() if x["sweep"]["config_id"] == gone["sweep"]["config_id"]]
        self.assertEqual(len(again), 1)
        self.assertEqual(again[0]["sweep"]["platform"], platform)
        self.assertIn(f"-platform {PLATFORM}", again[0]["sweep"]["command"])

    def test_resume_of_a_folder_that_kept_the_platform_as_hostfile(self):
        """Folders written before launch.platform carried the platform in launch.hostfile."""
        r = self.smpi("--kernels", "stencil", "--size", "100", "--pes", "2", "--reps", "2", "--iters", "2")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        meta = self.meta()
        platform = meta["launch"].pop("platform")
        meta["launch"]["hostfile"] = PLATFORM
        del meta["simulated"]
        with open(os.path.join(self.out, "meta.json"), "w") as f:
            json.dump(meta, f)
        self.drop_last_run()
        r = self.resume_elsewhere()
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        meta = self.meta()
        self.assertEqual(meta["launch"]["platform"], platform)
        self.assertIsNone(meta["launch"]["hostfile"])
        self.assertEqual([x["sweep"].get("platform") for x in self.records()], [platform, platform])

    def test_a_simulated_run_that_fails_is_failed(self):
        """stencil's grid of 3 points cannot hold a radius-2 star: the kernel's error, the sweep's failure."""
        r = self.smpi("--kernels", "stencil", "--size", "3", "--pes", "4", "--reps", "1")
        self.assertEqual(r.returncode, 1, r.stderr + r.stdout)
        (rec,) = self.records()
        self.assertRegex(rec["sweep"]["failure"], r"^exit status 2: triobench-mpi: error: --size 3 is too small")
        self.assertIs(rec["validated"], False)
        self.assertEqual(rec["sweep"]["platform"]["name"], "cluster-ib")

    def ep_dynamic_seconds(self, platform):
        """Simulated seconds of ep's master-worker run on one rank (the master alone, probing for
        workers between its batches)."""
        base = os.path.join(self.tmp, "ep")
        argv, env = smpi.select(platform).command(1, 1, False, [
            os.path.join(self.build, "bin", "triobench-mpi"), "ep", "--m", "23", "--schedule", "dynamic",
            "--chunk", "1", "--json", base + ".jsonl", "--quiet"])
        if os.path.exists(base + ".jsonl"):
            os.unlink(base + ".jsonl")
        outcome = runner.run_job(argv, env, 120, base, "simsweep-test")
        (rec,) = runs.read_records(base + ".jsonl")
        self.assertIsNone(runs.classify(outcome, [rec], 120, simulated=True))
        return rec["time"]["median"]

    def test_a_probe_costs_what_the_launcher_says(self):
        """SMPI's default 100 us of simulated time per MPI_Iprobe made this run 7x longer (measured: 0.94 s
        against 0.12 s); the launcher's smpi/iprobe:1e-7 applies unless the platform's <config> sets it."""
        with open(PLATFORM) as f:
            text = f.read()
        default = os.path.join(self.tmp, "default-probe.xml")
        with open(default, "w") as f:
            f.write(text.replace("<config id=\"General\">",
                                 "<config id=\"General\">\n    <prop id=\"smpi/iprobe\" value=\"1e-4\"/>"))
        self.assertLess(2 * self.ep_dynamic_seconds(PLATFORM), self.ep_dynamic_seconds(default))

    def test_a_run_that_ends_in_mpi_abort_is_failed_whatever_its_status(self):
        """A hung worker under --ft detect ends the simulation with MPI_Abort: smpirun (SimGrid 3.32)
        exits 0, and the run wrote a record (not validated). Classified as the sweep classifies a run."""
        launcher = smpi.select(PLATFORM)
        base = os.path.join(self.tmp, "abort")
        argv, env = launcher.command(3, 1, False, [os.path.join(self.build, "bin", "triobench-mpi"), "ep",
                                                   "--m", "20", "--schedule", "dynamic", "--chunk", "1",
                                                   "--inject-fault", "hang:rank=1,after=2", "--ft", "detect",
                                                   "--ft-timeout", "1", "--json", base + ".jsonl", "--quiet"])
        outcome = runner.run_job(argv, env, 120, base, "simsweep-test")
        records = runs.read_records(base + ".jsonl")
        failure = runs.classify(outcome, records, 120, simulated=True)
        self.assertIsNotNone(failure)
        if outcome.returncode == 0:        # SimGrid 3.32; a later SMPI build may pass the status on
            self.assertRegex(failure, r"^aborted \(MPI_Abort; smpirun exits 0\): triobench-mpi: error: worker "
                                      r"rank 1 lost")
        self.assertIsNotNone(runs.classify(outcome, [dict(r, validated=True) for r in records], 120,
                                           simulated=True))

    def test_1024_pes_fit_the_platform(self):
        """Capacity is the platform's 1,024 cores: no --allow-oversubscribe, nothing oversubscribed."""
        r = self.smpi("--kernels", "stencil", "--pes", "1024", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("stencil.mpi.1024x1", r.stdout)
        self.assertNotIn("[oversubscribed]", r.stdout)
        r = self.smpi("--kernels", "stencil", "--pes", "1025", "--dry-run")
        self.assertOneLineError(r, "1025 PEs", "more than the 1024 simulated cores of cluster-ib.xml")

    def test_a_hung_worker_is_detected_and_reassigned(self):
        """bench/sweep --preset sim-faults: the preset carries its launcher and platform."""
        r = self.sweep("--preset", "sim-faults", "--no-build", timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        outcomes = {rec["sweep"]["fault"]["name"]: (rec["sweep"]["fault"]["outcome"], rec.get("validated"))
                    for rec in self.records()}
        self.assertEqual(outcomes, {"mpi-hang-detect": ("detected", False),
                                    "mpi-hang-reassign": ("recovered", True)})
        self.assertEqual({rec["sweep"]["platform"]["file"] for rec in self.records()}, {PLATFORM})


if __name__ == "__main__":
    unittest.main()
