"""The synthetic province generator writes what it says, ."""

import io

import pytest
from django.core.management import call_command

from tuijin.projects.models import LibraryEntry, Node, PlanEntry, Project


@pytest.mark.django_db
def test_generate_writes_projects_nodes_and_a_plan_whose_split_adds_up():
    out = io.StringIO()
    call_command("generate", "--projects", "300", "--years", "1", stdout=out)
    assert Project.objects.count() == 300
    assert Node.objects.count() == 300 * 12
    assert LibraryEntry.objects.count() == Project.objects.exclude(library="").count()
    for entry in PlanEntry.objects.all()[:20]:
        assert sum(entry.months().values()) == entry.planned_investment == entry.plan_ytd_m12
    # rows added after a bulk write get fresh keys
    assert Project.objects.create(**{**Project.objects.values().first(), "id": None, "code": "X1"}).pk > 300


@pytest.mark.django_db
def test_generate_writes_seasonal_reports_with_exact_totals_problems_leads_and_lights():
    import datetime as dt
    from decimal import Decimal

    from django.db.models import Sum

    from tuijin.breakthroughs.models import Lead
    from tuijin.consultation.models import Problem
    from tuijin.core.generate import generate
    from tuijin.reporting.models import MonthlyReport, ProjectYearInvestment, ReportingPeriod
    from tuijin.reporting.selectors import county_figures
    from tuijin.supervision.models import Light

    ctx = generate(projects=200, years=2, today=dt.date(2026, 11, 10))
    # two years of months up to October 2026, each with its period; only started projects report
    assert ReportingPeriod.objects.count() == 24
    assert ReportingPeriod.objects.filter(status="open").get().month == 10
    reporting = set(MonthlyReport.objects.values_list("project_id", flat=True))
    assert reporting and reporting <= set(ctx.started_ids)
    assert MonthlyReport.objects.count() == ctx.counts["monthly_reports"] > 24 * len(reporting) // 2
    # December is a peak month, February a trough
    by_month = dict(MonthlyReport.objects.filter(year=2025).values_list("month").annotate(s=Sum("amount")))
    assert by_month[12] > by_month[2] * 2
    # the totals the overview reads equal the counted reports
    counted = MonthlyReport.objects.filter(year=2026, month__lte=10).exclude(status="draft").aggregate(s=Sum("amount"))["s"]
    cent = Decimal("0.01")  # SQLite sums decimals in floating point
    assert county_figures(2026, 10).ytd.quantize(cent) == counted.quantize(cent)
    assert ProjectYearInvestment.objects.count() == ctx.counts["project_year_totals"]
    assert Problem.objects.count() == ctx.counts["problems"] > 0
    assert Problem.objects.filter(status="closed", closed_at__isnull=True).count() == 0
    assert Lead.objects.count() == ctx.counts["leads"] > 0
    assert Light.objects.filter(cleared_on__isnull=True).count() == ctx.counts["lights"] > 0
