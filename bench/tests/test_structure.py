"""The sweep's modules (issue 14 §3): no import cycles, and BACKENDS, UserError and SweepError
defined only in tbcommon (shared with plots/)."""

import ast
import os
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(BENCH, "triobench_sweep")


def imports():
    """module -> the triobench_sweep modules it imports (anywhere in the file)."""
    graph = {}
    for name in sorted(os.listdir(PACKAGE)):
        if not name.endswith(".py"):
            continue
        module = name[:-3]
        with open(os.path.join(PACKAGE, name)) as f:
            tree = ast.parse(f.read())
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module.split(".")[0])
                else:
                    deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("triobench_sweep."):
                deps.add(node.module.split(".")[1])
        graph[module] = deps - {module}
    return graph


def cycle(graph):
    """A cycle of the graph as a list of modules, or None."""
    state = {}

    def visit(m, path):
        state[m] = "open"
        for d in sorted(graph.get(m, ())):
            if state.get(d) == "open":
                return path[path.index(d):] + [d] if d in path else [m, d]
            if d not in state:
                found = visit(d, path + [d])
                if found:
                    return found
        state[m] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m, [m])
            if found:
                return found
    return None


class Structure(unittest.TestCase):
    def test_no_import_cycle(self):
        graph = imports()
        self.assertIn("plan", graph["session"] | graph["probes"])
        self.assertIsNone(cycle(graph))

    def test_the_cycle_finder_finds_one(self):
        self.assertEqual(cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), ["a", "b", "c", "a"])
        self.assertIsNone(cycle({"a": {"b"}, "b": set()}))

    def test_shared_names_defined_once(self):
        for name in sorted(os.listdir(PACKAGE)):
            if name.endswith(".py"):
                with open(os.path.join(PACKAGE, name)) as f:
                    tree = ast.parse(f.read())
                for node in tree.body:
                    targets = [t.id for n in [node] if isinstance(n, ast.Assign) for t in n.targets
                               if isinstance(t, ast.Name)]
                    if isinstance(node, ast.ClassDef):
                        targets.append(node.name)
                    for t in targets:
                        self.assertNotIn(t, ("BACKENDS", "UserError", "SweepError"), f"{name} defines {t}")
        self.assertFalse(os.path.exists(os.path.join(PACKAGE, "errors.py")))


if __name__ == "__main__":
    unittest.main()
