"""The results folder: its default name, its creation (locked against a second sweep), its latest link.

Default parent: bench/results/ in a source tree; ./triobench-results/ for an installed sweep
(the installation is read-only and not the user's)."""

import datetime
import os

from tbcommon.errors import UserError

from . import installation, store


def results_dir():
    if installation.installed():
        return os.path.join(os.getcwd(), "triobench-results")
    return os.path.join(installation.ROOT, "bench", "results")


def default_out():
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(results_dir(), f"sweep-{stamp}")
    path, n = base, 1
    while os.path.exists(path):
        n += 1
        path = f"{base}-{n}"
    return path


def _holds_sweep(path):
    if any(os.path.exists(os.path.join(path, name)) for name in (store.RESULTS, "meta.json")):
        raise UserError(f"{path} already holds a sweep: pass --resume {path}, or another --out")


def prepare_out(path):
    """Create the results folder (or check an empty existing one) and lock it; one-line errors.

    Returns (path, created, lock). The lock is taken before the folder is found empty, so of
    two sweeps started into one folder at once the second always refuses (naming the first's pid).
    """
    path = os.path.abspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"--out {path} is a file, not a folder")
    _holds_sweep(path)
    created = not os.path.exists(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot write to results folder {path}: {e.strerror}") from None
    lock = store.Store(path)
    lock.lock()                   # a UserError naming the other sweep's pid when it holds the folder
    try:
        _holds_sweep(path)        # the other sweep may have finished between the check and the lock
    except UserError:
        lock.unlock()
        raise
    return path, created, lock


def remove_if_unused(folder, lock):
    """Remove a folder this sweep created when it refused to start (nothing but its lock in it)."""
    if lock is not None:
        lock.unlock(remove=True)
    try:
        if not os.listdir(folder):
            os.rmdir(folder)
    except OSError:
        pass


def link_latest(folder):
    results = results_dir()
    if os.path.dirname(folder) != results:
        return
    link = os.path.join(results, "latest")
    try:
        if os.path.islink(link):
            os.unlink(link)
        if not os.path.exists(link):
            os.symlink(os.path.basename(folder), link)
    except OSError:
        pass
