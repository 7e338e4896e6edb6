"""results.jsonl: appends, repair of a run cut short, CSV derived from it."""

import csv
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # bench/

from triobench_sweep import store  # noqa: E402


def rec(cid, rep, i=0, n=1, **extra):
    r = {"kernel": "k", "params": {"i": i}, "time": {"median": 1.0},
         "sweep": {"config_id": cid, "rep": rep, "record_index": i, "records_in_run": n}}
    r.update(extra)
    return r


class Repair(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        self.s = store.Store(self.dir)

    def test_append_and_load(self):
        self.s.append_run([rec("a", 1)])
        self.s.append_run([rec("a", 2, 0, 2), rec("a", 2, 1, 2)])
        self.s.close()
        records, damaged = self.s.load()
        self.assertEqual(damaged, 0)
        self.assertEqual([store.run_key(r) for r in records], [("a", 1), ("a", 2), ("a", 2)])

    def test_truncated_last_line_set_aside(self):
        self.s.append_run([rec("a", 1)])
        self.s.append_run([rec("a", 2)])
        self.s.close()
        with open(self.s.path, "ab") as f:
            f.write(b'{"kernel": "k", "sweep": {"config_id": "a", "re')     # a crash mid-write
        records, damaged = self.s.load()
        self.assertEqual(damaged, 1)
        self.assertEqual([store.run_key(r) for r in records], [("a", 1), ("a", 2)])
        with open(self.s.path) as f:
            self.assertEqual(len([json.loads(line) for line in f]), 2)
        with open(os.path.join(self.dir, store.DAMAGED)) as f:
            self.assertIn('"re', f.read())
        self.assertEqual(self.s.load(), (records, 0))           # repaired for good

    def test_incomplete_run_set_aside_whole(self):
        self.s.append_run([rec("a", 1)])
        self.s.close()
        lines = [store.dumps(rec("b", 1, i, 3)) for i in range(3)]
        with open(self.s.path, "a") as f:
            f.write(lines[0] + "\n" + lines[1] + "\n" + lines[2][:10])
        records, damaged = self.s.load()
        self.assertEqual(damaged, 3)
        self.assertEqual([store.run_key(r) for r in records], [("a", 1)])

    def test_other_schema_set_aside_as_the_plots_do(self):
        """A record of another schema: --resume sets it aside by line, and so does plots/plot (it
        refused the whole folder while the sweep took it, issue 16)."""
        self.s.append_run([rec("a", 1, schema=store.SCHEMA)])
        self.s.append_run([rec("a", 2, schema="triobench.result/2")])
        self.s.append_run([rec("a", 3, schema=store.SCHEMA + ".1")])   # a minor revision is read
        self.s.close()
        records, damaged = self.s.load()
        self.assertEqual([store.run_key(r) for r in records], [("a", 1), ("a", 3)])
        self.assertEqual(self.s.foreign, [(2, "triobench.result/2")])
        self.assertEqual(damaged, 1)
        with open(os.path.join(self.dir, store.DAMAGED)) as f:
            self.assertIn("triobench.result/2", f.read())
        # the plots' loader, on the same lines: the same records kept, the other one named
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "plots"))
        from tbplots import loader
        with open(self.s.path, "a") as f:
            f.write(store.dumps(rec("a", 2, schema="triobench.result/2")) + "\n")
        data = loader.load(self.dir)
        self.assertEqual(len(data.runs), 2)
        self.assertTrue(any("set aside 1 record(s) of another schema (line 3: triobench.result/2)" in w
                            for w in data.warnings), data.warnings)
        self.assertEqual(loader.SCHEMA_MAJOR, store.SCHEMA)

    def test_non_finite_numbers_become_null(self):
        self.s.append_run([rec("a", 1, value=float("nan"))])
        self.s.close()
        self.assertIsNone(self.s.load()[0][0]["value"])


class FailedWrite(unittest.TestCase):
    def test_failed_atomic_write_leaves_no_temporary_file(self):
        """Issue 16: a write that fails (a full disk; here a rename onto a folder) is one line and
        leaves no FILE.tmpPID behind."""
        from tbcommon.errors import SweepError
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        target = os.path.join(tmp, "summary.json")
        os.makedirs(os.path.join(target, "x"))
        with self.assertRaises(SweepError) as e:
            store.atomic_write(target, "{}")
        self.assertIn("cannot write", str(e.exception))
        self.assertNotIn("\n", str(e.exception))
        self.assertEqual(sorted(os.listdir(tmp)), ["summary.json"])


class Csv(unittest.TestCase):
    def test_flat_columns_union(self):
        records = [rec("a", 1, extra={"x": [1, 2]}), rec("b", 1, validated=True)]
        text = store.csv_text(records, {("a", 1, json.dumps({"i": 0})): True})
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["sweep.config_id"], "a")
        self.assertEqual(rows[0]["time.median"], "1.0")
        self.assertEqual(rows[0]["extra.x"], "[1,2]")
        self.assertEqual(rows[0]["outlier"], "true")
        self.assertEqual(rows[1]["validated"], "true")
        self.assertEqual(rows[1]["outlier"], "")


if __name__ == "__main__":
    unittest.main()
