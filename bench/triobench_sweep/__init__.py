"""triobench sweep harness: scaling sweeps over the four triobench executables.

Python 3.11+ standard library only. Entry point: bench/sweep (a sh wrapper that
picks a suitable interpreter and runs ``triobench_sweep.cli.main``).
"""
