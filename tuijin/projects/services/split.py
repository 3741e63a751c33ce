"""The stored monthly split of plan lines: ``PlanEntry.plan_m1 … plan_m12`` equal to the line's
:class:`~tuijin.projects.models.PlanMonth` rows (0 for a month without a row).

The schedule to date (序时进度) of a town, a department or the county is then a sum over plan
lines alone — one row per project — instead of a join over up to twelve month rows per line.
The overview, the cockpit, the horse race and supervision read the columns.

Who keeps them equal:

- :func:`~tuijin.projects.services.libraries.plan_entry_write` writes the columns with the
  months, and :func:`~tuijin.projects.services.libraries.plan_freeze` copies them;
- writers in bulk (the ledger import, the generator, demo data) end with
  :func:`split_refresh` for the lines they touched;
- ``tuijin rebuild-totals`` refreshes every line; :func:`split_mismatches` lists lines whose
  columns differ from their months (empty unless a writer forgot).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from tuijin.lib.bulk import chunks

from ..models import PlanEntry, PlanMonth
from ..models.libraries import MONTHS, SPLIT_FIELDS
from ..signals import plan_lines_changed

ZERO = Decimal(0)


def _month_amount(month: int) -> Coalesce:
    # (entry, month) is unique: at most one row, found through the unique index.
    amount = PlanMonth.objects.filter(entry_id=OuterRef("pk"), month=month).values("amount")[:1]
    return Coalesce(Subquery(amount), Value(ZERO), output_field=PlanEntry._meta.get_field("plan_m1"))


def split_refresh(*, entry_ids: Iterable[int] | None = None) -> int:
    """Set the stored split of the given plan lines (every line with None) from their month
    rows, one UPDATE per 500 lines, and tell ``plan_lines_changed`` (the towns' plan totals
    follow); returns how many lines were written. Bulk writers of plan lines end with it."""
    values = {f"plan_m{m}": _month_amount(m) for m in MONTHS}
    if entry_ids is None:
        written = PlanEntry.objects.update(**values)
    else:
        entry_ids = sorted(set(entry_ids))
        written = 0
        for chunk in chunks(entry_ids):
            written += PlanEntry.objects.filter(pk__in=chunk).update(**values)
    plan_lines_changed.send(sender=PlanEntry, entry_ids=entry_ids)
    return written


def split_values(months: dict[int, Decimal]) -> dict[str, Decimal]:
    """The columns for a split given as {month: amount} (missing months are 0)."""
    return {f"plan_m{m}": Decimal(months.get(m, ZERO) or ZERO) for m in MONTHS}


def split_mismatches(*, version_id: int | None = None) -> list[int]:
    """Ids of plan lines whose stored split differs from their month rows."""
    qs = PlanEntry.objects.all() if version_id is None else PlanEntry.objects.filter(version_id=version_id)
    differs = Q()
    for m, name in zip(MONTHS, SPLIT_FIELDS, strict=True):
        qs = qs.alias(**{f"_rows_m{m}": _month_amount(m)})
        differs |= ~Q(**{name: F(f"_rows_m{m}")})
    return list(qs.filter(differs).order_by("pk").values_list("pk", flat=True))

