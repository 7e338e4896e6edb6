"""The sweep against the real executables in TRIOBENCH_BIN_DIR (set by ctest; skipped when it is not set),
and the test double's catalogue against the same contract."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import DOUBLE, SweepCase  # noqa: E402
from tbcommon import catalogue  # noqa: E402

BIN = os.environ.get("TRIOBENCH_BIN_DIR")


def fake_catalogue(backend):
    r = subprocess.run([sys.executable, "-S", DOUBLE, "--list", "--json"], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, FAKE_TRIOBENCH_BACKEND=backend))
    return json.loads(r.stdout)


class Validator(unittest.TestCase):
    """tbcommon.catalogue.validate: the checks the sweep applies to every executable's catalogue."""

    def test_the_double_follows_the_contract(self):
        for b in ("serial", "omp", "mpi", "hybrid"):
            cat = fake_catalogue(b)
            self.assertEqual(catalogue.validate(cat), [], b)
            self.assertEqual(cat["backend"], b)

    def test_problems_are_found(self):
        good = fake_catalogue("omp")
        self.assertIn("unknown catalogue schema", catalogue.validate(dict(good, schema="triobench.catalogue/9"))[0])
        self.assertEqual(catalogue.validate([]), ["the catalogue is not a JSON object"])
        self.assertIn("lacks 'kernels'", catalogue.validate({k: v for k, v in good.items() if k != "kernels"})[0])
        cases = {"kind": ("bogus", "kind is 'bogus'"), "min_ranks": (0, "min_ranks must be at least 1"),
                 "weak": ({"rule": "power"}, "needs a number 'exponent'"), "size_param": ("nope", "'nope' is not"),
                 "sweep_params": (["nope"], "names 'nope'"), "memory_bound": ("yes", "memory_bound must be")}
        for key, (value, fragment) in cases.items():
            bad = json.loads(json.dumps(good))
            bad["kernels"][0][key] = value
            problems = catalogue.validate(bad)
            self.assertEqual(len(problems), 1, (key, problems))
            self.assertIn(fragment, problems[0])
        bad = json.loads(json.dumps(good))
        bad["kernels"].append(bad["kernels"][0])
        self.assertIn("listed twice", catalogue.validate(bad)[0])


class BadCatalogue(SweepCase):
    def test_unknown_schema_is_one_line_exit_2(self):
        r = self.sweep("--kernels", "stencil", "--backends", "serial", "--reps", "1",
                       env={"FAKE_TRIOBENCH_SCHEMA": "triobench.catalogue/2"})
        self.assertOneLineError(r, "bad catalogue", "unknown catalogue schema 'triobench.catalogue/2'")


@unittest.skipUnless(BIN and os.path.isdir(BIN), "TRIOBENCH_BIN_DIR not set: no real executables to sweep")
class RealBinaries(SweepCase):
    def setUp(self):
        super().setUp()
        self.build = os.path.dirname(os.path.abspath(BIN))
        self.env["PATH"] = os.environ.get("PATH", "")          # the real mpirun, not the double
        self.backends = ["serial", "omp"]
        if shutil.which("mpirun") or shutil.which("mpiexec"):
            self.backends += ["mpi", "hybrid"]

    def test_kernel_lists_follow_the_contract(self):
        """Issue 14: the real catalogue and the double's pass the same validator, and the double's kernel
        facts are the real ones (every real kernel is in the double)."""
        for b in self.backends:
            r = subprocess.run([os.path.join(BIN, f"triobench-{b}"), "--list", "--json"], capture_output=True,
                               text=True, timeout=60, env=dict(self.env, OMPI_ALLOW_RUN_AS_ROOT="1",
                                                               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1"))
            self.assertEqual(r.returncode, 0, r.stderr)
            real = json.loads(r.stdout)
            self.assertEqual(catalogue.validate(real), [], b)
            fake = fake_catalogue(b)
            self.assertEqual(catalogue.validate(fake), [], b)
            fake_kernels = catalogue.by_name(fake)
            for name, kernel in catalogue.by_name(real).items():
                self.assertIn(name, fake_kernels, f"the test double lacks kernel {name}")
                self.assertEqual(catalogue.facts(fake_kernels[name]), catalogue.facts(kernel), f"{b} {name}")
                self.assertEqual({p["name"] for p in fake_kernels[name]["params"]},
                                 {p["name"] for p in kernel["params"]}, f"{b} {name} params")

    def test_tiny_sweep_validates_everywhere(self):
        r = self.sweep("--no-build", "--kernels", "stencil", "--backends", ",".join(self.backends),
                       "--pes", "1,2", "--reps", "1", "--size", "200", "--iters", "3", "--warmup", "1",
                       "--timeout", "120", timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        recs = self.records()
        expected = {"serial": 1, "omp": 2, "mpi": 2, "hybrid": 3}
        self.assertEqual(len(recs), sum(expected[b] for b in self.backends))
        for x in recs:
            self.assertTrue(x["validated"], x["sweep"])
            self.assertEqual(x["schema"], "triobench.result/1")
            self.assertEqual(x["params"]["n"], 200)
            cid = x["sweep"]["config_id"]
            self.assertIn(f".{x['ranks']}x{x['threads']}.", cid)
        hybrid = [x for x in recs if x["sweep"]["config_id"].startswith("stencil.hybrid.1x2")]
        omp = [x for x in recs if x["sweep"]["config_id"].startswith("stencil.omp.1x2")]
        for x in hybrid + omp:            # the binding defaults give each thread a core of its own
            cpus = [t.get("cpus") for b in x.get("binding", []) for t in b.get("threads", [])]
            if len(cpus) == 2 and all(cpus):
                self.assertNotEqual(cpus[0], cpus[1], x["binding"])


if __name__ == "__main__":
    unittest.main()
