"""Chart 8: the micro-benchmarks in µs per operation with their spread (micro.py);
a ping-pong hand-off on a chart of its own.
"""

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib import ticker  # noqa: E402

from . import micro, simulated  # noqa: E402
from .figure import dodge, failed_marks, log_y, pe_axis, put_legend, put_titles  # noqa: E402
from .style import SIMULATED_LINE, color, is_simulated, marker  # noqa: E402


# --- chart 8: micro-benchmarks ------------------------------------------------
def _micro_axes(ax, xlabel):
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_bytes_label))
    ax.set_xlabel(xlabel)


def _bytes_label(v, _=None):
    for unit, size in (("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if v >= size:
            return "%g %s" % (v / size, unit)
    return "%g B" % v


def _micro_lines(ax, series, value, power=1):
    """Plot each (label, backend) series; value(config) -> y or None.

    y is proportional to time ** power (1: a time, -1: a bandwidth), which
    turns the time's CI (or min-max) into the error bar of y.
    """
    styles = ["-", "--", "-.", ":"]
    per_backend = {}
    over = failed = False
    for (_, label, backend), pts in series.items():
        i = per_backend.get(backend, 0)
        per_backend[backend] = i + 1
        good = [(x, c) for x, c in pts if c.usable and (value(c) or 0) > 0]
        bad = [x for x, c in pts if not c.usable]
        col = color(backend)
        sim = is_simulated(backend)   # simulated: hollow diamonds, dashed (simulated.py)
        if good:
            ax.plot([dodge(x, backend) for x, _ in good], [value(c) for _, c in good],
                    (SIMULATED_LINE if i == 0 else styles[i % len(styles)]) if sim else styles[i % len(styles)],
                    color=col, marker=marker(backend), markersize=6 if sim else 4, label=label,
                    markerfacecolor="white" if sim else col)
            for x, c in good:
                lo_t, hi_t, kind = c.interval()
                y, ends = value(c), sorted(value(c) * (t / c.median) ** power for t in (lo_t, hi_t))
                # An overhead's interval can reach 0 or below (a difference of medians): the
                # bar stops just above 0 on the log axis.
                down, up = min(max(0.0, y - ends[0]), 0.999 * y), max(0.0, ends[1] - y)
                ax.errorbar([dodge(x, backend)], [y], yerr=[[down], [up]], fmt="none",
                            ecolor=col, elinewidth=0.8, capsize=2 if kind == "ci" else 0)
                if c.oversubscribed:
                    over = True
                    ax.plot([dodge(x, backend)], [value(c)], marker(backend), color=col, markerfacecolor="white",
                            markersize=7)
        if bad:
            failed = True
            failed_marks(ax, bad, backend)
    if not any(line.get_label()[:1] != "_" for line in ax.get_lines()):
        ax.text(0.5, 0.5, "no usable value in the records", transform=ax.transAxes, ha="center")
    return over, failed


MICRO_BARS = "bars: 95% CI of the median (min–max below 6 reps)"


def _micro_chart(ctx, configs, kernel, handoff):
    series = micro.series(configs, kernel, handoff)
    if not series:
        return
    param = micro.x_param(configs, kernel)
    moves_bytes = any(micro.bandwidth_of(c) for pts in series.values() for _, c in pts)
    two = bool(param) and moves_bytes
    fig = Figure(figsize=(14, 4.8) if two else (9, 4.6))
    ax1 = fig.add_subplot(121 if two else 111)
    over, failed = _micro_lines(ax1, series, lambda c: c.median * 1e6)
    what = "hand-off" if handoff else "operation"
    ax1.set_ylabel("µs per %s (median; %s)" % (what, "overhead" if not moves_bytes else "latency"))
    if param:
        _micro_axes(ax1, param if param != "bytes" else "message size")
    else:
        pe_axis(ax1, [x for pts in series.values() for x, _ in pts])
    log_y(ax1)
    put_legend(ax1, over, failed, bars=MICRO_BARS, over_text="oversubscribed (hollow)")
    if two:
        ax2 = fig.add_subplot(122)
        _micro_lines(ax2, series, lambda c: (micro.bandwidth_of(c) or 0) / 1e6 or None, power=-1)
        _micro_axes(ax2, "message size")
        log_y(ax2)
        ax2.set_ylabel("bandwidth (MB/s)" if not handoff else "bytes handed over per second (MB/s; nothing copied)")
        ax2.set_title("higher is better", fontsize=8)
        put_legend(ax2)
        ax1.set_title("lower is better", fontsize=8)
    stem = kernel + ("-handoff" if handoff else "")
    labels = {simulated.label(b) for _, _, b in series}
    only_simulated = None not in labels   # a chart of simulated points only says so in its title
    kernel_text = kernel + (" — " + ", ".join(sorted(labels)) if only_simulated else "")
    if handoff:
        title = "%s hand-off: a pointer passed, no data copied (not comparable with copies)" % kernel_text
        desc = ("The zero-copy hand-off variant of %s: the receiver gets a pointer to the sender's buffer, so no "
                "byte is moved; drawn apart from the copies on purpose." % kernel)
    else:
        against = "message size" if param == "bytes" else (param or "the number of PEs")
        title = "%s: µs per %s against %s" % (kernel_text, "operation", against)
        desc = ("%s: time of one operation in µs against %s, one line per model%s; no speedup or rate per "
                "second (a micro-benchmark)." % (kernel, against, ", shape and variant" if param else ""))
    if two:
        fig.suptitle(title, fontsize=11)
    else:
        put_titles(fig, ax1, title, "one line per model" + (" and shape" if param else "") + "; " + MICRO_BARS)
    ctx.save(fig, stem, title, desc)


def micro_charts(ctx, configs):
    for kernel in micro.kernels(configs):
        _micro_chart(ctx, configs, kernel, handoff=False)
        _micro_chart(ctx, configs, kernel, handoff=True)
