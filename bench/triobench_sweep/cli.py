"""Entry point: turns the two kinds of expected error into one line and an exit status.

Installed (see installation.py), the executables are the installation's: --build-dir PREFIX
goes in front of the arguments, so a --build-dir of the user's still wins (argparse keeps the
last), and a resumed sweep runs the installed executables too.
"""

import sys

from tbcommon.errors import SweepError, UserError

from . import installation


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    name = "bench/sweep"
    try:
        name = installation.command()
        if "--version" in argv:
            print(f"triobench-sweep {installation.version()}")
            return 0
        if installation.installed():
            argv = ["--build-dir", installation.prefix()] + list(argv)
        from . import sweep
        return sweep.run(argv)
    except UserError as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return 2
    except SweepError as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{name}: interrupted (whatever was recorded is on disk)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
