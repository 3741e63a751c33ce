"""Two people editing the same project, plan line or monthly report: the second save is
refused with who changed it and when, never a silent overwrite."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, connections
from django.urls import reverse

from tests.race.conftest import add_plan
from tests.security.forms import form_data
from tuijin.lib.locking import EditConflict
from tuijin.projects.models import PlanEntry, Project
from tuijin.projects.services.registry import project_update
from tuijin.reporting import services as reporting
from tuijin.reporting.models import MonthlyReport

pytestmark = pytest.mark.django_db


def _conflict_shown(response) -> str:
    text = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "请刷新页面" in text, "no conflict message on the page"
    return text


def test_the_second_save_of_a_project_is_refused_with_who_and_when(cast, make_project):
    project = make_project(name="匡堰智能家电产业园项目")
    url = reverse("projects:edit", args=[project.pk])
    town, office = cast.client("town"), cast.client("office")
    with time_machine.travel("2026-10-14 10:32 +0800", tick=False):
        town_form = form_data(town.get(url), "edit_version")
        office_form = form_data(office.get(url), "edit_version")
        assert town_form["edit_version"] == office_form["edit_version"] == "1"
        cast.office.full_name = "王晓岚"
        cast.office.save()
        office_form["name"] = "匡堰智能家电产业园项目（一期）"
        assert office.post(url, office_form).status_code == 302
        town_form["name"] = "匡堰家电产业园"
        town_form["address"] = "匡堰镇工业园区二号地块"
        text = _conflict_shown(town.post(url, town_form))
    assert "已被王晓岚在 10:32 修改" in text, text[text.find("msg"):][:600]
    project.refresh_from_db()
    assert project.name == "匡堰智能家电产业园项目（一期）"
    assert project.address == "匡堰镇工业园区"
    assert project.edit_version == 2


def test_a_project_form_reloaded_after_the_conflict_saves(cast, make_project):
    project = make_project()
    url = reverse("projects:edit", args=[project.pk])
    town, office = cast.client("town"), cast.client("office")
    stale = form_data(town.get(url), "edit_version")
    office.post(url, {**form_data(office.get(url), "edit_version"), "content": "新建厂房10万平方米"})
    _conflict_shown(town.post(url, {**stale, "address": "新地址"}))
    fresh = form_data(town.get(url), "edit_version")
    assert fresh["content"].strip() == "新建厂房10万平方米"
    assert town.post(url, {**fresh, "address": "新地址"}).status_code == 302
    project.refresh_from_db()
    assert (project.content, project.address, project.edit_version) == ("新建厂房10万平方米", "新地址", 3)


def test_a_service_caller_with_a_stale_copy_is_refused(cast, make_project, english):
    project = make_project()
    stale = Project.objects.get(pk=project.pk)
    project_update(project=Project.objects.get(pk=project.pk), by=cast.office, name="新名称")
    with pytest.raises(EditConflict, match="was changed at"):
        project_update(project=stale, by=cast.town_officer, address="别处")
    assert Project.objects.get(pk=project.pk).address == "匡堰镇工业园区"


def test_the_second_adjustment_of_a_plan_line_is_refused(cast, make_project):
    project = make_project()
    entry = add_plan(project, 1200, monthly=100)
    url = reverse("projects:plan_entry_edit", args=[project.pk, entry.pk])
    town, office = cast.client("town"), cast.client("office")
    town_form = form_data(town.get(url), "edit_version")
    office_form = form_data(office.get(url), "edit_version")
    office_form.update(planned_investment="2400", split="even")
    response = office.post(url, office_form)
    assert response.status_code == 302, form_errors(response)
    town_form.update(progress_target="主体结构封顶")
    _conflict_shown(town.post(url, town_form))
    entry.refresh_from_db()
    assert entry.planned_investment == Decimal(2400)
    assert entry.progress_target == ""
    assert entry.edit_version == 2


def test_the_second_filing_of_a_monthly_report_is_refused(cast, make_project):
    project = make_project()
    add_plan(project, 1200, monthly=100)
    with time_machine.travel("2026-11-03 10:00 +0800", tick=False):
        reporting.period_open(year=2026, month=10, by=cast.office)
        report = MonthlyReport.objects.get(project=project, year=2026, month=10)
        url = reverse("reporting:report", args=[report.pk])
        owner, town = cast.client("owner"), cast.client("town")
        owner_form = form_data(owner.get(url), "amount")
        town_form = form_data(town.get(url), "amount")
        owner_form.update(amount="120", progress="主体结构施工至三层", action="save")
        assert owner.post(url, owner_form).status_code == 302
        town_form.update(amount="999", progress="桩基完成", action="save")
        _conflict_shown(town.post(url, town_form))
    report.refresh_from_db()
    assert report.amount == Decimal(120)
    assert report.progress == "主体结构施工至三层"


def form_errors(response) -> str:
    context = getattr(response, "context", None) or {}
    form = context.get("form") if hasattr(context, "get") else None
    return f"{response.status_code} {form.errors if form else ''} {context.get('errors', '') if hasattr(context, 'get') else ''}"


# ---------------------------------------------------------------- two connections (PostgreSQL)

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two real connections")


def _in_thread(target, *args):
    """Run ``target`` in a thread with its own database connection; return (result, error)."""
    out = {}

    def run():
        try:
            out["result"] = target(*args)
        except Exception as exc:  # noqa: BLE001  (the test inspects it)
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_project_at_once_one_wins(cast, make_project):
    project = make_project()
    barrier = threading.Barrier(2)
    names = ["甲方案", "乙方案"]

    def save(name, user):
        copy = Project.objects.get(pk=project.pk)
        barrier.wait()  # both read version 1 before either writes
        return project_update(project=copy, by=user, expected_version=1, name=name)

    runs = [_in_thread(save, names[0], cast.office), _in_thread(save, names[1], cast.town_officer)]
    for thread, _out in runs:
        thread.join(30)
    outcomes = [out for _thread, out in runs]
    won = [o for o in outcomes if "result" in o]
    lost = [o for o in outcomes if "error" in o]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0]["error"], EditConflict)
    project.refresh_from_db()
    assert project.name == won[0]["result"].name
    assert project.edit_version == 2


@postgres
@pytest.mark.django_db(transaction=True)
def test_two_roll_overs_at_once_carry_each_project_once(cast, make_project):
    """The year-end roll-over started twice (a double click, the scheduler and a person):
    one carries the projects, the other finds them carried; no duplicates, no crash."""
    from tests.reporting.factories import in_plan
    from tuijin.projects.choices import Stage
    from tuijin.projects.models import LibraryEntry
    from tuijin.projects.services.libraries import roll_year

    projects = [make_project(name=f"续建项目{i}") for i in range(5)]
    for p in projects:
        in_plan(p, 2025, "1200")
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(stage=Stage.CONSTRUCTION)
    barrier = threading.Barrier(2)

    def roll():
        barrier.wait()
        return roll_year(year=2026, by=cast.office)

    runs = [_in_thread(roll), _in_thread(roll)]
    for thread, _out in runs:
        thread.join(60)
    errors = [out["error"] for _t, out in runs if "error" in out]
    assert not errors, errors
    carried = [out["result"].count("carried") for _t, out in runs]
    assert sorted(carried) == [0, 5]
    for p in projects:
        assert LibraryEntry.objects.filter(project=p, library__start_year=2026, library__kind="annual").count() == 1
        assert PlanEntry.objects.filter(project=p, version__year=2026).count() == 1


@postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_beside_a_report_filing_keeps_both(cast, make_project):
    """The town edits the project while the owner files its report: different rows, both kept."""
    project = make_project()
    add_plan(project, 1200, monthly=100)
    with time_machine.travel("2026-11-03 10:00 +0800", tick=True):
        reporting.period_open(year=2026, month=10, by=cast.office)
        report = MonthlyReport.objects.get(project=project, year=2026, month=10)
        barrier = threading.Barrier(2)

        def edit():
            barrier.wait()
            return project_update(project=Project.objects.get(pk=project.pk), by=cast.town_officer, address="新址")

        def file():
            barrier.wait()
            return reporting.report_save(report=report, by=cast.owner, amount=Decimal(100), progress="基础施工",
                                         expected_version=report.version)

        runs = [_in_thread(edit), _in_thread(file)]
        for thread, _out in runs:
            thread.join(30)
    assert not [out["error"] for _t, out in runs if "error" in out]
    project.refresh_from_db()
    report.refresh_from_db()
    assert project.address == "新址"
    assert report.amount == Decimal(100) and report.status == "submitted"
