"""The reporting cycle: open, fill, verify, confirm, return, lock, reopen — and who may do each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.reporting import selectors, services
from tuijin.reporting.models import MonthlyReport, PeriodStatus, ReportAction, ReportingPeriod, ReportStatus

from .factories import filed, in_plan

D = Decimal


def fill(report, by, amount="1200", **kw):
    kw.setdefault("progress", "主体结构施工至5层")
    return services.report_save(report=report, by=by, amount=D(amount), **kw)


def test_opening_a_period_creates_a_draft_report_per_plan_project_with_the_default_window(cast, make_project, on_time):
    a, b, outside = make_project(), make_project(), make_project()
    in_plan(a, 2026, "1200")
    in_plan(b, 2026, "600")
    period = services.period_open(year=2026, month=10, by=cast.office)
    assert (period.opens_on, period.closes_on) == (dt.date(2026, 11, 1), dt.date(2026, 11, 5))
    assert set(period.reports.values_list("project_id", flat=True)) == {a.pk, b.pk}
    assert set(period.reports.values_list("status", flat=True)) == {ReportStatus.DRAFT}
    del outside


def test_it_refuses_to_open_a_period_twice_a_future_month_or_for_a_non_office_user(cast, make_project, on_time):
    in_plan(make_project(), 2026, "1200")
    services.period_open(year=2026, month=10, by=cast.office)
    with pytest.raises(ServiceError, match="already opened"):
        services.period_open(year=2026, month=10, by=cast.office)
    with pytest.raises(ServiceError, match="has not begun"):
        services.period_open(year=2026, month=12, by=cast.office)
    with pytest.raises(PermissionDenied):
        services.period_open(year=2026, month=9, by=cast.town_officer)


def test_open_period_command_opens_the_month(cast, make_project, on_time, capsys):
    in_plan(make_project(), 2026, "1200")
    call_command("open-period", "2026-10")
    assert ReportingPeriod.objects.get(year=2026, month=10).reports.count() == 1
    assert "2026-10 opened: 1 reports" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("open-period", "October")


def test_the_full_cycle_fill_verify_confirm_lock(cast, october):
    project, period, report = october
    report = fill(report, cast.owner, "1200", is_registered=True)
    assert report.status == ReportStatus.SUBMITTED and not report.is_late
    row = selectors.project_figures(2026, 10).get(project=project)
    assert (row.month_amount, row.ytd, row.since_start) == (D("1200"), D("1200"), D("9200"))
    report = services.report_verify(report=report, by=cast.town_officer)
    assert report.status == ReportStatus.VERIFIED
    report = services.report_confirm(report=report, by=cast.office)
    assert report.status == ReportStatus.CONFIRMED
    period = services.period_lock(period=period, by=cast.office)
    assert period.status == PeriodStatus.LOCKED
    with pytest.raises(ServiceError, match="locked"):
        fill(MonthlyReport.objects.get(pk=report.pk), cast.owner, "900")
    actions = list(report.events.values_list("action", flat=True))
    assert actions == [ReportAction.SUBMIT, ReportAction.VERIFY, ReportAction.CONFIRM]


def test_a_return_needs_a_reason_notifies_the_filer_and_lets_them_correct(cast, october):
    project, period, report = october
    report = fill(report, cast.owner, "1200")
    with pytest.raises(ServiceError, match="Say why"):
        services.report_return(report=report, by=cast.town_officer, reason=" ")
    report = services.report_return(report=report, by=cast.town_officer, reason="请补充现场照片")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "请补充现场照片"
    assert cast.owner.reporting_notifications.filter(body="请补充现场照片").exists()
    report = fill(report, cast.owner, "1100")
    assert report.status == ReportStatus.SUBMITTED and report.amount == D("1100")


def test_the_office_returns_a_verified_report_but_the_town_cannot(cast, october):
    _, _, report = october
    report = services.report_verify(report=fill(report, cast.owner), by=cast.town_officer)
    with pytest.raises(ServiceError, match="cannot be returned"):
        services.report_return(report=report, by=cast.town_officer, reason="x")
    report = services.report_return(report=report, by=cast.office, reason="与统计数据不符")
    assert report.status == ReportStatus.RETURNED


def test_lock_refuses_while_reports_wait_and_counts_unfiled_as_missing(cast, make_project, october):
    project, period, report = october
    other = make_project(town=cast.other_town)
    in_plan(other, 2026, "600")
    services.report_for(project=other, year=2026, month=10)  # added to the plan after opening
    fill(report, cast.owner)
    with pytest.raises(ServiceError, match="1 reports of 2026-10 still wait"):
        services.period_lock(period=period, by=cast.office)
    services.report_confirm(report=services.report_verify(report=report, by=cast.town_officer), by=cast.office)
    services.period_lock(period=period, by=cast.office)
    rows = {p.name: p for p in selectors.reporting_punctuality(2026, 10)}
    assert (rows["匡堰"].on_time, rows["匡堰"].missing) == (1, 0)
    assert (rows["龙山"].expected, rows["龙山"].missing) == (1, 1)


def test_correcting_a_locked_month_reopens_one_report_with_an_audited_reason(cast, october):
    project, period, report = october
    report = services.report_confirm(
        report=services.report_verify(report=fill(report, cast.owner, "1200"), by=cast.town_officer), by=cast.office
    )
    services.period_lock(period=period, by=cast.office)
    with pytest.raises(ServiceError, match="needs a reason"):
        services.report_reopen(report=report, by=cast.office, reason="")
    with pytest.raises(PermissionDenied):
        services.report_reopen(report=report, by=cast.town_officer, reason="更正")
    report = services.report_reopen(report=report, by=cast.office, reason="审计调减：重复计入材料款")
    assert report.is_reopened and report.status == ReportStatus.RETURNED
    # the filed figure keeps counting until the corrected one is filed
    assert selectors.county_figures(2026, 10).ytd == D("1200")
    report = fill(report, cast.owner, "900")
    report = services.report_confirm(report=services.report_verify(report=report, by=cast.town_officer), by=cast.office)
    assert not report.is_reopened
    assert selectors.county_figures(2026, 10).ytd == D("900")
    reopen = report.events.get(action=ReportAction.REOPEN)
    assert (reopen.reason, reopen.amount, reopen.by) == ("审计调减：重复计入材料款", D("1200"), cast.office)
    with pytest.raises(ServiceError, match="locked"):
        fill(MonthlyReport.objects.get(pk=report.pk), cast.owner, "800")


def test_a_report_filed_after_the_window_is_late(cast, october):
    _, _, report = october
    with time_machine.travel("2026-11-09 09:00 +0800", tick=False):
        report = fill(report, cast.town_officer)
    assert report.is_late and report.submitted_by == cast.town_officer
    assert selectors.reporting_punctuality(2026, 10)[0].late == 1


@pytest.mark.parametrize(
    ("who", "fill_ok", "verify_ok", "confirm_ok"),
    [
        ("office", True, True, True),
        ("town", True, True, False),
        ("other_town", False, False, False),
        ("department", False, False, False),
        ("owner", True, False, False),
        ("leader", False, False, False),
    ],
)
def test_who_may_fill_verify_and_confirm(cast, october, who, fill_ok, verify_ok, confirm_ok):
    _, _, report = october
    user = cast.members[who]
    if fill_ok:
        fill(report, user)
    else:
        with pytest.raises(PermissionDenied):
            fill(report, user)
        fill(report, cast.owner)
    if verify_ok:
        report = services.report_verify(report=report, by=user)
    else:
        with pytest.raises(PermissionDenied):
            services.report_verify(report=report, by=user)
        report = services.report_verify(report=report, by=cast.town_officer)
    if confirm_ok:
        services.report_confirm(report=report, by=user)
    else:
        with pytest.raises(PermissionDenied):
            services.report_confirm(report=report, by=user)


def test_remind_notifies_the_late_in_app_and_by_email(cast, october, mailoutbox):
    _, _, report = october
    cast.owner.email = "owner@example.com"
    cast.owner.save()
    result = services.remind_late(today=dt.date(2026, 11, 4))
    assert result.late_reports == 0  # still inside the window
    with time_machine.travel("2026-11-08 09:00 +0800"):
        call_command("remind")
    assert cast.owner.reporting_notifications.filter(title="Monthly reports overdue").count() == 1
    assert cast.town_officer.reporting_notifications.count() == 1
    assert not cast.other_town_officer.reporting_notifications.exists()
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
    assert report.project.name in mailoutbox[0].body
    # once a day
    services.remind_late(today=dt.date(2026, 11, 8))
    assert cast.owner.reporting_notifications.count() == 1


def test_roll_over_picks_up_the_investment_of_the_year(cast, make_project):
    from tuijin.projects.services.libraries import completed_in_year

    project = make_project()
    in_plan(project, 2026, "1000")
    filed(project, 2026, 3, "300")
    filed(project, 2026, 4, "200", status=ReportStatus.RETURNED)
    assert completed_in_year([project.pk], 2026) == {project.pk: D("500")}
