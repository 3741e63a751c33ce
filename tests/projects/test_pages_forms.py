"""Registering and editing projects through the pages, the task force and documents:
validation messages, the town rule, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tuijin.projects.choices import NodeStatus, Stage
from tuijin.projects.models import Category, NodeTemplate, Project, StageChange
from tuijin.projects.services import registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(cast, **overrides):
    data = {
        "name": "匡堰新材料产业化项目",
        "national_code": "",
        "owner": cast.enterprise.pk,
        "town": cast.town.pk,
        "department": cast.department.pk,
        "leader": "",
        "category": Category.objects.get(name="产业").pk,
        "industry_chain": "",
        "nature": "enterprise",
        "level": "city",
        "total_investment": "3.5亿",
        "start_year": "2026",
        "end_year": "2028",
        "content": "新建厂房",
        "address": "匡堰镇",
        "latitude": "",
        "longitude": "",
        "land_area": "",
        "status": "active",
        "template": NodeTemplate.objects.get(name="企业投资项目").pk,
        "is_disclosed": "on",
    }
    data.update(overrides)
    return data


CREATE = reverse("projects:create")


def test_a_town_officer_registers_a_project_with_an_amount_in_yi(cast):
    response = cast.client("town").post(CREATE, _form(cast))
    project = Project.objects.get(name="匡堰新材料产业化项目")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.total_investment == Decimal("35000")
    assert project.created_by == cast.town_officer
    assert project.nodes.count() > 0  # the chain from the template


def test_an_approximate_amount_is_refused_on_its_field_with_the_reason(cast):
    response = cast.client("office").post(CREATE, _form(cast, total_investment="约3.5亿"))
    assert response.status_code == 200
    errors = response.context["form"].errors["total_investment"]
    assert "约3.5亿" in errors[0] and "约数" in errors[0]
    assert "约数" in response.content.decode()
    assert not Project.objects.filter(name="匡堰新材料产业化项目").exists()


def test_a_malformed_national_code_is_refused_showing_the_expected_format(cast):
    response = cast.client("office").post(CREATE, _form(cast, national_code="2024-33028-12"))
    assert response.status_code == 200
    error = response.context["form"].errors["national_code"][0]
    assert "YYMM-DDDDDD-CC-TT-NNNNNN" in error
    assert not Project.objects.filter(name="匡堰新材料产业化项目").exists()


def test_a_town_officer_cannot_register_in_another_town(cast):
    response = cast.client("town").post(CREATE, _form(cast, town=cast.other_town.pk))
    assert response.status_code == 200
    assert "town" in response.context["form"].errors
    assert not Project.objects.exists()


def test_owners_and_leaders_may_not_register_projects(cast):
    for who in ("owner", "leader"):
        assert cast.client(who).get(CREATE).status_code == 403
        assert cast.client(who).post(CREATE, _form(cast)).status_code == 403
    assert not Project.objects.exists()


def test_the_owner_edits_its_own_project_but_cannot_move_it(cast, make_project):
    project = make_project()
    url = reverse("projects:edit", args=[project.pk])
    response = cast.client("owner").post(url, _form(cast, name="改名后的项目", town=cast.other_town.pk, total_investment="60000"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "改名后的项目"
    assert project.total_investment == Decimal("60000")
    assert project.town == cast.town  # the town field is not the owner's to change


def test_a_kuangyan_officer_cannot_edit_a_longshan_project_even_by_hand_crafted_post(cast, make_project):
    project = make_project(name="龙山项目", town=cast.other_town)
    client = cast.client("town")
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 403
    posts = [
        (reverse("projects:edit", args=[project.pk]), _form(cast, name="被改了", town=cast.other_town.pk)),
        (reverse("projects:task_force_add", args=[project.pk]), {"tf-name": "外人", "tf-duty": "组长"}),
        (reverse("projects:stage_change", args=[project.pk]), {"to_stage": Stage.PREPARATION, "override": "on", "reason": "x"}),
        (reverse("projects:document_upload", args=[project.pk]), {"doc-kind": "other", "doc-file": SimpleUploadedFile("a.pdf", b"%PDF")}),
        (reverse("projects:node_edit", args=[project.pk, project.nodes.first().pk]), {"status": "done", "actual_date": "2025-01-01"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    project.refresh_from_db()
    assert project.name == "龙山项目" and project.stage == Stage.IDEA
    assert not project.task_force.exists() and not project.documents.exists()
    assert not project.nodes.filter(status=NodeStatus.DONE).exists()


def test_task_force_members_are_added_and_removed(cast, make_project):
    project = make_project()
    client = cast.client("town")
    response = client.post(reverse("projects:task_force_add", args=[project.pk]),
                           {"tf-name": "周专班", "tf-duty": "专班组长", "tf-phone": "13900000000", "tf-unit": cast.town.pk})
    assert response.status_code == 302
    member = project.task_force.get(name="周专班")
    assert member.unit == cast.town
    client.post(reverse("projects:task_force_remove", args=[project.pk, member.pk]))
    assert not project.task_force.exists()


def test_documents_are_limited_in_type_and_size_and_downloaded_only_by_who_may_see_the_project(cast, make_project, settings):
    project = make_project()
    url = reverse("projects:document_upload", args=[project.pk])
    client = cast.client("owner")
    client.post(url, {"doc-kind": "other", "doc-title": "病毒", "doc-file": SimpleUploadedFile("run.exe", b"MZ")})
    assert not project.documents.exists()
    big = SimpleUploadedFile("big.pdf", b"0" * (registry.DOCUMENT_MAX_BYTES + 1))
    client.post(url, {"doc-kind": "other", "doc-file": big})
    assert not project.documents.exists()
    response = client.post(url, {"doc-kind": "approval", "doc-title": "立项批复", "doc-file": SimpleUploadedFile("pf.pdf", b"%PDF-1.4 ok")})
    assert response.status_code == 302
    document = project.documents.get()
    download = reverse("projects:document_download", args=[project.pk, document.pk])
    for who in ("office", "town", "other_town", "owner", "leader"):
        response = cast.client(who).get(download)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == b"%PDF-1.4 ok"
        assert "attachment" in response["Content-Disposition"]
    other = make_project(owner=cast.other_enterprise)
    registry.document_add(project=other, by=cast.office, kind="other", title="他人文件",
                          file=SimpleUploadedFile("x.pdf", b"%PDF secret"))
    secret = other.documents.get()
    assert cast.client("owner").get(reverse("projects:document_download", args=[other.pk, secret.pk])).status_code == 403
    # a document reached through another project's address is not found
    assert cast.client("office").get(reverse("projects:document_download", args=[project.pk, secret.pk])).status_code == 404
    assert cast.client("anonymous").get(download).status_code == 302


def test_a_node_is_updated_and_its_rules_are_shown(cast, make_project):
    project = make_project()
    node = project.nodes.get(node_type__code="signing")
    url = reverse("projects:node_edit", args=[project.pk, node.pk])
    client = cast.client("town")
    response = client.post(url, {"status": "done", "actual_date": ""})
    assert response.status_code == 200
    assert "签约" in response.content.decode() and "实际完成日期" in response.content.decode()
    response = client.post(url, {"status": "done", "actual_date": "2025-03-01"})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.status == NodeStatus.DONE and node.actual_date == dt.date(2025, 3, 1)
    approval = project.nodes.get(node_type__code="approval")
    response = client.post(reverse("projects:node_edit", args=[project.pk, approval.pk]),
                           {"status": "done", "actual_date": "2025-03-02"})
    assert "批复文号" in response.content.decode()


def test_a_stage_override_needs_the_office_and_a_reason(cast, make_project):
    project = make_project()
    url = reverse("projects:stage_change", args=[project.pk])
    # the town may change the stage only when the gating nodes are done: refused with the blockers named
    cast.client("town").post(url, {"to_stage": Stage.STARTED, "override": "on", "reason": "赶工"})
    project.refresh_from_db()
    assert project.stage == Stage.IDEA
    # the office without a reason: refused
    response = cast.client("office").post(url, {"to_stage": Stage.STARTED, "override": "on", "reason": ""}, follow=True)
    project.refresh_from_db()
    assert project.stage == Stage.IDEA
    assert "强制调整必须填写理由" in response.content.decode()
    # the office with a reason: recorded
    cast.client("office").post(url, {"to_stage": Stage.STARTED, "override": "on", "reason": "市政府专题会议纪要〔2026〕3号"})
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    change = StageChange.objects.get(project=project)
    assert change.is_override and change.by == cast.office and "专题会议" in change.reason


def test_without_override_the_blockers_are_named(cast, make_project):
    project = make_project()
    response = cast.client("town").post(reverse("projects:stage_change", args=[project.pk]),
                                        {"to_stage": Stage.STARTED}, follow=True)
    page = response.content.decode()
    assert "施工许可" in page and "须先完成以下节点" in page
