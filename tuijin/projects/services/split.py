"""The monthly split of plan lines: ``PlanEntry.plan_m1 … plan_m12``, the one place a line's
split is stored (0 for a month without an amount), with its running totals ``plan_ytd_m1 …``
kept by the database (:mod:`tuijin.lib.months`).

The schedule to date (序时进度) of a town, a department or the county is a sum over plan lines
alone — one row per project. The overview, the cockpit, the horse race and supervision read the
columns; :meth:`~tuijin.projects.models.PlanEntry.months` gives one line's split as {month: amount}.

Every writer of plan lines writes the columns with the lines (:func:`split_values` turns a split
into them) and sends ``plan_lines_changed`` for the lines it wrote, so the towns' plan totals
follow: :func:`~tuijin.projects.services.libraries.plan_entry_write` and
:func:`~tuijin.projects.services.libraries.plan_freeze`, the ledger import, the generator and
the demo data.
"""

from __future__ import annotations

from decimal import Decimal

from ..models.libraries import MONTHS

ZERO = Decimal(0)


def split_values(months: dict[int, Decimal]) -> dict[str, Decimal]:
    """The columns for a split given as {month: amount} (missing months are 0)."""
    return {f"plan_m{m}": Decimal(months.get(m, ZERO) or ZERO) for m in MONTHS}
