"""A sweep killed (SIGKILL) or interrupted (Ctrl-C) mid-run, then resumed: nothing lost, nothing twice."""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402
from test_failures import alive  # noqa: E402

ARGS = ("--kernels", "stencil", "--backends", "serial,omp", "--pes", "1,2", "--reps", "4", "--size", "100")


class Resume(SweepCase):
    def start(self, env):
        e = dict(self.env)
        e.update(env)
        return subprocess.Popen(self.sweep_cmd(*ARGS), env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, stdin=subprocess.DEVNULL)

    def resume(self):
        return subprocess.run([self.sweep_cmd()[0], "--resume", self.out, "--no-plot", "--build-dir", self.build],
                              env=self.env, capture_output=True, text=True, timeout=60)

    def wait_for(self, predicate, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        self.fail("timed out waiting")

    def lines(self):
        try:
            with open(os.path.join(self.out, "results.jsonl")) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def pids(self):
        try:
            with open(os.path.join(self.tmp, "pids")) as f:
                return [int(x) for x in f.read().split()]
        except FileNotFoundError:
            return []

    def test_sigkill_mid_run_then_resume(self):
        # the 5th run hangs (with a child of its own): kill the sweep while it is in flight
        p = self.start({"FAKE_TRIOBENCH_FAIL": "hang@call=5", "FAKE_TRIOBENCH_PIDS": os.path.join(self.tmp, "pids"),
                        "FAKE_TRIOBENCH_COUNTER": os.path.join(self.tmp, "calls")})
        # pids: 2 kernel listings, 5 runs, the hung run's child
        self.wait_for(lambda: len(self.lines()) == 4 and len(self.pids()) >= 8)
        p.send_signal(signal.SIGKILL)
        p.communicate()
        before = self.lines()
        run_pid, child_pid = self.pids()[-2:]
        self.wait_for(lambda: not alive(run_pid), timeout=5)      # died with the sweep (PDEATHSIG)
        self.assertTrue(alive(child_pid))                         # its child did not: resume ends it
        with open(os.path.join(self.out, "results.jsonl"), "a") as f:
            f.write(before[-1][: len(before[-1]) // 2])            # as if killed in the middle of a write

        r = self.resume()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("damaged", r.stderr)
        self.assertIn("ended 1 process(es) left running by the interrupted sweep", r.stderr)
        self.assertFalse(alive(child_pid))
        after = self.lines()
        self.assertEqual(after[:len(before)], before)               # nothing lost, nothing rewritten
        keys = [(json.loads(x)["sweep"]["config_id"], json.loads(x)["sweep"]["rep"]) for x in after]
        self.assertEqual(len(keys), 12)                             # 3 configs x 4 reps
        self.assertEqual(len(set(keys)), 12)                        # never twice
        self.assertEqual({json.loads(x)["sweep"]["id"] for x in after}, {json.loads(before[0])["sweep"]["id"]})
        with open(os.path.join(self.out, "results.csv")) as f:
            self.assertEqual(len(f.read().splitlines()), 13)         # header + 12 rows, regenerated
        with open(os.path.join(self.out, "meta.json")) as f:
            meta = json.load(f)
        self.assertEqual(len(meta["sessions"]), 2)
        self.assertTrue(meta["sessions"][1]["completed"])
        with open(os.path.join(self.out, "results.jsonl.damaged")) as f:
            self.assertEqual(len(f.read().splitlines()), 1)

        r = self.resume()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.lines(), after)                       # a finished sweep resumes to nothing
        self.assertIn("12 of 12 runs already recorded", r.stderr)

    def test_ctrl_c_kills_the_run_and_says_how_to_resume(self):
        pids_file = os.path.join(self.tmp, "pids")
        p = self.start({"FAKE_TRIOBENCH_FAIL": "hang@call=3", "FAKE_TRIOBENCH_PIDS": pids_file,
                        "FAKE_TRIOBENCH_COUNTER": os.path.join(self.tmp, "calls")})
        # pids: 2 kernel listings (serial, omp), 3 runs, the hung run's child
        self.wait_for(lambda: len(self.lines()) == 2 and len(self.pids()) >= 6)
        hung = self.pids()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn(f"--resume {self.out}", err)
        self.assertNotIn("Traceback", err)
        time.sleep(0.2)
        self.assertEqual([x for x in hung if alive(x)], [])
        self.assertEqual(len(self.lines()), 2)                  # the interrupted run is not recorded
        r = self.resume()
        self.assertEqual(r.returncode, 0, r.stderr)
        keys = {(json.loads(x)["sweep"]["config_id"], json.loads(x)["sweep"]["rep"]) for x in self.lines()}
        self.assertEqual(len(keys), 12)
        self.assertEqual(len(self.lines()), 12)

    def test_sigterm_stops_like_ctrl_c(self):
        p = self.start({"FAKE_TRIOBENCH_FAIL": "hang@call=2", "FAKE_TRIOBENCH_PIDS": os.path.join(self.tmp, "pids"),
                        "FAKE_TRIOBENCH_COUNTER": os.path.join(self.tmp, "calls")})
        self.wait_for(lambda: len(self.lines()) == 1 and len(self.pids()) >= 5)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 143, err)
        self.assertIn("Resume with", err)
        self.assertEqual(len(self.lines()), 1)
        time.sleep(0.2)
        self.assertEqual([x for x in self.pids() if alive(x)], [])


if __name__ == "__main__":
    unittest.main()
