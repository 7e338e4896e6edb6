"""The executables' catalogues (`--list --json`, schema tbcommon.catalogue.SCHEMA): asked once per
backend, all at once, and checked; the plan and meta.json take every kernel fact from them."""

import concurrent.futures
import json
import os
import subprocess

from tbcommon import catalogue as tbcat
from tbcommon.errors import SweepError, UserError

from . import executables


def read(argv, env=None, timeout=60):
    """Run `<exe> --list --json` (argv is the whole command); returns its catalogue, checked.

    An executable that cannot answer is a SweepError (exit 1); one that answers in another
    schema or with a malformed catalogue is a UserError (one line, exit 2).
    """
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise SweepError(f"{' '.join(argv)} did not answer within {timeout} s") from None
    except OSError as e:
        raise SweepError(f"cannot run {argv[0]}: {e.strerror}") from None
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise SweepError(f"{' '.join(argv)} failed with exit status {r.returncode}: {last}")
    try:
        cat = json.loads(r.stdout)
    except ValueError:
        raise UserError(f"{' '.join(argv)} did not print its catalogue as JSON") from None
    problems = tbcat.validate(cat)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(f"{argv[-3] if len(argv) >= 3 else argv[0]}: bad catalogue: {problems[0]}{more}")
    return cat


def _list_one(exe, backend, launcher):
    """An executable's catalogue: run by itself, else (an MPI one that needs its launcher) through the
    launcher; a simulated one (SMPI build, serial too) only ever runs under smpirun."""
    env = dict(os.environ)
    if launcher is not None:
        env.update(launcher.extra_env())
    simulated = launcher is not None and launcher.simulated
    try:
        if not simulated:
            return read([exe, "--list", "--json"], env=env)
    except SweepError:
        if launcher is None or backend not in ("mpi", "hybrid"):
            raise
    argv, extra = launcher.command(1, 1, False, [exe, "--list", "--json"])
    env.update(extra)
    return read(argv, env=env)


def _dry_run_catalogue(settings, backend):
    """A dry run before the build has no catalogue: the named kernels with unknown facts."""
    if settings.kernels == "all":
        raise UserError("a dry run before the build cannot know the kernels: build first, or name them "
                        "with --kernels")
    kernels = [{"name": n, "kind": "scaling", "size_param": "size", "series": None, "min_pes": 1, "min_ranks": 1,
                "weak": {"rule": "fixed"}, "size": {"default": None, "auto": None}, "sweep_params": [],
                "params": [{"name": "size", "type": "any"}]} for n in settings.kernels]
    return {"schema": tbcat.SCHEMA, "backend": backend, "dry_run": True, "kernels": kernels}


def discover(build_dir, backends, launcher, settings, dry_run):
    """backend -> catalogue of that executable (--list --json), the four asked at once."""
    found, jobs = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(backends) or 1) as pool:
        for b in backends:
            exe = executables.binary(build_dir, b)
            if os.access(exe, os.X_OK):
                jobs[b] = pool.submit(_list_one, exe, b, launcher)
            elif dry_run:
                found[b] = _dry_run_catalogue(settings, b)
            else:
                raise SweepError(f"{exe} is missing")
        for b, job in jobs.items():
            found[b] = job.result()
    return {b: found[b] for b in backends}


def kernels_by_backend(catalogues):
    """backend -> kernel name -> kernel entry: what the plan reads."""
    return {b: tbcat.by_name(cat) for b, cat in catalogues.items()}
