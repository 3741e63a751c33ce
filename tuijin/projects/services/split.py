"""The stored monthly split of plan lines: ``PlanEntry.plan_m1 … plan_m12`` equal to the line's
:class:`~tuijin.projects.models.PlanMonth` rows (0 for a month without a row).

The schedule to date (序时进度) of a town, a department or the county is then a sum over plan
lines alone — one row per project — instead of a join over up to twelve month rows per line.
The overview, the cockpit, the horse race and supervision read the columns.

Who keeps them equal:

- :func:`~tuijin.projects.services.libraries.plan_entry_write` writes the columns with the
  months, and :func:`~tuijin.projects.services.libraries.plan_freeze` copies them;
- writers in bulk (the generator, demo data) end with :func:`split_refresh` for the lines
  they touched; the ledger import writes the columns with its lines and has the database
  derive the month rows from them (:func:`split_months_insert`);
- ``tuijin rebuild-totals`` refreshes every line; :func:`split_mismatches` lists lines whose
  columns differ from their months (empty unless a writer forgot).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
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


def split_months_insert(*, entry_ids: list[int]) -> int:
    """Write the month rows of plan lines from their stored split: one row per month whose
    column is not 0, as a line written with its months has them. For lines that have no month
    rows (new lines, or lines whose months were just deleted); returns the rows written.

    One ``INSERT … SELECT`` per batch of lines: the database copies the twelve columns into
    rows itself, instead of the writer sending it twelve times as many rows as lines."""
    if not entry_ids:
        return 0
    qn = connection.ops.quote_name
    entry, month = PlanMonth._meta.get_field("entry"), PlanMonth._meta.get_field("month")
    amount = PlanMonth._meta.get_field("amount")
    # VALUES names its column "column1" on PostgreSQL and SQLite alike.
    months = ", ".join(f"({m})" for m in MONTHS)
    pick = " ".join(f"WHEN {m} THEN e.{qn(PlanEntry._meta.get_field(name).column)}" for m, name in zip(MONTHS, SPLIT_FIELDS, strict=True))
    select = (
        f"INSERT INTO {qn(PlanMonth._meta.db_table)} ({qn(entry.column)}, {qn(month.column)}, {qn(amount.column)}) "  # noqa: S608  (names come from the models)
        f"SELECT id, m, a FROM (SELECT e.{qn(PlanEntry._meta.pk.column)} AS id, m.column1 AS m, CASE m.column1 {pick} END AS a "
        f"FROM {qn(PlanEntry._meta.db_table)} e CROSS JOIN (VALUES {months}) AS m WHERE e.{qn(PlanEntry._meta.pk.column)} "
    )
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + "= ANY(%s)) AS s WHERE a <> 0", [list(entry_ids)])
            return cursor.rowcount
        for chunk in chunks(list(entry_ids)):
            cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})) AS s WHERE a <> 0", chunk)
            written += cursor.rowcount
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

