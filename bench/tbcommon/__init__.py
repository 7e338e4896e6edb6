"""What the sweep (bench/triobench_sweep) and the plotter (plots/tbplots) share.

Standard library only: the sweep runs under ``python3 -S``. One statistics
module tested once (bench/tests/test_stats.py), one error type, one list of
the models.
"""
