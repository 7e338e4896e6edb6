"""The sweep against the real executables in TRIOBENCH_BIN_DIR (skipped when it is not set)."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402

BIN = os.environ.get("TRIOBENCH_BIN_DIR")


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
        for b in self.backends:
            r = subprocess.run([os.path.join(BIN, f"triobench-{b}"), "--list", "--json"], capture_output=True,
                               text=True, timeout=60, env=dict(self.env, OMPI_ALLOW_RUN_AS_ROOT="1",
                                                               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1"))
            self.assertEqual(r.returncode, 0, r.stderr)
            kernels = json.loads(r.stdout)["kernels"]
            names = [k["name"] for k in kernels]
            self.assertIn("stencil", names)
            for k in kernels:
                self.assertIsInstance(k["params"], list)
                self.assertIn("size_param", k)

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
