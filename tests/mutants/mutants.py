#!/usr/bin/python3
"""The mutation test (issue 11): every deliberate mistake in table.py must be
caught by validation.

For each mutant: take a fresh copy of the source and of its unmutated build
tree (built once per worker, see Slot), run its commands there (they must
validate: a kill is then the mutant's doing), apply its edits (each anchor
exactly once), rebuild only the executables its runs need, run them, and
expect exit status 3 with "validated": false in the JSON record. Anything
else fails the test with one line: the mutant survived (exit 0), the anchor
moved, the build failed, a run timed out or crashed.

  tests/mutants/mutants.py                  every mutant (not the control)
  tests/mutants/mutants.py --list           names and mistakes
  tests/mutants/mutants.py cg-inner-iteration transpose-tile
  tests/mutants/mutants.py --check-anchors  only check that every anchor matches once

Exit status: 0 every mutant killed, 1 otherwise, 2 bad usage.
"""

import argparse
import json
import os
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from table import MUTANTS  # noqa: E402

SOURCE = os.path.dirname(os.path.dirname(HERE))
MPI_BACKENDS = ("mpi", "hybrid")


class AnchorError(Exception):
    pass


# ---------------------------------------------------------------- the source


def source_files(root):
    """Relative paths of the tree's source files: git's tracked and untracked
    (not ignored) files, or, outside git, every file but build trees."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
        files = [f for f in out.decode().split("\0") if f]
        if files:
            return [f for f in files if os.path.isfile(os.path.join(root, f))]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (d.startswith(("build", "results", "out", "."))
                                                   or d == "__pycache__")]
        files += [os.path.relpath(os.path.join(dirpath, f), root) for f in filenames]
    return files


def copy_tree(root, files, dest):
    for rel in files:
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, rel), target)


def edited(tree, edits):
    """{file: text after the edits} for the files edits touch in tree, read only;
    AnchorError unless each anchor occurs exactly once (in the text as edited so far)."""
    texts = {}
    for e in edits:
        if not e.file.endswith(".c"):
            raise AnchorError(f"{e.file}: mutants edit .c files only")
        if e.file not in texts:
            try:
                with open(os.path.join(tree, e.file)) as f:
                    texts[e.file] = f.read()
            except OSError as err:
                raise AnchorError(f"{e.file}: cannot read ({err.strerror})") from None
        count = texts[e.file].count(e.anchor)
        if count != 1:
            what = "anchor not found" if count == 0 else f"anchor found {count} times"
            raise AnchorError(f"{e.file}: {what}: {e.anchor.strip().splitlines()[0]!r}")
        texts[e.file] = texts[e.file].replace(e.anchor, e.replacement)
    return texts


def apply_edits(tree, edits):
    for rel, text in edited(tree, edits).items():
        with open(os.path.join(tree, rel), "w") as f:
            f.write(text)


def check_anchors(root, mutants):
    """{name: the anchor error, or None} for each mutant against the tree at root."""
    result = {}
    for m in mutants:
        try:
            edited(root, m.edits)
            result[m.name] = None
        except AnchorError as err:
            result[m.name] = str(err)
    return result


# ------------------------------------------------------------------ the runs


def targets_of(m):
    seen = []
    for r in m.runs:
        t = "triobench-" + r.backend
        if t not in seen:
            seen.append(t)
    return seen


def describe(run):
    shape = {"serial": "", "omp": f"{run.threads} threads", "mpi": f"{run.ranks} ranks",
             "hybrid": f"{run.ranks}x{run.threads}"}[run.backend]
    return " ".join(x for x in (run.backend, shape, run.args[0]) if x)


def command(run, bindir, mpi):
    exe = os.path.join(bindir, "triobench-" + run.backend)
    if run.backend in MPI_BACKENDS:
        return [mpi["exec"], "-n", str(run.ranks)] + mpi["flags"] + [exe] + list(run.args)
    return [exe] + list(run.args)


def read_records(path):
    """The JSON records appended to path (one or more objects)."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return []
    decoder, records, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return records
        try:
            obj, i = decoder.raw_decode(text, i)
        except ValueError:
            return records + [None]  # a torn record
        records.append(obj)


def classify(returncode, records, timed_out, stderr_tail=""):
    """(killed, reason) for one run of a mutant."""
    if timed_out:
        return False, "timed out"
    flags = [r.get("validated") if isinstance(r, dict) else None for r in records]
    if returncode == 3:
        if not records:
            return False, "exit 3 but no JSON record"
        if None in flags:
            return False, "exit 3 but a record is unreadable or has no \"validated\""
        if False not in flags:
            return False, "exit 3 but every record says \"validated\": true"
        return True, "exit 3, \"validated\": false"
    if returncode == 0:
        return False, "SURVIVED: exit 0" + (", validated" if flags and all(flags) else "")
    how = f"ended by signal {-returncode}" if returncode < 0 else f"exit {returncode}"
    tail = f": {stderr_tail}" if stderr_tail else ""
    return False, f"{how} (expected 3){tail}"


def run_group(cmd, log, timeout, stderr, env=None):
    """Run cmd in a process group of its own, stdout to log; (exit status, stderr
    bytes or None, timed out). On timeout the whole group ends: a launcher
    and its ranks, or cmake and its compilers."""
    log.write("$ " + shlex.join(cmd) + "\n")
    log.flush()
    p = subprocess.Popen(cmd, stdout=log, stderr=stderr, env=env, start_new_session=True)
    try:
        _, err = p.communicate(timeout=max(1.0, timeout))
        return p.returncode, err, False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        return p.returncode, err, True


def run_once(run, bindir, mpi, json_path, log_path, timeout):
    """Run; (returncode, records, timed_out, last stderr line)."""
    if os.path.exists(json_path):
        os.remove(json_path)
    env = dict(os.environ, OMP_NUM_THREADS=str(run.threads))
    cmd = command(run, bindir, mpi) + ["--json", json_path]
    with open(log_path, "a") as log:
        rc, err, timed_out = run_group(cmd, log, timeout, subprocess.PIPE, env)
        err = err.decode(errors="replace")
        log.write(err + f"[exit {rc}]\n")
    lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
    return rc, read_records(json_path), timed_out, lines[-1][:200] if lines else ""


# ---------------------------------------------------------------- a mutant


class Outcome:
    def __init__(self, name):
        self.name, self.result, self.detail, self.seconds, self.workdir = name, "", "", 0.0, ""


def logged(cmd, log, timeout):
    """Run cmd with its output appended to log; its exit status, or None on timeout."""
    rc, _, timed_out = run_group(cmd, log, timeout, subprocess.STDOUT)
    return None if timed_out else rc


class Slot:
    """A place where mutants are built one after another: slot-K/{src,build}.

    It is configured and built once from the unmutated source, then saved
    (slot-K.pristine). Each mutant gets a fresh copy of that saved tree, at
    the same path and with its timestamps, so its build tree is its own and
    `cmake --build` compiles only the files it edited, then relinks."""

    def __init__(self, work, k):
        self.dir = os.path.join(work, f"slot-{k}")
        self.pristine = self.dir + ".pristine"
        self.src, self.build = os.path.join(self.dir, "src"), os.path.join(self.dir, "build")
        self.bin = os.path.join(self.build, "bin")

    def prepare(self, opts, files, targets):
        """Build the unmutated targets; None, or why it failed."""
        for d in (self.dir, self.pristine):
            shutil.rmtree(d, ignore_errors=True)
        copy_tree(opts.source, files, self.src)
        log_path = self.dir + ".build.log"
        deadline = time.monotonic() + opts.build_timeout
        with open(log_path, "w") as log:
            for cmd in (["cmake", "-S", self.src, "-B", self.build, "-DCMAKE_BUILD_TYPE=Release",
                         "-DTRIOBENCH_TESTS=OFF"] + opts.cmake_args,
                        ["cmake", "--build", self.build, "-j1", "--target"] + targets):
                rc = logged(cmd, log, deadline - time.monotonic())
                if rc != 0:
                    why = "timed out" if rc is None else "failed"
                    return f"the unmutated source: {cmd[1][2:] or 'configure'} {why} (log: {log_path})"
        shutil.copytree(self.dir, self.pristine, symlinks=True)
        return None

    def restore(self):
        shutil.rmtree(self.dir)
        shutil.copytree(self.pristine, self.dir, symlinks=True)


def build_mutant(slot, m, log_path, timeout):
    """Rebuild the mutant's targets in slot; None, or why it failed."""
    with open(log_path, "w") as log:
        rc = logged(["cmake", "--build", slot.build, "-j1", "--target"] + targets_of(m), log, timeout)
    if rc != 0:
        return f"build {'timed out' if rc is None else 'failed'} (log: {log_path})"
    with open(log_path) as log:
        text = log.read()
    # A stale object would test the unmutated code: the edited files must have been compiled.
    missing = sorted({e.file for e in m.edits if f"/{e.file}.o" not in text})
    if missing:
        return f"the build did not recompile {', '.join(missing)} (log: {log_path})"
    return None


def baseline(m, slot, opts, work, log_path):
    """Each run of m validates unmutated: None, or the first that does not."""
    for i, run in enumerate(m.runs):
        rc, records, timed_out, tail = run_once(run, slot.bin, opts.mpi,
                                                os.path.join(work, f"baseline{i}.json"),
                                                log_path, opts.run_timeout)
        flags = [r.get("validated") if isinstance(r, dict) else None for r in records]
        if timed_out or rc != 0 or not records or not all(flags):
            why = "timed out" if timed_out else f"exit {rc}" + (f": {tail}" if tail else "")
            return f"{describe(run)}: does not validate unmutated ({why})"
    return None


def test_mutant(m, slot, opts):
    out = Outcome(m.name)
    start = time.monotonic()
    work = os.path.join(opts.work, m.name)
    out.workdir = work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log_path = os.path.join(work, "runs.log")
    try:
        slot.restore()
        bad = baseline(m, slot, opts, work, log_path)
        if bad:
            out.result, out.detail = "BAD RUN", bad
            return out
        try:
            apply_edits(slot.src, m.edits)
        except AnchorError as err:
            out.result, out.detail = "ANCHOR", str(err)
            return out
        built = time.monotonic()
        failed = build_mutant(slot, m, os.path.join(work, "build.log"), opts.build_timeout)
        built = time.monotonic() - built
        if failed:
            out.result, out.detail = "BUILD", failed
            return out
        details = []
        for i, run in enumerate(m.runs):
            rc, records, timed_out, tail = run_once(run, slot.bin, opts.mpi,
                                                    os.path.join(work, f"run{i}.json"),
                                                    log_path, opts.run_timeout)
            killed, reason = classify(rc, records, timed_out, tail)
            if not killed:
                details.append((run, reason))
        if not details:
            out.result = "killed"
            out.detail = (f"{len(m.runs)} run(s): exit 3, not validated (build {built:.0f} s, "
                          f"runs {time.monotonic() - start - built:.0f} s)")
        else:
            survived = all(reason.startswith("SURVIVED") for _, reason in details)
            out.result = "SURVIVED" if survived else "FAILED"
            out.detail = "; ".join(f"{describe(run)}: {reason}" for run, reason in details)
        return out
    except Exception as err:  # a harness error fails this mutant, reported once
        out.result, out.detail = "ERROR", f"{type(err).__name__}: {err}"
        return out
    finally:
        out.seconds = time.monotonic() - start


def test_all(chosen, opts, files):
    """Outcomes by name: one worker per slot takes mutants from a shared queue."""
    targets = []
    for m in chosen:
        targets += [t for t in targets_of(m) if t not in targets]
    slots = [Slot(opts.work, k) for k in range(min(opts.jobs, len(chosen)))]
    work_queue = queue.Queue()
    for m in sorted(chosen, key=lambda m: -len(m.runs)):  # the longest first
        work_queue.put(m)
    outcomes, broken = {}, []

    def worker(slot):
        t0 = time.monotonic()
        why = slot.prepare(opts, files, targets)
        print(f"mutants: {os.path.basename(slot.dir)}: unmutated build "
              f"{'FAILED' if why else 'done'} ({time.monotonic() - t0:.1f} s)", flush=True)
        if why:
            broken.append(why)
            return
        while True:
            try:
                m = work_queue.get_nowait()
            except queue.Empty:
                return
            o = test_mutant(m, slot, opts)
            outcomes[o.name] = o
            print(f"mutants: {o.name}: {o.result} ({o.seconds:.1f} s)", flush=True)

    threads = [threading.Thread(target=worker, args=(s,)) for s in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for m in chosen:
        if m.name not in outcomes:
            o = Outcome(m.name)
            o.result, o.detail, o.workdir = "BUILD", broken[0], os.path.join(opts.work, m.name)
            outcomes[m.name] = o
    return outcomes


# ---------------------------------------------------------------- reporting


def summary(outcomes):
    """The table and the failure lines; (text, exit status)."""
    width = max([len("mutant")] + [len(o.name) for o in outcomes])
    lines = [f"{'mutant':<{width}}  {'result':<8}  {'seconds':>7}  detail"]
    for o in outcomes:
        lines.append(f"{o.name:<{width}}  {o.result:<8}  {o.seconds:7.1f}  {o.detail}")
    failed = [o for o in outcomes if o.result != "killed"]
    for o in failed:
        lines.append(f"mutants: FAIL {o.name}: {o.result}: {o.detail}")
    n = len(outcomes)
    lines.append(f"mutants: {n - len(failed)} of {n} killed" +
                 (f"; work trees kept in {os.path.dirname(failed[0].workdir)}" if failed else ""))
    return "\n".join(lines), (1 if failed else 0)


def mpi_launcher(mpiexec, flags):
    exe = mpiexec or shutil.which("mpiexec") or shutil.which("mpirun")
    if flags is None:
        flags = []
        if exe:
            try:
                v = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
                if "Open MPI" in v.stdout + v.stderr or "OpenRTE" in v.stdout + v.stderr:
                    flags = ["--oversubscribe", "--bind-to", "none"]
            except (OSError, subprocess.TimeoutExpired):
                pass
    else:
        flags = shlex.split(flags)
    return {"exec": exe, "flags": flags}


def parse(argv):
    p = argparse.ArgumentParser(
        prog="tests/mutants/mutants.py",
        description="Apply each deliberate mistake to a copy of the source, build, run, and "
                    "expect validation to fail (exit 3, \"validated\": false).")
    p.add_argument("names", nargs="*", help="mutants to run (default: all but controls)")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--check-anchors", action="store_true",
                   help="only check that every anchor occurs exactly once")
    p.add_argument("--source", default=SOURCE, help="the source tree (default: this checkout)")
    p.add_argument("--work", help="folder for the copies and build trees (default: a temporary "
                                  "one, removed when every mutant is killed)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="workers, each with its own build tree (default: 2, or 1 on one core)")
    p.add_argument("--mpiexec", help="MPI launcher (default: mpiexec on PATH)")
    p.add_argument("--mpiexec-flags", help="launcher flags (default: --oversubscribe "
                                           "--bind-to none for Open MPI)")
    p.add_argument("--cmake-arg", action="append", default=[], dest="cmake_args",
                   help="an extra configure argument, e.g. -DMPI_C_COMPILER=mpicc (repeatable)")
    p.add_argument("--build-timeout", type=float, default=240.0,
                   help="seconds for a build (the unmutated one or a mutant's)")
    p.add_argument("--run-timeout", type=float, default=60.0, help="seconds per run")
    opts = p.parse_args(argv)
    if opts.jobs < 1:
        p.error("--jobs must be at least 1")
    return p, opts


def main(argv):
    p, opts = parse(argv)
    by_name = {m.name: m for m in MUTANTS}
    if opts.list:
        for m in MUTANTS:
            runs = ", ".join(describe(r) for r in m.runs)
            extra = " [control: must survive]" if m.control else ""
            print(f"{m.name:<22} {m.mistake}{extra}\n{'':<22} runs: {runs}")
            if m.note:
                print(f"{'':<22} note: {m.note}")
        return 0
    unknown = [n for n in opts.names if n not in by_name]
    if unknown:
        p.error(f"no mutant named {', '.join(unknown)} (see --list)")
    chosen = [by_name[n] for n in opts.names] or [m for m in MUTANTS if not m.control]

    if opts.check_anchors:
        bad = {k: v for k, v in check_anchors(opts.source, chosen).items() if v}
        for name, err in bad.items():
            print(f"mutants: FAIL {name}: ANCHOR: {err}")
        print(f"mutants: {len(chosen) - len(bad)} of {len(chosen)} mutants' anchors match once")
        return 1 if bad else 0

    opts.mpi = mpi_launcher(opts.mpiexec, opts.mpiexec_flags)
    if not opts.mpi["exec"] and any(r.backend in MPI_BACKENDS for m in chosen for r in m.runs):
        print("mutants: error: no MPI launcher (mpiexec) for the MPI mutants: install MPI "
              "or name the mutants to run", file=sys.stderr)
        return 2
    opts.source = os.path.abspath(opts.source)
    temporary = opts.work is None
    opts.work = os.path.abspath(opts.work or tempfile.mkdtemp(prefix="triobench-mutants-"))
    os.makedirs(opts.work, exist_ok=True)
    files = source_files(opts.source)

    print(f"mutants: {len(chosen)} mutant(s), {min(opts.jobs, len(chosen))} at a time, in "
          f"{opts.work}", flush=True)
    outcomes = test_all(chosen, opts, files)
    text, status = summary([outcomes[m.name] for m in chosen])
    print(text)
    if status == 0 and temporary and not opts.keep:
        shutil.rmtree(opts.work, ignore_errors=True)
    elif status == 0 and not opts.keep:
        for entry in os.listdir(opts.work):
            if entry.startswith("slot-") or entry in {m.name for m in chosen}:
                path = os.path.join(opts.work, entry)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.remove(path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
