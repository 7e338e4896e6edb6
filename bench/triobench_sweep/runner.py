"""Running one job: its own process group, a timeout, and a kill of the whole group.

The child is started in a new session (so it is its own process-group leader
and a Ctrl-C at the terminal reaches only the sweep), with PR_SET_PDEATHSIG so
that it dies if the sweep is killed (SIGKILL included), and with the marker
variable TRIOBENCH_SWEEP_RUN in its environment so that leftovers of a killed
sweep can be found and ended when it is resumed.
"""

import ctypes
import ctypes.util
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass

MARKER = "TRIOBENCH_SWEEP_RUN"
TERM_GRACE_S = 2.0

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    _prctl = _libc.prctl
except (OSError, AttributeError):
    _prctl = None

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid):
    def preexec():
        if _prctl is not None:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent_pid:      # the sweep died before prctl took effect
                os._exit(1)
    return preexec


@dataclass
class Outcome:
    returncode: object     # int; negative: killed by that signal; None: never reaped
    timed_out: bool
    wall_s: float
    stdout_path: str
    stderr_path: str


def kill_group(proc, grace=TERM_GRACE_S):
    """SIGTERM the job's process group, then SIGKILL what is left after `grace` seconds."""
    pgid = proc.pid
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    _kill_rest(pgid)
    proc.wait()


def _kill_rest(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _wait(proc, deadline, tick, tick_every):
    """True when the job ended before the deadline. Wakes at once when it ends (pidfd)."""
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        fd = None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return proc.poll() is not None
            step = min(remaining, tick_every) if tick else remaining
            if fd is not None:
                ready, _, _ = select.select([fd], [], [], step)
                if ready:
                    proc.wait()
                    return True
            else:
                try:
                    proc.wait(timeout=step)
                    return True
                except subprocess.TimeoutExpired:
                    pass
            if tick:
                tick()
    finally:
        if fd is not None:
            os.close(fd)


def run_job(argv, env, timeout, log_prefix, marker, tick=None, tick_every=0.5):
    """Run argv with env added to the sweep's environment; stdout/stderr go to log_prefix.out/.err.

    On KeyboardInterrupt (or any exception) the job's group is killed before re-raising.
    """
    full_env = dict(os.environ)
    full_env.update(env)
    full_env[MARKER] = marker
    out_path, err_path = log_prefix + ".out", log_prefix + ".err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=full_env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True, preexec_fn=_die_with_parent(os.getpid()))
        try:
            finished = _wait(proc, start + timeout, tick, tick_every)
            wall = time.monotonic() - start
            if not finished:
                kill_group(proc)
            else:
                _kill_rest(proc.pid)           # nothing of a finished job may linger
        except BaseException:
            kill_group(proc, grace=0.5)
            raise
    return Outcome(proc.returncode, not finished, wall, out_path, err_path)


def tail(path, max_chars=2000):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_chars))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def leftover_pids(marker_prefix):
    """Processes whose environment carries our marker starting with marker_prefix (Linux /proc)."""
    found = []
    needle = f"{MARKER}={marker_prefix}".encode()
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        if any(item.startswith(needle) for item in env.split(b"\0")):
            found.append(pid)
    return found


def kill_leftovers(marker_prefix):
    """SIGKILL the processes a killed sweep left running; returns their pids."""
    pids = leftover_pids(marker_prefix)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    return pids
