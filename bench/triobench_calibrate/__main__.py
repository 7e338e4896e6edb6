import os
import sys

# bench/ on the path: tbcommon (the performance model's fits, statistics, errors) is shared.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from triobench_calibrate.cli import main  # noqa: E402

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:            # bench/calibrate --help | head
        sys.stderr.close()
        sys.exit(0)
