"""What a figure caption and the report say about the machine and the sweep.

meta.json fields are all optional; the records' own host, build and
timestamp fields fill the gaps.
"""

import json


def _pick(obj, *paths):
    """First non-empty value found at any of the dotted paths."""
    for path in paths:
        cur = obj
        for part in path.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur not in (None, "", [], {}):
            return cur
    return None


def _text(value):
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return " ".join(str(value).split())  # CPU model strings come padded with spaces


def describe(dataset):
    meta = dataset.meta
    rec = next((r.raw for r in dataset.runs if r.ok), dataset.runs[0].raw)
    host = _pick(meta, "host.name", "host.hostname", "hostname", "host") or _pick(rec, "host.name")
    cpu = _pick(meta, "cpu.model", "cpu.model_name", "cpu_model", "cpu", "host.cpu_model") \
        or _pick(rec, "host.cpu_model")
    commit = _pick(meta, "git_commit", "git.commit", "commit", "build.git_commit", "git") \
        or _pick(rec, "build.git_commit")
    date = _pick(meta, "date", "created", "started", "start", "timestamp", "finished") or _pick(rec, "timestamp")
    sweep_id = _pick(meta, "sweep_id", "id", "sweep.id") or _pick(rec, "sweep.id")
    commit_s = _text(commit)
    if commit_s and len(commit_s) > 12 and all(ch in "0123456789abcdef" for ch in commit_s[:12]):
        commit_s = commit_s[:12]
    return {
        "machine": _text(host) or "unknown machine",
        "cpu": _text(cpu),
        "date": _text(date) or "unknown date",
        "commit": commit_s or "unknown commit",
        "sweep_id": _text(sweep_id),
        # simulated.py: the platforms a simulation ran on, and whether every run was simulated
        "simulated": sorted({r.simulated for r in dataset.runs if r.simulated}),
        "all_simulated": all(r.simulated for r in dataset.runs),
    }


def caption(info):
    machine = info["machine"]
    if info.get("cpu"):
        machine += " (%s)" % info["cpu"]
    sims = info.get("simulated")
    if sims and info.get("all_simulated"):   # the machine only ran the simulator
        machine = "%s (SimGrid SMPI), computed on %s" % (" and ".join(sims), machine)
    text = "%s · %s · commit %s" % (machine, info["date"], info["commit"])
    if sims and not info.get("all_simulated"):
        text += " · partly %s (SimGrid SMPI)" % " and ".join(sims)
    if info.get("sweep_id"):
        text += " · sweep %s" % info["sweep_id"]
    return text


def flatten(meta, prefix=""):
    """meta.json as (dotted key, text) rows for the report's metadata table."""
    rows = []
    for key in sorted(meta):
        value = meta[key]
        name = prefix + str(key)
        if isinstance(value, dict) and value and len(rows) < 200:
            rows.extend(flatten(value, name + "."))
        else:
            text = _text(value)
            if text is not None and len(text) > 300:
                text = text[:297] + "..."
            rows.append((name, "" if text is None else text))
    return rows
