"""The sweep itself: plan, run every (configuration, repetition), record, summarise."""

import concurrent.futures
import datetime
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time

from . import batch, executables, faults, launchers, options, report, runner, stats, store, topology
from .errors import SweepError, UserError
from tbcommon.models import BACKENDS

from .plan import PLANNED_KERNELS, Plan, build_plan
from .progress import Progress

REPO = executables.REPO
CSV_EVERY_S = 30.0


class Interrupted(BaseException):
    """Ctrl-C (status 130) or SIGTERM (143)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class _Signals:
    """SIGINT/SIGTERM stop a running job at once, but never cut the recording of a finished one short."""

    def __init__(self):
        self.waiting = False
        self.pending = None
        self.saved = {}

    def handler(self, signum, frame):
        status = 130 if signum == signal.SIGINT else 143
        if self.waiting:
            raise Interrupted(status)
        self.pending = self.pending or status

    def install(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.saved[sig] = signal.signal(sig, self.handler)

    def restore(self):
        for sig, old in self.saved.items():
            signal.signal(sig, old)

    def check(self):
        if self.pending:
            raise Interrupted(self.pending)


def say(text):
    print(text, file=sys.stderr, flush=True)


def warn(text):
    say(f"bench/sweep: warning: {text}")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- folders

def _default_out():
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(REPO, "bench", "results", f"sweep-{stamp}")
    path, n = base, 1
    while os.path.exists(path):
        n += 1
        path = f"{base}-{n}"
    return path


def prepare_out(path):
    """Create the results folder (or check an empty existing one); one-line errors."""
    path = os.path.abspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"--out {path} is a file, not a folder")
    for name in (store.RESULTS, "meta.json"):
        if os.path.exists(os.path.join(path, name)):
            raise UserError(f"{path} already holds a sweep: pass --resume {path}, or another --out")
    created = not os.path.exists(path)
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".probe{os.getpid()}")
        with open(probe, "w") as f:
            f.write("")
        os.unlink(probe)
    except OSError as e:
        raise UserError(f"cannot write to results folder {path}: {e.strerror}") from None
    return path, created


def _link_latest(folder):
    results = os.path.join(REPO, "bench", "results")
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


# ---------------------------------------------------------------- executables

def ensure_binaries(build_dir, backends, no_build, jobs, dry_run, only_if_missing=False):
    """Build when missing or stale; returns seconds spent building (0 when not)."""
    reason = executables.stale_reason(REPO, build_dir, backends)
    if reason and only_if_missing and not reason.startswith("missing"):
        warn(f"{reason}; resuming with the executables as they are")
        return 0.0
    if not reason:
        return 0.0
    if no_build or dry_run:
        if reason.startswith("missing"):
            if dry_run:
                say(f"bench/sweep: would build first ({reason})")
                return 0.0
            raise UserError(f"{reason} in {os.path.join(build_dir, 'bin')} (and --no-build given)")
        if dry_run:
            say(f"bench/sweep: would rebuild first ({reason})")
        return 0.0
    log = os.path.join(build_dir, "sweep-build.log")
    say(f"bench/sweep: building ({reason}); its output goes to {log}")
    seconds = executables.build(REPO, build_dir, jobs, log, say)
    still = executables.stale_reason(REPO, build_dir, backends)
    if still and still.startswith("missing"):
        hint = ""
        if any(b in ("mpi", "hybrid") for b in backends):
            hint = " (MPI not found by CMake? apt-get install libopenmpi-dev openmpi-bin, or pass --backends serial,omp)"
        raise SweepError(f"the build did not produce everything: {still}{hint}; log: {log}")
    return seconds


def _fallback_catalogue(settings):
    names = PLANNED_KERNELS if settings.kernels == "all" else settings.kernels
    return {n: {"name": n, "size_param": "size", "params": [{"name": "size", "type": "any"}]} for n in names}


def _list_one(exe, backend, launcher):
    env = dict(os.environ)
    if launcher is not None:
        env.update(launcher.extra_env())
    try:
        return executables.list_kernels([exe, "--list", "--json"], env=env)
    except SweepError:
        if launcher is None or backend not in ("mpi", "hybrid"):
            raise
        argv, extra = launcher.command(1, 1, False, [exe, "--list", "--json"])
        env.update(extra)
        return executables.list_kernels(argv, env=env)


def discover(build_dir, backends, launcher, settings, dry_run):
    """backend -> kernel catalogue of that executable (--list --json), the four asked at once."""
    catalogue, jobs = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(backends) or 1) as pool:
        for b in backends:
            exe = executables.binary(build_dir, b)
            if os.access(exe, os.X_OK):
                jobs[b] = pool.submit(_list_one, exe, b, launcher)
            elif dry_run:
                catalogue[b] = _fallback_catalogue(settings)
            else:
                raise SweepError(f"{exe} is missing")
        for b, job in jobs.items():
            catalogue[b] = job.result()
    return {b: catalogue[b] for b in backends}


# ---------------------------------------------------------------- one run

def kernel_args(cfg):
    """The executable's arguments: a numeric size goes in --size, a class (S, W, A) as --<its parameter>."""
    args = [cfg.kernel]
    if cfg.size_param and cfg.size is not None:
        numeric = isinstance(cfg.size, (int, float)) and not isinstance(cfg.size, bool)
        args += ["--size" if numeric else f"--{cfg.size_param}", str(cfg.size)]
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


def _last_message(path):
    for line in reversed(runner.tail(path).splitlines()):
        line = line.strip()
        if line and not re.fullmatch(r"[-=*]+", line):
            return line[:200]
    return ""


def classify(outcome, records, timeout):
    """The failure reason of a run, or None when it went well."""
    if outcome.timed_out:
        return f"timeout after {timeout:g} s"
    rc = outcome.returncode
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        return f"signal {name}"
    if rc == 3:
        return "validation failed"
    if rc != 0:
        msg = _last_message(outcome.stderr_path)
        return f"exit status {rc}" + (f": {msg}" if msg else "")
    if not records:
        return "no record"
    if any(r.get("validated") is not True or r.get("status") == "invalid" for r in records):
        return "validation failed"
    return None


def read_records(path):
    records = []
    try:
        with open(path, "rb") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict):
                    records.append(rec)
    except FileNotFoundError:
        pass
    return records


def failure_record(cfg):
    params = dict(cfg.params)
    if cfg.size_param and cfg.size is not None:
        params[cfg.size_param] = cfg.size
    return {"schema": "triobench.result/1", "kernel": cfg.kernel, "backend": cfg.backend, "ranks": cfg.ranks,
            "threads": cfg.threads, "pes": cfg.pes, "params": params, "iterations": cfg.iters,
            "warmup": cfg.warmup, "validated": False, "timestamp": utc_now(), "status": "failed"}


def _safe(name):
    return re.sub(r"[^A-Za-z0-9._=-]", "_", name)


def run_fault(ctx, rep, cfg, progress):
    """Run one fault scenario (and its --resume run); records carry sweep.fault with the outcome."""
    base = os.path.join(ctx.runs_dir, f"{_safe(cfg.config_id)}.rep{rep}.{os.getpid()}")
    json_path = base + ".jsonl"
    ckpt = faults.checkpoint_path(ctx.runs_dir, cfg.config_id, rep) if cfg.fault.get("resume") else None
    for p in (json_path, ckpt, ckpt and ckpt + ".tmp"):
        if p and os.path.exists(p):
            os.unlink(p)
    steps = [faults.args_for(cfg.fault, ckpt)] + ([faults.args_for(cfg.fault, ckpt, resume=True)] if ckpt else [])
    fields, first = {}, None
    for i, fault_args in enumerate(steps):
        argv, env = command_for(ctx, cfg, json_path, fault_args)
        outcome = _start(ctx, rep, cfg, argv, env, base, progress)
        end_epoch = faults.now_epoch()
        err = runner.tail(outcome.stderr_path, 20000)
        records = read_records(json_path)
        name = faults.classify(outcome.returncode, outcome.timed_out, records[0] if records else None, err)
        if first is None:
            first = {"outcome": name, "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6),
                     "measures": faults.measures(records[0] if records else None, err, end_epoch)}
        fields = {"id": ctx.sweep_id, "rep": rep, "config_id": cfg.config_id, "command": command_text(argv, env),
                  "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6),
                  "oversubscribed": cfg.oversubscribed, "scaling": ctx.plan.scaling, "transport": cfg.transport,
                  "stderr_tail": runner.tail(outcome.stderr_path, 1000) or None}
        for ext in (".out", ".err"):
            if os.path.exists(base + ext):
                os.unlink(base + ext)
        if i + 1 < len(steps) and os.path.exists(json_path):
            os.unlink(json_path)
    detect, recover, to_end = first["measures"]
    if ckpt:               # the remedy is the rerun: its wall time is the time to recover
        recover = fields["wall_s"]
    detail = (records[0].get("fault") or {}).get("outcome") if records else None
    failure = faults.judge(cfg, name, detail)
    fields["failure"] = failure
    fields["fault"] = dict(cfg.fault, outcome=name, detect_s=detect, recover_s=recover, fault_to_end_s=to_end,
                           first_run=None if not ckpt else {k: first[k] for k in ("outcome", "exit_status", "wall_s")},
                           shape=cfg.shape)
    for p in (json_path, ckpt, ckpt and ckpt + ".tmp"):
        if p and os.path.exists(p):
            os.unlink(p)
    return _with_fields(records, cfg, fields), failure, outcome


def _start(ctx, rep, cfg, argv, env, base, progress):
    """Run the job (its output in base.out/.err); a job that cannot start is an Outcome with status 127."""
    try:
        ctx.signals.check()
        ctx.signals.waiting = True
        outcome = runner.run_job(argv, env, ctx.plan.timeout, base, f"{ctx.sweep_id}:{cfg.config_id}:{rep}",
                                 tick=progress.tick if progress.tty else None)
        ctx.signals.waiting = False
    except OSError as e:                       # the executable or the launcher could not be started
        ctx.signals.waiting = False
        with open(base + ".err", "a") as f:
            f.write(f"cannot start {argv[0]}: {e.strerror}\n")
        open(base + ".out", "a").close()
        outcome = runner.Outcome(127, False, 0.0, base + ".out", base + ".err")
    return outcome


def _with_fields(records, cfg, fields):
    """The run's records (the sweep's own when it produced none), each with its sweep fields."""
    if not records:
        records = [failure_record(cfg)]
    for i, rec in enumerate(records):
        rec["sweep"] = dict(fields, record_index=i, records_in_run=len(records))
    return records


def run_one(ctx, rep, cfg, progress):
    """Run one (config, rep); returns the records to append (never empty)."""
    if cfg.fault:
        return run_fault(ctx, rep, cfg, progress)
    base = os.path.join(ctx.runs_dir, f"{_safe(cfg.config_id)}.rep{rep}.{os.getpid()}")
    json_path = base + ".jsonl"
    for p in (json_path,):
        if os.path.exists(p):
            os.unlink(p)
    argv, env = command_for(ctx, cfg, json_path)
    outcome = _start(ctx, rep, cfg, argv, env, base, progress)
    records = read_records(json_path)
    failure = classify(outcome, records, ctx.plan.timeout)
    fields = {"id": ctx.sweep_id, "rep": rep, "config_id": cfg.config_id, "command": command_text(argv, env),
              "exit_status": outcome.returncode, "wall_s": round(outcome.wall_s, 6), "failure": failure,
              "oversubscribed": cfg.oversubscribed, "scaling": ctx.plan.scaling, "transport": cfg.transport}
    if failure:
        os.makedirs(ctx.logs_dir, exist_ok=True)
        log = os.path.join("logs", f"{_safe(cfg.config_id)}.rep{rep}")
        for ext in (".out", ".err"):
            os.replace(base + ext, os.path.join(ctx.folder, log + ext))
        fields["log"] = log + ".{out,err}"
        fields["stderr_tail"] = runner.tail(os.path.join(ctx.folder, log + ".err"), 1000) or None
    else:
        for ext in (".out", ".err"):
            os.unlink(base + ext)
    if os.path.exists(json_path):
        os.unlink(json_path)
    return _with_fields(records, cfg, fields), failure, outcome


# ---------------------------------------------------------------- the loop

class Context:
    """What a session of the sweep needs: the folder, the plan, the launchers, the meta data."""

    def __init__(self, folder, plan, sweep_id, build_dir, launcher, direct, meta, args, t_start, build_s):
        self.folder = folder
        self.plan = plan
        self.sweep_id = sweep_id
        self.build_dir = build_dir
        self.launcher = launcher
        self.direct = direct
        self.meta = meta
        self.args = args
        self.t_start = t_start
        self.build_s = build_s
        self.store = store.Store(folder)
        self.runs_dir = os.path.join(folder, ".runs")
        self.logs_dir = os.path.join(folder, "logs")


def execute(ctx):
    """Run what is missing, then write the derived files and the summary. Returns the exit status."""
    records, damaged = ctx.store.load(repair=True)
    if damaged:
        warn(f"repaired {store.RESULTS}: set aside {damaged} damaged line(s) (a run cut short) "
             f"in {store.DAMAGED}; those runs will run again")
    done = {store.run_key(r) for r in records}
    todo = [(rep, c) for rep, c in ctx.plan.runs() if (c.config_id, rep) not in done]
    os.makedirs(ctx.runs_dir, exist_ok=True)
    total = len(ctx.plan.runs())
    if done:
        say(f"bench/sweep: {total - len(todo)} of {total} runs already recorded; running the {len(todo)} left")
    configs = {c.config_id: c for c in ctx.plan.configs}
    if records:
        write_derived(ctx, records, configs)
    progress = Progress(len(todo))
    ctx.signals = _Signals()
    loop_start = time.monotonic()
    runs_wall, ran = 0.0, 0
    last_csv = loop_start
    status = None
    try:
        ctx.signals.install()
        for i, (rep, cfg) in enumerate(todo):
            progress.begin(f"{cfg.label()} rep {rep}/{ctx.plan.reps}", [c.config_id for _, c in todo[i:]])
            recs, failure, outcome = run_one(ctx, rep, cfg, progress)
            try:
                ctx.store.append_run(recs)
            except OSError as e:
                raise SweepError(f"cannot write {ctx.store.path}: {e.strerror}; the runs recorded so far "
                                 f"are intact: resume with bench/sweep --resume {ctx.folder}") from None
            records.extend(recs)
            ran += 1
            runs_wall += outcome.wall_s
            if failure:
                text = f"FAILED ({failure})"
            elif recs[0]["sweep"].get("fault"):
                text = f"{recs[0]['sweep']['fault']['outcome']} {outcome.wall_s:.2f} s"
            else:
                r0 = recs[0]
                rate = (r0.get("rate") or {})
                text = f"ok {outcome.wall_s:.2f} s" + (
                    f", {report.fmt_rate(rate['value'], rate.get('unit'))}"
                    if isinstance(rate.get("value"), (int, float)) else "")
            progress.end(cfg.config_id, outcome.wall_s, text, bool(failure))
            if time.monotonic() - last_csv > CSV_EVERY_S:
                write_derived(ctx, records, configs)
                last_csv = time.monotonic()
            ctx.signals.check()
    except Interrupted as e:
        status = e.status
    finally:
        ctx.signals.restore()
        progress.close()
        ctx.store.close()
    loop_s = time.monotonic() - loop_start
    _remove_if_empty(ctx.runs_dir)
    overhead = _overhead(ctx, loop_s, runs_wall, ran)
    rows = write_derived(ctx, records, configs, overhead=overhead, finished=status is None)
    if status is not None:
        say(f"bench/sweep: interrupted after {ran} of {len(todo)} runs; nothing finished was lost "
            f"({ctx.store.path}).\nResume with: bench/sweep --resume {ctx.folder}")
        return status
    return finish(ctx, records, rows, overhead)


def _remove_if_empty(path):
    try:
        os.rmdir(path)
    except OSError:
        pass


def _overhead(ctx, loop_s, runs_wall, ran):
    total = time.monotonic() - ctx.t_start - ctx.build_s
    return {
        "runs": ran,
        "runs_wall_s": round(runs_wall, 4),
        "loop_wall_s": round(loop_s, 4),
        "loop_overhead_s": round(loop_s - runs_wall, 4),
        "loop_overhead_pct": round(100.0 * (loop_s - runs_wall) / runs_wall, 3) if runs_wall else None,
        "per_run_overhead_ms": round(1000.0 * (loop_s - runs_wall) / ran, 3) if ran else None,
        "sweep_wall_s": round(total, 4),
        "sweep_overhead_pct": round(100.0 * (total - runs_wall) / runs_wall, 3) if runs_wall else None,
        "build_s": round(ctx.build_s, 3),
        "note": "runs_wall_s sums each run's wall time (launcher included); loop_overhead is what the "
                "harness adds between runs; sweep_wall_s is the whole session minus the build "
                "(includes hwloc queries, the kernel lists and writing the summary)",
    }


def write_derived(ctx, records, configs, overhead=None, finished=False):
    """results.csv and summary.json from the records (atomically); meta.json's session entry."""
    rows, outliers = stats.summarize(records, configs, ctx.plan.scaling)
    store.atomic_write(ctx.store.file("results.csv"), store.csv_text(records, outliers))
    failed = sum(1 for r in records if r.get("sweep", {}).get("record_index", 0) == 0
                 and r.get("sweep", {}).get("failure"))
    run_count = sum(1 for r in records if r.get("sweep", {}).get("record_index", 0) == 0)
    summary = {"schema": "triobench.sweep-summary/1", "sweep_id": ctx.sweep_id, "scaling": ctx.plan.scaling,
               "runs_planned": len(ctx.plan.runs()), "runs_recorded": run_count, "runs_failed": failed,
               "complete": run_count >= len(ctx.plan.runs()),
               "statistics": stats.__doc__.strip(), "overhead": overhead, "configurations": rows}
    store.write_json(ctx.store.file("summary.json"), summary)
    if overhead is not None:
        session = ctx.meta["sessions"][-1]
        session.update({"finished": utc_now(), "completed": finished, "overhead": overhead})
        measured = next((r for r in records if "build" in r), None)
        if measured:
            mpi = next((r["build"] for r in records if (r.get("build") or {}).get("mpi_library")), {})
            ctx.meta["from_records"] = {"build": measured.get("build"), "host": measured.get("host"),
                                        "suite_version": measured.get("suite_version"),
                                        "mpi_library": mpi.get("mpi_library"), "mpi_version": mpi.get("mpi_version")}
        store.write_json(ctx.store.file("meta.json"), ctx.meta)
    return rows


def finish(ctx, records, rows, overhead):
    if any(c.fault for c in ctx.plan.configs):
        print(faults.table(records))
    else:
        print(report.table(rows))
    runs = [r for r in records if r.get("sweep", {}).get("record_index", 0) == 0]
    failed = [r for r in runs if r["sweep"].get("failure")]
    print(f"\nresults: {ctx.folder}/ (results.jsonl: {len(records)} records of {len(runs)} runs; "
          "results.csv, summary.json, meta.json)")
    if overhead["runs"]:
        print(f"harness overhead: {overhead['loop_overhead_s']:.3f} s between runs over "
              f"{overhead['runs_wall_s']:.2f} s of runs ({overhead['loop_overhead_pct']:.2f}%, "
              f"{overhead['per_run_overhead_ms']:.1f} ms per run); whole sweep {overhead['sweep_wall_s']:.2f} s "
              f"({overhead['sweep_overhead_pct']:+.2f}% over the runs, build excluded)")
    if not ctx.args.no_plot:
        plot(ctx.folder)
    if failed:
        say(f"bench/sweep: {len(failed)} of {len(runs)} runs failed (see 'sweep.failure' in results.jsonl "
            f"and {ctx.logs_dir}/)")
        return 1
    return 0


def plot(folder):
    """Draw the charts with plots/plot FOLDER (TRIOBENCH_PLOT may name another tool); never fatal."""
    tool = os.environ.get("TRIOBENCH_PLOT") or os.path.join(REPO, "plots", "plot")
    if not os.access(tool, os.X_OK):
        say(f"bench/sweep: no charts: {tool} is not there")
        return
    try:
        rc = subprocess.call([tool, folder], stdin=subprocess.DEVNULL)
        why = f"exit status {rc}"
    except OSError as e:
        rc, why = -1, e.strerror
    if rc != 0:
        say(f"bench/sweep: warning: the charts failed ({tool} {folder}: {why}); the results are intact")


# ---------------------------------------------------------------- entry points

def new_sweep(args, t_start):
    settings = options.settings_from(args)
    build_dir = os.path.abspath(args.build_dir or os.path.join(REPO, "build"))
    folder, created = (None, False)
    if not args.dry_run:
        folder, created = prepare_out(args.out or _default_out())
    try:
        return _new_sweep(args, settings, build_dir, folder, t_start)
    except (UserError, SweepError):
        if created and not os.listdir(folder):
            os.rmdir(folder)
        raise


def _launchers(backends, launcher_name, hostfile, launcher_args, cores, build_dir=None, transports=None):
    direct = launchers.Direct(cores)
    mpi = None
    if any(b in ("mpi", "hybrid") for b in backends):
        mpi = launchers.select(launcher_name, cores, hostfile=hostfile, extra_args=launcher_args,
                               build_dir=build_dir)
        mpi.check_transports(transports)
    return direct, mpi


def _new_sweep(args, settings, build_dir, folder, t_start):
    cores, cores_source = topology.physical_cores()
    # --submit plans here for a job that runs elsewhere: srun stands in for the job's launcher.
    direct, mpi = _launchers(settings.backends, "srun" if args.submit else settings.launcher, settings.hostfile,
                             settings.launcher_args, cores, build_dir, settings.transports)
    build_s = ensure_binaries(build_dir, settings.backends, args.no_build, args.jobs, args.dry_run)
    catalogue = discover(build_dir, settings.backends, mpi, settings, args.dry_run)
    capacity, capacity_text = {}, {}
    for b in settings.backends:
        capacity[b], capacity_text[b] = (direct if b in ("serial", "omp") else mpi).capacity()
        if args.submit and settings.pes != "auto":
            capacity[b] = 1 << 30                   # the job is sized to fit the largest configuration
    plan = build_plan(settings, catalogue, capacity, capacity_text, warn=warn)
    sweep_id = f"sweep-{datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-" \
               f"{secrets.token_hex(2)}"
    if args.submit:
        return batch.submit(args, plan, settings.pes == "auto", folder, build_dir, REPO, say)
    if args.dry_run:
        print_plan(plan, build_dir, direct, mpi, capacity_text)
        return 0
    meta = {
        "schema": "triobench.sweep-meta/1", "sweep_id": sweep_id, "created": utc_now(),
        "folder": folder, "build_dir": build_dir,
        "host": topology.host(), "topology": topology.topology(),
        "physical_cores": {"count": cores, "source": cores_source},
        "capacity": {b: {"pes": capacity[b], "text": capacity_text[b]} for b in capacity},
        "compiler": topology.compiler_info(build_dir),
        "mpi": mpi.describe() if mpi else None,
        "launch": {"launcher": settings.launcher, "hostfile": settings.hostfile,
                   "launcher_args": settings.launcher_args, "binding": launchers.BINDING_DEFAULTS,
                   "transports": settings.transports,
                   "transports_text": launchers.TRANSPORTS_TEXT if settings.transports else None},
        "git": topology.git_info(REPO), "env": topology.environment(),
        "python": sys.version.split()[0],
        "preset": settings.preset, "plan": plan.to_dict(),
        "sessions": [_session(args)],
    }
    ctx = Context(folder, plan, sweep_id, build_dir, mpi, direct, meta, args, t_start, build_s)
    ctx.store.lock()
    store.write_json(ctx.store.file("meta.json"), meta)
    _link_latest(folder)
    say(f"bench/sweep: {len(plan.configs)} configurations x {plan.reps} repetitions = {len(plan.runs())} runs "
        f"({plan.scaling} scaling) -> {folder}")
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
    build_dir = os.path.abspath(args.build_dir or meta.get("build_dir") or os.path.join(REPO, "build"))
    backends = sorted({c.backend for c in plan.configs}, key=BACKENDS.index)
    launch = meta.get("launch", {})
    cores = (meta.get("physical_cores") or {}).get("count") or topology.physical_cores()[0]
    direct, mpi = _launchers(backends, launch.get("launcher", "auto"), launch.get("hostfile"),
                             launch.get("launcher_args"), cores, build_dir)
    if args.dry_run:
        have = {store.run_key(r) for r in store.Store(folder).load(repair=False)[0]}
        todo = [(rep, c) for rep, c in plan.runs() if (c.config_id, rep) not in have]
        print(f"{len(todo)} of {len(plan.runs())} runs left in {folder}:")
        for rep, c in todo:
            print(f"  {c.config_id} rep {rep}")
        return 0
    ctx = Context(folder, plan, sweep_id, build_dir, mpi, direct, meta, args, t_start, 0.0)
    ctx.store.lock()
    killed = runner.kill_leftovers(sweep_id + ":")
    if killed:
        warn(f"ended {len(killed)} process(es) left running by the interrupted sweep: {killed}")
    ctx.build_s = ensure_binaries(build_dir, backends, args.no_build, args.jobs, False, only_if_missing=True)
    meta.setdefault("sessions", []).append(_session(args))
    store.write_json(ctx.store.file("meta.json"), meta)
    return execute(ctx)


def print_plan(plan, build_dir, direct, mpi, capacity_text):
    print(f"plan: {len(plan.configs)} configurations x {plan.reps} repetitions = {len(plan.runs())} runs, "
          f"{plan.scaling} scaling, interleaved by repetition, timeout {plan.timeout:g} s per run")
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
