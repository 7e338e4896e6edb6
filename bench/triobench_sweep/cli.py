"""Entry point: turns the two kinds of expected error into one line and an exit status."""

import sys

from tbcommon.errors import SweepError, UserError


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        from . import sweep
        return sweep.run(argv)
    except UserError as e:
        print(f"bench/sweep: error: {e}", file=sys.stderr)
        return 2
    except SweepError as e:
        print(f"bench/sweep: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench/sweep: interrupted (whatever was recorded is on disk)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
