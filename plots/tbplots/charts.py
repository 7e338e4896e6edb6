"""The figures (matplotlib, Agg back end, no pyplot state).

draw_all draws every chart the data supports; each chart function adds a
note saying why where the data cannot support it. figure.py holds what all
of them share (saving, axes, the marking rules); lines.py, bars.py,
roofline_chart.py and micro_charts.py one family of charts each.
"""

from .bars import breakdown_chart, memory_chart, shapes_chart
from .figure import Context
from .lines import efficiency_chart, fits_chart, scaling_chart, speedup_chart
from .micro_charts import micro_charts
from .overview_chart import overview_chart
from .roofline_chart import roofline_chart

__all__ = ["Context", "draw_all"]  # cli.py makes a charts.Context and calls charts.draw_all


def draw_all(ctx, configs, studies):
    """Every chart the data supports; a chart that raises is reported, not fatal. Without
    ctx.study_charts (a large sweep) the summary charts only: overview, roofline, micro-benchmarks."""
    errors = []
    jobs = [] if ctx.study_charts else [(overview_chart, studies)]
    for s in (studies if ctx.study_charts else []):
        jobs.extend([(speedup_chart, s), (efficiency_chart, s)] if s.scaling == "strong" else [])
        jobs.extend([(scaling_chart, s), (shapes_chart, s), (breakdown_chart, s), (memory_chart, s),
                     (fits_chart, s)])
    jobs.extend([(roofline_chart, configs), (micro_charts, configs)])
    for fn, arg in jobs:
        try:
            fn(ctx, arg)
        except Exception as exc:  # keep the other charts and the report
            errors.append("%s failed: %s: %s" % (fn.__name__, exc.__class__.__name__, exc))
    return errors
