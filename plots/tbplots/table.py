"""The Table every report block and CSV file is made of, and how its cells read.

Standard library only; imports nothing else of the package, so any module
that builds a table (tables.py, faults.py) can use it without importing
the others.
"""


class Table:
    def __init__(self, name, title, columns, rows, note=""):
        self.name = name  # file stem: tables/<name>.csv
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note


def fmt(value):
    """Display text of a cell (CSV keeps full precision; see csv_cell)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if 1e4 <= abs(value) < 1e9:
            return "%.0f" % value  # 19344, not 1.934e+04
        return "%.4g" % value
    return str(value)


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
