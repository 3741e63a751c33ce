"""Everything the leaders' cockpit (驾驶舱) shows, read through the other apps' selectors.

A fixed number of queries, whatever the number of projects. Apps built in parallel may not be
there yet (or may lack a selector): such a panel is returned as ``None`` and the page shows
"暂无数据" — never an invented figure.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from tuijin.breakthroughs.choices import STRIVE_KINDS
from tuijin.breakthroughs.selectors import attraction, funds, panels, resources
from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of
from tuijin.projects.models import Project

#: How many towns the best/worst lists show, and how many linked projects come first.
TOWNS_SHOWN = 5
LINKED_SHOWN = 10
RED_SHOWN = 8
RED = "red"  # tuijin.supervision.choices.Colour.RED, named here so the cockpit works without supervision


def optional(module: str, name: str):
    """A selector of an app that may not have landed: the callable, or None."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def figures_month(today: dt.date) -> tuple[int, int]:
    """The report for month M is filed in the first days of M+1: the cockpit shows the last
    month whose reports are in."""
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1


@dataclass
class Linked:
    project: Project
    ytd: Decimal | None = None
    completion_pct: Decimal | None = None
    schedule_pct: float | None = None
    light: str = ""
    light_reason: str = ""


def linked_projects(user, year: int, month: int) -> tuple[list[Linked], int]:
    """A leader's own linked projects (联系项目); for the office, every leader's. Two queries
    plus one for the investment figures when reporting is there."""
    qs = Project.objects.alive().filter(leader__isnull=False)
    if role_of(user) == Role.LEADER:
        qs = qs.filter(leader=user)
    total = qs.count()
    projects = list(qs.with_related().order_by("-total_investment", "pk")[:LINKED_SHOWN])
    rows = {p.pk: Linked(project=p) for p in projects}
    project_figures = optional("tuijin.reporting.selectors", "project_figures")
    if project_figures and rows:
        for entry in project_figures(year, month, project_ids=list(rows)).values(
            "project_id", "ytd", "completion_pct", "schedule_pct"
        ):
            row = rows[entry["project_id"]]
            row.ytd, row.completion_pct, row.schedule_pct = entry["ytd"], entry["completion_pct"], entry["schedule_pct"]
    open_lights = optional("tuijin.supervision.selectors", "open_lights")
    if open_lights and rows:
        # Worst open colour per project, with the reason of that light (one query).
        for project_id, colour, reason in open_lights().filter(project_id__in=list(rows)).order_by(
            "colour", "first_seen"
        ).values_list("project_id", "colour", "reason"):
            row = rows[project_id]
            if row.light != RED:
                row.light, row.light_reason = colour, reason
    return list(rows.values()), total


def investment(year: int, month: int) -> dict | None:
    """County investment, its growth, the monthly trend, and the best and worst towns."""
    unit_figures = optional("tuijin.reporting.selectors", "unit_figures")
    name_rows = optional("tuijin.reporting.selectors", "name_rows")
    total_of = optional("tuijin.reporting.selectors", "total_of")
    typical_share = optional("tuijin.reporting.selectors", "typical_share")
    monthly_series = optional("tuijin.reporting.selectors", "monthly_series")
    if not (unit_figures and name_rows and total_of and typical_share and monthly_series):
        return None
    # The towns' rows partition the county (projects without a town included): the county is
    # their sum, not the same statements run again without the grouping. Only the best and
    # worst towns are shown, so only they are named (a province has 2,000).
    units = unit_figures(year, month, by="town", forecast=False, named=False)
    county = total_of(units, typical_share(year, month))
    towns = [t for t in units if t.key is not None and t.annual_plan]
    ranked = sorted(towns, key=lambda t: (t.schedule_pct is None, -(t.schedule_pct or 0), t.key))
    best = ranked[:TOWNS_SHOWN]
    worst = list(reversed(ranked[-TOWNS_SHOWN:])) if len(ranked) > TOWNS_SHOWN else []
    name_rows("town", best + worst)
    series = monthly_series(year - 1, year)
    return {
        "county": county,
        "best": best,
        "worst": worst,
        "series": {"this": series.get(year, [])[:month], "last": series.get(year - 1, [])},
        "has_reports": bool(county.ytd or county.last_year_ytd),
    }


def red_lights(today: dt.date) -> dict | None:
    """Current red lights from supervision: how many projects are red, and the latest ones
    with their reasons (two queries), or None while supervision is not there."""
    open_lights = optional("tuijin.supervision.selectors", "open_lights")
    if open_lights is None:
        return None
    red = open_lights().filter(colour=RED)
    rows = list(red.select_related("project", "project__town").order_by("-first_seen", "pk")[:RED_SHOWN])
    # Distinct projects read in order from the index of open lights by colour and project.
    count = red.aggregate(n=Count("project_id", distinct=True))["n"]
    return {"count": count, "rows": rows}


def overdue_problems(today: dt.date) -> dict | None:
    selector = optional("tuijin.consultation.selectors", "overdue_problems")
    if selector is None:
        return None
    qs = selector(today)
    return {"count": qs.count()}


def funds_panel(today: dt.date) -> dict:
    by_kind = funds.totals_by_kind()
    strive = [r for r in by_kind if r["kind"] in STRIVE_KINDS]
    return {
        "by_kind": by_kind,
        "total": funds.grand_total(by_kind),
        "strive": strive,
        "strive_total": funds.grand_total(strive),
        "bonds": funds.bond_summary(today),
    }


def cockpit(user, today: dt.date) -> dict:
    """All the figures of the cockpit as of ``today``."""
    year, month = figures_month(today)
    linked, linked_total = linked_projects(user, year, month)
    return {
        "today": today,
        "year": today.year,
        "figures_year": year,
        "figures_month": month,
        "linked": linked,
        "linked_total": linked_total,
        "investment": investment(year, month),
        "red_lights": red_lights(today),
        "problems": overdue_problems(today),
        "starts": panels.starts_panel(today.year, today),
        "approvals": panels.approvals_panel(today.year, today),
        "funds": funds_panel(today),
        "resources": resources.summary(today.year, today),
        "attraction": attraction.summary(today),
    }


