"""Planning: which configurations (kernel x backend x ranks x threads x size) run.

Pure functions of the settings, the executables' kernel catalogue (their
``--list --json``) and the PE capacity of each backend: easy to test.
"""

import math
from dataclasses import asdict, dataclass, field

from .errors import UserError


# Every kernel the suite plans (the quick preset lists them all).
PLANNED_KERNELS = ("stencil", "nstream", "transpose", "dgemm", "ep", "cg",
                   "pingpong", "barrier", "allreduce", "halo")

# Weak scaling: how the size parameter grows with P so that the work per PE stays constant.
#   ("power", e): size(P) = size(1) * P**e        ("log2", c): size(P) = size(1) + c * log2(P)
WEAK_RULES = {
    "stencil": ("power", 0.5),        # n x n grid: work ~ n^2
    "halo": ("power", 0.5),
    "transpose": ("power", 0.5),      # n x n matrix
    "nstream": ("power", 1.0),        # arrays of length n
    "dgemm": ("power", 1.0 / 3.0),    # n^3 flops
    "ep": ("log2", 1.0),              # m = log2 of the number of pairs: work ~ 2^m
}

WEAK_RULE_TEXT = """\
  stencil, halo, transpose   n * sqrt(P)    (an n x n grid: work ~ n^2)
  nstream                    n * P          (work ~ n)
  dgemm                      n * cbrt(P)    (work ~ n^3)
  ep                         m + log2(P)    (2^m pairs: work ~ 2^m)
  cg, pingpong, barrier, allreduce, sizes that are a class (S, W, A, B)
  and kernels not named here: the size stays fixed."""


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
        return f"{self.kernel} {self.backend}{transport} {self.shape}{size}{fault}"

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

    def runs(self):
        """(rep, config) in the order they run: interleaved, rep 1 of every config, then rep 2, ..."""
        return [(rep, c) for rep in range(1, self.reps + 1) for c in self.configs]

    def to_dict(self):
        return {"order": "interleaved by repetition", "reps": self.reps, "scaling": self.scaling,
                "timeout": self.timeout, "notes": self.notes,
                "configs": [c.to_dict() for c in self.configs]}

    @classmethod
    def from_dict(cls, d):
        return cls(configs=[Config.from_dict(c) for c in d["configs"]], reps=d["reps"],
                   scaling=d["scaling"], timeout=d["timeout"], notes=d.get("notes", []))


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


def weak_size(kernel, base, pes, rule=None):
    """The size at `pes` PEs under weak scaling; `base` is the size at 1 PE.

    rule: ("power", e) or ("log2", c), default WEAK_RULES[kernel]. Returns base unchanged
    for non-numeric sizes (classes) and kernels without a rule.
    """
    rule = rule or WEAK_RULES.get(kernel)
    if rule is None or isinstance(base, (str, bool)) or base is None:
        return base
    kind, k = rule
    value = base + k * math.log2(pes) if kind == "log2" else base * pes ** k
    return int(round(value)) if isinstance(base, int) else value


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
    """The kernel names to run, in the executables' order; unknown ones rejected or skipped."""
    known = []
    for b in backends:
        for name in catalogue.get(b, {}):
            if name not in known:
                known.append(name)
    if settings.kernels == "all":
        names = known
    else:
        names = []
        for k in settings.kernels:
            if k in known:
                names.append(k)
            elif settings.skip_missing_kernels:
                warn(f"kernel '{k}' is not in this build: skipped")
            else:
                raise UserError(f"unknown kernel '{k}' (this build has: {', '.join(known) or 'none'})")
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


def _kernel_size(settings, kernel, info, warn):
    """(size_param, base size) for a kernel; size None means the executable's default is unknown."""
    opts = settings.kernel_opts.get(kernel, {})
    size_param = info.get("size_param")
    given = opts.get("size", settings.default_size)
    if not size_param:
        if "size" in opts and kernel in settings.size_kernels:
            raise UserError(f"kernel '{kernel}' has no size parameter: drop it from --size")
        return None, None
    spec = _param_spec(info, size_param)
    if given is None:
        given = (spec or {}).get("default")
        if given is None:
            return size_param, None
    return size_param, typed(given, spec, f"{kernel} size ({size_param})")


def _kernel_params(settings, kernel, info, size_param, warn):
    params = {}
    for name, value in settings.kernel_opts.get(kernel, {}).get("params", {}).items():
        spec = _param_spec(info, name)
        if spec is None or name == size_param:
            warn(f"kernel '{kernel}' has no parameter '{name}': ignored")
            continue
        params[name] = typed(value, spec, f"{kernel} parameter {name}")
    return params


def build_plan(settings, catalogue, capacity, capacity_text=None, warn=print):
    """The plan of a sweep.

    catalogue: backend -> kernel name -> kernel info (from --list --json).
    capacity: backend -> PEs it can run without oversubscribing.
    """
    capacity_text = capacity_text or {}
    if getattr(settings, "faults", None):
        return _fault_plan(settings, catalogue, capacity, warn)
    backends = [b for b in settings.backends if b in catalogue]
    kernels = resolve_kernels(settings, catalogue, backends, warn)
    configs, notes, over = [], [], []
    for kernel in kernels:
        opts = settings.kernel_opts.get(kernel, {})
        for backend in backends:
            info = catalogue[backend].get(kernel)
            if info is None:
                warn(f"triobench-{backend} has no kernel '{kernel}': skipped")
                continue
            size_param, base = _kernel_size(settings, kernel, info, warn)
            params = _kernel_params(settings, kernel, info, size_param, warn)
            min_pes = opts.get("min_pes", info.get("min_pes", 1)) or 1
            # Ranks matter only where there are ranks: a two-sided kernel such as
            # pingpong needs 2 ranks in mpi and hybrid, 2 threads in omp.
            min_ranks = opts.get("min_ranks", info.get("min_ranks", 1)) or 1
            if backend not in ("mpi", "hybrid"):
                min_ranks = 1
            pes_list = auto_pes(capacity[backend]) if settings.pes == "auto" else settings.pes
            iters = settings.iters if settings.iters_forced else opts.get("iters", settings.iters)
            warmup = settings.warmup if settings.warmup_forced else opts.get("warmup", settings.warmup)
            for ranks, threads in shapes_for(backend, pes_list, settings.shapes):
                pes = ranks * threads
                if pes < min_pes or ranks < min_ranks:
                    continue
                size = base
                if settings.scaling == "weak":
                    exponent = info.get("weak_exponent")
                    size = weak_size(kernel, base, pes, ("power", exponent) if exponent is not None else None)
                    if pes > 1 and size == base and base is not None:
                        note = f"{kernel}: size kept fixed under weak scaling (no rule for its size)"
                        if note not in notes:
                            notes.append(note)
                            warn(note)
                    if size_param and size is not None:
                        size = typed(size, _param_spec(info, size_param),
                                     f"{kernel} size ({size_param}) at {pes} PEs")
                oversubscribed = pes > capacity[backend]
                if oversubscribed:
                    over.append((backend, ranks, threads))
                cid = f"{kernel}.{backend}.{ranks}x{threads}"
                if size_param and size is not None:
                    cid += f".{size_param}={size}"
                cid += "".join(f".{k}={v}" for k, v in sorted(params.items()))
                transports = getattr(settings, "transports", None) if backend in ("mpi", "hybrid") else None
                for transport in transports or [None]:
                    configs.append(Config(cid + (f".transport={transport}" if transport else ""), kernel,
                                          backend, ranks, threads, size_param, size, base, params, iters,
                                          warmup, oversubscribed, transport))
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
                notes=notes)


def _fault_plan(settings, catalogue, capacity, warn):
    """The plan of a fault preset: one configuration per [[fault]] scenario (bench/triobench_sweep/faults.py)."""
    from . import faults

    def size_of(kernel, info):
        size_param, base = _kernel_size(settings, kernel, info, warn)
        return size_param, base

    configs = faults.build_configs(settings, catalogue, capacity, Config, size_of)
    if not configs:
        raise UserError("the plan is empty: no fault scenario can run with these executables (ep missing?)")
    return Plan(configs=configs, reps=settings.reps, scaling=settings.scaling, timeout=settings.timeout,
                notes=["fault scenarios: outcomes are classified, expected ones are not failures"])
