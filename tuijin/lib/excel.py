"""Writing user text into Excel cells without it becoming a formula (CSV/formula injection).

A project name such as ``=HYPERLINK("http://…","点此")`` or ``+1+2`` typed by any user would
otherwise run as a formula when the office opens the exported ledger in Excel or WPS. Text
starting with ``= + - @`` (or a tab or carriage return) is written with a leading apostrophe,
which spreadsheet programs show as the text itself.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """``value`` as a cell value: strings that would start a formula are neutralised; numbers,
    dates and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
