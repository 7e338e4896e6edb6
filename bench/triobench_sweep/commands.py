"""The command line of one run: the kernel's arguments, the launcher around them."""

import shlex

from . import executables, faults


def kernel_args(cfg):
    """The executable's arguments: a numeric size or "auto" goes in --size, a class (S, W, A) as
    --<its parameter>."""
    args = [cfg.kernel]
    if cfg.size_param and cfg.size is not None:
        numeric = isinstance(cfg.size, (int, float)) and not isinstance(cfg.size, bool)
        args += ["--size" if numeric or cfg.size == "auto" else f"--{cfg.size_param}", str(cfg.size)]
    for k, v in sorted(cfg.params.items()):
        args += [f"--{k}", str(v)]
    if cfg.iters is not None:
        args += ["--iters", str(cfg.iters)]
    if cfg.warmup is not None:
        args += ["--warmup", str(cfg.warmup)]
    return args


def command_for(ctx, cfg, json_path, fault_args=()):
    exe = executables.binary(ctx.build_dir, cfg.backend)
    cmd = [exe, *kernel_args(cfg), *fault_args, "--json", json_path, "--quiet"]
    if cfg.backend in ("serial", "omp"):
        return ctx.direct.command(cfg.ranks, cfg.threads, cfg.oversubscribed, cmd, pin=cfg.backend == "serial")
    argv, env = ctx.launcher.command(cfg.ranks, cfg.threads, cfg.oversubscribed, cmd, transport=cfg.transport)
    if cfg.fault:           # the launcher options that keep the job when a process dies
        argv[1:1] = faults.launcher_args(cfg.fault, getattr(ctx.launcher, "flavour", None))
    return argv, env


def command_text(argv, env):
    return " ".join([f"{k}={shlex.quote(v)}" for k, v in sorted(env.items())] + [shlex.join(argv)])
