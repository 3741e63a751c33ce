"""Exact year-to-date aggregates: each project's counted investment per month of a year
(:class:`~tuijin.reporting.models.ProjectYearInvestment`), kept in step with the reports.

Every save or delete of a :class:`MonthlyReport` — the services save reports one at a time,
inside their transaction — recomputes its project-year row from the reports, holding the
row's lock so that two reports of the same project filed at once cannot leave a stale sum.
Writes that bypass ``save()`` (bulk loads, the generator, demo data) call
:func:`totals_rebuild` afterwards; ``tuijin rebuild-totals`` does the same from the shell.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.expressions import Combinable
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import MONTH_FIELDS, MonthlyReport, ProjectYearInvestment, ReportStatus

ZERO = Decimal(0)


def upto(month: int, prefix: str = "") -> Combinable:
    """m1 + … + m<month> of a project-year row (year to date at ``month``)."""
    expr = F(f"{prefix}m1")
    for m in range(2, month + 1):
        expr = expr + F(f"{prefix}m{m}")
    return expr


@transaction.atomic
def totals_refresh(*, pairs: Iterable[tuple[int, int]]) -> None:
    """Recompute the rows of the given (project id, year) pairs from their counted reports,
    and the rows of their towns (tuijin.reporting.towns)."""
    from . import towns

    changed: set[tuple[int, int]] = set()
    for project_id, year in set(pairs):
        row = ProjectYearInvestment.objects.select_for_update().filter(project_id=project_id, year=year).first()
        if row is None:
            # The first report of the year: create the row, then lock it (a concurrent first
            # report of the same project-year waits here and sums after this one commits).
            ProjectYearInvestment.objects.get_or_create(project_id=project_id, year=year)
            row = ProjectYearInvestment.objects.select_for_update().get(project_id=project_id, year=year)
        sums = dict(
            MonthlyReport.objects.filter(project_id=project_id, year=year)
            .exclude(status=ReportStatus.DRAFT)
            .order_by()
            .values_list("month")
            .annotate(total=Sum("amount"))
        )
        values = {f"m{m}": sums.get(m) or ZERO for m in range(1, 13)}
        if any(getattr(row, name) != value for name, value in values.items()):
            ProjectYearInvestment.objects.filter(pk=row.pk).update(**values)
            changed.add((project_id, year))
    if changed:
        town_of = towns.towns_of_projects(pid for pid, _year in changed)
        towns.town_years_refresh(pairs=[(town_of.get(pid), year) for pid, year in changed])


@transaction.atomic
def totals_rebuild(*, project_ids: Iterable[int] | None = None) -> int:
    """Rebuild the rows (of some projects, or all) from the reports in one set-based
    statement, and their towns' rows; returns how many project-year rows were written."""
    from . import towns

    table = connection.ops.quote_name(ProjectYearInvestment._meta.db_table)
    reports = connection.ops.quote_name(MonthlyReport._meta.db_table)
    scope, params = "", []
    if project_ids is not None:
        ids = list(project_ids)
        if not ids:
            return 0
        years = set(ProjectYearInvestment.objects.filter(project_id__in=ids).values_list("year", flat=True))
        ProjectYearInvestment.objects.filter(project_id__in=ids).delete()
        scope = f"AND project_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    else:
        ProjectYearInvestment.objects.all().delete()
    columns = ", ".join(MONTH_FIELDS)
    sums = ", ".join(f"SUM(CASE WHEN month = {m} THEN amount ELSE 0 END)" for m in range(1, 13))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (project_id, year, {columns}) "  # noqa: S608  (model tables and fixed columns)
            f"SELECT project_id, year, {sums} FROM {reports} WHERE status <> %s {scope} GROUP BY project_id, year",
            [ReportStatus.DRAFT, *params],
        )
        written = cursor.rowcount
    if project_ids is None:
        towns.town_years_rebuild()
    else:
        years |= set(ProjectYearInvestment.objects.filter(project_id__in=ids).values_list("year", flat=True))
        town_ids = set(towns.towns_of_projects(ids).values())
        towns.town_years_refresh(pairs=[(t, y) for t in town_ids for y in years])
    return written


@receiver(post_save, sender=MonthlyReport, dispatch_uid="reporting_totals_on_save")
@receiver(post_delete, sender=MonthlyReport, dispatch_uid="reporting_totals_on_delete")
def _keep_totals(sender, instance: MonthlyReport, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures: rebuilt afterwards
        return
    totals_refresh(pairs=[(instance.project_id, instance.year)])
