import os
import sys

# bench/ on the path: tbcommon (statistics, errors) is shared with the sweep and the plots.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from triobench_lab.cli import main  # noqa: E402

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:            # bench/lab --help | head
        sys.stderr.close()
        sys.exit(0)
