"""triobench charts and reports: plots/plot's implementation.

loader (read results; kinds: scaling, micro or probe, from the records or
the catalogue) -> configs -> analysis (scaling studies), superlinear,
significance, micro, roofline (all stdlib only) -> tables / report (CSV,
Markdown, HTML; stdlib only) and charts (matplotlib: figure, lines, bars,
roofline_chart, micro_charts). See docs/plots.md.
"""

import importlib.util as _util
import os as _os
import sys as _sys

# The statistics, the error type and the list of models are shared with the
# sweep: they live in bench/tbcommon (standard library only), beside this folder.
if _util.find_spec("tbcommon") is None:
    _sys.path.append(_os.path.join(_os.path.dirname(_os.path.dirname(_os.path.dirname(
        _os.path.abspath(__file__)))), "bench"))
