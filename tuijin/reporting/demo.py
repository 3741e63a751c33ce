"""Five years of monthly reports for the demo projects in the annual plan.

This year's months follow each project's monthly plan with its own pace and noise; earlier
years are back-filled from the opening balance (cumulative to last year-end) with the
construction season's shape. Earlier periods are confirmed and locked, a few reports were
late, a few were corrected after locking; last month's period is open and partly filed.
Everything is inserted in bulk."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from tuijin.core.demo import DEMO_SEED, DemoContext
from tuijin.projects.choices import NodeStatus, PlanCategory, Stage
from tuijin.projects.models import Node, PlanEntry, Project

from .models import (
    MonthlyReport,
    Notification,
    PeriodStatus,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportPhoto,
    ReportStatus,
)
from .selectors import plan_version_id
from .services import default_window
from .totals import totals_rebuild

#: Stages of a project whose works are over.
FINISHED = (Stage.COMPLETED, Stage.OPERATING, Stage.REVIEW)
SEASON = {1: 4, 2: 3, 3: 7, 4: 8, 5: 9, 6: 11, 7: 8, 8: 8, 9: 10, 10: 9, 11: 10, 12: 13}
YEARS = 5
PROGRESS = [
    "桩基施工", "基础承台施工", "地下室结构施工", "主体结构施工至{n}层", "主体结顶", "砌体及机电安装", "幕墙及外立面施工",
    "设备进场安装调试", "室外配套及绿化", "路基填筑", "管网铺设{n}公里", "桥梁下部结构施工", "路面摊铺",
]
RETURN_REASONS = ["本月完成额与监理月报不一致，请核实", "形象进度描述过简，请补充现场照片", "入统状态与统计部门名录不符"]
CORRECTION_REASONS = [
    "统计部门核对后更正：原填报含设备预付款",
    "业主补报漏报的安装工程量",
    "审计调减：原填报重复计入材料款",
    "与统计联网直报数据核对后更正",
]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 17))


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    year = ctx.year
    current_month = today.month - 1  # the month being filed now
    version = plan_version_id(year)
    if version is None:
        return
    entries = list(
        PlanEntry.objects.filter(version_id=version, project__is_demo=True).select_related("project").order_by("pk")
    )
    starts = dict(
        Node.objects.filter(node_type__code="start", status=NodeStatus.DONE, project__is_demo=True).values_list(
            "project_id", "actual_date"
        )
    )
    registrations = dict(
        Node.objects.filter(node_type__code="registration", status=NodeStatus.DONE, project__is_demo=True).values_list(
            "project_id", "actual_date"
        )
    )
    office = ctx.users["office"]

    # periods: five years back to last month; all locked but the month being filed
    periods: dict[tuple[int, int], ReportingPeriod] = {}
    rows = []
    for y in range(year - YEARS + 1, year + 1):
        for m in range(1, 13):
            if (y, m) > (year, current_month):
                break
            opens, closes = default_window(y, m)
            is_open = (y, m) == (year, current_month)
            rows.append(
                ReportingPeriod(
                    year=y, month=m, opens_on=opens, closes_on=closes, opened_by=office,
                    status=PeriodStatus.OPEN if is_open else PeriodStatus.LOCKED,
                    locked_at=None if is_open else _aware(closes + dt.timedelta(days=10), 16),
                    locked_by=None if is_open else office,
                )
            )
    for p in ReportingPeriod.objects.bulk_create(rows):
        periods[(p.year, p.month)] = p

    reports: list[MonthlyReport] = []
    skew = {y: rng.uniform(-0.3, 0.3) for y in range(year - YEARS + 1, year)}  # early or late years
    under_way = (Stage.STARTED, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING)
    for entry in entries:
        project = entry.project
        start = starts.get(project.pk)
        if start is None and project.stage in under_way:
            # started, its 开工 node not yet recorded: the planned start month stands in
            start = dt.date(year, min(entry.planned_start_month or 3, max(current_month, 1)), 15)
        registered_on = registrations.get(project.pk)
        pace = Decimal(str(round(rng.gauss(0.95, 0.22), 3))) if entry.planned_investment else Decimal(0)
        pace = max(Decimal("0.2"), min(pace, Decimal("1.6")))
        room = max(project.total_investment - entry.opening_cumulative, Decimal(0))
        # this year, month by month, following the plan
        for m in range(1, current_month + 1):
            planned = getattr(entry, f"plan_m{m}")
            started = start is not None and (start.year, start.month) <= (year, m)
            if entry.category in (PlanCategory.NEW, PlanCategory.READY) and not started:
                amount = Decimal(0)
            else:
                amount = (planned * pace * Decimal(str(rng.uniform(0.75, 1.25)))).quantize(Decimal("0.1"))
            amount = max(Decimal(0), min(amount, room))
            room -= amount
            reports.append(_report(periods[(year, m)], project, amount, registered_on, rng))
        # earlier years: the opening balance spread over the years since the start
        if entry.opening_cumulative:
            reports.extend(_history(project, entry.opening_cumulative, range(project.start_year, year), year,
                                    periods, skew, registered_on, rng))
    # Projects finished before this year are in no plan of it, but were built in earlier years:
    # their reports make last year's investment what a county's was, not only that of the
    # projects still under way (which made this year's growth read +100% and more). Their own
    # random numbers, so the rest of the demo stays as it was.
    past_rng = random.Random(f"{DEMO_SEED}-finished")
    in_plan = {entry.project_id for entry in entries}
    finished = (
        Project.objects.filter(is_demo=True, stage__in=FINISHED, start_year__lt=year)
        .exclude(pk__in=in_plan)
        .order_by("pk")
    )
    for project in finished:
        built = range(project.start_year, min(project.end_year, year - 1) + 1)
        reports.extend(_history(project, project.total_investment, built, year, periods, skew,
                                registrations.get(project.pk), past_rng))
    MonthlyReport.objects.bulk_create(reports, batch_size=2000)

    _current_period(ctx, periods.get((year, current_month)))
    _corrections(ctx, year, current_month)
    _photos(ctx, year, current_month)
    # Reports were written in bulk above: the investment totals exact before the apps above
    # read them (the race publishes its quarters and the scan lights its projects as they load).
    totals_rebuild()


def _history(project, amount: Decimal, built: range, year: int, periods, skew, registered_on, rng) -> list[MonthlyReport]:
    """Monthly reports of the years ``built`` (before ``year``) that the demo's five years
    reach, ``amount`` spread over all of them as construction ramps up: the k-th year of the
    works takes k shares, each year's share by the construction season."""
    years = list(built)
    shares = sum(range(1, len(years) + 1))
    out = []
    for k, y in enumerate(years, start=1):
        if y < year - YEARS + 1:
            continue
        weights = {m: SEASON[m] * (1 + skew[y] * (m - 6.5) / 6.5) * rng.uniform(0.7, 1.3) for m in range(1, 13)}
        total_w = sum(weights.values())
        year_amount = amount * k / shares * Decimal(str(rng.uniform(0.85, 1.15)))
        for m in range(1, 13):
            value = (year_amount * Decimal(str(weights[m] / total_w))).quantize(Decimal("0.1"))
            out.append(_report(periods[(y, m)], project, value, registered_on, rng))
    return out


def _report(period: ReportingPeriod, project, amount: Decimal, registered_on, rng) -> MonthlyReport:
    late = rng.random() < 0.07
    filed_on = period.closes_on + dt.timedelta(days=rng.randint(1, 9)) if late else period.opens_on + dt.timedelta(
        days=rng.randint(0, 4)
    )
    submitted = _aware(filed_on, rng.randint(8, 18))
    return MonthlyReport(
        period=period,
        project=project,
        year=period.year,
        month=period.month,
        amount=amount,
        progress=rng.choice(PROGRESS).format(n=rng.randint(2, 18)) if amount else "本月无实物工作量",
        is_registered=registered_on is not None and registered_on <= dt.date(period.year, period.month, 28),
        status=ReportStatus.CONFIRMED,
        submitted_at=submitted,
        is_late=late,
        verified_at=submitted + dt.timedelta(days=1),
        confirmed_at=submitted + dt.timedelta(days=3),
        version=2,
    )


def _current_period(ctx: DemoContext, period: ReportingPeriod | None) -> None:
    """Last month, open and partly filed: some confirmed, verified, filed, returned, the rest missing."""
    if period is None:
        return
    rng = ctx.rng
    owner_unit = ctx.users["owner"].unit_id
    reports = list(MonthlyReport.objects.filter(period=period).select_related("project"))
    changed, events = [], []
    for report in reports:
        # the demo owner still has its reports to file
        roll = 0.9 if report.project.owner_id == owner_unit else rng.random()
        if roll < 0.28:
            report.status = ReportStatus.CONFIRMED
        elif roll < 0.42:
            report.status = ReportStatus.VERIFIED
            report.confirmed_at = None
        elif roll < 0.60:
            report.status = ReportStatus.SUBMITTED
            report.confirmed_at = report.verified_at = None
        elif roll < 0.65:
            report.status = ReportStatus.RETURNED
            report.confirmed_at = report.verified_at = None
            report.return_reason = rng.choice(RETURN_REASONS)
        else:
            report.status = ReportStatus.DRAFT
            report.submitted_at = report.verified_at = report.confirmed_at = None
            report.is_late = False
            report.version = 1
            report.amount, report.progress = Decimal(0), ""
        if report.submitted_at:
            events.append(ReportEvent(report=report, action=ReportAction.SUBMIT, by=None, at=report.submitted_at,
                                      amount=report.amount))
        if report.status == ReportStatus.RETURNED:
            events.append(ReportEvent(report=report, action=ReportAction.RETURN, by=ctx.users["kuangyan"],
                                      at=report.submitted_at + dt.timedelta(days=1), amount=report.amount,
                                      reason=report.return_reason))
        changed.append(report)
    # one of the demo owner's reports came back from the town
    owner_reports = [r for r in reports if r.project.owner_id == owner_unit]
    if owner_reports:
        first = owner_reports[0]
        first.status = ReportStatus.RETURNED
        first.return_reason = RETURN_REASONS[1]
        first.submitted_at = _aware(period.opens_on + dt.timedelta(days=2), 10)
        first.version = 2
        events.append(ReportEvent(report=first, action=ReportAction.SUBMIT, at=first.submitted_at, amount=first.amount))
        events.append(ReportEvent(report=first, action=ReportAction.RETURN, by=ctx.users["kuangyan"],
                                  at=first.submitted_at + dt.timedelta(days=1), amount=first.amount,
                                  reason=first.return_reason))
        Notification.objects.create(
            user=ctx.users["owner"], title=f"退回：{first.project.name}，{period}", body=first.return_reason,
            url=f"/reporting/reports/{first.pk}/",
        )
        for r in owner_reports[1:]:
            r.status = ReportStatus.DRAFT
            r.submitted_at = r.verified_at = r.confirmed_at = None
            r.is_late = False
            r.amount, r.progress = Decimal(0), ""
    MonthlyReport.objects.bulk_update(
        changed,
        ["status", "submitted_at", "verified_at", "confirmed_at", "is_late", "return_reason", "version", "amount",
         "progress"],
        batch_size=1000,
    )
    ReportEvent.objects.bulk_create(events, batch_size=2000)


def _corrections(ctx: DemoContext, year: int, current_month: int) -> None:
    """A few reports of locked months of this year corrected after locking, with their reasons."""
    rng = ctx.rng
    candidates = list(
        MonthlyReport.objects.filter(year=year, month__lt=current_month, amount__gt=100).order_by("pk")[:400]
    )
    events = []
    for report, reason in zip(rng.sample(candidates, min(4, len(candidates))), CORRECTION_REASONS, strict=False):
        before = report.amount
        report.amount = (before * Decimal(rng.choice(["0.85", "0.9", "1.08", "1.12"]))).quantize(Decimal("0.1"))
        report.version = 4
        later = report.confirmed_at + dt.timedelta(days=rng.randint(20, 60))
        events += [
            ReportEvent(report=report, action=ReportAction.SUBMIT, at=report.submitted_at, amount=before),
            ReportEvent(report=report, action=ReportAction.CONFIRM, by=ctx.users["office"], at=report.confirmed_at, amount=before),
            ReportEvent(report=report, action=ReportAction.REOPEN, by=ctx.users["office"], at=later, amount=before, reason=reason),
            ReportEvent(report=report, action=ReportAction.SUBMIT, at=later + dt.timedelta(days=1), amount=report.amount),
            ReportEvent(report=report, action=ReportAction.VERIFY, at=later + dt.timedelta(days=2), amount=report.amount),
            ReportEvent(report=report, action=ReportAction.CONFIRM, by=ctx.users["office"], at=later + dt.timedelta(days=3),
                        amount=report.amount),
        ]
        report.save(update_fields=["amount", "version"])
    ReportEvent.objects.bulk_create(events)


def _photos(ctx: DemoContext, year: int, current_month: int) -> None:
    """Two site photos (with EXIF time and place) on a filed report of the current period."""
    report = (
        MonthlyReport.objects.filter(year=year, month=current_month, status=ReportStatus.SUBMITTED, project__town__short_name="匡堰")
        .select_related("project")
        .order_by("pk")
        .first()
    ) or MonthlyReport.objects.filter(year=year, month=current_month, status=ReportStatus.SUBMITTED).order_by("pk").first()
    if report is None:
        return
    for i, (sky, ground) in enumerate([((120, 170, 220), (150, 120, 90)), ((200, 210, 225), (110, 110, 105))]):
        data = site_photo(sky, ground, taken=dt.datetime(year, current_month, 20 + i, 10, 30), lat=30.1703, lon=121.2654)
        photo = ReportPhoto(report=report, caption=("施工现场全景", "主体结构近景")[i], size=len(data), width=960, height=640,
                            taken_at=_aware(dt.date(year, current_month, 20 + i), 10),
                            latitude=Decimal("30.170300"), longitude=Decimal("121.265400"))
        photo.image.save(f"demo-{report.pk}-{i}.jpg", ContentFile(data), save=False)
        photo.save()


def site_photo(sky, ground, *, taken: dt.datetime | None = None, lat: float | None = None, lon: float | None = None,
               size=(960, 640)) -> bytes:
    """A plain drawn 'site' picture as JPEG bytes, with EXIF capture time and GPS if given."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle([0, int(h * 0.62), w, h], fill=ground)
    for k in range(5):  # a building under construction with its floors
        x = int(w * 0.18) + k * int(w * 0.13)
        top = int(h * (0.25 + 0.05 * (k % 3)))
        draw.rectangle([x, top, x + int(w * 0.1), int(h * 0.62)], fill=(170, 170, 165), outline=(90, 90, 90), width=3)
        for floor in range(top, int(h * 0.62), 28):
            draw.line([x, floor, x + int(w * 0.1), floor], fill=(120, 120, 120), width=2)
    draw.line([int(w * 0.85), int(h * 0.62), int(w * 0.85), int(h * 0.08)], fill=(230, 170, 20), width=8)  # crane
    draw.line([int(w * 0.55), int(h * 0.1), int(w * 0.95), int(h * 0.1)], fill=(230, 170, 20), width=6)
    exif = Image.Exif()
    if taken:
        exif[306] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if lat is not None and lon is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", _dms(lat)
        gps[3], gps[4] = "E", _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _dms(value: float):
    from PIL.TiffImagePlugin import IFDRational

    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(int(seconds * 100), 100))

