"""Run the sweep: ``python3 bench/triobench_sweep`` or ``python3 -m triobench_sweep``."""

import os
import sys

if not __package__:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from triobench_sweep.cli import main  # noqa: E402

sys.exit(main())
