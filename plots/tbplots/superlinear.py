"""Why an efficiency above 1 (superlinear) is likely not a property of the model.

Every efficiency E > 1 is flagged with its likely cause, read from the
records' working_set (RULES.md): a cache-resident or mixed working set, or
a working set per PE small enough to fit in the last-level cache, lets more
PEs run from cache what one PE streamed from DRAM. Standard library only.
"""

from .configs import fmt_bytes

# cause -> the few words a chart can carry beside the point
SHORT = {"cache-resident": "cache-resident", "mixed": "mixed: partly in cache",
         "per-pe": "per-PE set fits LLC", "one-pe": "1 PE beats baseline", "unknown": "cause unknown"}


def cause(config, efficiency, low=None):
    """(key, sentence) of the likely cause of efficiency > 1 at this config, or None when E <= 1.

    low: the efficiency at the low end of its error bar; when it reaches 1 the
    sentence adds that the excess may be noise.
    """
    found = _cause(config, efficiency)
    if found and low is not None and low <= 1.0:
        found = (found[0], found[1] + "; its error bar reaches E = %.3g, so it may be noise" % low)
    return found


def _cause(config, efficiency):
    if efficiency is None or not efficiency > 1.0:
        return None
    ws = config.working_set
    if config.pes == 1:
        return "one-pe", ("E = %.3g at 1 PE: this model's 1-PE run beats the baseline (another code "
                          "path, not parallel speedup)" % efficiency)
    if not ws:
        return "unknown", "E = %.3g; cause unknown: the record has no working-set data" % efficiency
    if not ws["regime"]:
        return "unknown", ("E = %.3g; cause unknown: the machine's last-level cache size was not known to "
                           "the run, so its working set cannot be placed against it" % efficiency)
    ratio = ws["ratio"]
    ratio_text = " (%.2g× LLC)" % ratio if ratio is not None else ""
    if ws["regime"] == "cache-resident":
        return "cache-resident", ("E = %.3g: the working set is cache-resident%s, so the baseline did not "
                                  "stream from DRAM either; not a DRAM measurement" % (efficiency, ratio_text))
    if ws["regime"] == "mixed":
        return "mixed", ("E = %.3g: the working set%s spills from the LLC at 1 PE but more of it stays in "
                         "the caches of more PEs" % (efficiency, ratio_text))
    if ws["bytes"] and ws["llc_bytes"] and config.pes and ws["bytes"] / config.pes < ws["llc_bytes"]:
        return "per-pe", ("E = %.3g: the working set per PE (%s) fits in the LLC (%s)"
                          % (efficiency, fmt_bytes(ws["bytes"] / config.pes), fmt_bytes(ws["llc_bytes"])))
    return "unknown", ("E = %.3g with a DRAM-sized working set%s that does not fit in the LLC per PE: "
                       "cause unknown (noise? a slow baseline?)" % (efficiency, ratio_text))
