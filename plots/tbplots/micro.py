"""Micro-benchmarks (kind "micro": ping-pong, barrier, allreduce, halo, ...).

Standard library only. A micro-benchmark's time is that of one operation
(a one-way message, a barrier's overhead, an allreduce, a halo exchange);
it is shown in µs with its spread (the 95% CI of the median over the
repetitions, or min-max below 6), never as a speedup or a rate of
operations per second. A series kernel (the catalogue's "series", e.g.
bytes) is drawn against that parameter; any other against the PE count.
A ping-pong hand-off ("variant": "handoff": a pointer handed over, no data
copied) is kept apart from the copies: its own chart, labelled a hand-off.
"""

from .configs import backend_order, params_text
from .loader import params_key

HANDOFF = "handoff"
BYTE_UNITS = {"B/s": 1, "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "KiB/s": 2 ** 10, "MiB/s": 2 ** 20,
              "GiB/s": 2 ** 30}


def kernels(configs):
    """The micro-benchmark kernels present, in name order."""
    return sorted({c.kernel for c in configs if c.kind == "micro" and not c.probe})


def is_handoff(config):
    return config.variant == HANDOFF


def series(configs, kernel, handoff=False):
    """{(order, label, backend): [(x, Config)]} for one kernel's copies (or its hand-offs).

    x is the value of the kernel's series parameter, or the PE count for a
    kernel without one. A label names the model, its shape (series kernels),
    the variant and every other parameter that differs between the runs.
    """
    mine = [c for c in configs if c.kernel == kernel and c.kind == "micro" and not c.probe
            and is_handoff(c) == handoff]
    out = {}
    # parameters every run shares (a --max-bytes, say) would only clutter the labels
    shared = {k for k in set().union(*(c.params for c in mine))
              if len({params_key(c.params.get(k)) for c in mine}) == 1} if mine else set()
    # a model with two shapes at one PE count (hybrid 1x4 and 2x2) needs its shape in the label
    seen, split = set(), set()
    for c in mine:
        k = (c.backend, c.pes, params_key(c.params))
        if k in seen:
            split.add(c.backend)
        seen.add(k)
    for c in mine:
        x = c.params.get(c.series) if c.series else c.pes
        if not isinstance(x, (int, float)) or isinstance(x, bool) or not 0 < x < 2 ** 60:
            continue
        # the record's own "variant" (the resolved one: "auto" became "copy") replaces the parameter
        rest = {k: v for k, v in c.params.items() if k != c.series and k not in shared
                and not (k == "variant" and c.variant)}
        label = c.backend
        if c.series or c.backend in split:
            label += " " + c.shape
        if c.variant:
            label += " " + ("hand-off" if is_handoff(c) else c.variant)
        if rest:
            label += " " + params_text(rest)
        out.setdefault((backend_order(c.backend), label, c.backend), []).append((x, c))
    return {k: sorted(v, key=lambda t: t[0]) for k, v in sorted(out.items())}


def x_param(configs, kernel):
    """The series parameter of a kernel ('bytes'), or None when it is drawn against PEs."""
    return next((c.series for c in configs if c.kernel == kernel and c.series), None)


def bandwidth_of(config):
    """Bytes per second of one operation, from the record's byte rate or its work.bytes; else None."""
    if not config.usable:
        return None
    unit = config.rate_unit or ""
    if config.rate is not None and config.rate > 0 and unit in BYTE_UNITS:
        return config.rate * BYTE_UNITS[unit]
    nbytes = config.bytes
    if isinstance(nbytes, (int, float)) and not isinstance(nbytes, bool) and 0 < nbytes < 1e30:
        return nbytes / config.median
    return None


def exchange_text(config):
    """What a halo exchange moved, from the record's "exchange" object."""
    ex = config.exchange
    if not ex:
        return None
    return ", ".join("%s=%s" % (k, v) for k, v in sorted(ex.items()) if not isinstance(v, (dict, list)))
