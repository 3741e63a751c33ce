"""Adjusting a project's line in the working annual plan from its page."""

from decimal import Decimal

from django.urls import reverse

from tuijin.projects.choices import LibraryKind, PlanCategory
from tuijin.projects.models import PlanEntry
from tuijin.projects.services import libraries as lib
from tuijin.projects.services.libraries import PlanData

from .test_services_libraries import admit, annual_ready


def planned(cast, make_project, **overrides):
    project = make_project(**overrides)
    annual_ready(project, cast)
    admit(project, LibraryKind.ANNUAL, cast.office, plan=PlanData(category=PlanCategory.NEW, planned_investment=Decimal("1200")))
    lib.plan_freeze(year=2026, by=cast.office)
    return project, PlanEntry.objects.get(project=project, version__is_frozen=False)


def form_data(amount, **extra):
    data = {"category": PlanCategory.NEW, "planned_investment": amount, "progress_target": "主体结顶",
            "planned_start_month": "3", "planned_completion": "2027-06", "split": "even"}
    data.update(extra)
    return data


def test_the_town_adjusts_its_projects_working_plan_and_the_adopted_plan_keeps_its_figures(cast, make_project):
    project, working = planned(cast, make_project)
    url = reverse("projects:plan_entry_edit", args=[project.pk, working.pk])
    page = cast.client("town").get(url)
    assert page.status_code == 200
    response = cast.client("town").post(url, form_data("0.18亿"))
    assert response.status_code == 302
    working.refresh_from_db()
    assert working.planned_investment == Decimal("1800")
    assert sum(working.months().values()) == Decimal("1800")
    assert PlanEntry.objects.get(project=project, version__is_frozen=True).planned_investment == Decimal("1200")


def test_another_town_cannot_adjust_and_nothing_changes(cast, make_project):
    project, working = planned(cast, make_project)
    url = reverse("projects:plan_entry_edit", args=[project.pk, working.pk])
    assert cast.client("other_town").post(url, form_data("9999")).status_code == 403
    assert cast.client("leader").get(url).status_code == 403
    working.refresh_from_db()
    assert working.planned_investment == Decimal("1200")


def test_a_manual_split_that_does_not_add_up_is_refused_with_the_numbers(cast, make_project):
    project, working = planned(cast, make_project)
    url = reverse("projects:plan_entry_edit", args=[project.pk, working.pk])
    months = {f"m{m}": "100" for m in range(1, 13)}
    response = cast.client("office").post(url, form_data("1300", split="manual", **months))
    assert response.status_code == 200
    assert "1,200" in response.content.decode()
    working.refresh_from_db()
    assert working.planned_investment == Decimal("1200")


def test_the_frozen_version_cannot_be_adjusted(cast, make_project):
    project, _working = planned(cast, make_project)
    frozen = PlanEntry.objects.get(project=project, version__is_frozen=True)
    url = reverse("projects:plan_entry_edit", args=[project.pk, frozen.pk])
    response = cast.client("office").post(url, form_data("5000"))
    assert response.status_code == 302
    frozen.refresh_from_db()
    assert frozen.planned_investment == Decimal("1200")


def test_the_history_shows_an_adjusted_lines_months_but_not_their_running_totals(cast, make_project):
    project, working = planned(cast, make_project)
    url = reverse("projects:plan_entry_edit", args=[project.pk, working.pk])
    assert cast.client("town").post(url, form_data("1800")).status_code == 302
    page = cast.client("office").get(reverse("projects:tab", args=[project.pk, "history"])).content.decode()
    assert "三月（万元）" in page and "十二月（万元）" in page  # the months the adjustment changed
    assert "月累计（万元）" not in page  # the database's running totals of them are not history
