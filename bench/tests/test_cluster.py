"""Beyond one machine: transports, the MPI library of the executables, Slurm (srun, --submit).

The real thing (network namespaces, a real Slurm, MPICH) is tested by
tests/multihost and tests/slurm; these tests use test doubles of ldd, mpirun,
srun and sbatch, so they need no MPI, no Slurm and no build.
"""

import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import FAKE_MPIRUN, SweepCase, _script  # noqa: E402

from tbcommon.models import BACKENDS  # noqa: E402
from triobench_sweep import batch, launchers, options, plan  # noqa: E402
from tbcommon.errors import UserError  # noqa: E402

FAKE_SBATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_sbatch.py")
LDD = {"openmpi": "\tlibmpi.so.40 => /lib/libmpi.so.40 (0x1)\n\tlibopen-pal.so.40 => /lib/libopen-pal.so.40 (0x2)\n",
       "mpich": "\tlibmpich.so.12 => /lib/libmpich.so.12 (0x1)\n\tlibucp.so.0 => /lib/libucp.so.0 (0x2)\n",
       "none": "\tlibc.so.6 => /lib/libc.so.6 (0x1)\n"}


class PathCase(unittest.TestCase):
    """A temporary folder with fake tools first on PATH."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="triobench-cluster-test-")
        self.addCleanup(__import__("shutil").rmtree, self.tmp, True)
        self.bin = os.path.join(self.tmp, "bin")
        os.makedirs(self.bin)
        old = os.environ["PATH"]
        os.environ["PATH"] = self.bin + os.pathsep + old
        self.addCleanup(os.environ.__setitem__, "PATH", old)
        for k in [k for k in os.environ if k.startswith(("SLURM_", "OMPI_MCA_btl_tcp", "UCX_NET"))]:
            self.addCleanup(os.environ.__setitem__, k, os.environ.pop(k))

    def tool(self, name, body):
        _script(os.path.join(self.bin, name), body)

    def build_with(self, library, cmake_mpiexec=None):
        build = os.path.join(self.tmp, f"build-{library}")
        os.makedirs(os.path.join(build, "bin"), exist_ok=True)
        for b in ("mpi", "hybrid"):
            _script(os.path.join(build, "bin", f"triobench-{b}"), "exit 0")
        self.tool("ldd", f"printf '{LDD[library]}'")
        if cmake_mpiexec:
            with open(os.path.join(build, "CMakeCache.txt"), "w") as f:
                f.write(f"MPIEXEC_EXECUTABLE:FILEPATH={cmake_mpiexec}\n")
        return build

    def mpirun(self, name, flavour):
        text = "mpirun (Open MPI) 4.1.4" if flavour == "openmpi" else "HYDRA build details:"
        self.tool(name, f"echo '{text}'")
        return os.path.join(self.bin, name)


class Library(PathCase):
    def test_library_from_ldd(self):
        for lib in ("openmpi", "mpich"):
            build = self.build_with(lib)
            self.assertEqual(launchers.binary_library(os.path.join(build, "bin", "triobench-mpi")), lib)
            self.assertEqual(launchers.library_of_build(build), lib)
        self.build_with("none")
        self.assertIsNone(launchers.library_of_build(os.path.join(self.tmp, "build-none")))
        self.assertIsNone(launchers.binary_library(os.path.join(self.tmp, "no-such-file")))

    def test_the_launcher_follows_the_library_not_path(self):
        self.mpirun("mpirun", "openmpi")                 # Debian's alternative: Open MPI first
        mpich = self.mpirun("mpiexec.mpich", "mpich")
        build = self.build_with("mpich")
        chosen = launchers.select("auto", 2, env={}, build_dir=build)
        self.assertEqual((chosen.path, chosen.flavour, chosen.library), (mpich, "mpich", "mpich"))
        self.assertIn("-bind-to", chosen.command(2, 1, False, ["exe"])[0])
        build = self.build_with("openmpi")
        chosen = launchers.select("auto", 2, env={}, build_dir=build)
        self.assertEqual((chosen.flavour, chosen.library), ("openmpi", "openmpi"))

    def test_cmake_cache_names_the_launcher(self):
        self.mpirun("mpirun", "openmpi")
        mine = self.mpirun("my-mpiexec", "mpich")
        build = self.build_with("mpich", cmake_mpiexec=mine)
        self.assertEqual(launchers.select("mpirun", 2, env={}, build_dir=build).path, mine)

    def test_missing_launcher_for_the_library(self):
        self.mpirun("mpirun", "openmpi")
        build = self.build_with("mpich")
        names = {"mpich": ("mpirun", "no-such-mpiexec.mpich")}     # this machine may have the real one
        with mock.patch.dict(launchers.LAUNCHER_NAMES, names), self.assertRaises(UserError) as e:
            launchers.select("auto", 2, env={}, build_dir=build)
        self.assertIn("install mpich", str(e.exception))


class Transports(PathCase):
    def test_openmpi(self):
        lo = launchers.OpenMPI("mpirun", "", 4)
        argv, env = lo.command(2, 1, False, ["exe"], transport="shm")
        self.assertIn("--mca pml ob1 --mca btl self,vader", " ".join(argv))
        argv, env = lo.command(2, 1, False, ["exe"], transport="tcp")
        self.assertIn("--mca pml ob1 --mca btl self,tcp --mca btl_tcp_if_include lo", " ".join(argv))
        self.assertEqual(argv[-1], "exe")
        argv, _ = lo.command(2, 1, False, ["exe"])
        self.assertNotIn("--mca", argv)
        os.environ["OMPI_MCA_btl_tcp_if_include"] = "eth1"     # the user's choice of interface is kept
        self.addCleanup(os.environ.pop, "OMPI_MCA_btl_tcp_if_include")
        self.assertNotIn("lo", lo.command(2, 1, False, ["exe"], transport="tcp")[0])

    def test_several_hosts(self):
        hosts = os.path.join(self.tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("node1 slots=2\nnode2 slots=2\n")
        lo = launchers.OpenMPI("mpirun", "", 4, hostfile=hosts)
        self.assertEqual(lo.hosts(), 2)
        argv, _ = lo.command(4, 1, False, ["exe"], transport="tcp")
        self.assertNotIn("btl_tcp_if_include", argv)               # between hosts: not loopback
        lo.check_transports(["tcp"])
        with self.assertRaises(UserError) as e:
            lo.check_transports(["shm", "tcp"])
        self.assertIn("one host", str(e.exception))

    def test_mpich(self):
        m = launchers.MPICH("mpiexec", "HYDRA", 4)
        _, env = m.command(2, 1, False, ["exe"], transport="tcp")
        self.assertEqual((env["MPIR_CVAR_NOLOCAL"], env["UCX_TLS"], env["UCX_NET_DEVICES"]), ("1", "self,tcp", "lo"))
        _, env = m.command(2, 1, False, ["exe"], transport="shm")
        self.assertEqual(env["MPIR_CVAR_NOLOCAL"], "0")

    def test_srun_sets_the_library_variables(self):
        s = launchers.Srun("srun", "", 4, library="openmpi", plugin="pmix")
        argv, env = s.command(2, 1, False, ["exe"], transport="shm")
        self.assertEqual(argv[:4], ["srun", "-n", "2", "--mpi=pmix"])
        self.assertEqual((env["OMPI_MCA_pml"], env["OMPI_MCA_btl"]), ("ob1", "self,vader"))
        s = launchers.Srun("srun", "", 4, library="mpich", plugin="pmi2")
        self.assertEqual(s.command(2, 1, False, ["exe"], transport="tcp")[1]["MPIR_CVAR_NOLOCAL"], "1")

    def test_unknown_library(self):
        with self.assertRaises(UserError) as e:
            launchers.MpiLauncher("mpirun", "", 4).check_transports(["tcp"])
        self.assertIn("Open MPI or MPICH", str(e.exception))

    def test_plan_runs_mpi_and_hybrid_once_per_transport(self):
        stencil = {"name": "stencil", "size_param": "n", "params": [{"name": "n", "type": "int", "default": 100}]}
        cat = {b: {"stencil": stencil} for b in BACKENDS}
        s = options.settings_from(options.parse_args(["--kernels", "stencil", "--pes", "2", "--shapes", "2x1",
                                                      "--transports", "shm,tcp"]))
        p = plan.build_plan(s, cat, {b: 2 for b in BACKENDS}, warn=lambda t: None)
        ids = [c.config_id for c in p.configs]
        self.assertEqual(ids, ["stencil.serial.1x1.n=100", "stencil.omp.1x2.n=100",
                               "stencil.mpi.2x1.n=100.transport=shm", "stencil.mpi.2x1.n=100.transport=tcp",
                               "stencil.hybrid.2x1.n=100.transport=shm", "stencil.hybrid.2x1.n=100.transport=tcp"])
        self.assertEqual(plan.Config.from_dict(p.configs[3].to_dict()).transport, "tcp")
        for bad in (["--transports", "ib"], ["--transports", ""]):
            with self.assertRaises(UserError):
                options.settings_from(options.parse_args(bad))


class Slurm(PathCase):
    def test_srun_plugin_follows_the_library(self):
        self.tool("srun", "printf 'MPI plugin types are...\\n\\tpmix\\n\\tnone\\n\\tpmi2\\n"
                          "specific pmix plugin versions available: pmix_v4\\n'")
        self.assertEqual(launchers.srun_plugins("srun"), ["pmix", "none", "pmi2", "pmix_v4"])
        env = {"SLURM_JOB_ID": "7"}
        for lib, plugin in (("openmpi", "pmix"), ("mpich", "pmi2")):
            chosen = launchers.select("slurm", 2, env=env, build_dir=self.build_with(lib))
            self.assertEqual((chosen.name, chosen.flavour, chosen.plugin), ("slurm", "slurm", plugin))
            self.assertIn(f"--mpi={plugin}", chosen.command(2, 1, False, ["exe"])[0])
        self.assertEqual(launchers.select("auto", 2, env=env, build_dir=self.build_with("mpich")).plugin, "pmi2")

    def test_mpirun_when_srun_lacks_the_plugin(self):
        self.tool("srun", "printf 'MPI plugin types are...\\n\\tnone\\n'")
        self.mpirun("mpirun", "openmpi")
        chosen = launchers.select("slurm", 2, env={"SLURM_JOB_ID": "7"}, build_dir=self.build_with("openmpi"))
        self.assertEqual((chosen.name, chosen.flavour), ("slurm", "openmpi"))
        os.environ["SLURM_JOB_NUM_NODES"] = "2"             # its runs may cross nodes: no shm
        self.addCleanup(os.environ.pop, "SLURM_JOB_NUM_NODES")
        with self.assertRaises(UserError):
            chosen.check_transports(["shm"])
        self.assertNotIn("btl_tcp_if_include", chosen.command(2, 1, False, ["exe"], transport="tcp")[0])

    def test_slurm_needs_an_allocation(self):
        self.tool("srun", "exit 0")
        with self.assertRaises(UserError) as e:
            launchers.select("slurm", 2, env={})
        self.assertIn("--submit", str(e.exception))

    def test_job_argv_drops_the_submitting_options(self):
        argv = ["--submit", "--wait", "--kernels", "stencil", "--out", "x", "--sbatch-args=--time=5",
                "--launcher", "auto", "--build-dir=b", "--pes", "1,2", "--dry-run", "--no-build"]
        self.assertEqual(batch.job_argv(argv), ["--kernels", "stencil", "--pes", "1,2"])


class Submit(SweepCase):
    """--submit end to end with sbatch's and srun's test doubles (the job runs at once)."""

    def setUp(self):
        super().setUp()
        _script(os.path.join(self.fakebin, "sbatch"), f'exec "{sys.executable}" "{FAKE_SBATCH}" "$@"')
        _script(os.path.join(self.fakebin, "srun"),
                'if [ "$1" = --mpi=list ]; then printf "MPI plugin types are...\\n\\tpmix\\n"; exit 0; fi\n'
                f'exec "{sys.executable}" "{FAKE_MPIRUN}" "$@"')
        self.env["FAKE_SBATCH_LOG"] = os.path.join(self.tmp, "sbatch.log")
        _script(os.path.join(self.fakebin, "ldd"), f"printf '{LDD['openmpi']}'")    # built with Open MPI

    def test_submit_wait_collects_the_results(self):
        r = self.sweep("--submit", "--wait", "--kernels", "stencil", "--pes", "1,2", "--reps", "1",
                       "--size", "100", "--transports", "shm,tcp", "--sbatch-args=--partition=debug")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("submitted Slurm job 4242", r.stderr)
        self.assertIn("stencil  mpi tcp", r.stdout)                  # the summary table, per transport
        with open(os.path.join(self.out, batch.SCRIPT)) as f:
            script = f.read()
        self.assertIn("#SBATCH --ntasks=2", script)
        self.assertIn("#SBATCH --nodes=1", script)
        self.assertIn("--launcher slurm", script)
        self.assertIn("--no-build", script)
        with open(self.env["FAKE_SBATCH_LOG"]) as f:
            call = json.loads(f.readline())
        self.assertEqual(call[:3], ["--parsable", "--wait", "--partition=debug"])
        with open(os.path.join(self.out, batch.JOB_FILE)) as f:
            self.assertEqual(json.load(f)["job_id"], "4242")
        recs = self.records()
        # serial 1, omp 2, mpi 2 x 2 transports, hybrid 3 x 2 transports = 13 configs
        self.assertEqual(len(recs), 13)
        with open(os.path.join(self.out, "meta.json")) as f:
            meta = json.load(f)
        self.assertEqual((meta["mpi"]["name"], meta["mpi"]["mpi_plugin"]), ("slurm", "pmix"))
        mpi = [x for x in recs if x["backend"] == "mpi"]
        self.assertEqual({x["sweep"]["transport"] for x in mpi}, {"shm", "tcp"})
        tcp = next(x for x in mpi if x["sweep"]["transport"] == "tcp" and x["ranks"] == 2)["sweep"]["command"]
        self.assertIn("OMPI_MCA_btl=self,tcp", tcp)
        self.assertIn("srun -n 2 --mpi=pmix --cpus-per-task=1 --cpu-bind=cores", tcp)
        self.assertTrue(os.path.exists(os.path.join(self.out, "slurm-4242.out")))

    def test_submit_without_wait_returns_the_job_id(self):
        r = self.sweep("--submit", "--kernels", "stencil", "--backends", "mpi", "--pes", "2", "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("squeue -j 4242", r.stderr)

    def test_the_job_may_be_larger_than_this_machine(self):
        r = self.sweep("--submit", "--dry-run", "--kernels", "stencil", "--backends", "mpi", "--pes", "64",
                       "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("#SBATCH --ntasks=64", r.stdout)

    def test_submit_dry_run_prints_the_script(self):
        r = self.sweep("--submit", "--dry-run", "--kernels", "stencil", "--pes", "auto", "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("#SBATCH --exclusive", r.stdout)
        self.assertFalse(os.path.exists(self.env["FAKE_SBATCH_LOG"]))

    def test_sbatch_refusal_is_one_line(self):
        r = self.sweep("--submit", "--kernels", "stencil", "--pes", "2", "--reps", "1",
                       env={"FAKE_SBATCH_FAIL": "1"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("sbatch failed (exit status 1): sbatch: error: Batch job submission failed", r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_option_errors(self):
        for args, text in ((["--wait"], "--wait goes with --submit"),
                           (["--sbatch-args", "-p x"], "--sbatch-args goes with --submit"),
                           (["--launcher", "slurm", "--kernels", "stencil"], "inside a Slurm allocation")):
            self.assertOneLineError(self.sweep(*args), text)


class TransportSweep(SweepCase):
    def test_records_carry_the_transport_and_mpirun_gets_the_btls(self):
        r = self.sweep("--kernels", "stencil", "--backends", "serial,mpi", "--pes", "2", "--reps", "1",
                       "--transports", "shm,tcp")
        self.assertEqual(r.returncode, 0, r.stderr)
        recs = self.records()
        self.assertEqual(sorted(str(x["sweep"]["transport"]) for x in recs), ["None", "shm", "tcp"])
        with open(self.env["FAKE_MPIRUN_LOG"]) as f:
            calls = [" ".join(json.loads(line)) for line in f]
        self.assertTrue(any("--mca btl self,vader" in c for c in calls))
        self.assertTrue(any("--mca btl self,tcp --mca btl_tcp_if_include lo" in c for c in calls))
        with open(os.path.join(self.out, "summary.json")) as f:
            rows = json.load(f)["configurations"]
        self.assertEqual(sorted(str(x["transport"]) for x in rows), ["None", "shm", "tcp"])


if __name__ == "__main__":
    unittest.main()
