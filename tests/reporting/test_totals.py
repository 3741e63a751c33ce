"""The per-project monthly totals the overview reads stay equal to the sums of the reports."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from tuijin.reporting import selectors, services
from tuijin.reporting.models import MonthlyReport, ProjectYearInvestment, ReportStatus
from tuijin.reporting.totals import totals_rebuild

from .factories import filed, in_plan

D = Decimal


def _rows():
    return {(r.project_id, r.year): r.months() for r in ProjectYearInvestment.objects.all()}


def test_filing_returning_and_correcting_keep_the_totals_equal_to_the_reports(cast, october):
    project, _period, report = october
    filed(project, 2026, 3, "250")
    filed(project, 2026, 4, "80", status=ReportStatus.DRAFT)  # a draft does not count
    assert _rows()[(project.pk, 2026)][2:4] == [D("250"), D(0)]
    report = services.report_save(report=report, by=cast.owner, amount=D("1200"), progress="封顶")
    assert _rows()[(project.pk, 2026)][9] == D("1200")
    report = services.report_return(report=report, by=cast.town_officer, reason="补照片")
    assert _rows()[(project.pk, 2026)][9] == D("1200")  # a returned report keeps its filed figure
    services.report_save(report=report, by=cast.owner, amount=D("1100"), progress="封顶")
    assert selectors.county_figures(2026, 10).ytd == D("1350")
    MonthlyReport.objects.get(project=project, year=2026, month=3).delete()
    assert selectors.county_figures(2026, 10).ytd == D("1100")


def test_rebuild_after_a_bulk_load_gives_what_the_services_kept(cast, make_project, on_time, capsys):
    a, b = make_project(), make_project(town=cast.other_town)
    in_plan(a, 2026, "1200")
    in_plan(b, 2026, "600")
    filed(a, 2025, 12, "70.5")
    filed(a, 2026, 1, "10.25")
    filed(b, 2026, 2, "3", status=ReportStatus.SUBMITTED)
    kept = _rows()
    ProjectYearInvestment.objects.all().delete()
    MonthlyReport.objects.bulk_create([MonthlyReport(period=MonthlyReport.objects.first().period, project=b,
                                                     year=2026, month=9, amount=D("4"), status=ReportStatus.CONFIRMED)])
    assert totals_rebuild() == 3
    kept[(b.pk, 2026)][8] = D("4")
    assert _rows() == kept
    call_command("rebuild-totals")
    assert "3 project-years and 2 town plan totals rebuilt" in capsys.readouterr().out
    assert selectors.county_figures(2026, 9).ytd == D("17.25")
