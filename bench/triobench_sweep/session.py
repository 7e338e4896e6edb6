"""A session of the sweep: run what is missing (then the roofline probes), record each run, write the
derived files (results.csv, summary.json, meta.json's session) and print the summary."""

import os
import subprocess
import time

from tbcommon.errors import SweepError

from . import faults, probes, report, stats, store
from .executables import REPO
from .messages import say, utc_now, warn
from .progress import Progress
from .runs import run_one
from .signals import Interrupted, Signals

CSV_EVERY_S = 30.0


class Context:
    """What a session of the sweep needs: the folder, the plan, the launchers, the meta data."""

    def capacity(self):
        """backend -> PEs it runs without oversubscribing (from meta.json)."""
        return {b: c.get("pes", 1) for b, c in (self.meta.get("capacity") or {}).items()}

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
    """Run what is missing, then the roofline probes, then write the derived files and the summary.
    Returns the exit status."""
    records, damaged = ctx.store.load(repair=True)
    foreign = ctx.store.foreign
    if foreign:
        lines = ", ".join(f"line {n}: {schema}" for n, schema in foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        warn(f"{store.RESULTS}: set aside {len(foreign)} record(s) of another schema ({lines}) in "
             f"{store.DAMAGED}: this sweep reads {store.SCHEMA} only; those runs will run again")
        damaged -= len(foreign)
    if damaged:
        warn(f"repaired {store.RESULTS}: set aside {damaged} damaged line(s) (a run cut short) "
             f"in {store.DAMAGED}; those runs will run again")
    records, twice = store.dedupe(records)
    if twice:
        warn(f"{store.RESULTS} holds {twice} record(s) twice: each is counted once")
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
    ctx.signals = Signals()
    loop_start = time.monotonic()
    runs_wall, ran = 0.0, 0
    last_csv = loop_start
    status = None
    try:
        ctx.signals.install()
        for i, (rep, cfg) in enumerate(_with_probes(ctx, todo, records)):
            if cfg.probe:
                progress.total = max(progress.total, i + 1)
            what = f"roofline probe ({cfg.probe})" if cfg.probe else f"rep {rep}/{ctx.plan.reps_of(cfg)}"
            progress.begin(f"{cfg.label()} {what}", [c.config_id for _, c in todo[i:]])
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


def _with_probes(ctx, todo, records):
    """The runs left, then the roofline probes the records call for (probes.py), decided once the
    planned runs are recorded (whether a DRAM-sized nstream ran is known only then)."""
    yield from todo
    hosts = ctx.launcher.hosts() if ctx.launcher is not None else 1
    if hosts > 1 and ctx.meta.get("probes", {}).get("enabled"):
        # A roofline is one machine's: its ceilings are measured on one node, by a sweep there.
        print(f"bench/sweep: no roofline probes: the runs spread over {hosts} hosts "
              "(a sweep on one node measures its ceilings)")
        return
    if ctx.meta.get("probes", {}).get("enabled") and not any(c.fault for c in ctx.plan.configs):
        for cfg in probes.configs(ctx.meta.get("catalogue") or {}, records, ctx.capacity()):
            if (cfg.config_id, 1) not in {store.run_key(r) for r in records}:
                yield 1, cfg


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
    planned = [r for r in records if not probes.is_probe(r)]
    rows, outliers = stats.summarize(planned, configs, ctx.plan.scaling)
    store.atomic_write(ctx.store.file("results.csv"), store.csv_text(records, outliers))
    failed = sum(1 for r in planned if r.get("sweep", {}).get("record_index", 0) == 0
                 and r.get("sweep", {}).get("failure"))
    run_count = sum(1 for r in planned if r.get("sweep", {}).get("record_index", 0) == 0)
    summary = {"schema": "triobench.sweep-summary/1", "sweep_id": ctx.sweep_id, "scaling": ctx.plan.scaling,
               "seed": ctx.plan.seed, "runs_planned": len(ctx.plan.runs()), "runs_recorded": run_count,
               "runs_failed": failed, "complete": run_count >= len(ctx.plan.runs()),
               "simulated": ctx.meta.get("simulated"),
               "statistics": stats.__doc__.strip(), "flags": stats.FLAGS, "overhead": overhead,
               "configurations": rows, "probes": probes.summary(records)}
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
        probe_rows = probes.summary(records)
        if probe_rows:
            print("\n" + probes.table(probe_rows))
        print("\n" + report.verdict(records))   # issue 12: the verdict, last before the folder's path
    runs = [r for r in records if r.get("sweep", {}).get("record_index", 0) == 0]
    failed = [r for r in runs if r["sweep"].get("failure") and not probes.is_probe(r)]
    failed_probes = [r for r in runs if r["sweep"].get("failure") and probes.is_probe(r)]
    if failed_probes:
        warn(f"{len(failed_probes)} roofline probe run(s) failed: the charts' ceilings may be missing")
    if ctx.meta.get("simulated"):
        print(f"\n{ctx.meta['simulated']} (the times are simulated time; docs/simulation.md says what "
              "the simulation leaves out)")
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
