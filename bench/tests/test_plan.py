"""Planning: shapes, PE lists, weak-scaling sizes, presets, launchers' commands."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/

import fake_triobench  # noqa: E402
from tbcommon import catalogue  # noqa: E402
from tbcommon.models import BACKENDS  # noqa: E402
from triobench_sweep import launchers, options, plan, presets, topology  # noqa: E402
from tbcommon.errors import UserError  # noqa: E402

# The test double's catalogue: the real contract (test_real_binaries.py checks its facts against the C side).
KERNELS = fake_triobench.KERNELS
CATALOGUE = {b: {k: KERNELS[k] for k in ("stencil", "nstream", "cg", "ep", "pingpong", "barrier", "halo", "peak")}
             for b in BACKENDS}
CAP4 = {b: 4 for b in BACKENDS}


def settings(*argv):
    return options.settings_from(options.parse_args(list(argv)))


def make(*argv, catalogue=CATALOGUE, capacity=CAP4, warnings=None):
    w = warnings if warnings is not None else []
    return plan.build_plan(settings(*argv), catalogue, capacity, warn=w.append)


class Shapes(unittest.TestCase):
    def test_factorisations(self):
        self.assertEqual(plan.factorisations(1), [(1, 1)])
        self.assertEqual(plan.factorisations(4), [(1, 4), (2, 2), (4, 1)])
        self.assertEqual(plan.factorisations(6), [(1, 6), (2, 3), (3, 2), (6, 1)])
        for p in range(1, 30):
            self.assertTrue(all(r * t == p for r, t in plan.factorisations(p)))

    def test_auto_pes(self):
        self.assertEqual(plan.auto_pes(1), [1])
        self.assertEqual(plan.auto_pes(2), [1, 2])
        self.assertEqual(plan.auto_pes(6), [1, 2, 4, 6])
        self.assertEqual(plan.auto_pes(8), [1, 2, 4, 8])

    def test_physical_cores(self):
        text = ("depth 0:           1 Machine (type #0)\n depth 1:          2 Package (type #1)\n"
                "      depth 6:     16 Core (type #2)\n       depth 7:    32 PU (type #3)\n"
                "Special depth -3:  2 NUMANode (type #13)\n")
        self.assertEqual(topology.parse_hwloc_info(text), {"Machine": 1, "Package": 2, "Core": 16, "PU": 32,
                                                           "NUMANode": 2})
        n, source = topology.physical_cores()
        self.assertGreaterEqual(n, 1)
        self.assertLessEqual(n, os.cpu_count())
        self.assertTrue(source)

    def test_auto_pes_follow_capacity_per_backend(self):
        p = make("--kernels", "stencil", "--pes", "auto", capacity={"serial": 2, "omp": 2, "mpi": 8, "hybrid": 8})
        omp = [c.pes for c in p.configs if c.backend == "omp"]
        mpi = [c.pes for c in p.configs if c.backend == "mpi"]
        self.assertEqual(omp, [1, 2])
        self.assertEqual(mpi, [1, 2, 4, 8])

    def test_hybrid_all_shapes_and_list(self):
        p = make("--kernels", "stencil", "--backends", "hybrid", "--pes", "1,2,4")
        self.assertEqual([c.shape for c in p.configs], ["1x1", "1x2", "2x1", "1x4", "2x2", "4x1"])
        p = make("--kernels", "stencil", "--backends", "hybrid", "--shapes", "2x2,1x2")
        self.assertEqual([c.shape for c in p.configs], ["2x2", "1x2"])

    def test_serial_once_and_backends(self):
        p = make("--kernels", "stencil", "--pes", "2,4")
        by = {}
        for c in p.configs:
            by.setdefault(c.backend, []).append(c.shape)
        self.assertEqual(by["serial"], ["1x1"])
        self.assertEqual(by["omp"], ["1x2", "1x4"])
        self.assertEqual(by["mpi"], ["2x1", "4x1"])

    def test_min_pes_and_no_size(self):
        p = make("--kernels", "pingpong", "--pes", "1,2")
        self.assertTrue(all(c.pes >= 2 for c in p.configs))
        self.assertNotIn("serial", {c.backend for c in p.configs})
        self.assertTrue(all(c.size is None for c in p.configs))

    def test_min_ranks_for_distributed_backends_only(self):
        """Issue 14: `--kernels pingpong,barrier --pes 1,2` without a preset plans no ping-pong on
        1 PE or on 1 hybrid rank: min_pes and min_ranks come from the catalogue alone."""
        p = make("--kernels", "pingpong,barrier", "--pes", "1,2")
        shapes = {(c.backend, c.shape) for c in p.configs if c.kernel == "pingpong"}
        self.assertEqual(shapes, {("omp", "1x2"), ("mpi", "2x1"), ("hybrid", "2x1")})  # threads: the omp pair
        barrier = {(c.backend, c.shape) for c in p.configs if c.kernel == "barrier"}
        self.assertIn(("serial", "1x1"), barrier)
        self.assertIn(("hybrid", "1x2"), barrier)

    def test_one_pe_backends(self):
        """A preset's one_pe_backends = ["serial"]: the 1-PE point is the serial baseline alone; every
        model still runs at 2 PEs."""
        s = settings("--kernels", "stencil", "--pes", "1,2")
        s.one_pe_backends = ["serial"]
        p = plan.build_plan(s, CATALOGUE, CAP4, warn=lambda t: None)
        ones = {c.backend for c in p.configs if c.ranks * c.threads == 1}
        twos = {c.backend for c in p.configs if c.ranks * c.threads == 2}
        self.assertEqual(ones, {"serial"})
        self.assertEqual(twos, {"omp", "mpi", "hybrid"})
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('one_pe_backends = "serial"\n')
        self.addCleanup(os.unlink, f.name)
        with self.assertRaisesRegex(UserError, "one_pe_backends"):
            settings("--preset", f.name)
        with open(f.name, "w") as g:          # a misspelt backend would leave out every model at 1 PE
            g.write('one_pe_backends = ["seral"]\n')
        with self.assertRaisesRegex(UserError, "one_pe_backends"):
            settings("--preset", f.name)

    def test_interleaved_order(self):
        p = make("--kernels", "stencil", "--backends", "omp", "--pes", "1,2", "--reps", "3")
        order = [(rep, c.shape) for rep, c in p.runs()]
        self.assertEqual(order, [(1, "1x1"), (1, "1x2"), (2, "1x1"), (2, "1x2"), (3, "1x1"), (3, "1x2")])

    def test_shuffled_rounds_follow_the_seed(self):
        def order(seed):
            s = settings("--kernels", "stencil,nstream", "--pes", "1,2", "--reps", "6")
            p = plan.build_plan(s, CATALOGUE, CAP4, warn=lambda m: None, seed=seed)
            return [(rep, c.config_id) for rep, c in p.runs()]
        a, b = order(7), order(7)
        self.assertEqual(a, b)                                    # same seed, same order
        self.assertNotEqual(a, order(8))
        rounds = [[cid for rep, cid in a if rep == r] for r in range(1, 7)]
        self.assertTrue(all(sorted(x) == sorted(rounds[0]) for x in rounds))   # every config once a round
        self.assertGreater(len({tuple(x) for x in rounds}), 1)                   # in different orders
        again = plan.Plan.from_dict(plan.build_plan(settings("--kernels", "stencil", "--pes", "1,2"), CATALOGUE,
                                                    CAP4, warn=lambda m: None, seed=3).to_dict())
        self.assertEqual(again.seed, 3)

    def test_all_is_scaling_and_micro_not_probes(self):
        p = make("--pes", "1,2")
        kinds = {c.kernel: c.kind for c in p.configs}
        self.assertNotIn("peak", kinds)
        self.assertEqual(set(kinds.values()), {"scaling", "micro"})
        self.assertEqual(set(kinds), {"stencil", "nstream", "cg", "ep", "pingpong", "barrier", "halo"})


class Sizes(unittest.TestCase):
    def test_weak_rules(self):
        def weak(name, base, pes):
            return catalogue.weak_size(fake_triobench.KERNELS[name]["weak"], base, pes)
        self.assertEqual(weak("stencil", 1000, 4), 2000)
        self.assertEqual(weak("stencil", 1000, 2), 1414)
        self.assertEqual(weak("nstream", 1000000, 4), 4000000)
        self.assertEqual(weak("dgemm", 1000, 8), 2000)
        self.assertEqual(weak("ep", 24, 4), 26)                   # m = log2 pairs: 2^26 = 4 * 2^24
        self.assertEqual(weak("ep", 24, 3), 26)                   # 24 + 1.58, rounded
        self.assertEqual(weak("cg", "A", 8), "A")
        self.assertEqual(weak("barrier", 10, 8), 10)

    def test_auto_size(self):
        p = make("--kernels", "stencil,cg", "--backends", "omp", "--pes", "1,2", "--size", "auto")
        self.assertEqual({(c.kernel, c.size) for c in p.configs}, {("stencil", "auto"), ("cg", "S")})
        from triobench_sweep.commands import kernel_args
        stencil = next(c for c in p.configs if c.kernel == "stencil")
        self.assertEqual(kernel_args(stencil)[:3], ["stencil", "--size", "auto"])
        with self.assertRaises(UserError) as e:
            make("--kernels", "cg", "--size", "cg=auto")
        self.assertIn("no automatic size", str(e.exception))
        p = make("--kernels", "stencil", "--backends", "mpi", "--pes", "1,4", "--size", "auto", "--scaling", "weak")
        auto = KERNELS["stencil"]["size"]["auto"]["value"]
        self.assertEqual({c.pes: c.size for c in p.configs}, {1: auto, 4: 2 * auto})

    def test_parameter_lists_and_unknown_parameters(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('kernels = ["pingpong", "stencil"]\n[kernel.pingpong]\nbytes = [8, 1024]\n'
                    '[kernel.stencil]\nradius = [1, 2]\n')
        self.addCleanup(os.unlink, f.name)
        p = make("--preset", f.name, "--backends", "mpi", "--pes", "2")
        self.assertEqual(sorted(c.config_id for c in p.configs),
                         ["pingpong.mpi.2x1.bytes=1024", "pingpong.mpi.2x1.bytes=8",
                          "stencil.mpi.2x1.n=1000.radius=1", "stencil.mpi.2x1.n=1000.radius=2"])
        for text, fragment in (('[kernel.stencil]\ncolour = 2\n', "has no parameter 'colour'"),
                               ('[kernel.stencil]\nmin_ranks = 2\n', "has no parameter 'min_ranks'"),
                               ('[kernel.nstream]\nn = [1, 2]\n', "has no parameter 'n'")):
            with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
                f.write('kernels = ["stencil", "nstream"]\n' + text)
            self.addCleanup(os.unlink, f.name)
            with self.assertRaises(UserError) as e:
                make("--preset", f.name)
            self.assertIn(fragment, str(e.exception))

    def test_weak_plan(self):
        p = make("--kernels", "stencil,nstream,cg", "--backends", "serial,mpi", "--pes", "1,4",
                 "--scaling", "weak", "--size", "stencil=1000,nstream=1e6")
        sizes = {(c.kernel, c.backend, c.pes): c.size for c in p.configs}
        self.assertEqual(sizes[("stencil", "serial", 1)], 1000)
        self.assertEqual(sizes[("stencil", "mpi", 4)], 2000)
        self.assertEqual(sizes[("nstream", "mpi", 4)], 4000000)
        self.assertEqual(sizes[("cg", "mpi", 4)], "S")
        self.assertTrue(all(c.base_size == sizes[(c.kernel, "serial", 1)] for c in p.configs))
        self.assertTrue(any("cg" in n for n in p.notes))

    def test_named_sizes_and_choices(self):
        p = make("--kernels", "ep,cg", "--backends", "serial,mpi", "--pes", "1,4", "--scaling", "weak",
                 "--size", "ep=S,cg=W")
        sizes = {(c.kernel, c.pes): c.size for c in p.configs}
        self.assertEqual(sizes[("ep", 1)], 24)
        self.assertEqual(sizes[("ep", 4)], 26)
        self.assertEqual(sizes[("cg", 4)], "W")
        with self.assertRaises(UserError) as e:
            make("--kernels", "cg", "--size", "cg=Z")
        self.assertIn("not one of S, W, A, B, C", str(e.exception))
        with self.assertRaises(UserError) as e:
            make("--kernels", "ep", "--size", "ep=Q")
        self.assertIn("or one of S, W, A, B", str(e.exception))

    def test_strong_sizes_and_global_size(self):
        p = make("--kernels", "stencil,nstream", "--backends", "mpi", "--pes", "1,4", "--size", "3000")
        self.assertEqual({c.size for c in p.configs}, {3000})
        p = make("--kernels", "stencil", "--backends", "mpi", "--pes", "1")
        self.assertEqual(p.configs[0].size, 1000)      # the executable's default

    def test_size_spec(self):
        self.assertEqual(options.parse_size_spec("2000"), ("2000", {}))
        self.assertEqual(options.parse_size_spec("stencil=2000,nstream=1e6"),
                         (None, {"stencil": "2000", "nstream": "1e6"}))
        self.assertEqual(options.parse_size_spec("4000,nstream=1e6"), ("4000", {"nstream": "1e6"}))
        for bad in ("", "a=", "1,2", "=5"):
            with self.assertRaises(UserError):
                options.parse_size_spec(bad)

    def test_bad_sizes(self):
        with self.assertRaises(UserError):
            make("--kernels", "stencil", "--size", "stencil=abc")
        with self.assertRaises(UserError):
            make("--kernels", "stencil", "--size", "stencil=2")          # below min 5
        with self.assertRaises(UserError):
            make("--kernels", "stencil", "--size", "stencil=10.5")
        with self.assertRaises(UserError):
            make("--kernels", "stencil", "--size", "dgemm=10")           # not a kernel to run


class Arguments(unittest.TestCase):
    def test_size_and_params_reach_the_executable(self):
        from triobench_sweep.commands import kernel_args
        c = plan.Config("x", "stencil", "omp", 1, 2, "n", 2000, 2000, {"radius": 3}, 10, 2)
        self.assertEqual(kernel_args(c), ["stencil", "--size", "2000", "--radius", "3", "--iters", "10",
                                          "--warmup", "2"])
        c = plan.Config("y", "ep", "mpi", 2, 1, "class", "S", "S")
        self.assertEqual(kernel_args(c), ["ep", "--class", "S"])
        c = plan.Config("z", "pingpong", "mpi", 2, 1)
        self.assertEqual(kernel_args(c), ["pingpong"])


class Refusals(unittest.TestCase):
    def test_oversubscription_refused_then_marked(self):
        cap = {b: 2 for b in BACKENDS}
        with self.assertRaises(UserError) as e:
            make("--kernels", "stencil", "--pes", "1,4", capacity=cap)
        self.assertIn("--allow-oversubscribe", str(e.exception))
        p = make("--kernels", "stencil", "--pes", "1,4", "--allow-oversubscribe", capacity=cap)
        self.assertEqual({c.oversubscribed for c in p.configs if c.pes == 4}, {True})
        self.assertEqual({c.oversubscribed for c in p.configs if c.pes == 1}, {False})

    def test_unknown_kernel(self):
        with self.assertRaises(UserError) as e:
            make("--kernels", "stencil,nope")
        self.assertIn("unknown kernel 'nope'", str(e.exception))

    def test_preset_kernels_missing_are_skipped(self):
        w = []
        with self.assertRaises(UserError):                                # named on the command line: refused
            make("--preset", "quick", "--backends", "serial", "--kernels", "stencil,dgemm", warnings=w)
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('kernels = ["stencil", "dgemm"]\nskip_missing_kernels = true\n')
        self.addCleanup(os.unlink, f.name)
        p = make("--preset", f.name, "--backends", "serial", warnings=w)  # named by a preset: skipped
        self.assertEqual({c.kernel for c in p.configs}, {"stencil"})
        self.assertTrue(any("'dgemm' is not in this build's catalogue: skipped" in m for m in w))
        p = make("--preset", "quick", "--backends", "serial", warnings=w)  # "all": the catalogue's kernels
        self.assertEqual({c.kernel for c in p.configs}, {"stencil", "nstream", "cg", "ep", "barrier", "halo"})
        self.assertFalse(any(c.kernel == "pingpong" for c in p.configs))   # needs 2 PEs: no serial run

    def test_bad_pes_and_shapes(self):
        for bad in ("0", "1,x", "", "-2"):
            with self.assertRaises(UserError):
                options.parse_pes(bad)
        self.assertEqual(options.parse_pes("4,1,2,2"), [1, 2, 4])
        with self.assertRaises(UserError):
            options.parse_shapes(["2x"])
        self.assertEqual(options.parse_shapes(["1x2", "2X1"]), [(1, 2), (2, 1)])


class Presets(unittest.TestCase):
    def test_shipped_presets_parse(self):
        names = presets.available()
        for name in ("quick", "laptop", "full", "cluster"):
            self.assertIn(name, names)
            s = settings("--preset", name)
            self.assertIn(s.scaling, ("strong", "weak"))
            self.assertGreaterEqual(s.reps, 1)

    def test_quick_preset_is_the_main_job(self):
        s = settings("--preset", "quick")
        self.assertEqual(s.kernels, "all")
        self.assertEqual(s.backends, ["serial", "omp", "mpi", "hybrid"])
        self.assertEqual(s.pes, [1, 2])
        self.assertTrue(s.skip_missing_kernels)
        self.assertEqual(s.kernel_opts["stencil"]["size"], "auto")

    def test_presets_hold_no_kernel_facts_and_enough_repetitions(self):
        """Issue 14: no min_pes/min_ranks in presets; issue 11: >= 6 repetitions of scaling kernels,
        --size auto for the memory-bound ones, a handful of message sizes in quick."""
        memory_bound = [k for k, v in KERNELS.items() if v["memory_bound"]]
        for name in ("quick", "laptop", "full", "cluster", "limits"):
            s = settings("--preset", name)
            for kernel, opts in s.kernel_opts.items():
                self.assertNotIn("min_pes", opts["params"], name)
                self.assertNotIn("min_ranks", opts["params"], name)
                if KERNELS.get(kernel, {}).get("kind") == "scaling":
                    self.assertGreaterEqual(opts.get("reps", s.reps), 6, (name, kernel))
            self.assertGreaterEqual(s.reps, 6, name)
            if name not in ("limits", "cluster"):    # limits: the sizes of docs/performance.md; cluster: weak
                for k in memory_bound:
                    self.assertEqual(s.kernel_opts[k]["size"], "auto", (name, k))
        quick = settings("--preset", "quick").kernel_opts
        self.assertEqual(quick["pingpong"]["params"]["bytes"], [8, 1024, 65536, 1048576])
        self.assertEqual(quick["allreduce"]["params"]["bytes"], [8, 1048576])

    def test_options_override_preset(self):
        s = settings("--preset", "quick", "--reps", "7", "--size", "stencil=500", "--pes", "1")
        self.assertEqual((s.reps, s.pes), (7, [1]))
        self.assertEqual(s.kernel_opts["stencil"]["size"], "500")
        self.assertEqual(s.kernel_opts["nstream"]["size"], "auto")
        self.assertFalse(settings("--preset", "quick", "--kernels", "stencil").skip_missing_kernels)

    def test_malformed_presets(self):
        cases = {"reps = 0\n": "'reps'", "colour = 1\n": "unknown key 'colour'", "reps = [\n": "malformed",
                 "pes = [0]\n": "'pes'", "[kernel.stencil]\nsize = true\n": "kernel.stencil.size"}
        for text, fragment in cases.items():
            with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
                f.write(text)
            self.addCleanup(os.unlink, f.name)
            with self.assertRaises(UserError) as e:
                presets.load(f.name)
            self.assertIn(fragment, str(e.exception))
            self.assertNotIn("\n", str(e.exception))
        with self.assertRaises(UserError):
            presets.load("no-such-preset")


class Launchers(unittest.TestCase):
    def test_openmpi_binding(self):
        lo = launchers.OpenMPI("mpirun", "mpirun (Open MPI) 4.1.4", 4)
        argv, env = lo.command(2, 1, False, ["exe"])
        self.assertEqual(argv[:7], ["mpirun", "-n", "2", "--map-by", "core", "--bind-to", "core"])
        argv, env = lo.command(2, 2, False, ["exe"])
        self.assertIn("slot:PE=2", argv)
        self.assertEqual((env["OMP_NUM_THREADS"], env["OMP_PLACES"], env["OMP_PROC_BIND"]), ("2", "cores", "close"))
        self.assertEqual(argv[-1], "exe")
        self.assertIn("-x", argv)
        argv, env = lo.command(4, 2, True, ["exe"])
        self.assertIn("--oversubscribe", argv)
        self.assertEqual(argv[argv.index("--bind-to") + 1], "none")
        self.assertEqual(env["OMP_PROC_BIND"], "false")

    def test_user_override(self):
        lo = launchers.OpenMPI("mpirun", "", 4, extra_args="--map-by socket --bind-to socket")
        argv, _ = lo.command(2, 1, False, ["exe"])
        self.assertEqual(argv, ["mpirun", "-n", "2", "--map-by", "socket", "--bind-to", "socket",
                                "-x", "OMP_NUM_THREADS", "-x", "OMP_PLACES", "-x", "OMP_PROC_BIND", "exe"])

    def test_mpich_and_srun(self):
        m = launchers.MPICH("mpiexec", "HYDRA", 4)
        self.assertIn("core:2", m.command(2, 2, False, ["exe"])[0])
        s = launchers.Srun("srun", "", 4)
        argv, _ = s.command(4, 2, False, ["exe"])
        self.assertEqual(argv[:5], ["srun", "-n", "4", "--cpus-per-task=2", "--cpu-bind=cores"])

    def test_flavour_detected_and_selected(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, tmp)
        texts = {"openmpi": "mpirun (Open MPI) 4.1.4", "mpich": "HYDRA build details:\n    Version: 4.0.2",
                 "generic": "some other mpirun"}
        for flavour, text in texts.items():
            path = os.path.join(tmp, flavour, "mpirun")
            os.makedirs(os.path.dirname(path))
            with open(path, "w") as f:
                f.write(f"#!/bin/sh\nprintf '%s\\n' '{text}'\n")
            os.chmod(path, 0o755)
            self.assertEqual(launchers.mpirun_flavour(path)[0], flavour)
            old = os.environ["PATH"]
            os.environ["PATH"] = os.path.dirname(path)
            try:
                chosen = launchers.select("auto", 2, env={})
            finally:
                os.environ["PATH"] = old
            self.assertEqual(chosen.flavour, flavour)
            self.assertEqual(chosen.path, path)

    def test_capacities(self):
        self.assertEqual(launchers.slurm_cpus({"SLURM_JOB_CPUS_PER_NODE": "4(x2),2"}), 10)
        self.assertIsNone(launchers.slurm_cpus({}))
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write("# hosts\nnode1 slots=4\nnode2:8\nnode3\n\n")
        self.addCleanup(os.unlink, f.name)
        self.assertEqual(launchers.parse_hostfile(f.name), 13)
        lo = launchers.OpenMPI("mpirun", "", 2, hostfile=f.name)
        self.assertEqual(lo.capacity()[0], 13)
        self.assertIn("--hostfile", lo.command(2, 1, False, ["exe"])[0])


if __name__ == "__main__":
    unittest.main()
