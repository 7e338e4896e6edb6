"""Planning: which configurations (kernel x backend x ranks x threads x size) run.

Pure functions of the settings, the executables' kernel catalogue (their
``--list --json``, tbcommon.catalogue) and the PE capacity of each backend:
easy to test. Every kernel fact (kind, minimum PEs and ranks, weak-scaling
rule, default and automatic sizes, the parameters a sweep may vary) comes from
the catalogue; nothing about a kernel is written here.
"""

import math
import random
from dataclasses import asdict, dataclass, field

from tbcommon import catalogue as tbcat
from tbcommon.errors import UserError

from . import faults

# The highest count of any kind the sweep accepts (repetitions, PEs, values of a parameter):
# far beyond any real sweep, low enough that a typo is refused before a plan fills the memory.
MAX_COUNT = 100000


@dataclass
class Config:
    """One configuration; a run is a (config, repetition) pair."""
    config_id: str
    kernel: str
    backend: str
    ranks: int
    threads: int
    size_param: object = None      # name of the kernel's size parameter, or None
    size: object = None            # its value at this PE count
    base_size: object = None       # its value at 1 PE (== size under strong scaling)
    params: dict = field(default_factory=dict)   # other kernel parameters passed
    iters: object = None
    warmup: object = None
    oversubscribed: bool = False
    transport: object = None       # mpi/hybrid under --transports: "shm" or "tcp"; else None
    fault: object = None           # a fault scenario (faults.scenario) of --preset faults; else None
    kind: str = "scaling"          # the catalogue's kind: scaling, micro or probe
    reps: object = None            # repetitions of this configuration (None: the plan's)
    probe: object = None           # a roofline probe (probes.py): its role; else None
    scaling: object = None         # a kernel's own scaling ([kernel.NAME] scaling) when not the plan's; else None

    @property
    def pes(self):
        return self.ranks * self.threads

    @property
    def shape(self):
        return f"{self.ranks}x{self.threads}"

    def label(self):
        size = f" {self.size_param}={self.size}" if self.size_param and self.size is not None else ""
        transport = f" {self.transport}" if self.transport else ""
        fault = f" fault={self.fault['name']}" if self.fault else ""
        scaling = f" ({self.scaling})" if self.scaling else ""
        return f"{self.kernel} {self.backend}{transport} {self.shape}{size}{fault}{scaling}"

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(**d)


@dataclass
class Plan:
    configs: list
    reps: int
    scaling: str
    timeout: float
    notes: list = field(default_factory=list)
    seed: object = None            # shuffles the order within each round; None: the planned order

    def reps_of(self, cfg):
        return cfg.reps if cfg.reps is not None else self.reps

    def scaling_of(self, cfg):
        return cfg.scaling or self.scaling

    def scaling_text(self):
        """'strong scaling', or 'strong and weak scaling' when a kernel has its own."""
        kinds = {self.scaling_of(c) for c in self.configs} or {self.scaling}
        return " and ".join(k for k in ("strong", "weak") if k in kinds) + " scaling"

    def round_order(self, rep):
        """The configurations of round `rep` in the order they run: shuffled by (seed, rep)."""
        configs = [c for c in self.configs if rep <= self.reps_of(c)]
        if self.seed is not None:
            random.Random(f"{self.seed}:{rep}").shuffle(configs)
        return configs

    def runs(self):
        """(rep, config) in the order they run: round 1 (every config once, shuffled), round 2, ..."""
        rounds = max([self.reps_of(c) for c in self.configs] or [0])
        return [(rep, c) for rep in range(1, rounds + 1) for c in self.round_order(rep)]

    def to_dict(self):
        return {"order": "interleaved by repetition, shuffled within each round" if self.seed is not None
                else "interleaved by repetition", "seed": self.seed, "reps": self.reps,
                "scaling": self.scaling, "timeout": self.timeout, "notes": self.notes,
                "configs": [c.to_dict() for c in self.configs]}

    @classmethod
    def from_dict(cls, d):
        return cls(configs=[Config.from_dict(c) for c in d["configs"]], reps=d["reps"],
                   scaling=d["scaling"], timeout=d["timeout"], notes=d.get("notes", []), seed=d.get("seed"))


def factorisations(p):
    """Every ranks x threads split of p PEs, ranks ascending: 4 -> (1,4), (2,2), (4,1)."""
    return [(r, p // r) for r in range(1, p + 1) if p % r == 0]


def auto_pes(capacity):
    """1, 2, 4, ... up to capacity, and capacity itself: 6 -> [1, 2, 4, 6]."""
    pes, p = [], 1
    while p < capacity:
        pes.append(p)
        p *= 2
    pes.append(max(1, capacity))
    return pes


def _number(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


def typed(value, spec, what):
    """Convert a size or parameter value to its declared type and check its range."""
    kind = str((spec or {}).get("type", "int")).lower()
    if kind == "any":                       # type unknown (a dry run before the build)
        try:
            return _number(value)
        except ValueError:
            return str(value)
    names = (spec or {}).get("names") or {}
    if isinstance(value, str) and value.strip() in names:     # a named value: ep's m "S" = 24
        value = names[value.strip()]
    choices = (spec or {}).get("choices")
    if kind == "choice" or (choices and kind not in ("int", "integer", "float", "double")):
        if choices and str(value) not in [str(c) for c in choices]:
            raise UserError(f"{what}: '{value}' is not one of {', '.join(str(c) for c in choices)}")
        return str(value)
    try:
        if kind in ("int", "integer", "long", "size", "count"):
            number = _number(value)
            if isinstance(number, float):
                if not math.isfinite(number) or abs(number - round(number)) > 1e-9 * max(1.0, abs(number)):
                    raise ValueError
                number = int(round(number))
            value = number
        elif kind in ("float", "double", "number", "real"):
            value = float(_number(value))
        else:
            return str(value)
    except (ValueError, OverflowError):
        what_kind = "an integer" if kind.startswith(("int", "long", "size", "count")) else "a number"
        if names:
            what_kind += " or one of " + ", ".join(names)
        raise UserError(f"{what}: '{value}' is not {what_kind}") from None
    lo, hi = (spec or {}).get("min"), (spec or {}).get("max")
    if lo is not None and value < lo:
        raise UserError(f"{what}: {value} is below the minimum {lo}")
    if hi is not None and value > hi:
        raise UserError(f"{what}: {value} is above the maximum {hi}")
    return value


def _param_spec(info, name):
    for p in info.get("params", []):
        if p.get("name") == name:
            return p
    return None


def resolve_kernels(settings, catalogue, backends, warn):
    """The kernel names to run, in the executables' order; unknown ones rejected or skipped.

    "all": every kernel of kind scaling or micro (probes are the roofline's calibration runs).
    """
    known, kinds = [], {}
    for b in backends:
        for name, info in catalogue.get(b, {}).items():
            if name not in known:
                known.append(name)
                kinds[name] = info.get("kind")
    if settings.kernels == "all":
        names = [k for k in known if kinds[k] in tbcat.PLANNED_KINDS]
    else:
        names = []
        for k in settings.kernels:
            if k in known:
                names.append(k)
            elif settings.skip_missing_kernels:
                warn(f"kernel '{k}' is not in this build's catalogue: skipped")
            else:
                raise UserError(f"unknown kernel '{k}' (this build has: {', '.join(known) or 'none'})")
    for k in settings.kernel_opts:
        if k not in known and k not in settings.size_kernels:
            if not settings.skip_missing_kernels:
                raise UserError(f"preset table [kernel.{k}]: this build's catalogue has no kernel '{k}' "
                                f"(it has: {', '.join(known) or 'none'})")
            warn(f"preset table [kernel.{k}]: kernel '{k}' is not in this build's catalogue: ignored")
    for k in settings.size_kernels:
        if k not in known:
            raise UserError(f"--size names unknown kernel '{k}' (this build has: {', '.join(known) or 'none'})")
    if not names:
        raise UserError("no kernel to run: none of the requested kernels is in this build")
    return names


def shapes_for(backend, pes_list, shapes):
    if backend == "serial":
        return [(1, 1)]
    if backend == "omp":
        return [(1, p) for p in pes_list]
    if backend == "mpi":
        return [(p, 1) for p in pes_list]
    if shapes == "all":
        return [s for p in pes_list for s in factorisations(p)]
    return list(shapes)


def _kernel_size(settings, kernel, info, warn, weak=False):
    """(size_param, base size) for a kernel from the preset/options or the catalogue's size.

    "auto" is passed on as --size auto (the executable picks a DRAM-sized problem and
    records the rule); under weak scaling the catalogue's automatic value is the 1-PE
    size instead, since the size must grow with the PEs. None: the executable's default.
    """
    opts = settings.kernel_opts.get(kernel, {})
    size_param = info.get("size_param")
    given = opts.get("size", settings.default_size)
    if isinstance(given, dict):          # a size per scaling: size = {strong = 4096, weak = 256}
        given = given.get("weak" if weak else "strong")
    explicit = "size" in opts and given is not None
    if not size_param:
        if explicit and kernel in settings.size_kernels:
            raise UserError(f"kernel '{kernel}' has no size parameter: drop it from --size")
        return None, None
    size = info.get("size") or {}
    if given == "auto":
        auto = size.get("auto")
        if not auto:
            if explicit:
                raise UserError(f"kernel '{kernel}' has no automatic size (--size auto): give a number")
            given = None                 # one --size auto for all: kernels without one keep their default
        elif weak:
            given = auto["value"]
        else:
            return size_param, "auto"
    spec = _param_spec(info, size_param)
    if given is None:
        given = size.get("default", (spec or {}).get("default"))
        if given is None:
            return size_param, None
    return size_param, typed(given, spec, f"{kernel} size ({size_param})")


def _series_spec(info, name):
    """The spec of a series kernel's --min-<series>/--max-<series> (pingpong's --min-bytes): its series'."""
    series = info.get("series")
    if series and name in (f"min-{series}", f"max-{series}"):
        return _param_spec(info, series)
    return None


def _kernel_params(settings, kernel, info, size_param):
    """[{param: value}, ...]: one parameter set per configuration of this kernel.

    A list (a preset's radius = [1, 2]) is allowed for the parameters the catalogue says a
    sweep may vary (sweep_params) and for a series kernel's series (pingpong's bytes):
    one configuration per value. An unknown parameter is refused naming it.
    """
    varying = set(info.get("sweep_params") or []) | ({info["series"]} if info.get("series") else set())
    fixed, lists = {}, []
    for name, value in settings.kernel_opts.get(kernel, {}).get("params", {}).items():
        spec = _param_spec(info, name) or _series_spec(info, name)
        if spec is None or name == size_param:
            known = [p["name"] for p in info.get("params", []) if p.get("name") != size_param]
            raise UserError(f"kernel '{kernel}' has no parameter '{name}' "
                            f"(its parameters: {', '.join(known) or 'none'}; also size, iters, warmup, reps)")
        if isinstance(value, list):
            if name not in varying:
                raise UserError(f"kernel '{kernel}': '{name}' is not a parameter a sweep may vary "
                                f"(those are: {', '.join(sorted(varying)) or 'none'}): give one value")
            if not value or len(value) > MAX_COUNT:
                raise UserError(f"kernel '{kernel}': '{name}' needs 1 to {MAX_COUNT} values")
            lists.append((name, list(dict.fromkeys(typed(v, spec, f"{kernel} parameter {name}") for v in value))))
        else:
            fixed[name] = typed(value, spec, f"{kernel} parameter {name}")
    sets = [fixed]
    for name, values in lists:
        sets = [dict(base, **{name: v}) for base in sets for v in values]
    return sets


def _pes_allowed(info, backend, ranks, threads):
    """The catalogue's minimum PEs, and minimum ranks where there are ranks (mpi, hybrid):
    a two-sided kernel such as pingpong needs 2 ranks there, 2 threads in omp."""
    min_ranks = info.get("min_ranks", 1) if backend in ("mpi", "hybrid") else 1
    return ranks * threads >= info.get("min_pes", 1) and ranks >= min_ranks


def config_id(kernel, backend, ranks, threads, size_param, size, params):
    cid = f"{kernel}.{backend}.{ranks}x{threads}"
    if size_param and size is not None:
        cid += f".{size_param}={size}"
    return cid + "".join(f".{k}={v}" for k, v in sorted(params.items()))


def build_plan(settings, catalogue, capacity, capacity_text=None, warn=print, seed=None):
    """The plan of a sweep.

    catalogue: backend -> kernel name -> kernel entry (tbcommon.catalogue, from --list --json).
    capacity: backend -> PEs it can run without oversubscribing.
    seed: shuffles the order of the configurations within each round (None: planned order).
    """
    capacity_text = capacity_text or {}
    if getattr(settings, "faults", None):
        return _fault_plan(settings, catalogue, capacity, warn)
    backends = [b for b in settings.backends if b in catalogue]
    kernels = resolve_kernels(settings, catalogue, backends, warn)
    configs, notes, over = [], [], []
    for kernel in kernels:
        for scaling in kernel_scalings(settings, kernel):
            _plan_kernel(settings, catalogue, backends, kernel, scaling, capacity, warn, configs, notes, over)
    if over and not settings.allow_oversubscribe:
        b, r, t = over[0]
        limit = capacity_text.get(b, f"the {capacity[b]} physical cores")
        raise UserError(f"{r * t} PEs ({b} {r}x{t}) is more than {limit}: "
                        "pass --allow-oversubscribe or lower --pes/--shapes")
    if not configs:
        raise UserError("the plan is empty: no kernel/backend/PE combination to run")
    seen = set()
    for c in configs:
        if c.config_id in seen:
            raise UserError(f"configuration {c.config_id} planned twice")
        seen.add(c.config_id)
    return Plan(configs=configs, reps=settings.reps, scaling=settings.scaling, timeout=settings.timeout,
                notes=notes, seed=seed)


def kernel_scalings(settings, kernel):
    """The scalings a kernel is planned in: its [kernel.NAME] scaling (one value or a list), else the
    sweep's; --scaling overrides both."""
    own = settings.kernel_opts.get(kernel, {}).get("scaling")
    if own is None or getattr(settings, "scaling_forced", False):
        return [settings.scaling]
    return list(own) if isinstance(own, list) else [own]


def _plan_kernel(settings, catalogue, backends, kernel, scaling, capacity, warn, configs, notes, over):
    """Append the configurations of one kernel in one scaling (a kernel's own scaling, when it is not
    the sweep's, is in its configurations' ids: stencil.mpi.4x1.n=512.scaling=weak)."""
    opts = settings.kernel_opts.get(kernel, {})
    weak = scaling == "weak"
    own = scaling if scaling != settings.scaling else None
    for backend in backends:
        info = catalogue[backend].get(kernel)
        if info is None:
            warn(f"triobench-{backend} has no kernel '{kernel}': skipped")
            continue
        size_param, base = _kernel_size(settings, kernel, info, warn, weak)
        param_sets = _kernel_params(settings, kernel, info, size_param)
        pes_list = settings.pes
        if "pes" in opts and not getattr(settings, "pes_forced", False):
            pes_list = sorted(set(opts["pes"]))         # this kernel's own, from its [kernel.NAME] table
        pes_list = auto_pes(capacity[backend]) if pes_list == "auto" else pes_list
        iters = settings.iters if settings.iters_forced else opts.get("iters", settings.iters)
        warmup = settings.warmup if settings.warmup_forced else opts.get("warmup", settings.warmup)
        reps = None if settings.reps_forced else opts.get("reps")
        for ranks, threads in shapes_for(backend, pes_list, settings.shapes):
            pes = ranks * threads
            if not _pes_allowed(info, backend, ranks, threads):
                continue
            if pes == 1 and settings.one_pe_backends is not None and backend not in settings.one_pe_backends:
                continue
            size = base
            if weak:
                size = tbcat.weak_size(info.get("weak"), base, pes)
                if pes > 1 and size == base and base is not None:
                    note = f"{kernel}: size kept fixed under weak scaling ({tbcat.weak_rule_text(info.get('weak'))})"
                    if note not in notes:
                        notes.append(note)
                        warn(note)
                if size_param and size is not None:
                    size = typed(size, _param_spec(info, size_param),
                                 f"{kernel} size ({size_param}) at {pes} PEs")
            oversubscribed = pes > capacity[backend]
            if oversubscribed:
                over.append((backend, ranks, threads))
            transports = getattr(settings, "transports", None) if backend in ("mpi", "hybrid") else None
            for params in param_sets:
                cid = config_id(kernel, backend, ranks, threads, size_param, size, params)
                cid += f".scaling={own}" if own else ""
                for transport in transports or [None]:
                    configs.append(Config(cid + (f".transport={transport}" if transport else ""), kernel,
                                          backend, ranks, threads, size_param, size, base, params, iters,
                                          warmup, oversubscribed, transport, kind=info.get("kind", "scaling"),
                                          reps=reps, scaling=own))
            if len(configs) > MAX_COUNT:
                raise UserError(f"the plan has more than {MAX_COUNT} configurations: lower --pes or the "
                                "parameter lists")


def _fault_plan(settings, catalogue, capacity, warn):
    """The plan of a fault preset: one configuration per [[fault]] scenario (bench/triobench_sweep/faults.py)."""
    def size_of(kernel, info):
        size_param, base = _kernel_size(settings, kernel, info, warn, weak=True)
        return size_param, base

    configs = faults.build_configs(settings, catalogue, capacity, Config, size_of)
    if not configs:
        raise UserError("the plan is empty: no fault scenario can run with these executables (ep missing?)")
    return Plan(configs=configs, reps=settings.reps, scaling=settings.scaling, timeout=settings.timeout,
                notes=["fault scenarios: outcomes are classified, expected ones are not failures"])
