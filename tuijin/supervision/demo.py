"""Demo supervision: the lights as scanned at the end of the last two months and today, a
匡堰 project that fell behind (yellow, then red), orders in every state — one replied to
and accepted, one answered and waiting, one escalated by rule — and last month's bulletin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tuijin.core.demo import DemoContext
from tuijin.projects.models import PlanEntry
from tuijin.race.periods import Period
from tuijin.reporting.models import MonthlyReport

from .choices import OrderKind
from .models import Light, Order, OrderEvent
from .services.bulletins import bulletin_make
from .services.orders import order_accept, order_issue, order_reply, orders_escalate_overdue
from .services.scan import rules_ensure, scan_run


def _month_end_before(day: dt.date, months: int) -> dt.date:
    first = day.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first - dt.timedelta(days=1)


def load(ctx: DemoContext) -> None:
    today = ctx.today
    office = ctx.users["office"]
    rules_ensure()
    story = _fall_behind(ctx)
    for day in (_month_end_before(today, 2), _month_end_before(today, 1)):
        if day.year == today.year:
            scan_run(today=day)
    scan_run(today=today)
    _orders(ctx, office, story)
    last_month = _month_end_before(today, 1)
    if last_month.year == today.year:
        bulletin_make(period=Period.parse(f"{last_month.year}-{last_month.month:02d}"), by=office)


def _fall_behind(ctx: DemoContext):
    """A 匡堰 project whose reports of the last months dropped: behind the schedule."""
    year, last = ctx.year, ctx.today.month - 1
    entry = (
        PlanEntry.objects.filter(version__year=year, project__is_demo=True, project__town__short_name="匡堰",
                                 category="continuing", planned_investment__gt=2000)
        .select_related("project").order_by("-planned_investment").first()
    )
    if entry is None or last < 3:
        return None
    reports = MonthlyReport.objects.filter(project=entry.project, year=year)
    for report in reports.filter(month__gte=last - 2):
        report.amount = (report.amount * Decimal("0.15")).quantize(Decimal(1))
        report.progress = "受征迁影响，主体施工暂缓"
        report.save(update_fields=["amount", "progress"])
    for report in reports.filter(month__lt=last - 2):
        report.amount = (report.amount * Decimal("0.8")).quantize(Decimal(1))
        report.save(update_fields=["amount"])
    return entry.project


def _at(order: Order, day: dt.date, hour: int = 10) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    Order.objects.filter(pk=order.pk).update(issued_at=moment)
    OrderEvent.objects.filter(order=order).update(at=moment)


def _orders(ctx: DemoContext, office, story) -> None:
    today = ctx.today
    kuangyan, longshan = ctx.users["kuangyan"], ctx.users["longshan"]
    lit = Light.objects.filter(cleared_on__isnull=True).select_related("project", "project__town")
    if story is not None:
        light = lit.filter(project=story).order_by("colour").first()
        order = order_issue(
            kind=OrderKind.ASSIGNMENT, unit=story.town, projects=[story], by=office,
            subject=f"关于{story.name}投资进度滞后的交办函",
            body=(light.reason if light else "投资进度滞后于序时进度。") + "\n请于期限内报送整改计划，明确措施、责任人和完成时限。",
            reply_due=today + dt.timedelta(days=5),
        )
        _at(order, today - dt.timedelta(days=3))
        order_reply(order=order, by=kuangyan, rectify_by=today + dt.timedelta(days=45),
                    plan="1. 镇征迁办牵头，两周内完成剩余3户征迁；\n2. 施工单位增加作业班组，实行两班倒；\n3. 每周向市项目办报送进度。")
    red = list(lit.filter(colour="red", project__town__short_name="龙山")[:2])
    if red:
        done = order_issue(kind=OrderKind.REMINDER, unit=red[0].project.town, projects=[red[0].project], by=office,
                           subject=f"关于{red[0].project.name}的提醒函", body=red[0].reason, reply_due=today)
        _at(done, today - dt.timedelta(days=20))
        order_reply(order=done, by=longshan, rectify_by=today + dt.timedelta(days=30),
                    plan="已召开专题协调会，明确节点倒排计划，月底前完成。")
        order_accept(order=done, by=office, comment="整改计划可行，请按期落实。")
    others = list(lit.filter(colour="yellow").exclude(project__town__short_name__in=["匡堰", "龙山"])[:4])
    for i, light in enumerate(others):
        order = order_issue(kind=OrderKind.REMINDER, unit=light.project.town, projects=[light.project], by=office,
                            subject=f"关于{light.project.name}的提醒函", body=light.reason + "\n请及时报送整改计划。",
                            reply_due=today)
        _at(order, today - dt.timedelta(days=12 + i))
        if i == 0:
            Order.objects.filter(pk=order.pk).update(reply_due=today - dt.timedelta(days=2))
    orders_escalate_overdue(today=today)

