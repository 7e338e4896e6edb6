"""Command-line options, merged over a preset and the defaults into Settings."""

import argparse
import re
from dataclasses import dataclass, field

from . import presets, smpi
from tbcommon.errors import UserError
from tbcommon.models import BACKENDS

from .plan import MAX_COUNT

DESCRIPTION = """\
Run strong or weak scaling sweeps of the triobench kernels over processes x
threads in every model (serial, omp, mpi, hybrid), with repetitions,
statistics, metadata, timeouts and resume. Each sweep writes a folder:
results.jsonl, results.csv, summary.json, meta.json (see docs/sweep.md)."""

EPILOG = """\
weak scaling (--scaling weak): the size given (by --size, the preset or the
executable's default) is the size at 1 PE; at P PEs the kernel's size
parameter grows so that the work per PE stays constant, by the rule each
kernel declares in its catalogue (triobench-omp --list --json, "weak"):
  power e     size x P^e              (an n x n grid: e = 1/2)
  log2 step   size + step x log2(P)   (a size that is a log2 of the work)
  fixed       the size stays fixed    (a class, a micro-benchmark)
(`triobench-omp --list` names each kernel's rule.)
Sizes are rounded to the nearest integer. --size auto (the presets' default for
memory-bound kernels) lets each executable pick a working set of at least 4x
the last-level cache; under weak scaling its value is the size at 1 PE.

shapes: a hybrid run of P PEs has R ranks x T threads, R*T = P. --shapes all
runs every factorisation of each PE count; --shapes 1x2,2x1 runs exactly those.
serial always runs once, at 1 PE (the speedup baseline).

exit status: 0 all runs ok, 1 some runs failed (or the build failed),
2 bad input, 130 interrupted (resume with --resume FOLDER).

examples:
  bench/sweep --preset quick
  bench/sweep --kernels stencil --backends omp,mpi --pes 1,2 --reps 6
  bench/sweep --scaling weak --size stencil=2000,nstream=1e6 --pes auto
  bench/sweep --preset quick --seed 42       (the same order of runs again)
  bench/sweep --resume bench/results/sweep-20261125T120000Z"""

DEFAULTS = {
    "kernels": "all",
    "backends": list(BACKENDS),
    "pes": "auto",
    "shapes": "all",
    "scaling": "strong",
    "reps": 6,
    "warmup": None,
    "iters": None,
    "timeout": 600.0,
    "launcher": "auto",
    "transports": None,
    "allow_oversubscribe": False,
    "skip_missing_kernels": False,
}


@dataclass
class Settings:
    """Everything that decides the plan, after defaults < preset < options."""
    kernels: object                # "all" or list of names
    kernels_from: str              # "option", "preset" or "default"
    skip_missing_kernels: bool
    backends: list
    pes: object                    # "auto" or list of ints
    shapes: object                 # "all" or list of (ranks, threads)
    scaling: str
    reps: int
    warmup: object
    iters: object
    timeout: float
    launcher: str
    hostfile: object
    launcher_args: object
    allow_oversubscribe: bool
    transports: object = None      # None, or a list of "shm"/"tcp": each mpi/hybrid run once per transport
    platform: object = None        # --launcher smpi: the SimGrid platform file (smpi.py)
    kernel_opts: dict = field(default_factory=dict)   # kernel -> {size, iters, warmup, reps, params}
    default_size: object = None
    size_kernels: tuple = ()       # kernels named in --size (must exist)
    iters_forced: bool = False     # --iters given: overrides the preset's per-kernel iters
    scaling_forced: bool = False   # --scaling given: overrides the preset's per-kernel scaling
    pes_forced: bool = False       # --pes given: overrides the preset's per-kernel PE counts
    warmup_forced: bool = False
    reps_forced: bool = False      # --reps given: overrides the preset's per-kernel reps
    seed: object = None            # --seed, else the preset's, else None (the sweep draws one)
    probes: bool = True            # the roofline probes after the planned runs (--no-probes: False)
    one_pe_backends: object = None  # the preset's: backends that run at 1 PE (None: all)
    preset: object = None
    faults: object = None          # a fault preset's [[fault]] scenarios


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UserError(message)


def parser():
    p = _Parser(prog="bench/sweep", description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    a = p.add_argument
    a("--preset", metavar="NAME", help="settings from bench/presets/NAME.toml "
      f"({', '.join(presets.available())}) or a .toml path; options override it")
    a("--kernels", metavar="LIST", help="comma list of kernels, or all (default: every kernel the executables list)")
    a("--backends", metavar="LIST", help="comma list of serial,omp,mpi,hybrid, or all (default: all)")
    a("--pes", metavar="LIST", help="PE counts (ranks x threads), comma list or auto = 1,2,4,... up to the "
      "physical cores (default: auto)")
    a("--shapes", metavar="LIST", help="hybrid ranks x threads splits: all (every factorisation of each PE count) "
      "or a list like 1x2,2x1 (default: all)")
    a("--scaling", metavar="MODE", help="strong (same size at every PE count) or weak (size grows with PEs, "
      "see below); default strong")
    a("--size", metavar="SPEC", help="the kernels' size parameter: one value for all (2000) and/or per kernel "
      "(stencil=2000,nstream=1e6)")
    a("--reps", metavar="N", type=int, help="repetitions of each configuration (default 6; 6 or more give a 95%% "
      "confidence interval of the median)")
    a("--warmup", metavar="N", type=int, help="untimed iterations before the timed ones, passed to each run")
    a("--iters", metavar="N", type=int, help="timed iterations of each run")
    a("--timeout", metavar="S", type=float, help="seconds allowed per run before it is killed (default 600)")
    a("--out", metavar="FOLDER", help="results folder (default bench/results/sweep-<time>)")
    a("--resume", metavar="FOLDER", help="finish an interrupted sweep: run only what FOLDER lacks")
    a("--launcher", metavar="NAME", help="auto (default), mpirun, hostfile, srun, slurm (inside an allocation: "
      "srun with the executables' PMI plugin, else their mpirun), or smpi (simulated, docs/simulation.md)")
    a("--platform", metavar="FILE", help="the SimGrid platform of --launcher smpi, e.g. platforms/cluster-ib.xml")
    a("--hostfile", metavar="FILE", help="hosts for --launcher hostfile (implies it under auto)")
    a("--launcher-args", metavar="ARGS", help="replace the launcher's default mapping/binding options, e.g. "
      "'--map-by socket --bind-to socket'")
    a("--transports", metavar="LIST", help="run every mpi/hybrid configuration over each of these transports: "
      "shm (shared memory) and/or tcp, e.g. shm,tcp; records carry sweep.transport")
    a("--submit", action="store_true", help="write a Slurm batch script running this sweep (sized from the plan) "
      "and submit it with sbatch; prints the job id and the results folder")
    a("--wait", action="store_true", help="with --submit: wait for the job to end, then print its summary")
    a("--sbatch-args", metavar="ARGS", help="with --submit: more sbatch options, e.g. '--partition=short "
      "--time=30'; they override the script's own")
    a("--allow-oversubscribe", action="store_true", default=None,
      help="allow more PEs than physical cores (such runs are marked oversubscribed)")
    a("--seed", metavar="N", type=int, help="shuffle the order of the configurations within each round with "
      "this seed (default: a random seed; either way it is recorded in meta.json; --resume keeps it)")
    a("--no-probes", action="store_true", default=None, help="skip the roofline probe runs after the planned "
      "ones (a DRAM-sized nstream when the sweep has none, and the peak FMA probe)")
    a("--dry-run", action="store_true", help="print the plan and the commands, run nothing")
    a("--no-plot", action="store_true", help="do not call plots/plot at the end")
    a("--build-dir", metavar="DIR", help="CMake build folder holding bin/ (default: build in the repository)")
    a("--no-build", action="store_true", help="use the executables as they are, never (re)build")
    a("--jobs", metavar="N", type=int, help="parallel build jobs (default: all CPUs)")
    return p


PLAN_OPTIONS = ("preset", "kernels", "backends", "pes", "shapes", "scaling", "size", "reps", "warmup", "iters",
                "launcher", "hostfile", "platform", "launcher_args", "allow_oversubscribe", "transports", "seed",
                "no_probes")


def parse_args(argv):
    args = parser().parse_args(argv)
    if args.resume is not None:
        given = [o for o in PLAN_OPTIONS if getattr(args, o) is not None]
        if given:
            names = ", ".join("--" + o.replace("_", "-") for o in given)
            raise UserError(f"--resume takes the plan from FOLDER/meta.json: drop {names}")
        if args.out is not None:
            raise UserError("--resume FOLDER writes to FOLDER: drop --out")
    if args.resume is not None and args.submit:
        raise UserError("--submit starts a new sweep as a batch job: it does not go with --resume")
    if (args.wait or args.sbatch_args is not None) and not args.submit:
        raise UserError(f"{'--wait' if args.wait else '--sbatch-args'} goes with --submit")
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, not {args.jobs}")
    for name in ("reps", "iters", "warmup", "jobs"):
        value = getattr(args, name)
        if value is not None and value > MAX_COUNT:
            raise UserError(f"--{name} {value} is absurd: at most {MAX_COUNT}")
    if args.seed is not None and not 0 <= args.seed < 2 ** 63:
        raise UserError(f"--seed must be an integer from 0 to 2^63-1, not {args.seed}")
    if args.timeout is not None and not 0 < args.timeout <= 7 * 86400:
        raise UserError(f"--timeout must be a positive number of seconds up to a week, not {args.timeout:g}")
    return args


def _names(text, what, known=None):
    items = [x.strip() for x in text.split(",")]
    if not text.strip() or any(not x for x in items):
        raise UserError(f"bad --{what} '{text}': expected a comma list")
    if known is not None:
        for x in items:
            if x not in known:
                raise UserError(f"unknown {what[:-1]} '{x}' (known: {', '.join(known)})")
    return list(dict.fromkeys(items))


def parse_pes(text):
    if text.strip() == "auto":
        return "auto"
    try:
        pes = [int(x) for x in text.split(",")]
    except ValueError:
        pes = []
    if not pes or any(p < 1 for p in pes):
        raise UserError(f"bad --pes '{text}': expected a comma list of positive integers or 'auto'")
    if max(pes) > MAX_COUNT:
        raise UserError(f"--pes {max(pes)} is absurd: at most {MAX_COUNT}")
    return sorted(set(pes))


_SHAPE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")


def parse_shapes(items, where="--shapes"):
    if items == "all" or items == ["all"]:
        return "all"
    shapes = []
    for item in items:
        m = _SHAPE.match(item)
        if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
            raise UserError(f"bad {where} '{item}': expected all or RANKSxTHREADS like 2x4")
        if int(m.group(1)) * int(m.group(2)) > MAX_COUNT:
            raise UserError(f"{where} '{item}' is absurd: at most {MAX_COUNT} PEs")
        shapes.append((int(m.group(1)), int(m.group(2))))
    return list(dict.fromkeys(shapes))


def parse_size_spec(text):
    """'2000' or 'stencil=2000,nstream=1e6' or both -> (default, {kernel: value})."""
    default, per_kernel = None, {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise UserError(f"bad --size '{text}': empty item")
        if "=" in item:
            k, v = (s.strip() for s in item.split("=", 1))
            if not k or not v:
                raise UserError(f"bad --size item '{item}': expected KERNEL=VALUE")
            per_kernel[k] = v
        elif default is None:
            default = item
        else:
            raise UserError(f"bad --size '{text}': more than one value for all kernels")
    return default, per_kernel


def _smpi_platform(args, launcher, preset, backends, transports):
    """--launcher smpi: its refusals and its platform file (--platform, else the preset's, found
    relative to the source tree), or None under another launcher."""
    if launcher != "smpi":
        if args.platform is not None:
            raise UserError("--platform goes with --launcher smpi")
        return None
    if args.hostfile is not None:
        raise UserError("--hostfile does not go with --launcher smpi: the platform names the hosts")
    if args.submit:
        raise UserError("--submit does not go with --launcher smpi: a simulation runs here, without an allocation")
    why = smpi.refusal(backends, preset.get("fault"), transports)
    if why:
        raise UserError(why)
    if args.platform is not None:
        return args.platform
    return smpi.preset_platform(preset["platform"]) if "platform" in preset else None


def settings_from(args):
    """Merge defaults < preset < options; check every value."""
    preset = presets.load(args.preset) if args.preset else {}
    merged = dict(DEFAULTS)
    merged.update({k: v for k, v in preset.items() if k in DEFAULTS})
    kernels_from = "preset" if "kernels" in preset else "default"

    if args.kernels is not None:
        merged["kernels"] = "all" if args.kernels.strip() == "all" else _names(args.kernels, "kernels")
        kernels_from = "option"
    if args.backends is not None:
        merged["backends"] = list(BACKENDS) if args.backends.strip() == "all" else \
            _names(args.backends, "backends", BACKENDS)
    elif merged["backends"] != "all":
        for b in merged["backends"]:
            if b not in BACKENDS:
                raise UserError(f"preset {args.preset}: unknown backend '{b}' (known: {', '.join(BACKENDS)})")
    if merged["backends"] == "all":
        merged["backends"] = list(BACKENDS)
    merged["pes"] = parse_pes(args.pes) if args.pes is not None else merged["pes"]
    if args.shapes is not None:
        merged["shapes"] = parse_shapes([s for s in args.shapes.split(",")])
    else:
        merged["shapes"] = parse_shapes(merged["shapes"] if isinstance(merged["shapes"], list)
                                        else [merged["shapes"]], where=f"preset {args.preset} shape")
    if args.scaling is not None:
        if args.scaling not in ("strong", "weak"):
            raise UserError(f"bad --scaling '{args.scaling}': expected strong or weak")
        merged["scaling"] = args.scaling
    for name in ("reps", "iters"):
        value = getattr(args, name)
        if value is not None:
            if value < 1:
                raise UserError(f"--{name} must be at least 1, not {value}")
            merged[name] = value
    if args.warmup is not None:
        if args.warmup < 0:
            raise UserError(f"--warmup must be 0 or more, not {args.warmup}")
        merged["warmup"] = args.warmup
    if args.timeout is not None:
        merged["timeout"] = args.timeout
    launcher = args.launcher if args.launcher is not None else merged["launcher"]
    if launcher not in presets.LAUNCHERS:
        raise UserError(f"bad --launcher '{launcher}': expected auto, mpirun, hostfile, srun, slurm or smpi")
    platform = _smpi_platform(args, launcher, preset, merged["backends"], args.transports)
    transports = merged["transports"]
    if args.transports is not None:
        transports = _names(args.transports, "transports", ("shm", "tcp"))
    elif transports is not None:
        transports = _names(",".join(transports) if isinstance(transports, list) else str(transports),
                            "transports", ("shm", "tcp"))
    if args.allow_oversubscribe:
        merged["allow_oversubscribe"] = True

    kernel_opts = {}
    for kernel, table in preset.get("kernel", {}).items():
        opts = {"params": {}}
        for key, value in table.items():
            if key in presets.KERNEL_SETTINGS:
                opts[key] = value
            else:
                opts["params"][key] = value
        kernel_opts[kernel] = opts
    default_size = None
    kernels = merged["kernels"]
    if args.size is not None:
        default_size, per_kernel = parse_size_spec(args.size)
        if default_size is not None:        # one value for all overrides the preset's sizes
            for opts in kernel_opts.values():
                opts.pop("size", None)
        for kernel, value in per_kernel.items():
            if kernels != "all" and kernel not in kernels:
                raise UserError(f"--size names kernel '{kernel}' that is not in the kernels to run")
            kernel_opts.setdefault(kernel, {"params": {}})["size"] = value

    return Settings(
        kernels=kernels, kernels_from=kernels_from,
        skip_missing_kernels=bool(merged["skip_missing_kernels"]) and kernels_from == "preset",
        backends=merged["backends"], pes=merged["pes"], shapes=merged["shapes"], scaling=merged["scaling"],
        reps=merged["reps"], warmup=merged["warmup"], iters=merged["iters"], timeout=float(merged["timeout"]),
        launcher=launcher, hostfile=args.hostfile, launcher_args=args.launcher_args, platform=platform,
        allow_oversubscribe=bool(merged["allow_oversubscribe"]), transports=transports,
        kernel_opts=kernel_opts, default_size=default_size,
        size_kernels=tuple(parse_size_spec(args.size)[1]) if args.size is not None else (),
        iters_forced=args.iters is not None, scaling_forced=args.scaling is not None,
        pes_forced=args.pes is not None, warmup_forced=args.warmup is not None,
        reps_forced=args.reps is not None, seed=args.seed if args.seed is not None else preset.get("seed"),
        probes=not (args.no_probes or preset.get("probes") is False), preset=args.preset,
        one_pe_backends=preset.get("one_pe_backends"),
        faults=preset.get("fault"))
