"""What labs 2, 3 and 5 share: the best configuration of each model at each PE count."""

from tbcommon.models import BACKENDS

MODELS = tuple(b for b in BACKENDS if b != "serial")     # the parallel models, in the report's order
NAMES = {"serial": "serial", "omp": "OpenMP", "mpi": "MPI", "hybrid": "hybrid"}


def best(step, kernel, backend, pes, **want):
    """The fastest configuration (lowest median) of a model at a PE count, or None."""
    rows = [r for r in step.find(kernel=kernel, backend=backend, pes=pes, **want) if r.get("median_s")]
    return min(rows, key=lambda r: r["median_s"]) if rows else None


def pe_counts(step, kernel, fair=True):
    """PE counts above 1 that ran; fair: not oversubscribed (more PEs than cores measure the OS's scheduler)."""
    return sorted({r["pes"] for r in step.find(kernel=kernel) if r.get("median_s") and r.get("pes", 1) > 1
                   and not (fair and r.get("oversubscribed"))})


def top(step, kernel, fair=True):
    """The largest PE count above 1 that ran (not oversubscribed when fair), or None."""
    counts = pe_counts(step, kernel, fair)
    return counts[-1] if counts else None
