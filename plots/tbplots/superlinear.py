"""The superlinear verdict of a configuration: tbcommon.superlinear's one rule
set (shared with the sweep's summary), read from the configuration's
working set. SHORT: the cause's few words beside a chart's point.
"""

from tbcommon import superlinear as _rules

SHORT = _rules.SHORT


def cause(config, efficiency, low=None):
    """(key, sentence) of the likely cause of efficiency > 1 at this config, or None when E <= 1.

    low: the efficiency at the low end of its error bar; when it reaches 1 the
    sentence says that the excess is within noise.
    """
    return _rules.cause(efficiency, config.pes, config.working_set, low)
