"""The sweep's entry points: a new sweep (plan, meta.json, then the session), --resume, --dry-run."""

import datetime
import json
import os
import secrets
import sys
import time

from tbcommon.errors import SweepError, UserError
from tbcommon.models import BACKENDS

from . import batch, catalogues, executables, faults, folders, launchers, options, probes, smpi, store, topology
from .commands import command_for, command_text
from .executables import REPO
from .messages import say, utc_now, warn
from .plan import Plan, build_plan
from .runner import kill_leftovers
from .session import Context, execute


def new_sweep(args, t_start):
    settings = options.settings_from(args)
    build_dir = os.path.abspath(args.build_dir or _default_build_dir(settings.launcher))
    folder, created, lock = (None, False, None)
    if not args.dry_run:
        folder, created, lock = folders.prepare_out(args.out or folders.default_out())
    try:
        return _new_sweep(args, settings, build_dir, folder, lock, t_start)
    except (UserError, SweepError):
        if created:
            folders.remove_if_unused(folder, lock)
        raise


def _launchers(backends, launcher_name, hostfile, launcher_args, cores, build_dir=None, transports=None,
               platform=None):
    """(the launcher of serial and omp runs, that of mpi and hybrid runs or None). Under --launcher smpi
    both are smpirun's: the SMPI build's serial executable runs only under it (one simulated rank)."""
    if launcher_name == "smpi":
        simulated = smpi.select(platform)
        simulated.check_transports(transports)
        return simulated, simulated
    direct = launchers.Direct(cores)
    mpi = None
    if any(b in ("mpi", "hybrid") for b in backends):
        mpi = launchers.select(launcher_name, cores, hostfile=hostfile, extra_args=launcher_args,
                               build_dir=build_dir)
        mpi.check_transports(transports)
    return direct, mpi


def _default_build_dir(launcher_name):
    """build/, or build-smpi/ (CMake preset smpi) for a simulated sweep."""
    return os.path.join(REPO, "build-smpi" if launcher_name == "smpi" else "build")


def _new_sweep(args, settings, build_dir, folder, lock, t_start):
    cores, cores_source = topology.physical_cores()
    # --submit plans here for a job that runs elsewhere: srun stands in for the job's launcher.
    direct, mpi = _launchers(settings.backends, "srun" if args.submit else settings.launcher, settings.hostfile,
                             settings.launcher_args, cores, build_dir, settings.transports, settings.platform)
    build_s = executables.ensure_binaries(build_dir, settings.backends, args.no_build, args.jobs, args.dry_run,
                                          simulated=direct.simulated)
    if direct.simulated:              # a dry run too: it lists the catalogue under smpirun
        smpi.check_build(build_dir, settings.backends)
    found = catalogues.discover(build_dir, settings.backends, mpi, settings, args.dry_run)
    capacity, capacity_text = {}, {}
    for b in settings.backends:
        capacity[b], capacity_text[b] = (direct if b in ("serial", "omp") else mpi).capacity()
        if args.submit and settings.pes != "auto":
            capacity[b] = 1 << 30                   # the job is sized to fit the largest configuration
    seed = settings.seed if settings.seed is not None else secrets.randbelow(2 ** 31)
    plan = build_plan(settings, catalogues.kernels_by_backend(found), capacity, capacity_text, warn=warn,
                      seed=seed)
    sweep_id = f"sweep-{datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-" \
               f"{secrets.token_hex(2)}"
    if args.submit:
        if lock is not None:          # the job's own sweep takes the folder
            lock.unlock(remove=True)
        return batch.submit(args, plan, settings.pes == "auto", folder, build_dir, REPO, say)
    if args.dry_run:
        print_plan(plan, build_dir, direct, mpi, capacity_text)
        return 0
    platform = mpi.platform_record() if direct.simulated else None
    meta = {
        "schema": "triobench.sweep-meta/1", "sweep_id": sweep_id, "created": utc_now(),
        "folder": folder, "build_dir": build_dir,
        "host": topology.host(), "topology": topology.topology(),
        "physical_cores": {"count": cores, "source": cores_source},
        "capacity": {b: {"pes": capacity[b], "text": capacity_text[b]} for b in capacity},
        "compiler": topology.compiler_info(build_dir),
        "mpi": mpi.describe() if mpi else None,
        "simulated": smpi.summary_text(platform) if platform else None,
        "launch": {"launcher": settings.launcher, "hostfile": settings.hostfile,
                   "launcher_args": settings.launcher_args, "binding": launchers.BINDING_DEFAULTS,
                   "transports": settings.transports,
                   "transports_text": launchers.TRANSPORTS_TEXT if settings.transports else None,
                   **({"platform": platform} if platform else {})},
        "git": topology.git_info(REPO), "env": topology.environment(),
        "python": sys.version.split()[0],
        "preset": settings.preset, "seed": plan.seed, "plan": plan.to_dict(),
        "catalogue": found,
        "probes": {"enabled": settings.probes, "doc": probes.__doc__.strip()},
        "sessions": [_session(args)],
    }
    ctx = Context(folder, plan, sweep_id, build_dir, mpi, direct, meta, args, t_start, build_s)
    ctx.store.adopt_lock(lock)
    store.write_json(ctx.store.file("meta.json"), meta)
    folders.link_latest(folder)
    say(f"bench/sweep: {len(plan.configs)} configurations, {len(plan.runs())} runs ({plan.scaling_text()}, "
        f"seed {plan.seed}) -> {folder}")
    return execute(ctx)


def _session(args):
    return {"started": utc_now(), "command_line": ["bench/sweep"] + list(args.argv), "cwd": os.getcwd(),
            "pid": os.getpid()}


def resume(args, t_start):
    folder = os.path.abspath(args.resume)
    try:
        with open(os.path.join(folder, "meta.json")) as f:
            meta = json.load(f)
        plan = Plan.from_dict(meta["plan"])
        sweep_id = meta["sweep_id"]
    except FileNotFoundError:
        raise UserError(f"{folder} holds no sweep (no meta.json)") from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UserError(f"cannot read the plan in {folder}/meta.json: {e}") from None
    if args.timeout is not None:
        plan.timeout = args.timeout
    launch = meta.get("launch", {})
    name = launch.get("launcher", "auto")
    build_dir = os.path.abspath(args.build_dir or meta.get("build_dir") or _default_build_dir(name))
    backends = sorted({c.backend for c in plan.configs}, key=BACKENDS.index)
    cores = (meta.get("physical_cores") or {}).get("count") or topology.physical_cores()[0]
    given, platform = _resumed_platform(meta, folder) if name == "smpi" else (None, None)
    direct, mpi = _launchers(backends, name, None if platform else launch.get("hostfile"),
                             launch.get("launcher_args"), cores, build_dir, platform=platform)
    if direct.simulated and "platform" not in launch:     # a folder from before launch.platform
        mpi.platform_given = given
        meta["launch"] = dict(launch, hostfile=None, platform=mpi.platform_record())
        meta["simulated"] = smpi.summary_text(meta["launch"]["platform"])
    if args.dry_run:
        have = {store.run_key(r) for r in store.Store(folder).load(repair=False)[0]}
        todo = [(rep, c) for rep, c in plan.runs() if (c.config_id, rep) not in have]
        print(f"{len(todo)} of {len(plan.runs())} runs left in {folder}:")
        for rep, c in todo:
            print(f"  {c.config_id} rep {rep}")
        return 0
    ctx = Context(folder, plan, sweep_id, build_dir, mpi, direct, meta, args, t_start, 0.0)
    ctx.store.lock()
    killed = kill_leftovers(sweep_id + ":")
    if killed:
        warn(f"ended {len(killed)} process(es) left running by the interrupted sweep: {killed}")
    ctx.build_s = executables.ensure_binaries(build_dir, backends, args.no_build, args.jobs, False,
                                              only_if_missing=True, simulated=direct.simulated)
    meta.setdefault("sessions", []).append(_session(args))
    store.write_json(ctx.store.file("meta.json"), meta)
    return execute(ctx)


def _resumed_platform(meta, folder):
    """The platform file of a simulated sweep: launch.platform.file (a relative path is the first
    session's folder's), or, in folders written before it existed, the hostfile slot that carried it."""
    launch = meta.get("launch") or {}
    given = (launch.get("platform") or {}).get("file") or launch.get("hostfile")
    if not given:
        raise UserError(f"{folder}/meta.json: a simulated sweep without its platform file (launch.platform)")
    cwd = ((meta.get("sessions") or [{}])[0] or {}).get("cwd") or os.getcwd()
    path = os.path.join(cwd, given)
    sha = (launch.get("platform") or {}).get("sha256")
    if sha and os.path.isfile(path) and smpi.file_sha256(path) != sha:
        warn(f"{path} changed since the sweep began: the runs left are simulated on the file as it is now")
    return given, path


def print_plan(plan, build_dir, direct, mpi, capacity_text):
    print(f"plan: {len(plan.configs)} configurations, {len(plan.runs())} runs ({plan.reps} repetitions unless a "
          f"kernel says otherwise), {plan.scaling_text()}, interleaved by repetition and shuffled within each "
          f"round (seed {plan.seed}), timeout {plan.timeout:g} s per run")
    if mpi:
        d = mpi.describe()
        print(f"launcher: {d['name']} ({d['flavour']}) {d.get('version') or ''}".rstrip())
    for note in plan.notes:
        print(f"note: {note}")

    class _Ctx:
        pass
    ctx = _Ctx()
    ctx.build_dir, ctx.direct, ctx.launcher = build_dir, direct, mpi
    for c in plan.configs:
        argv, env = command_for(ctx, c, "RESULTS.jsonl", faults.args_for(c.fault, "CKPT" if c.fault.get("resume")
                                                                          else None) if c.fault else ())
        flag = "  [oversubscribed]" if c.oversubscribed else ""
        print(f"  {c.config_id}{flag}\n      {command_text(argv, env)}")


def run(argv):
    t_start = time.monotonic()
    args = options.parse_args(argv)
    args.argv = list(argv)
    if args.resume is not None:
        return resume(args, t_start)
    return new_sweep(args, t_start)
