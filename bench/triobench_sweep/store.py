"""The results folder: results.jsonl (the truth), results.csv, meta.json, summary.json.

results.jsonl is only ever appended to, one run at a time (all records of a
run in one write), and fsync'ed before the next run starts. Everything else is
derived from it and written atomically (temporary file + rename), so a sweep
killed at any moment leaves valid files.
"""

import csv
import fcntl
import io
import json
import math
import os

from tbcommon.errors import SweepError, UserError

RESULTS = "results.jsonl"
DAMAGED = "results.jsonl.damaged"
SCHEMA = "triobench.result/1"   # the records this sweep writes and reads (plots/tbplots/loader.py too)
LOCK = ".lock"

CSV_FIRST = ["sweep.id", "sweep.config_id", "sweep.rep", "kernel", "backend", "ranks", "threads", "pes",
             "sweep.scaling", "sweep.oversubscribed", "iterations", "warmup", "time.median", "time.min",
             "time.max", "time.mean", "time.total", "rate.value", "rate.unit", "validated", "status",
             "outlier", "sweep.failure", "sweep.exit_status", "sweep.wall_s"]


def clean(value):
    """JSON-safe copy: non-finite floats become null (as in the executables' records)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def dumps(obj):
    return json.dumps(clean(obj), separators=(",", ":"), allow_nan=False)


def atomic_write(path, text):
    """Write path through a temporary file and a rename; on failure (a full disk) the temporary
    file is removed and the error is one line (SweepError), the old file intact."""
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SweepError(f"cannot write {path}: {e.strerror}; the records in {RESULTS} are intact") from None
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_json(path, obj):
    atomic_write(path, json.dumps(clean(obj), indent=2, allow_nan=False) + "\n")


def _sweep(record):
    return record.get("sweep") if isinstance(record.get("sweep"), dict) else {}


def run_key(record):
    """(config_id, rep); None for a field of the wrong type (a damaged or foreign record)."""
    s = _sweep(record)
    cid, rep = s.get("config_id"), s.get("rep")
    return (cid if isinstance(cid, str) else None,
            rep if isinstance(rep, int) and not isinstance(rep, bool) else None)


def record_key(record):
    """What makes a record unique: its run and its place among the run's records."""
    return run_key(record) + (str(_sweep(record).get("record_index", 0)),)


def dedupe(records):
    """(records with each one once, the number of copies dropped): a run's record present twice in
    results.jsonl (a copy, a merge of two files) counts once."""
    seen, out = set(), []
    for rec in records:
        key = record_key(rec)
        if key not in seen:
            seen.add(key)
            out.append(rec)
    return out, len(records) - len(out)


def other_schema(rec):
    """A triobench record of another schema than SCHEMA (the plots set it aside the same way)."""
    schema = rec.get("schema")
    return isinstance(schema, str) and schema.startswith("triobench.") and \
        not (schema == SCHEMA or schema.startswith(SCHEMA + "."))


def _split(data, foreign=None):
    """(good records, damaged raw lines) of a results.jsonl's bytes.

    A record of another schema is set aside with the damaged lines, and
    (line number, schema) appended to `foreign`.

    Damaged: a line that is not a JSON object (a truncated last line after a
    crash, a line nested too deep), a record without a sweep object whose
    config_id is a string and rep an integer, and every line of a run whose
    records are not all there.
    """
    foreign = [] if foreign is None else foreign
    records, raw, damaged = [], [], []
    lines = data.split(b"\n")
    complete, last = lines[:-1], lines[-1]
    for lineno, line in enumerate(complete, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or None in run_key(rec) or not isinstance(rec.get("kernel"), str):
                raise ValueError       # not a record of a sweep's run (no kernel, no sweep object, wrong types)
        except (ValueError, RecursionError):     # not JSON, or nested too deep
            damaged.append(line)
            continue
        if other_schema(rec):
            foreign.append((lineno, rec.get("schema")))
            damaged.append(line)
            continue
        records.append(rec)
        raw.append(line)
    if last.strip():
        damaged.append(last)            # no newline: the write was cut short
    counts = {}
    for rec in records:
        counts[run_key(rec)] = counts.get(run_key(rec), 0) + 1
    good = []
    for rec, line in zip(records, raw):
        expected = _sweep(rec).get("records_in_run", 1)
        expected = expected if isinstance(expected, int) else 1
        if counts[run_key(rec)] < expected:
            damaged.append(line)
        else:
            good.append((rec, line))
    return good, damaged


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.path = os.path.join(folder, RESULTS)
        self.foreign = []    # (line, schema) of the records of another schema the last load set aside
        self._fd = None
        self._lock = None

    def file(self, name):
        return os.path.join(self.folder, name)

    def lock(self):
        """One sweep per folder at a time (the lock dies with the process); the lock file names its pid."""
        try:
            self._lock = open(self.file(LOCK), "a+")
        except OSError as e:
            raise UserError(f"cannot write to results folder {self.folder}: {e.strerror}") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.seek(0)
            pid = self._lock.read().strip() or "unknown"
            self._lock.close()
            self._lock = None
            raise UserError(f"another sweep (pid {pid}) is writing {self.folder}: wait for it to end, "
                            "or pass another --out") from None
        try:
            self._lock.seek(0)
            self._lock.truncate()
            self._lock.write(f"{os.getpid()}\n")
            self._lock.flush()
        except OSError as e:
            self.unlock()
            raise UserError(f"cannot write to results folder {self.folder}: {e.strerror}") from None

    def adopt_lock(self, other):
        """Take over the lock another Store of this folder holds (folders.prepare_out's)."""
        self._lock, other._lock = other._lock, None

    def unlock(self, remove=False):
        if self._lock is not None:
            if remove:
                try:
                    os.unlink(self.file(LOCK))
                except OSError:
                    pass
            self._lock.close()
            self._lock = None

    def load(self, repair=True):
        """The records of results.jsonl; with repair, damaged lines are moved to results.jsonl.damaged.

        Returns (records, number of damaged lines set aside).
        """
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return [], 0
        self.foreign = []
        good, damaged = _split(data, self.foreign)
        if damaged and repair:
            with open(self.file(DAMAGED), "ab") as f:
                f.write(b"".join(line + b"\n" for line in damaged))
                f.flush()
                os.fsync(f.fileno())
            text = b"".join(line + b"\n" for _, line in good)
            tmp = self.path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            _fsync_dir(self.folder)
        return [rec for rec, _ in good], len(damaged)

    def append_run(self, records):
        """Append every record of one run in one write, then fsync."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = "".join(dumps(r) + "\n" for r in records).encode()
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        os.fsync(self._fd)

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def flatten(obj, prefix=""):
    """{'time': {'median': 1}} -> {'time.median': 1}; lists become JSON text."""
    flat = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, separators=(",", ":"))
        else:
            flat[name] = value
    return flat


def _cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def csv_text(records, outliers=None):
    """One row per record, flat columns (the union over records), readable by pandas."""
    outliers = outliers or {}
    rows = []
    for rec in records:
        row = flatten(rec)
        key = run_key(rec) + (json.dumps(rec.get("params"), sort_keys=True),)
        row["outlier"] = outliers.get(key)
        rows.append(row)
    names = set().union(*rows) if rows else set()
    first = [c for c in CSV_FIRST if c in names or c == "outlier"]
    params = sorted(c for c in names if c.startswith("params.") and c not in first)
    columns = first + params + sorted(names - set(first) - set(params))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()
