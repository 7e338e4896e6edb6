"""Read a bench/sweep results folder for a tool that only needs its records: results.jsonl (one record
per line; a truncated or foreign line is skipped, as the sweep's own loader sets it aside) and
meta.json. Standard library only. A folder that is not one raises UserError (one line for the user)."""

import json
import os

from .errors import UserError

RESULTS = "results.jsonl"
META = "meta.json"


def load(folder):
    """(records, meta) of a results folder; meta is {} when meta.json is missing or unreadable."""
    if not os.path.isdir(folder):
        raise UserError("%s: no such folder (give a bench/sweep results folder)" % folder)
    path = os.path.join(folder, RESULTS)
    if not os.path.isfile(path):
        raise UserError("%s has no %s (is it a bench/sweep results folder?)" % (folder, RESULTS))
    records = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict):
                    records.append(rec)
    except OSError as e:
        raise UserError("%s: cannot read (%s)" % (path, e.strerror or e))
    meta = {}
    try:
        with open(os.path.join(folder, META), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        pass
    return records, meta if isinstance(meta, dict) else {}


def load_all(folders):
    """[(folder, records, meta)] of several folders, in the order given."""
    return [(folder,) + load(folder) for folder in folders]
