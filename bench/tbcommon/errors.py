"""Errors reported as one line instead of a traceback."""


class UserError(Exception):
    """Bad input (options, presets, folders, missing launcher): exit status 2."""


class SweepError(Exception):
    """The environment or the build failed (not a single run): exit status 1."""
