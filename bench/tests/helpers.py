"""Shared by the bench tests: a fake build folder (the test double) and running bench/sweep."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP = os.path.join(BENCH, "sweep")
sys.path.insert(0, BENCH)

DOUBLE = os.path.join(BENCH, "tests", "fake_triobench.py")
FAKE_MPIRUN = os.path.join(BENCH, "tests", "fake_mpirun.py")


def _script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)


class SweepCase(unittest.TestCase):
    """(The doubles run with python -S: no site-packages to scan, several times faster to start.)

    Each test gets a temporary folder with build/bin/triobench-* (the double) and a fake mpirun on PATH."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="triobench-sweep-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.build = os.path.join(self.tmp, "build")
        os.makedirs(os.path.join(self.build, "bin"))
        for b in ("serial", "omp", "mpi", "hybrid"):
            _script(os.path.join(self.build, "bin", f"triobench-{b}"),
                    f'FAKE_TRIOBENCH_BACKEND={b} exec "{sys.executable}" -S "{DOUBLE}" "$@"')
        self.fakebin = os.path.join(self.tmp, "fakebin")
        os.makedirs(self.fakebin)
        _script(os.path.join(self.fakebin, "mpirun"), f'exec "{sys.executable}" -S "{FAKE_MPIRUN}" "$@"')
        self.out = os.path.join(self.tmp, "out")
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith(("FAKE_", "SLURM_", "OMP_")):
                del self.env[k]
        self.env["PATH"] = self.fakebin + os.pathsep + self.env.get("PATH", "")
        self.env["FAKE_MPIRUN_LOG"] = os.path.join(self.tmp, "mpirun.log")

    def sweep_cmd(self, *args, out=True, probes=False):
        """bench/sweep with the test's build and folder; the roofline probes only when asked for
        (they add runs to every sweep; bench/tests/test_probes.py tests them)."""
        cmd = [SWEEP, "--build-dir", self.build, "--no-plot"]
        if out:
            cmd += ["--out", self.out]
        if not probes and not any(a.startswith("--resume") for a in args):
            cmd.append("--no-probes")
        return cmd + list(args)

    def sweep(self, *args, env=None, out=True, timeout=60, probes=False):
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run(self.sweep_cmd(*args, out=out, probes=probes), env=e, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def records(self, folder=None):
        path = os.path.join(folder or self.out, "results.jsonl")
        with open(path) as f:
            return [json.loads(line) for line in f]

    def assertOneLineError(self, r, *fragments):
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertTrue(lines[0].startswith("bench/sweep: error: "), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])
