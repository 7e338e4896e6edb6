"""Lab 1's answer rules: what a message costs in shared memory and in message passing."""

from .sheet import Answer, by_rule, judged
from .words import EXPECTED, CONTRADICTS, MISSING, Comparison, ci, judge, missing, num, t, without_ci, x

TITLE = "Lab 1: shared memory vs message passing — what does a message cost?"
STEPS = {"messages": ["--preset", "lab1", "--transports", "shm,tcp"], "collectives": ["--preset", "lab1-collectives"]}
LAB = 1


def _pp(step, backend, nbytes, transport=None):
    """The ping-pong row of a model at a size; MPI over shared memory when the sweep ran no transports."""
    rows = [r for r in step.find(kernel="pingpong", backend=backend, params_bytes=nbytes) if r.get("median_s")]
    if backend == "omp":
        return rows[0] if rows else None
    want = (transport,) if transport == "tcp" else ("shm", None)
    return next((r for r in rows if r.get("transport") in want and r.get("ranks") == 2), None)


def _sizes(step, backend, transport=None):
    sizes = sorted({(r.get("params") or {}).get("bytes") for r in step.find(kernel="pingpong", backend=backend)
                    if r.get("median_s") and (r.get("params") or {}).get("bytes")})
    return [s for s in sizes if _pp(step, backend, s, transport)]


def latency(step):
    q = "What does an 8-byte message cost in OpenMP (a copy through shared memory) and in MPI?"
    omp, mpi = _pp(step, "omp", 8), _pp(step, "mpi", 8)
    if not omp or not mpi:
        return Answer(q, [missing("ping-pong at 8 bytes in " + ("OpenMP" if not omp else "MPI"), LAB)], MISSING)
    cmp = Comparison(mpi, omp)
    text = (f"Your 8-byte MPI latency was {t(mpi['median_s'])} ({ci(mpi)}) against {t(omp['median_s'])} "
            f"({ci(omp)}) for an OpenMP copy: {x(cmp.ratio)} "
            f"{'more' if cmp.ratio >= 1 else 'of it'}.")
    why = ("Why: an MPI message goes through the library even between two processes on one machine — the "
           "envelope (source, tag, communicator) is matched against posted receives, the data are copied into "
           "a shared-memory segment and out again on the other side, and the receiver polls for its arrival. "
           "Two OpenMP threads already share the address space: one copies into a buffer the other can read, "
           "and a single flag tells it the data are there.")
    return judged(q, cmp, LAB, "an MPI message costs more than a shared-memory copy", text, why)


def bandwidth(step):
    q = "Does the gap stay the same for large messages? Compare the bandwidth at the largest size."
    sizes = sorted(set(_sizes(step, "omp")) & set(_sizes(step, "mpi")))
    if len(sizes) < 2:
        return Answer(q, [missing("ping-pong at two or more sizes in both OpenMP and MPI", LAB)], MISSING)
    small, big = sizes[0], sizes[-1]
    r_small = _pp(step, "mpi", small)["median_s"] / _pp(step, "omp", small)["median_s"]
    mpi_b, omp_b = _pp(step, "mpi", big), _pp(step, "omp", big)
    r_big = mpi_b["median_s"] / omp_b["median_s"]
    text = (f"At {big} bytes MPI moved {num(mpi_b.get('rate_median'))} {mpi_b.get('rate_unit') or ''} and OpenMP "
            f"{num(omp_b.get('rate_median'))} {omp_b.get('rate_unit') or ''}: MPI took {x(r_big)} the OpenMP time, "
            f"against {x(r_small)} at {small} bytes.")
    why = ("The gap narrows because the fixed cost of a message (latency) is paid once, while both models "
           "are limited by the same memory copies once the message is large: time ≈ latency + bytes / "
           "bandwidth, and for large messages the second term dominates.")
    caveat = without_ci([_pp(step, b, n) for b in ("omp", "mpi") for n in (small, big)], LAB)
    if caveat:
        return Answer(q, [text, caveat], CONTRADICTS)
    return by_rule(q, [text], r_big < r_small, LAB, "the MPI/OpenMP ratio shrinks for large messages", why)


def crossover(step):
    q = ("Where is the crossover from latency-bound to bandwidth-bound: the smallest message that takes twice "
         "as long as an 8-byte one?")
    lines, found, absent = [], {}, []
    for backend, name in (("omp", "OpenMP"), ("mpi", "MPI")):
        sizes = _sizes(step, backend)
        if len(sizes) < 2:
            absent.append(name)
            continue
        base = _pp(step, backend, sizes[0])["median_s"]
        cross = next((s for s in sizes if _pp(step, backend, s)["median_s"] >= 2 * base), None)
        found[backend] = cross
        lines.append(f"{name}: {sizes[0]} bytes take {t(base)}; " +
                     (f"the first size at twice that is {cross} bytes ({t(_pp(step, backend, cross)['median_s'])})."
                      if cross else f"no size up to {sizes[-1]} bytes took twice as long."))
    if absent:
        lines.append(missing("the ping-pong series in " + " and ".join(absent), LAB))
    why = ("Below the crossover a message costs about its latency whatever its size, so many small messages "
           "cost far more than one large one: aggregate them. Above it the cost grows with the bytes. The "
           "larger a model's latency, the later (in bytes) the crossover comes: the product latency × "
           "bandwidth is the size at which half the bandwidth is reached (n½).")
    if absent:
        return Answer(q, lines + ([why] if found else []), MISSING)
    caveat = without_ci([r for b in found for r in (_pp(step, b, n) for n in _sizes(step, b)) if r], LAB)
    if caveat:
        return Answer(q, lines + [caveat], CONTRADICTS)
    ok = all(cross is not None for cross in found.values())
    return by_rule(q, lines, ok, LAB, "a crossover within the sizes measured", why)


def network(step):
    q = "What does crossing a network stack cost? Compare MPI over TCP with MPI over shared memory at 8 bytes."
    shm, tcp = _pp(step, "mpi", 8, "shm"), _pp(step, "mpi", 8, "tcp")
    if not tcp or not shm or shm.get("transport") is None:
        return Answer(q, [missing("MPI ping-pong over both shm and tcp (bench/lab 1 passes --transports shm,tcp; "
                                  "the MPI library may lack its TCP transport)", LAB)], MISSING)
    cmp = Comparison(tcp, shm)
    text = (f"Over TCP your 8-byte latency was {t(tcp['median_s'])} against {t(shm['median_s'])} over shared "
            f"memory: {x(cmp.ratio)}.")
    why = ("Even on one machine TCP goes through the operating system's network stack: a system call to send, "
           "the loopback device, another to receive, and the kernel's buffers; shared memory needs none of "
           "them. Between the nodes of a cluster the network adds its own latency on top: this is the price "
           "message passing pays for being able to leave the machine.")
    return judged(q, cmp, LAB, "TCP costs more than shared memory", text, why)


def synchronisation(step):
    q = "What do a barrier and an 8-byte allreduce cost among threads and among processes?"
    lines, verdicts, caveats = [], [], []
    for kernel, extra in (("barrier", {}), ("allreduce", {"params_bytes": 8})):
        omp = step.one(kernel=kernel, backend="omp", **extra)
        mpi = next((r for r in step.find(kernel=kernel, backend="mpi", **extra)
                    if r.get("median_s") and r.get("transport") in ("shm", None)), None)
        if not omp or not mpi:
            lines.append(missing(f"{kernel} in OpenMP and MPI", LAB))
            verdicts.append(MISSING)
            continue
        cmp = Comparison(mpi, omp)
        v, c = judge(cmp, LAB, f"an MPI {kernel} costs more than an OpenMP one")
        lines.append(f"{kernel}: MPI {t(mpi['median_s'])}, OpenMP {t(omp['median_s'])} ({x(cmp.ratio)}).")
        verdicts.append(v)
        caveats.append(c)
    if all(v == MISSING for v in verdicts):
        return Answer(q, lines, MISSING)
    why = ("Threads synchronise through shared variables in the same caches; processes exchange messages, "
           "each with the library's fixed cost, and a collective needs at least log₂P rounds of them.")
    verdict = EXPECTED if all(v == EXPECTED for v in verdicts) else CONTRADICTS
    caveats = list(dict.fromkeys(c for c in caveats if c))       # one sentence said once
    return Answer(q, lines + [why if verdict == EXPECTED else None] + caveats, verdict)


def answers(data):
    step = data.step("messages")
    out = [latency(step), bandwidth(step), crossover(step), network(step), synchronisation(data.step("collectives"))]
    out[0].look = out[1].look = out[2].look = out[3].look = data.figures("messages", "pingpong")
    out[4].look = data.figures("collectives", "barrier") + data.figures("collectives", "allreduce")
    return out
