"""Presets: readable TOML files in bench/presets/ holding a sweep's settings.

A preset may set any of the keys below; command-line options override it.

    description = "one line"
    kernels  = ["stencil", "nstream"]      # or "all"
    backends = ["serial", "omp", "mpi", "hybrid"]
    pes      = [1, 2]                      # or "auto"
    shapes   = "all"                       # or ["1x2", "2x1"]
    scaling  = "strong"                    # or "weak"
    reps = 3
    warmup = 2
    iters = 10
    timeout = 60
    launcher = "auto"
    allow_oversubscribe = false
    skip_missing_kernels = true            # kernels this build lacks: warn, skip

    [[fault]]                              # fault scenarios instead of a scaling plan:
    name = "kill-reassign"                 # see bench/triobench_sweep/faults.py
    backend = "mpi"

    [kernel.stencil]                       # per-kernel settings
    size = 1000                            # the kernel's size parameter
    iters = 20                             # also: warmup, min_pes, min_ranks
    radius = 2                             # anything else: a kernel parameter
"""

import os
import tomllib

from .errors import UserError

PRESET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "presets")

# key -> (check, what the value must be)
_TOP_KEYS = {
    "description": (lambda v: isinstance(v, str), "a string"),
    "kernels": (lambda v: v == "all" or _str_list(v), '"all" or a list of names'),
    "backends": (lambda v: v == "all" or _str_list(v), '"all" or a list of names'),
    "pes": (lambda v: v == "auto" or (isinstance(v, list) and v and all(_pos_int(x) for x in v)),
            '"auto" or a list of positive integers'),
    "shapes": (lambda v: v == "all" or _str_list(v), '"all" or a list like ["1x2", "2x1"]'),
    "scaling": (lambda v: v in ("strong", "weak"), '"strong" or "weak"'),
    "reps": (lambda v: _pos_int(v), "a positive integer"),
    "warmup": (lambda v: _int(v) and v >= 0, "an integer >= 0"),
    "iters": (lambda v: _pos_int(v), "a positive integer"),
    "timeout": (lambda v: _num(v) and v > 0, "a positive number of seconds"),
    "launcher": (lambda v: v in ("auto", "mpirun", "srun", "hostfile"), "auto, mpirun, srun or hostfile"),
    "allow_oversubscribe": (lambda v: isinstance(v, bool), "true or false"),
    "skip_missing_kernels": (lambda v: isinstance(v, bool), "true or false"),
    "kernel": (lambda v: isinstance(v, dict) and all(isinstance(t, dict) for t in v.values()),
               "tables like [kernel.stencil]"),
    "fault": (lambda v: isinstance(v, list), "tables like [[fault]] (bench/triobench_sweep/faults.py)"),
}

_KERNEL_KEYS = {
    "size": (lambda v: _num(v) or isinstance(v, str), "a number or a string"),
    "iters": (lambda v: _pos_int(v), "a positive integer"),
    "warmup": (lambda v: _int(v) and v >= 0, "an integer >= 0"),
    "min_pes": (lambda v: _pos_int(v), "a positive integer"),
    "min_ranks": (lambda v: _pos_int(v), "a positive integer"),
}


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _pos_int(v):
    return _int(v) and v > 0


def _num(v):
    return (isinstance(v, (int, float))) and not isinstance(v, bool)


def _str_list(v):
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, str) for x in v)


def available():
    """Names of the presets in bench/presets/."""
    try:
        return sorted(f[:-5] for f in os.listdir(PRESET_DIR) if f.endswith(".toml"))
    except OSError:
        return []


def preset_path(name):
    """A preset name (quick) or a path to a .toml file."""
    if os.sep in name or name.endswith(".toml"):
        return name
    return os.path.join(PRESET_DIR, name + ".toml")


def load(name):
    """Read and check a preset; returns its dict. Raises UserError when malformed."""
    path = preset_path(name)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        known = ", ".join(available()) or "none"
        raise UserError(f"unknown preset '{name}' (presets: {known})") from None
    except OSError as e:
        raise UserError(f"cannot read preset {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{path}: malformed preset: {e}") from None
    check(data, path)
    return data


def check(data, where):
    """Raise UserError naming the first bad key of a preset dict."""
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise UserError(f"{where}: malformed preset: unknown key '{key}' "
                            f"(keys: {', '.join(sorted(_TOP_KEYS))})")
        ok, what = _TOP_KEYS[key]
        if not ok(value):
            raise UserError(f"{where}: malformed preset: '{key}' must be {what}")
    if "fault" in data:
        from .faults import check_preset
        problem = check_preset(data["fault"], where)
        if problem:
            raise UserError(problem)
    for kernel, table in data.get("kernel", {}).items():
        for key, value in table.items():
            if key in _KERNEL_KEYS:
                ok, what = _KERNEL_KEYS[key]
                if not ok(value):
                    raise UserError(f"{where}: malformed preset: kernel.{kernel}.{key} must be {what}")
            elif not (_num(value) or isinstance(value, str)):
                raise UserError(f"{where}: malformed preset: kernel parameter "
                                f"kernel.{kernel}.{key} must be a number or a string")
