"""Presets: readable TOML files in bench/presets/ holding a sweep's settings.

A preset may set any of the keys below; command-line options override it.

    description = "one line"
    kernels  = ["stencil", "nstream"]      # or "all"
    backends = ["serial", "omp", "mpi", "hybrid"]
    pes      = [1, 2]                      # or "auto"
    shapes   = "all"                       # or ["1x2", "2x1"]
    scaling  = "strong"                    # or "weak"
    reps = 6
    warmup = 2
    iters = 10
    timeout = 60
    launcher = "auto"                      # or mpirun, hostfile, srun, slurm, smpi
    platform = "platforms/cluster-ib.xml"  # launcher smpi: relative to the source tree (or share/triobench)
    allow_oversubscribe = false
    skip_missing_kernels = true            # kernels this build lacks: warn, skip
    seed = 42                              # the order of runs within a round (default: random)
    probes = false                         # skip the roofline probes (as --no-probes)
    one_pe_backends = ["serial"]           # only these run at 1 PE (default: every backend)

    [[fault]]                              # fault scenarios instead of a scaling plan:
    name = "kill-reassign"                 # see bench/triobench_sweep/faults.py
    backend = "mpi"

    [kernel.stencil]                       # per-kernel settings
    size = "auto"                          # the kernel's size parameter, or "auto" (>= 4x LLC)
    iters = 20                             # also: warmup, reps
    pes = [1, 4, 16]                       # this kernel's PE counts (default: the sweep's; --pes overrides)
    scaling = ["strong", "weak"]           # this kernel's scaling, one study per value (default: the sweep's)
                                           # with size = {strong = 4096, weak = 256} for a size per scaling
    radius = [1, 2]                        # anything else: a kernel parameter from its catalogue;
                                           # a list: one configuration per value (sweep_params only)

Kernel facts (minimum PEs and ranks, weak-scaling rules, ...) are not set
here: they come from the executables' catalogue (--list --json).
"""

import os
import tomllib

from tbcommon.errors import UserError
from tbcommon.models import BACKENDS

from .faults import check_preset
from .plan import MAX_COUNT

PRESET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "presets")

SCALINGS = ("strong", "weak")
LAUNCHERS = ("auto", "mpirun", "hostfile", "srun", "slurm", "smpi")

# key -> (check, what the value must be)
_TOP_KEYS = {
    "description": (lambda v: isinstance(v, str), "a string"),
    "kernels": (lambda v: v == "all" or _str_list(v), '"all" or a list of names'),
    "backends": (lambda v: v == "all" or _str_list(v), '"all" or a list of names'),
    "pes": (lambda v: v == "auto" or (isinstance(v, list) and v and all(_count(x) for x in v)),
            f'"auto" or a list of integers from 1 to {MAX_COUNT}'),
    "shapes": (lambda v: v == "all" or _str_list(v), '"all" or a list like ["1x2", "2x1"]'),
    "scaling": (lambda v: v in SCALINGS, '"strong" or "weak"'),
    "reps": (lambda v: _count(v), f"an integer from 1 to {MAX_COUNT}"),
    "warmup": (lambda v: _count(v, 0), f"an integer from 0 to {MAX_COUNT}"),
    "iters": (lambda v: _count(v), f"an integer from 1 to {MAX_COUNT}"),
    "timeout": (lambda v: _num(v) and 0 < v <= 7 * 86400, "a positive number of seconds up to a week"),
    "seed": (lambda v: _int(v) and 0 <= v < 2 ** 63, "an integer from 0 to 2^63-1"),
    "probes": (lambda v: isinstance(v, bool), "true or false"),
    "one_pe_backends": (lambda v: _str_list(v) and set(v) <= set(BACKENDS),
                        f'a list of backends ({", ".join(BACKENDS)}), e.g. ["serial"]'),
    "launcher": (lambda v: v in LAUNCHERS, ", ".join(LAUNCHERS[:-1]) + " or " + LAUNCHERS[-1]),
    "platform": (lambda v: isinstance(v, str) and v.endswith(".xml"), "a SimGrid platform file (.xml)"),
    "allow_oversubscribe": (lambda v: isinstance(v, bool), "true or false"),
    "skip_missing_kernels": (lambda v: isinstance(v, bool), "true or false"),
    "kernel": (lambda v: isinstance(v, dict) and all(isinstance(t, dict) for t in v.values()),
               "tables like [kernel.stencil]"),
    "fault": (lambda v: isinstance(v, list), "tables like [[fault]] (bench/triobench_sweep/faults.py)"),
}

_KERNEL_KEYS = {
    "size": (lambda v: _value(v) or (isinstance(v, dict) and v and set(v) <= set(SCALINGS)
                                     and all(_value(x) for x in v.values())),
             'a number, a string, "auto" or a size per scaling like {strong = 4096, weak = 256}'),
    "iters": (lambda v: _count(v), f"an integer from 1 to {MAX_COUNT}"),
    "warmup": (lambda v: _count(v, 0), f"an integer from 0 to {MAX_COUNT}"),
    "reps": (lambda v: _count(v), f"an integer from 1 to {MAX_COUNT}"),
    "pes": (lambda v: isinstance(v, list) and v and all(_count(x) for x in v),
            f"a list of integers from 1 to {MAX_COUNT}"),
    "scaling": (lambda v: v in SCALINGS or (isinstance(v, list) and v and len(set(v)) == len(v)
                                            and all(x in SCALINGS for x in v)),
                '"strong", "weak" or a list of them'),
}
# The keys of a [kernel.NAME] table that are settings of the sweep; any other key must be
# one of the kernel's parameters in its catalogue (checked when the plan is made).
KERNEL_SETTINGS = tuple(_KERNEL_KEYS)


def _count(v, lo=1):
    return _int(v) and lo <= v <= MAX_COUNT


def _value(v):
    return _num(v) or isinstance(v, str)


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
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: malformed preset: not UTF-8 text (byte {e.start})") from None
    except RecursionError:
        raise UserError(f"{path}: malformed preset: nested too deep") from None
    if not data:
        raise UserError(f"{path}: empty preset (a preset sets at least one key; without one, run bench/sweep "
                        "with no preset)")
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
        problem = check_preset(data["fault"], where)
        if problem:
            raise UserError(problem)
    for kernel, table in data.get("kernel", {}).items():
        for key, value in table.items():
            if key in _KERNEL_KEYS:
                ok, what = _KERNEL_KEYS[key]
                if not ok(value):
                    raise UserError(f"{where}: malformed preset: kernel.{kernel}.{key} must be {what}")
            elif not (_value(value) or (isinstance(value, list) and value and all(_value(x) for x in value))):
                raise UserError(f"{where}: malformed preset: kernel parameter "
                                f"kernel.{kernel}.{key} must be a number, a string or a list of them")
