"""The mutation test's harness: anchors match the current source exactly once,
a moved anchor fails loudly, and every outcome but "exit 3, not validated"
counts as a failure (a survivor above all)."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mutants  # noqa: E402
from table import MUTANTS, Edit  # noqa: E402


class Anchors(unittest.TestCase):
    def test_every_anchor_matches_the_source_once(self):
        bad = {k: v for k, v in mutants.check_anchors(mutants.SOURCE, MUTANTS).items() if v}
        self.assertEqual(bad, {}, "move these anchors with the code they mutate")

    def test_every_edit_changes_the_program_text(self):
        for m in MUTANTS:
            for e in m.edits:
                self.assertNotEqual(e.anchor, e.replacement, m.name)

    def test_names_are_unique_and_every_mutant_runs_something(self):
        names = [m.name for m in MUTANTS]
        self.assertEqual(len(names), len(set(names)))
        for m in MUTANTS:
            self.assertTrue(m.runs, m.name)
            self.assertTrue(all(r.backend in ("serial", "omp", "mpi", "hybrid") for r in m.runs))

    def _tree(self, text):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        with open(os.path.join(d.name, "k.c"), "w") as f:
            f.write(text)
        return d.name

    def test_a_missing_anchor_is_an_error(self):
        tree = self._tree("int x = 1;\n")
        with self.assertRaisesRegex(mutants.AnchorError, r"k\.c: anchor not found: 'x = 2;'"):
            mutants.apply_edits(tree, [Edit("k.c", "x = 2;", "x = 3;")])

    def test_an_anchor_found_twice_is_an_error_and_nothing_is_written(self):
        tree = self._tree("x += 1;\nx += 1;\n")
        with self.assertRaisesRegex(mutants.AnchorError, "anchor found 2 times"):
            mutants.apply_edits(tree, [Edit("k.c", "x += 1;", "x += 2;")])
        with open(os.path.join(tree, "k.c")) as f:
            self.assertEqual(f.read(), "x += 1;\nx += 1;\n")

    def test_edits_apply_in_order(self):
        tree = self._tree("a(); b();\n")
        mutants.apply_edits(tree, [Edit("k.c", "a();", "c();"), Edit("k.c", "c(); b();", "d();")])
        with open(os.path.join(tree, "k.c")) as f:
            self.assertEqual(f.read(), "d();\n")


class Classify(unittest.TestCase):
    def test_exit_3_not_validated_is_a_kill(self):
        self.assertEqual(mutants.classify(3, [{"validated": False}], False),
                         (True, "exit 3, \"validated\": false"))

    def test_a_survivor_fails(self):
        killed, reason = mutants.classify(0, [{"validated": True}], False)
        self.assertFalse(killed)
        self.assertTrue(reason.startswith("SURVIVED"))

    def test_exit_3_needs_a_record_that_says_so(self):
        self.assertFalse(mutants.classify(3, [], False)[0])
        self.assertFalse(mutants.classify(3, [{"validated": True}], False)[0])
        self.assertFalse(mutants.classify(3, [None], False)[0])

    def test_crashes_errors_and_timeouts_fail(self):
        self.assertEqual(mutants.classify(-11, [], False, "Segmentation fault"),
                         (False, "ended by signal 11 (expected 3): Segmentation fault"))
        self.assertFalse(mutants.classify(1, [], False)[0])
        self.assertFalse(mutants.classify(2, [], False)[0])
        self.assertEqual(mutants.classify(3, [{"validated": False}], True), (False, "timed out"))

    def test_records_are_read_one_after_another(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(json.dumps({"validated": True}) + "\n" + json.dumps({"validated": False}))
        self.addCleanup(os.remove, f.name)
        self.assertEqual(mutants.read_records(f.name), [{"validated": True}, {"validated": False}])


class Summary(unittest.TestCase):
    def outcome(self, name, result):
        o = mutants.Outcome(name)
        o.result, o.detail, o.seconds, o.workdir = result, "why", 1.0, "/w/" + name
        return o

    def test_all_killed_passes(self):
        text, status = mutants.summary([self.outcome("a", "killed"), self.outcome("b", "killed")])
        self.assertEqual(status, 0)
        self.assertIn("2 of 2 killed", text)

    def test_one_survivor_fails_with_its_line(self):
        text, status = mutants.summary([self.outcome("a", "killed"), self.outcome("b", "SURVIVED")])
        self.assertEqual(status, 1)
        self.assertIn("mutants: FAIL b: SURVIVED: why", text)
        self.assertIn("1 of 2 killed", text)


if __name__ == "__main__":
    unittest.main()
