"""bench/lab N: run coursework lab N and write its answer sheet. Bad input: one line, exit 2."""

import os
import sys
import time

from tbcommon.errors import UserError

from . import run as labrun
from .labs import LABS
from .words import MISSING, NEEDS_CORES

USAGE = """usage: bench/lab N [--out FOLDER] [SWEEP OPTIONS ...]
       bench/lab N --answers FOLDER

Run coursework lab N (1 to 5, docs/labs/labN.md) through bench/sweep, draw its charts and write
lab-N-answers.md and lab-N-answers.html into its results folder (default
bench/results/lab-N-<UTC time>), filled in from your own measurements.

  --out FOLDER      the lab's results folder (each step is a sweep folder inside it)
  --answers FOLDER  only (re)write the answer sheet of a lab folder (e.g. after a Slurm job)
  SWEEP OPTIONS     passed to every bench/sweep of the lab, e.g. --submit --wait, --launcher slurm,
                    --build-dir DIR, --no-build (not --preset, --out, --resume, --scaling: the lab sets them)

  1 shared memory vs message passing   2 strong and weak scaling   3 memory- vs compute-bound
  4 master-worker and failures         5 hybrid shapes and binding

exit status: 0 every step ran well, 1 some runs failed or an answer lacks its data (the sheet says
which; a question this machine has too few cores for is not an error), 2 bad input, 130 interrupted."""

_OWN = ("--preset", "--out", "--resume", "--scaling")


def parse(argv):
    if not argv:
        raise UserError("which lab? bench/lab N with N from 1 to 5 (docs/labs/README.md)")
    if argv[0] in ("-h", "--help"):
        return None
    try:
        lab = int(argv[0])
    except ValueError:
        raise UserError(f"'{argv[0]}' is not a lab: bench/lab N with N from 1 to 5") from None
    if lab not in LABS:
        raise UserError(f"there is no lab {lab}: the labs are 1 to 5 (docs/labs/README.md)")
    out = answers = None
    rest, i = [], 1
    while i < len(argv):
        a = argv[i]
        if a in ("--out", "--answers"):
            if i + 1 >= len(argv):
                raise UserError(f"{a} needs a folder")
            out, answers = (argv[i + 1], answers) if a == "--out" else (out, argv[i + 1])
            i += 2
            continue
        key, eq, value = a.partition("=")
        if eq and key in ("--out", "--answers"):
            out, answers = (value, answers) if key == "--out" else (out, value)
        elif key in _OWN:
            raise UserError(f"{key} is set by the lab itself; pass it to bench/sweep directly")
        else:
            rest.append(a)
        i += 1
    return lab, out, answers, rest


def _new_folder(lab, out):
    if out is None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        out = os.path.join(labrun.BENCH, "results", f"lab-{lab}-{stamp}")
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise UserError(f"--out {out}: already exists and is not an empty folder (choose another)")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise UserError(f"--out {out}: cannot create it ({e.strerror})") from None
    return out


def _no_results_yet(sweep_args):
    """Why the steps left no results to answer from (a dry run, a job submitted without --wait), or None."""
    if "--dry-run" in sweep_args:
        return "--dry-run"
    if "--submit" in sweep_args and "--wait" not in sweep_args:
        return "jobs submitted (--submit without --wait)"
    return None


def main(argv):
    try:
        parsed = parse(argv)
        if parsed is None:
            print(USAGE)
            return 0
        lab, out, answers_folder, rest = parsed
        if answers_folder is not None:
            if not os.path.isfile(os.path.join(answers_folder, "lab.json")):
                raise UserError(f"--answers {answers_folder}: not a lab folder (no lab.json)")
            folder, statuses = answers_folder, {}
        else:
            folder = _new_folder(lab, out)
            statuses = labrun.run(lab, folder, rest)
            later = _no_results_yet(rest)
            if later:
                print(f"bench/lab {lab}: {later}: no answer sheet yet; when there are results: "
                      f"bench/lab {lab} --answers {folder}")
                return max(statuses.values(), default=0)
        paths, answers = labrun.write_sheet(lab, folder)
    except UserError as e:
        print(f"bench/lab: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench/lab: interrupted", file=sys.stderr)
        return 130
    print(f"bench/lab {lab}: answer sheet: {paths[0]} and {os.path.basename(paths[1])}")
    interrupted = [rc for rc in statuses.values() if rc in labrun.INTERRUPTED]
    if interrupted:
        return interrupted[0]
    if statuses and all(rc == 2 for rc in statuses.values()):
        return 2
    missing = sum(1 for a in answers if a.verdict == MISSING)
    if missing:
        print(f"bench/lab {lab}: {missing} of {len(answers)} answers lack their data (marked missing in the sheet)")
    fewer = sum(1 for a in answers if a.verdict == NEEDS_CORES)
    if fewer:
        print(f"bench/lab {lab}: {fewer} of {len(answers)} answers need a machine with more cores (the sheet says "
              "which); not an error")
    return 1 if any(rc != 0 for rc in statuses.values()) or missing else 0
