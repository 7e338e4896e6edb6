"""Where the sweep runs from: a source tree, or an installation made by `cmake --install`.

An installation mirrors the source tree's bench/ and plots/ under PREFIX/share/triobench and
adds installed.json there (written by cmake/install.cmake): {"version": ..., "prefix": the
install prefix relative to that folder}. Installed, the sweep runs PREFIX/bin/triobench-*,
never builds, and writes results under the current folder. Without that file it is a source
tree: the executables come from build/ (built when missing or stale), results go to
bench/results/, and the version is the one in CMakeLists.txt's project() (the single source).
"""

import functools
import json
import os
import re

from tbcommon.errors import UserError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYOUT = os.path.join(ROOT, "installed.json")


@functools.lru_cache(maxsize=None)
def layout():
    """The installation's installed.json as a dict, or None in a source tree."""
    try:
        with open(LAYOUT, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read {LAYOUT} (a damaged installation? reinstall triobench): {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) \
            or not isinstance(data.get("prefix"), str):
        raise UserError(f"{LAYOUT} lacks a version or prefix (a damaged installation? reinstall triobench)")
    return data


def installed():
    return layout() is not None


def prefix():
    """The install prefix (the folder holding bin/ with the executables); None in a source tree."""
    data = layout()
    return os.path.normpath(os.path.join(ROOT, data["prefix"])) if data else None


def command():
    """The name to put in front of messages: the installed command or the source tree's script."""
    return "triobench-sweep" if installed() else "bench/sweep"


def version():
    data = layout()
    if data:
        return data["version"]
    try:
        with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
            m = re.search(r"project\(\s*triobench\s+VERSION\s+([0-9][0-9.]*)", f.read())
    except OSError:
        m = None
    return m.group(1) if m else "unknown"
