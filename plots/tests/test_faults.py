"""The fault-scenario table (plots/tbplots/faults.py): fault runs are set aside
from the measurements and tabled as model x fault x mode -> outcome."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fixtures import record, scratch, write_folder  # noqa: E402
from tbplots import faults, loader  # noqa: E402


def fault_run(outcome, inject, ft, launcher, time, validated, exit_status, resume=False, **measures):
    rec = record("ep", "mpi", 3, 1, {"m": 24, "schedule": "dynamic"}, time,
                 status=None if validated else "invalid")
    rec["ranks"] = 2 if outcome == "recovered" else 3      # the survivors report
    if time is not None:
        rec["fault"] = {"injected": {"spec": inject}, "ft": ft, "outcome": outcome}
    rec["sweep"]["exit_status"] = exit_status
    rec["sweep"]["fault"] = dict({"name": "x", "inject": inject, "ft": ft, "launcher": launcher, "resume": resume,
                                  "expect": [outcome], "outcome": outcome, "shape": "3x1"}, **measures)
    return rec


class FaultTableTest(unittest.TestCase):
    def setUp(self):
        recs = [record("ep", "serial", 1, 1, {"m": 24}, 0.5),
                fault_run("aborted", "kill:rank=1,after=5", "none", "plain", None, False, 137,
                          fault_to_end_s=1.1),
                fault_run("recovered", "kill:rank=1,after=5", "reassign", "recovery", 1.2, True, 0,
                          detect_s=1.0, recover_s=0.2, fault_to_end_s=1.3),
                fault_run("hung-and-killed", "hang:rank=1,after=5", "none", "plain", None, False, -15)]
        self.data = loader.load(write_folder(scratch(), recs))

    def test_set_aside(self):
        fault_runs = faults.set_aside(self.data)
        self.assertEqual([r.kernel + "/" + r.backend for r in self.data.runs], ["ep/serial"])
        self.assertEqual(len(fault_runs), 3)
        self.assertIs(self.data.fault_runs, fault_runs)

    def test_rows(self):
        t = faults.table(faults.set_aside(self.data))
        rows = {r[5]: dict(zip(t.columns, r)) for r in t.rows}
        self.assertEqual(set(rows), {"aborted", "recovered", "hung-and-killed"})
        rec = rows["recovered"]
        self.assertEqual((rec["model"], rec["shape"], rec["ft"], rec["launcher"]), ("mpi", "3x1", "reassign", "recovery"))
        self.assertEqual((rec["detect_s"], rec["recover_s"], rec["validated"]), (1.0, 0.2, True))
        self.assertEqual(rows["aborted"]["exit_status"], 137)
        self.assertEqual(rows["hung-and-killed"]["exit_status"], 143)    # SIGTERM, as a shell shows it
        self.assertFalse(rows["aborted"]["validated"])

    def test_no_fault_runs_no_table(self):
        self.data.runs = self.data.runs[:1]
        self.assertIsNone(faults.table(faults.set_aside(self.data)))


if __name__ == "__main__":
    unittest.main()
