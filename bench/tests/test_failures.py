"""Runs that hang, crash, fail validation or write nothing: killed, recorded, and the sweep goes on."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:                                   # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def by_config(records):
    return {r["sweep"]["config_id"].split(".n=")[0]: r for r in records}


class Failures(SweepCase):
    def test_hang_is_timed_out_group_killed_and_sweep_continues(self):
        pids = os.path.join(self.tmp, "pids")
        start = time.monotonic()
        r = self.sweep("--kernels", "stencil", "--backends", "serial,omp", "--pes", "1,2", "--reps", "1",
                       "--timeout", "1", env={"FAKE_TRIOBENCH_FAIL": "stubborn@threads=2",
                                              "FAKE_TRIOBENCH_PIDS": pids})
        elapsed = time.monotonic() - start
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("1 of 3 runs failed", r.stderr)
        recs = by_config(self.records())
        self.assertEqual(len(recs), 3)
        hung = recs["stencil.omp.1x2"]
        self.assertEqual(hung["sweep"]["failure"], "timeout after 1 s")
        self.assertEqual(hung["status"], "failed")
        self.assertNotIn("time", hung)
        self.assertEqual(hung["sweep"]["exit_status"], -9)           # ignored SIGTERM, so SIGKILL
        self.assertGreaterEqual(hung["sweep"]["wall_s"], 1.0)
        self.assertIsNone(recs["stencil.serial.1x1"]["sweep"]["failure"])
        self.assertIsNone(recs["stencil.omp.1x1"]["sweep"]["failure"])
        self.assertLess(elapsed, 20)
        with open(pids) as f:
            every = [int(x) for x in f.read().split()]
        time.sleep(0.2)
        self.assertEqual([p for p in every if alive(p)], [])         # the hung run's child too
        self.assertTrue(os.path.exists(os.path.join(self.out, "logs", "stencil.omp.1x2.n=1000.rep1.err")))
        self.assertRegex(r.stdout, r"1 failed: timeout after 1 s")

    def test_crash_invalid_norecord_error_recorded(self):
        fail = ";".join(["invalid@kernel=stencil,backend=serial", "crash@kernel=stencil,threads=1,backend=omp",
                         "norecord@kernel=stencil,threads=2", "exit1@kernel=nstream,backend=serial",
                         "lie@kernel=nstream,threads=1,backend=omp", "crash@kernel=stencil,backend=mpi",
                         "exit1@kernel=nstream,backend=mpi,ranks=2"])
        r = self.sweep("--kernels", "stencil,nstream", "--backends", "serial,omp,mpi", "--pes", "1,2",
                       "--reps", "1", "--size", "stencil=1000,nstream=1000000", env={"FAKE_TRIOBENCH_FAIL": fail})
        self.assertEqual(r.returncode, 1, r.stderr)
        recs = by_config(self.records())
        reasons = {k: v["sweep"]["failure"] for k, v in recs.items()}
        self.assertEqual(reasons["stencil.serial.1x1"], "validation failed")
        self.assertEqual(recs["stencil.serial.1x1"]["sweep"]["exit_status"], 3)
        self.assertIn("time", recs["stencil.serial.1x1"])                  # its record is kept
        self.assertEqual(reasons["stencil.omp.1x1"], "signal SIGSEGV")
        self.assertEqual(reasons["stencil.omp.1x2"], "no record")
        self.assertEqual(reasons["nstream.serial.1x1"], "exit status 1: triobench-serial: error: "
                                                        "simulated run-time error")
        self.assertEqual(reasons["nstream.omp.1x1"], "validation failed")    # exit 0 but validated false
        self.assertIsNone(reasons["nstream.omp.1x2"])
        self.assertEqual(reasons["stencil.mpi.1x1"], "exit status 139")       # a rank died under mpirun
        # Issue 14: the kernel's own error line, not the "Exit code: 1" of mpirun's banner after it.
        self.assertEqual(reasons["nstream.mpi.2x1"], "exit status 1: triobench-mpi: error: simulated run-time error")
        self.assertIn("8 of 10 runs failed", r.stderr)
        with open(os.path.join(self.out, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["runs_failed"], 8)
        ok = next(c for c in summary["configurations"] if c["config_id"].startswith("nstream.omp.1x2"))
        self.assertEqual((ok["ok"], ok["failed"]), (1, 0))


    def test_two_sided_kernel_never_planned_on_one_pe_or_rank(self):
        """Issue 14: `--kernels pingpong --pes 1,2` (no preset): the catalogue's min_pes and min_ranks
        keep ping-pong off 1 PE and off 1 hybrid rank; nothing the kernel refuses is run."""
        r = self.sweep("--kernels", "pingpong", "--pes", "1,2", "--reps", "1", "--no-probes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        shapes = {(x["backend"], x["ranks"], x["threads"]) for x in self.records()}
        self.assertEqual(shapes, {("omp", 1, 2), ("mpi", 2, 1), ("hybrid", 2, 1)})


if __name__ == "__main__":
    unittest.main()
