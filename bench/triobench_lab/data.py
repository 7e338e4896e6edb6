"""What a lab's answer rules read: each step's sweep folder (summary.json rows, results.jsonl
records, meta.json) and the lab's own lab.json (steps run, their exit status, the machine's load)."""

import json
import os

LAB_FILE = "lab.json"


class Step:
    """One sweep's results: summary rows (configurations), records, meta. Empty when the step
    did not run or left nothing (``missing`` then says why)."""

    def __init__(self, rows=(), records=(), meta=None, missing=None):
        self.rows = list(rows)
        self.records = list(records)
        self.meta = meta or {}
        self.missing = missing

    def find(self, **want):
        """Summary rows whose fields equal ``want`` (params.X as params_X)."""
        return [r for r in self.rows if _matches(r, want)]

    def one(self, **want):
        """The first matching row with a median time, or None."""
        return next((r for r in self.find(**want) if r.get("median_s") is not None), None)

    def recs(self, **want):
        """Records (with a measurement or a fault outcome) whose fields equal ``want``."""
        return [r for r in self.records if _matches(r, want)]


def _matches(d, want):
    for key, value in want.items():
        if key.startswith("params_"):
            got = (d.get("params") or {}).get(key[len("params_"):])
        else:
            got = d.get(key)
        if got != value:
            return False
    return True


class LabData:
    """Everything the rules see: ``steps`` (name -> Step), ``info`` (lab.json)."""

    def __init__(self, steps, info=None, folder=None):
        self.steps = steps
        self.info = info or {}
        self.folder = folder

    def existing(self, rel):
        """[rel] when that file exists under the lab folder, else []."""
        return [rel] if os.path.exists(os.path.join(self.folder or "", rel)) else []

    def figures(self, step, prefix, suffix=".png"):
        """Charts plots/plot drew for a step (relative to the lab folder): files of
        STEP/report/figures named PREFIX*SUFFIX, e.g. ("stencil", "-speedup.png")."""
        rel = os.path.join(step, "report", "figures")
        try:
            names = sorted(os.listdir(os.path.join(self.folder or "", rel)))
        except OSError:
            return []
        return [os.path.join(rel, n) for n in names if n.startswith(prefix) and n.endswith(suffix)]

    def step(self, name):
        return self.steps.get(name) or Step(missing=f"step '{name}' has no results")


def _json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue          # a truncated last line: the sweep's resume repairs it
    except OSError:
        pass
    return out


def load_step(folder):
    summary = _json(os.path.join(folder, "summary.json"))
    records = _jsonl(os.path.join(folder, "results.jsonl"))
    if summary is None and not records:
        return Step(missing=f"no results in {folder}")
    rows = (summary or {}).get("configurations") or []
    return Step(rows, records, _json(os.path.join(folder, "meta.json")),
                None if rows or records else f"no runs recorded in {folder}")


def load(lab_folder, step_names):
    info = _json(os.path.join(lab_folder, LAB_FILE)) or {}
    steps = {}
    for name in step_names:
        path = os.path.join(lab_folder, name)
        steps[name] = load_step(path) if os.path.isdir(path) else Step(missing=f"step '{name}' did not run")
    return LabData(steps, info, lab_folder)


def write_info(lab_folder, info):
    tmp = os.path.join(lab_folder, LAB_FILE + ".tmp")
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(lab_folder, LAB_FILE))
