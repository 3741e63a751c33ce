"""The progress list of the project page shows what the monthly reports say."""

from decimal import Decimal

from django.urls import reverse

from tuijin.reporting.models import MonthlyReport, ReportingPeriod, ReportStatus


def test_the_progress_list_shows_this_years_completed_investment_and_the_latest_report(cast, make_project):
    import datetime as dt

    project = make_project()
    for month, amount, status in ((8, "120.5", ReportStatus.CONFIRMED), (9, "79.5", ReportStatus.SUBMITTED), (10, "999", ReportStatus.DRAFT)):
        period = ReportingPeriod.objects.create(year=2026, month=month, opens_on=dt.date(2026, month + 1, 1), closes_on=dt.date(2026, month + 1, 5))
        MonthlyReport.objects.create(period=period, project=project, year=2026, month=month, amount=Decimal(amount), status=status)
    page = cast.client("town").get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2026年累计完成" in page
    assert "200.00 万元" in page, "drafts do not count"
    assert "2026-10" in page
