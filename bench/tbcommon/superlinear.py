"""Why an efficiency above 1 (superlinear) is likely not a property of the model.

The one rule set the sweep's summary (triobench_sweep/stats.py) and the
plots (tbplots/superlinear.py) both use, read from a record's working_set
(docs/results-schema.md: bytes, llc_bytes, ratio = bytes / llc_bytes,
regime). In this order:

  1 PE            "one-pe": the model's 1-PE run beats the serial baseline
                  at the same size: another code path, never cache (both
                  have the same working set);
  no working set  "unknown": nothing to judge by;
  no regime       "unknown": the run did not know the LLC's size;
  cache-resident  "cache-resident": the baseline ran from cache too;
  mixed           "mixed": spills from the LLC at 1 PE, less so over more PEs;
  per PE < LLC    "per-pe": a DRAM-sized set whose share per PE fits the LLC;
  otherwise       "unknown": DRAM-sized even per PE: not cache.

An efficiency whose error bar (the 95% CI of the median, or min-max) reaches
down to E <= 1 is said to be within noise, whatever its cause. Standard
library only.
"""

# cause -> the few words a chart can carry beside the point
SHORT = {"cache-resident": "cache-resident", "mixed": "mixed: partly in cache",
         "per-pe": "per-PE set fits LLC", "one-pe": "1 PE beats baseline", "unknown": "cause unknown"}


def cause(efficiency, pes, working_set, low=None):
    """(key, sentence) of the likely cause of efficiency > 1, or None when it is not above 1.

    pes: the run's processing elements; working_set: the record's working_set
    object (or None); low: the efficiency at the low end of its error bar, if
    known.
    """
    if efficiency is None or not efficiency > 1.0:
        return None
    key, why = _cause(pes, working_set or {})
    text = "E = %.3g%s" % (efficiency, why)
    if low is not None and low <= 1.0:
        text += "; within noise: its error bar reaches E = %.3g" % low
    return key, text


def _cause(pes, ws):
    if pes == 1:
        return "one-pe", (" at 1 PE: a 1-PE run faster than the serial baseline at the same size "
                          "(another code path, not parallel speedup; not cache: both have the same "
                          "working set)")
    if not ws:
        return "unknown", "; cause unknown: the record has no working set"
    regime, ratio = ws.get("regime"), ws.get("ratio")
    if not regime:
        return "unknown", ("; cause unknown: the machine's last-level cache size was not known to the "
                           "run, so its working set cannot be placed against it")
    if regime == "cache-resident":
        return "cache-resident", (", likely cache: the working set is cache-resident%s, so the baseline "
                                  "did not stream from DRAM either; not a DRAM measurement" % _llc(ratio))
    if regime == "mixed":
        return "mixed", (", likely cache: the working set%s spills from the LLC at 1 PE but more of it "
                         "stays in the caches of more PEs" % _llc(ratio))
    size, llc = ws.get("bytes"), ws.get("llc_bytes")
    if size and llc and pes and size / pes < llc:
        return "per-pe", ", likely cache: the working set per PE%s fits in the LLC" % _llc(size / pes / llc)
    return "unknown", (" with a DRAM-sized working set%s that does not fit in the LLC per PE: not cache; "
                       "cause unknown (check the error bars and the 1-PE baseline)" % _llc(ratio))


def _llc(ratio):
    return " (%.2g× LLC)" % ratio if ratio is not None else ""
