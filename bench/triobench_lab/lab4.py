"""Lab 4's answer rules: the 11-process master-worker demo, chunk size and load balance, then failures
(the fault scenarios of lab4-faults.toml, classified by the sweep) and a checkpoint/resume."""

from tbcommon.stats import median

from .sheet import Answer, by_rule
from .words import EXPECTED, CONTRADICTS, MISSING, Comparison, contradiction, judge, missing, num, t, x

TITLE = "Lab 4: master–worker and failures (mpiexec -n 11)"
STEPS = {"chunks": ["--preset", "lab4"], "faults": ["--preset", "lab4-faults"]}
LAB = 4


def _chunk_rows(step):
    rows = [r for r in step.find(kernel="ep", backend="mpi") if r.get("median_s")
            and (r.get("params") or {}).get("chunk") is not None]
    return sorted(rows, key=lambda r: r["params"]["chunk"])


def _tasks(row):
    m = (row.get("params") or {}).get("m")
    return 2 ** (m - 16) // row["params"]["chunk"] if isinstance(m, int) and m >= 16 else None


def chunks(step):
    q = "Which chunk size was fastest with 1 master and 10 workers, and why are the extremes slower?"
    rows = _chunk_rows(step)
    if len(rows) < 2:
        return Answer(q, [missing("ep at two or more chunk sizes", LAB)], MISSING)
    lines = [f"chunk {r['params']['chunk']} ({_tasks(r)} tasks for {r['ranks']} processes): {t(r['median_s'])}."
             for r in rows]
    fastest = min(rows, key=lambda r: r["median_s"])
    big = rows[-1]
    why = ("A small chunk means many tasks: every task costs a request and a reply through the master, and the "
           "master's time goes into answering. A large chunk means few tasks: with fewer tasks than processes "
           "some workers get nothing, and the last task decides the end (load imbalance). In between, enough "
           "tasks to keep everyone busy and few enough messages.")
    if big is fastest:
        return Answer(q, lines + [contradiction(LAB, "the largest chunk (fewest tasks) slower than a middle one"),
                                  why], CONTRADICTS)
    cmp = Comparison(big, fastest)
    verdict, caveat = judge(cmp, LAB, "the largest chunk slower than the fastest")
    lines.append(f"Fastest: chunk {fastest['params']['chunk']}; chunk {big['params']['chunk']} took {x(cmp.ratio)} "
                 "its time.")
    return Answer(q, lines + [why, caveat], verdict)


def _sync_share(step, row):
    shares = [r["breakdown"]["sync"] / r["time"]["median"] for r in step.recs(kernel="ep", backend="mpi")
              if (r.get("sweep") or {}).get("config_id") == row["config_id"] and r.get("validated") is True
              and isinstance((r.get("breakdown") or {}).get("sync"), (int, float))
              and (r.get("time") or {}).get("median")]
    return median(shares)


def balance(step):
    q = "How much of the time did processes spend waiting (the breakdown's sync), and how does that follow " \
        "the chunk size?"
    rows = _chunk_rows(step)
    shares = [(r, _sync_share(step, r)) for r in rows]
    shares = [(r, s) for r, s in shares if s is not None]
    if len(shares) < 2:
        return Answer(q, [missing("the time breakdown of ep at two chunk sizes", LAB)], MISSING)
    lines = [f"chunk {r['params']['chunk']}: {num(100 * s)}% of the time waiting." for r, s in shares]
    fastest = min(shares, key=lambda rs: rs[0]["median_s"])
    largest = shares[-1]
    why = ("sync is time a process waits for another: a worker for its next task, the master for the last "
           "results, and everyone for the final broadcast. With few large tasks (4 tasks of chunk 64 for 11 "
           "processes) most processes wait the whole run: load imbalance. With many tiny tasks workers wait for "
           "the master to answer each request. In between, dynamic scheduling keeps the wait short and even.")
    if largest is fastest:
        return Answer(q, lines + [missing("a chunk faster than the largest one (see question 1)", LAB), why],
                      MISSING)
    lines.append(f"The largest chunk ({largest[0]['params']['chunk']}) waited {num(100 * largest[1])}% against "
                 f"{num(100 * fastest[1])}% for the fastest ({fastest[0]['params']['chunk']}).")
    return by_rule(q, lines, largest[1] > fastest[1], LAB,
                   "more waiting with the largest chunk than with the fastest one", why)


def oversubscribed(data, step):
    q = "Your run has 11 processes. How many cores does your machine have, and what does that do to the times?"
    rows = _chunk_rows(step)
    cores = data.info.get("cores")
    if not rows:
        return Answer(q, [missing("the 11-process runs", LAB)], MISSING)
    over = any(r.get("oversubscribed") for r in rows)
    text = (f"{cores or 'An unknown number of'} physical cores for 11 processes: the runs were "
            f"{'oversubscribed (marked so in the records and charts)' if over else 'not oversubscribed'}.")
    why = ("With more processes than cores the operating system time-slices them: a worker that holds a task "
           "may be descheduled while the others wait for it, and the times measure the scheduler as much as the "
           "program. The lesson of the demo (who waits for whom, what happens on a failure) holds; its speed does "
           "not — run it on a cluster node with 11 or more cores for real timings." if over else
           "Every process has its own core: the times are the program's own.")
    return Answer(q, [text, why], EXPECTED)


def _faults(step):
    """scenario name -> (sweep.fault, record): the first run of each scenario (the resumed one for a resume)."""
    out = {}
    for r in step.records:
        sw = r.get("sweep") or {}
        f = sw.get("fault")
        if f and sw.get("record_index", 0) == 0:
            out[f.get("name")] = (f, r)
    return out


def _scenario_line(name, f, r):
    rc = (r.get("sweep") or {}).get("exit_status")
    rc = "-" if rc is None else (128 - rc if rc < 0 else rc)
    parts = [f"{name}: {f.get('outcome')}", f"exit status {rc}"]
    if f.get("fault_to_end_s") is not None:
        parts.append(f"{num(f['fault_to_end_s'])} s from the fault to the end of the job")
    if f.get("detect_s") is not None:
        parts.append(f"detected after {num(f['detect_s'])} s")
    parts.append("validated" if r.get("validated") is True else "no validated answer")
    return "; ".join(parts) + "."


def _fault_answer(step, q, names, expect, why):
    got = _faults(step)
    lines, verdict = [], EXPECTED
    for name in names:
        if name not in got:
            lines.append(missing(f"scenario {name}", LAB))
            verdict = MISSING if verdict == EXPECTED else verdict
            continue
        f, r = got[name]
        lines.append(_scenario_line(name, f, r))
        if f.get("outcome") != expect[name]:
            verdict = CONTRADICTS
            lines.append(f"{name} was expected to end {expect[name]}, and it ended {f.get('outcome')}." +
                         (" The fault never fired: the worker finished fewer tasks than `after=`." if
                          f.get("outcome") == "completed" else ""))
    if all(name not in got for name in names):
        return Answer(q, lines, MISSING)
    if verdict == CONTRADICTS:
        lines.append(contradiction(LAB, ", ".join(f"{n} {e}" for n, e in expect.items())))
    return Answer(q, lines + [why], verdict)


def plain(step):
    return _fault_answer(
        step, "Plain MPI (--ft none): what happened when a worker was killed, exited early, or hung?",
        ["kill-none", "exit-none", "hang-none"],
        {"kill-none": "aborted", "exit-none": "aborted", "hang-none": "hung-and-killed"},
        "mpirun is the parent of every process: it sees one die (or exit without MPI_Finalize) and ends the "
        "whole job, so no record and no work survive (MPI's default error handling aborts). A hung worker is "
        "alive: nothing tells anyone, and the master waits in a blocking MPI_Recv forever — the lab's timeout "
        "(10 s) ended it. A deadlock looks exactly like this.")


def detect_reassign(step):
    names = ["hang-detect", "kill-detect", "kill-reassign-recovery", "hang-reassign", "exit-reassign-recovery"]
    expect = {"hang-detect": "detected", "kill-detect": "aborted", "kill-reassign-recovery": "recovered",
              "hang-reassign": "recovered", "exit-reassign-recovery": "recovered"}
    a = _fault_answer(
        step, "With deadlines (--ft detect) and reassignment (--ft reassign): how long did detection take, and "
        "what did reassignment save?", names, expect,
        "--ft detect replaces every blocking wait by a loop of non-blocking calls with a deadline (--ft-timeout, "
        "2 s here): a worker silent that long is declared lost, so the job ends with a clear message instead of "
        "hanging; detection cannot be faster than the deadline, since a silent process cannot be told from a "
        "slow one sooner. A killed worker is different: mpirun sees the death and aborts the job about a second "
        "later, before the deadline expires. --ft reassign also gives the lost worker's unfinished tasks to the "
        "others, so the "
        "answer is complete and validated; to survive a killed worker, the launcher must be told to keep the job "
        "(recovery mode: Open MPI's --mca orte_enable_recovery 1 --mca orte_abort_on_non_zero_status 0).")
    for name in ("kill-reassign-recovery", "hang-reassign", "exit-reassign-recovery"):
        f, r = _faults(step).get(name, (None, None))
        tasks = ((r or {}).get("fault") or {}).get("tasks") or {}
        if tasks.get("reassigned") is not None:
            a.paragraphs.insert(-1, f"{name}: {tasks['reassigned']} of {tasks.get('total')} tasks reassigned after "
                                    "the loss — the only work redone.")
    return a


def checkpoint(step):
    q = "The master was killed: how much work did the checkpoint save?"
    f, r = _faults(step).get("kill-master-resume", (None, None))
    if f is None:
        return Answer(q, [missing("scenario kill-master-resume", LAB)], MISSING)
    tasks = ((r or {}).get("fault") or {}).get("tasks") or {}
    total, loaded = tasks.get("total"), tasks.get("from_checkpoint")
    lines = [_scenario_line("kill-master-resume", f, r)]
    why = ("No deadline or reassignment can replace the master: it alone knows which tasks are done. A "
           "checkpoint (saved after every task here, --checkpoint-interval 0) keeps the set of done tasks and "
           "their combined result on disk; --resume computes only the rest. The work lost is what was done since "
           "the last save.")
    if f.get("outcome") == "resumed" and total and loaded is not None:
        lines.append(f"The resumed run loaded {loaded} of {total} tasks from the checkpoint "
                     f"({num(100 * loaded / total)}%) and computed the other {total - loaded}.")
        return Answer(q, lines + [why], EXPECTED)
    return Answer(q, lines + [contradiction(LAB, "the resumed run validated"), why], CONTRADICTS)


def answers(data):
    chunks_step, faults_step = data.step("chunks"), data.step("faults")
    out = [chunks(chunks_step), balance(chunks_step), oversubscribed(data, chunks_step), plain(faults_step),
           detect_reassign(faults_step), checkpoint(faults_step)]
    out[0].look = data.existing("chunks/report/report.html")
    out[1].look = data.figures("chunks", "ep", "-breakdown.png")
    for a in out[3:]:
        a.look = data.existing("faults/report/report.html")
    return out
