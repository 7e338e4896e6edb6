"""triobench charts and reports: plots/plot's implementation.

loader (read results) -> analysis (statistics, baselines, fits; stdlib
only) -> tables / report (CSV, Markdown, HTML; stdlib only) and charts
(matplotlib). See docs/plots.md.
"""
