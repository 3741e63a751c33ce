"""Demo horse races: a town race (versioned mid-year) and a department race, with the
completed quarters of this year computed and published, and one data correction that
made a second revision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tuijin.core.demo import DemoContext
from tuijin.lib.bulk import bulk_save
from tuijin.orgs.models import Unit
from tuijin.projects.choices import NodeStatus, PlanCategory, Stage
from tuijin.projects.models import Node, PlanEntry
from tuijin.reporting.models import MonthlyReport, ReportingPeriod
from tuijin.reporting.totals import totals_rebuild

from .choices import Method, RaceOver, Window
from .indicators.base import plan_version_id
from .models import Scheme
from .periods import Period
from .services import scheme_version_create, snapshot_compute, snapshot_publish

TOWN_V1 = [
    {"code": "plan_completion", "weight": 25, "method": Method.TARGET, "params": {"target": "unit", "cap": 1}},
    {"code": "investment_growth", "weight": 20, "method": Method.RANK, "params": {"step": 5}},
    {"code": "new_start_rate", "weight": 15, "method": Method.TARGET, "params": {"target": "unit", "cap": 1}},
    {"code": "overdue_starts", "weight": 10, "method": Method.PER_EVENT, "params": {"points": 2}, "direction": "lower"},
    {"code": "completions", "weight": 10, "method": Method.PER_EVENT, "params": {"points": 2.5}, "window": Window.QUARTER},
    {"code": "reports_on_time", "weight": 10, "method": Method.LINEAR, "window": Window.QUARTER},
    {"code": "problems_closed_on_time", "weight": 10, "method": Method.LINEAR, "window": Window.QUARTER},
]
# Mid-year: investment attraction and funds added, growth weighs less (年中调整).
TOWN_V2 = [
    {"code": "plan_completion", "weight": 25, "method": Method.TARGET, "params": {"target": "unit", "cap": 1}},
    {"code": "investment_growth", "weight": 15, "method": Method.RANK, "params": {"step": 5}},
    {"code": "new_start_rate", "weight": 15, "method": Method.TARGET, "params": {"target": "unit", "cap": 1}},
    {"code": "overdue_starts", "weight": 10, "method": Method.PER_EVENT, "params": {"points": 2}, "direction": "lower"},
    {"code": "completions", "weight": 10, "method": Method.PER_EVENT, "params": {"points": 2.5}, "window": Window.QUARTER},
    {"code": "reports_on_time", "weight": 5, "method": Method.LINEAR, "window": Window.QUARTER},
    {"code": "problems_closed_on_time", "weight": 10, "method": Method.LINEAR, "window": Window.QUARTER},
    {"code": "attraction_landed", "weight": 5, "method": Method.PER_EVENT, "params": {"points": 1}, "window": Window.QUARTER},
    {"code": "funds_secured", "weight": 5, "method": Method.LINEAR},
]
DEPARTMENTS = ["经信局", "交通运输局", "住建局", "生态环境局", "农业农村局"]
DEPARTMENT_V1 = [
    {"code": "plan_completion", "weight": 30, "method": Method.LINEAR},
    {"code": "new_start_rate", "weight": 20, "method": Method.RANK, "params": {"step": 10}},
    {"code": "overdue_starts", "weight": 15, "method": Method.PER_EVENT, "params": {"points": 1}, "direction": "lower"},
    {"code": "problems_closed_on_time", "weight": 20, "method": Method.LINEAR, "window": Window.QUARTER},
    {"code": "reports_on_time", "weight": 15, "method": Method.TARGET, "params": {"target": 100}, "window": Window.QUARTER},
]


def load(ctx: DemoContext) -> None:
    office = ctx.users["office"]
    year = ctx.year
    record_starts(ctx)
    ensure_reports(ctx)
    towns = Scheme.objects.create(
        code="towns", name="镇街道（功能区）项目推进赛马", over=RaceOver.TOWNS,
        description="按季度比拼各镇街道、功能区的重大项目推进实绩，月度晾晒、季度评分。",
    )
    scheme_version_create(scheme=towns, by=office, effective_from=dt.date(year, 1, 1), indicators=TOWN_V1,
                          note="年初方案", red_top_n=3, black_bottom_n=3)
    scheme_version_create(scheme=towns, by=office, effective_from=dt.date(year, 7, 1), indicators=TOWN_V2,
                          note="年中调整：增设招商落地、资金争取指标", red_top_n=3, black_bottom_n=3)
    departments = Scheme.objects.create(
        code="departments", name="市级部门项目服务赛马", over=RaceOver.DEPARTMENTS,
        description="比拼牵头部门的项目推进与要素保障服务成效。",
    )
    departments.units.set(Unit.objects.filter(short_name__in=DEPARTMENTS))
    scheme_version_create(scheme=departments, by=office, effective_from=dt.date(year, 1, 1), indicators=DEPARTMENT_V1,
                          note="年初方案", red_top_n=1, black_bottom_n=1)
    done_quarters = (ctx.today.month - 1) // 3
    for quarter in range(1, done_quarters + 1):
        period = Period.parse(f"{year}-Q{quarter}")
        for scheme in (towns, departments):
            snapshot = snapshot_compute(scheme=scheme, period=period, by=office)
            snapshot_publish(snapshot=snapshot, by=office)
    if done_quarters:
        # A town corrected a report after the last quarter was published: the recomputed
        # result is a second revision beside the published one, waiting to be published.
        last = Period.parse(f"{year}-Q{done_quarters}")
        report = (
            MonthlyReport.objects.filter(project__is_demo=True, project__town__short_name="新浦", year=year,
                                         month__lte=last.last_month)
            .order_by("-amount").first()
        )
        if report:
            report.amount = (report.amount * Decimal("1.8")).quantize(Decimal(1))
            report.explanation = "镇街道核查后更正：补报设备购置投资"
            report.save(update_fields=["amount", "explanation"])
            snapshot_compute(scheme=towns, period=last, by=office, note="新浦镇更正月报后重算")
    ctx.data["race_schemes"] = {"towns": towns, "departments": departments}


def record_starts(ctx: DemoContext) -> None:
    """Demo projects at the started stage have started: date their 开工 node in the planned
    start month where the generated chain left it open (it only gates construction)."""
    today = ctx.today
    entries = {e.project_id: e for e in PlanEntry.objects.filter(version_id=plan_version_id(ctx.year), project__is_demo=True)}
    nodes = Node.objects.filter(project__is_demo=True, project__stage=Stage.STARTED, node_type__code="start").exclude(
        status=NodeStatus.DONE)
    changed = []
    for node in nodes:
        entry = entries.get(node.project_id)
        month = (entry.planned_start_month if entry and entry.planned_start_month else ctx.rng.randint(1, max(1, today.month - 1)))
        month = min(month + ctx.rng.choice([0, 0, 0, 1, 2]), today.month)
        day = dt.date(ctx.year, month, ctx.rng.randint(5, 25))
        node.status, node.actual_date, node.is_overdue = NodeStatus.DONE, min(day, today - dt.timedelta(days=1)), False
        changed.append(node)
    bulk_save(changed, ["status", "actual_date", "is_overdue"])


def ensure_reports(ctx: DemoContext) -> None:
    """Monthly reports for the demo plan, unless the reporting app's demo already made them:
    this year up to last month and the same months last year (for growth). Each town has
    its own pace, so the race has leaders and laggards."""
    if MonthlyReport.objects.filter(project__is_demo=True).exists():
        return
    rng = ctx.rng
    year, last_month = ctx.year, ctx.today.month - 1
    if last_month < 1:
        return
    office = ctx.users["office"]
    periods = {}
    for y, months in ((year - 1, range(1, 13)), (year, range(1, last_month + 1))):
        for m in months:
            opens = dt.date(y + (m == 12), m % 12 + 1, 1)
            periods[(y, m)], _ = ReportingPeriod.objects.get_or_create(
                year=y, month=m, defaults={"opens_on": opens, "closes_on": opens + dt.timedelta(days=4), "opened_by": office,
                                           "status": "locked" if (y, m) != (year, last_month) else "open"})
    pace = {u.pk: Decimal(str(round(rng.uniform(0.55, 1.2), 2))) for u in Unit.objects.territorial()}
    late_rate = {u: rng.uniform(0.0, 0.25) for u in pace}
    entries = PlanEntry.objects.filter(version_id=plan_version_id(year), project__is_demo=True).select_related("project")
    started = dict(Node.objects.filter(project__is_demo=True, node_type__code="start", status=NodeStatus.DONE)
                   .values_list("project_id", "actual_date"))
    now = timezone.now()
    reports = []
    for entry in entries:
        project = entry.project
        if entry.category == PlanCategory.PREPARATION or (entry.category == PlanCategory.READY):
            continue
        speed = pace.get(project.town_id, Decimal(1)) * Decimal(str(round(rng.uniform(0.75, 1.25), 2)))
        split = entry.months()
        start = 1
        if entry.category == PlanCategory.NEW:
            began = started.get(project.pk)
            if began is None or began.year > year:
                continue  # not started: nothing to report yet
            start = began.month if began.year == year else 1
        registered_from = start + rng.choice([0, 1, 1, 2, 3])
        for m in range(1, last_month + 1):
            if m < start:
                continue
            amount = (split.get(m, Decimal(0)) * speed).quantize(Decimal(1))
            late = rng.random() < late_rate.get(project.town_id, 0.1)
            status = "submitted" if m == last_month else "confirmed"
            reports.append(MonthlyReport(
                period=periods[(year, m)], project=project, year=year, month=m, amount=amount,
                progress="按计划推进" if speed >= 1 else "进度滞后，正在追赶", is_registered=m >= registered_from,
                status=status, submitted_at=now, submitted_by=office, is_late=late,
            ))
        if entry.category in (PlanCategory.CONTINUING, PlanCategory.COMPLETING):
            # last year's pace: around this year's plan, so growth reads like real statistics
            base = Decimal(str(round(rng.uniform(0.7, 1.15), 2)))
            for m in range(1, 13):
                planned_m = split.get(m, entry.planned_investment / 12)
                reports.append(MonthlyReport(
                    period=periods[(year - 1, m)], project=project, year=year - 1, month=m,
                    amount=(planned_m * base * Decimal(str(round(rng.uniform(0.8, 1.2), 2)))).quantize(Decimal(1)),
                    is_registered=True, status="confirmed", submitted_at=now, submitted_by=office,
                ))
    MonthlyReport.objects.bulk_create(reports, batch_size=2000)
    totals_rebuild()  # written in bulk: the totals the race reads, exact before it computes
