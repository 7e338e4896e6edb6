"""Lab 5's answer rules: hybrid shapes (ranks x threads) and what a wrong binding does."""

from tbcommon.stats import median

from .scaling import NAMES, top
from .sheet import Answer, by_rule, judged
from .words import EXPECTED, CONTRADICTS, MISSING, NEEDS_CORES, Comparison, judge, missing, num, regime_note, t, x

TITLE = "Lab 5: hybrid shapes and binding"
LAB = 5
K = "stencil"
# Open MPI binds each rank to one core when a job has at most 2 ranks: spelled out here, so that the
# binding step shows the default whatever the sweep would choose (docs/sweep.md, "Binding defaults").
OPENMPI_DEFAULT_BINDING = "--map-by core --bind-to core"


def _binding_args(lab_folder, data):
    """The wrong-binding step's sweep options, or a reason to skip it (not Open MPI)."""
    meta = data.step("shapes").meta
    flavour = ((meta or {}).get("mpi") or {}).get("flavour")
    if flavour != "openmpi":
        return None, (f"the MPI library is {flavour or 'unknown'}, not Open MPI: its default binding differs, so "
                      "the wrong-binding run is Open MPI's only")
    return ["--preset", "lab5", "--backends", "hybrid", "--pes", "2", "--shapes", "1x2",
            "--launcher-args", OPENMPI_DEFAULT_BINDING], None


STEPS = {"shapes": ["--preset", "lab5"], "binding": _binding_args}


def _shape_rows(step, p):
    rows = [r for r in step.find(kernel=K, pes=p) if r.get("median_s") and r.get("backend") != "serial"]
    return sorted(rows, key=lambda r: r["median_s"])


def _shape_answer(step, p, q):
    rows = _shape_rows(step, p)
    if len(rows) < 2:
        return Answer(q, [missing(f"two or more shapes at {p} PEs", LAB)], MISSING)
    lines = [f"{NAMES[r['backend']]} {r['ranks']}x{r['threads']}: {t(r['median_s'])}." for r in rows]
    cmp = Comparison(rows[1], rows[0])
    verdict, caveat = judge(cmp, LAB, "one shape is fastest")
    head = (f"Fastest: {NAMES[rows[0]['backend']]} {rows[0]['ranks']}x{rows[0]['threads']}, "
            f"{x(cmp.ratio)} ahead of the next." if verdict == EXPECTED else
            f"The fastest shapes cannot be told apart on your data. {caveat}")
    why = ("Ranks pay for messages (halo copies), threads for shared caches and barriers; which costs less "
           "depends on the machine: on a small machine the shapes are usually close. On a cluster node, one rank "
           "per socket (or NUMA domain) with threads inside it is often best: threads share that socket's memory, "
           "messages cross between sockets.")
    note = regime_note(rows[0], LAB)
    return Answer(q, lines + [head, note, why], EXPECTED if verdict == EXPECTED else CONTRADICTS)


def two(step):
    return _shape_answer(step, 2, "At 2 PEs, which shape was fastest: OpenMP 1x2, MPI 2x1, hybrid 1x2 or 2x1?")


def four(step, data):
    q = "At 4 PEs, how do the splits 1x4, 2x2 and 4x1 compare?"
    p = top(step, K)
    if p is None or p < 4:
        cores = data.info.get("cores")
        return Answer(q, [f"Not measured: your machine has {cores or 'fewer than 4'} physical cores, and the lab "
                          "does not oversubscribe. Run `bench/lab 5` on a machine with 4 or more cores (a cluster "
                          "node: docs/labs/README.md) to see every split."], NEEDS_CORES)
    return _shape_answer(step, 4, q)


def _hybrid12(step):
    return next((r for r in step.find(kernel=K, backend="hybrid", ranks=1, threads=2) if r.get("median_s")), None)


def wrong_binding(data):
    q = "What did Open MPI's default binding do to the hybrid 1x2 run?"
    right, wrong = _hybrid12(data.step("shapes")), _hybrid12(data.step("binding"))
    if not right or not wrong:
        why = data.info.get("skipped", {}).get("binding")
        return Answer(q, [missing("hybrid 1x2 with both bindings" + (f" ({why})" if why else ""), LAB)], MISSING)
    cmp = Comparison(wrong, right)
    text = (f"With `{OPENMPI_DEFAULT_BINDING}` (Open MPI's default for 2 ranks or fewer) hybrid 1x2 took "
            f"{t(wrong['median_s'])} per iteration against {t(right['median_s'])} with the sweep's `--map-by "
            f"slot:PE=2`: {x(cmp.ratio)}.")
    why = ("Binding the one rank to one core binds its threads too (they inherit its cpuset): both threads "
           "time-share a single core while the other core idles, so the job runs at about the speed of one core.")
    return judged(q, cmp, LAB, "the default binding slower", text, why)


def _thread_cpus(rec):
    ranks = rec.get("binding") or []
    return [th.get("cpus") for th in (ranks[0].get("threads") or [])] if ranks else []


def binding_field(data):
    q = "How does the record's `binding` field show it?"
    def first(step):
        return next((r for r in step.recs(kernel=K, backend="hybrid", ranks=1, threads=2) if r.get("binding")), None)
    right, wrong = first(data.step("shapes")), first(data.step("binding"))
    if not right or not wrong:
        return Answer(q, [missing("the binding of hybrid 1x2 with both bindings", LAB)], MISSING)
    cw, cr = _thread_cpus(wrong), _thread_cpus(right)
    text = (f"Default binding: rank 0's threads on CPUs {', '.join(map(str, cw))}; the sweep's binding: "
            f"{', '.join(map(str, cr))}.")
    why = ("`binding` lists, for every rank and thread, the cpuset hwloc read from inside the process: two threads "
           "with the same one-CPU set share that core. Check it in every record before trusting a hybrid timing "
           "(`results.csv` has it as JSON text).")
    one_cpu = len(set(cw)) == 1 and str(cw[0]).isdigit()      # "3", not "0-1" or "0,2"
    return by_rule(q, [text], len(cw) == 2 and one_cpu and len(set(cr)) == 2, LAB,
                   "both threads on one CPU with the default binding, on two with the sweep's", why)


def memory(step):
    q = "What does each shape cost in memory (peak resident memory of all processes)?"
    rows = _shape_rows(step, 2)
    lines, vals = [], {}
    for r in rows:
        rss = median([rec["memory"]["peak_rss_sum"] for rec in step.records
                      if (rec.get("sweep") or {}).get("config_id") == r["config_id"]
                      and isinstance((rec.get("memory") or {}).get("peak_rss_sum"), (int, float))])
        if rss:
            vals[(r["backend"], r["ranks"], r["threads"])] = rss
            lines.append(f"{NAMES[r['backend']]} {r['ranks']}x{r['threads']}: {num(rss / 2 ** 20)} MiB.")
    omp, mpi = vals.get(("omp", 1, 2)), vals.get(("mpi", 2, 1))
    if not omp or not mpi:
        return Answer(q, [missing("the memory of OpenMP 1x2 and MPI 2x1", LAB)], MISSING)
    why = ("Every MPI process is a whole program: its own copy of the runtime and libraries, its own halo rows "
           "and message buffers. Threads share one address space. This is why hybrid codes put threads inside a "
           "node and ranks between nodes.")
    lines.append(f"MPI used {x(mpi / omp)} the memory of OpenMP.")
    return by_rule(q, lines, mpi > omp, LAB, "MPI using more memory than OpenMP", why)


def answers(data):
    shapes = data.step("shapes")
    out = [two(shapes), four(shapes, data), wrong_binding(data), binding_field(data), memory(shapes)]
    out[0].look = out[1].look = data.figures("shapes", K, "-shapes.png")
    out[4].look = data.figures("shapes", K, "-memory.png")
    return out
