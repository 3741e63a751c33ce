"""The towns' stored totals: :class:`~tuijin.reporting.models.TownYearInvestment` (a town's
counted investment month by month per year) and :class:`~tuijin.reporting.models.TownPlanTotals`
(a plan version's lines summed per town). The overview by town, the cockpit, the trend charts
and the forecast read a few thousand town rows instead of a hundred thousand project rows.

Exact by construction: a town's row is never adjusted by a difference, it is recomputed from
its sources (the project-year totals, the plan lines) whenever they change, under a lock on
the row — so two reports of one town filed at once cannot leave a stale sum:

- a project-year total changes (:func:`~tuijin.reporting.totals.totals_refresh`) → the row of
  its town and year; :func:`~tuijin.reporting.totals.totals_rebuild` → every row
  (:func:`town_years_rebuild`);
- plan lines are written (signal ``plan_lines_changed`` from the projects services, the ledger
  import and bulk loads) → the rows of their versions and towns;
- projects move to another town (signal ``projects_moved``) → the rows of both towns, every
  year and every version.

Projects without a town are in neither table: the selectors add them from the project rows.
:func:`town_mismatches` lists rows that differ from their sources (empty unless a writer
forgot to tell); ``tuijin rebuild-totals`` rebuilds everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.dispatch import receiver

from tuijin.lib.bulk import bulk_update_rows, chunks
from tuijin.projects.models import PlanEntry, Project
from tuijin.projects.models.libraries import SPLIT_FIELDS
from tuijin.projects.signals import plan_lines_changed, projects_moved

from .models import MONTH_FIELDS, ProjectYearInvestment, TownPlanTotals, TownYearInvestment

ZERO = Decimal(0)
PLAN_SUMS = ("lines", "planned", "opening", *SPLIT_FIELDS)


# ---------------------------------------------------------------- computing from the sources


def _year_sums() -> dict:
    return {name: Sum(name) for name in MONTH_FIELDS}


def _plan_sums() -> dict:
    return {
        "lines": Count("pk"),
        "planned": Sum("planned_investment"),
        "opening": Sum("opening_cumulative"),
        **{name: Sum(name) for name in SPLIT_FIELDS},
    }


def _clean(values: dict) -> dict:
    return {k: (v if v is not None else (0 if k == "lines" else ZERO)) for k, v in values.items()}


# ---------------------------------------------------------------- refreshing some rows


@transaction.atomic
def town_years_refresh(*, pairs: Iterable[tuple[int | None, int]]) -> None:
    """Recompute the rows of the given (town id, year) pairs from the project-year totals."""
    _recompute(
        TownYearInvestment, "year", {(year, town_id) for town_id, year in pairs if town_id is not None},
        lambda year, towns: ProjectYearInvestment.objects.filter(year=year, project__town_id__in=towns), _year_sums(),
    )


@transaction.atomic
def town_plans_refresh(*, pairs: Iterable[tuple[int, int | None]]) -> None:
    """Recompute the rows of the given (plan version id, town id) pairs from the plan lines."""
    _recompute(
        TownPlanTotals, "version_id", {p for p in pairs if p[1] is not None},
        lambda version_id, towns: PlanEntry.objects.filter(version_id=version_id, project__town_id__in=towns), _plan_sums(),
    )


def _recompute(model, key: str, pairs: set[tuple], sources, sums: dict) -> None:
    """Lock the rows of ``pairs`` ((``key`` value, town id)) and write the sums of their
    sources where they differ. Per ``key`` value (a year, a plan version) and 500 towns: one
    query locks the rows, one sums the sources town by town, one UPDATE writes the changed
    rows — an import touching a hundred towns makes three queries, not three hundred."""
    towns_of: dict = {}
    for value, town_id in sorted(pairs):
        towns_of.setdefault(value, []).append(town_id)
    empty = _clean(dict.fromkeys(sums))
    for value, towns in towns_of.items():
        for chunk in chunks(towns):
            rows = _locked(model, {key: value}, chunk)
            found = {
                r.pop("project__town_id"): _clean(r)
                for r in sources(value, chunk).order_by().values("project__town_id").annotate(**sums)
            }
            changed = []
            for town_id in chunk:
                values = found.get(town_id, empty)
                row = rows[town_id]
                if any(getattr(row, k) != v for k, v in values.items()):
                    changed.append({"id": row.pk, **values})
            bulk_update_rows(model, changed, list(sums))


def _locked(model, key: dict, towns: list[int]) -> dict:
    """{town id: row} of ``key`` and the towns, created if missing, locked until the
    transaction ends, in town order (a concurrent refresh of the same rows waits here and
    recomputes after this one commits)."""
    locked = model.objects.select_for_update().filter(**key, town_id__in=towns).order_by("town_id")
    rows = {row.town_id: row for row in locked}
    missing = [t for t in towns if t not in rows]
    if missing:
        # in one statement (a new plan version has no row yet for any of a province's towns); a
        # row another writer made meanwhile is kept
        model.objects.bulk_create([model(**key, town_id=town_id) for town_id in missing], ignore_conflicts=True)
        rows.update((row.town_id, row) for row in locked.filter(town_id__in=missing))
    return rows


def towns_of_projects(project_ids: Iterable[int]) -> dict[int, int | None]:
    """{project id: town id} (one query per 500 projects)."""
    out: dict[int, int | None] = {}
    for chunk in chunks(sorted(set(project_ids))):
        out.update(Project.objects.filter(pk__in=chunk).values_list("pk", "town_id"))
    return out


# ---------------------------------------------------------------- rebuilding everything


@transaction.atomic
def town_years_rebuild() -> int:
    """Rebuild every town's yearly rows from the project-year totals; returns the rows written."""
    TownYearInvestment.objects.all().delete()
    grouped = (
        ProjectYearInvestment.objects.filter(project__town__isnull=False)
        .order_by()
        .values("project__town_id", "year")
        .annotate(**_year_sums())
    )
    rows = [
        TownYearInvestment(town_id=r.pop("project__town_id"), year=r.pop("year"), **_clean(r)) for r in grouped
    ]
    TownYearInvestment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def town_plans_rebuild(*, version_ids: Iterable[int] | None = None) -> int:
    """Rebuild the towns' plan totals (of some versions, or all); returns the rows written."""
    lines = PlanEntry.objects.filter(project__town__isnull=False)
    existing = TownPlanTotals.objects.all()
    if version_ids is not None:
        ids = list(version_ids)
        lines, existing = lines.filter(version_id__in=ids), existing.filter(version_id__in=ids)
    existing.delete()
    grouped = lines.order_by().values("version_id", "project__town_id").annotate(**_plan_sums())
    rows = [
        TownPlanTotals(version_id=r.pop("version_id"), town_id=r.pop("project__town_id"), **_clean(r)) for r in grouped
    ]
    TownPlanTotals.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# ---------------------------------------------------------------- checking


def town_mismatches() -> list[tuple[str, tuple]]:
    """Rows that differ from their sources, as ("year", (town, year)) or ("plan", (version,
    town)); missing and surplus rows included. Empty unless a writer forgot to tell."""
    found = []
    years = {
        (r.pop("project__town_id"), r.pop("year")): _clean(r)
        for r in ProjectYearInvestment.objects.filter(project__town__isnull=False)
        .order_by()
        .values("project__town_id", "year")
        .annotate(**_year_sums())
    }
    stored = {(r.pop("town_id"), r.pop("year")): r for r in TownYearInvestment.objects.values("town_id", "year", *MONTH_FIELDS)}
    for key in sorted(set(years) | set(stored), key=str):
        if years.get(key, dict.fromkeys(MONTH_FIELDS, ZERO)) != stored.get(key, dict.fromkeys(MONTH_FIELDS, ZERO)):
            found.append(("year", key))
    plans = {
        (r.pop("version_id"), r.pop("project__town_id")): _clean(r)
        for r in PlanEntry.objects.filter(project__town__isnull=False)
        .order_by()
        .values("version_id", "project__town_id")
        .annotate(**_plan_sums())
    }
    empty = {k: (0 if k == "lines" else ZERO) for k in PLAN_SUMS}
    stored = {(r.pop("version_id"), r.pop("town_id")): r for r in TownPlanTotals.objects.values("version_id", "town_id", *PLAN_SUMS)}
    for key in sorted(set(plans) | set(stored), key=str):
        if plans.get(key, empty) != stored.get(key, empty):
            found.append(("plan", key))
    return found


# ---------------------------------------------------------------- the writers' signals


@receiver(plan_lines_changed, dispatch_uid="reporting_town_plans")
def _plan_lines_changed(sender, entry_ids=None, pairs=None, **kwargs) -> None:
    if entry_ids is None:
        town_plans_rebuild()
        return
    if pairs is not None:
        town_plans_refresh(pairs=pairs)
        return
    pairs = set()
    # Distinct pairs, unordered (the lines' default ordering would join and sort the versions).
    # 500 lines a query: with thousands in one list PostgreSQL reads every project (hash join).
    for chunk in chunks(sorted(set(entry_ids))):
        pairs.update(
            PlanEntry.objects.filter(pk__in=chunk).order_by().values_list("version_id", "project__town_id").distinct()
        )
    town_plans_refresh(pairs=pairs)


@receiver(projects_moved, dispatch_uid="reporting_town_moves")
def _projects_moved(sender, project_ids, town_ids, **kwargs) -> None:
    towns = [t for t in town_ids if t is not None]
    if not towns:
        return
    years = set(ProjectYearInvestment.objects.filter(project__town_id__in=towns).values_list("year", flat=True).distinct())
    years |= set(TownYearInvestment.objects.filter(town_id__in=towns).values_list("year", flat=True).distinct())
    town_years_refresh(pairs=[(t, y) for t in towns for y in years])
    # The moved projects are in their new towns now: the towns' lines and rows cover them.
    versions = set(PlanEntry.objects.filter(project__town_id__in=towns).values_list("version_id", flat=True).distinct())
    versions |= set(TownPlanTotals.objects.filter(town_id__in=towns).values_list("version_id", flat=True).distinct())
    town_plans_refresh(pairs=[(v, t) for v in versions for t in towns])
