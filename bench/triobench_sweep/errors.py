"""The two kinds of error the sweep reports as one line (defined in tbcommon.errors)."""

from tbcommon.errors import SweepError, UserError

__all__ = ["SweepError", "UserError"]
