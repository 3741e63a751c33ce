"""The public disclosure (政府信息公开): open without login, in Chinese, the same facts as the
OC4IDS package, and nothing internal through the page, the API or the package."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from tuijin.opendata.oc4ids import build_package

from .conftest import ROLES, SECRET_LEADER, SECRET_PERSON, SECRET_PHONE, body

INTERNAL = (SECRET_PHONE, SECRET_PERSON, SECRET_LEADER, "专班", "施工合同（内部）", "草稿")


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_the_public_list(cast, described_project, who):
    answer = cast.client(who).get("/public/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert described_project.name in page
    assert "重大项目建设情况" in page  # in Chinese by default


def test_the_sidebar_is_hidden_for_anonymous_visitors(cast, described_project):
    page = cast.client("anonymous").get("/public/").content.decode()
    assert 'class="sidebar"' not in page
    assert "/login/" in page  # staff sign-in offered instead
    assert 'class="sidebar"' in cast.client("office").get("/public/").content.decode()


def test_the_public_list_filters_by_town_and_stage(cast, described_project, make_project):
    elsewhere = make_project(name="龙山镇的公开项目", town=cast.other_town)
    client = cast.client("anonymous")
    page = client.get("/public/", {"town": cast.other_town.pk}).content.decode()
    assert elsewhere.name in page and described_project.name not in page
    page = client.get("/public/", {"stage": "construction"}).content.decode()
    assert described_project.name in page and elsewhere.name not in page
    page = client.get("/public/", {"q": "智能家电"}).content.decode()
    assert described_project.name in page and elsewhere.name not in page


def test_undisclosed_projects_are_neither_listed_nor_shown(cast, make_project):
    hidden = make_project(name="内部储备项目", is_disclosed=False)
    client = cast.client("anonymous")
    assert hidden.name not in client.get("/public/").content.decode()
    assert client.get(f"/public/projects/{hidden.pk}/").status_code == 404
    assert client.get(f"/public/projects/{hidden.pk}.json").status_code == 404


def test_the_facts_page_shows_what_the_package_publishes(cast, described_project):
    page = cast.client("anonymous").get(f"/public/projects/{described_project.pk}/").content.decode()
    release = next(p for p in build_package(base_url="http://testserver")["projects"])
    assert release["title"] in page
    assert "50,000.00" in page  # budget, 万元
    for milestone in release["milestones"]:
        assert milestone["title"] in page
    for party in release["parties"]:
        assert party["name"] in page
    assert "主体结构施工至三层" in page  # confirmed physical progress
    assert "1,200.00" in page  # confirmed monthly investment
    assert "121.266789" in page  # coordinates
    assert "可行性研究报告" in page


def test_a_published_document_downloads_and_an_internal_one_does_not(cast, described_project):
    client = cast.client("anonymous")
    public = described_project.documents.get(kind="feasibility")
    internal = described_project.documents.get(kind="contract")
    answer = client.get(f"/public/projects/{described_project.pk}/documents/{public.pk}/")
    assert answer.status_code == 200 and b"".join(answer.streaming_content).startswith(b"%PDF")
    assert client.get(f"/public/projects/{described_project.pk}/documents/{internal.pk}/").status_code == 404


def test_no_internal_field_reaches_an_anonymous_user(cast, described_project, tmp_path):
    """Phone numbers, task force names, the linked leader, drafts and internal documents stay
    internal on the public page, the per-project JSON, the package and the export — and the
    API refuses anonymous callers altogether."""
    client = cast.client("anonymous")
    texts = {
        "list": client.get("/public/").content.decode(),
        "facts": client.get(f"/public/projects/{described_project.pk}/").content.decode(),
        "project json": client.get(f"/public/projects/{described_project.pk}.json").content.decode(),
        "package": body(client.get("/public/oc4ids.json")),
    }
    out = tmp_path / "package.json"
    call_command("export-oc4ids", "-o", str(out))
    texts["export"] = out.read_text(encoding="utf-8")
    texts["package"] = json.dumps(json.loads(texts["package"]), ensure_ascii=False)
    texts["project json"] = json.dumps(json.loads(texts["project json"]), ensure_ascii=False)
    for where, text in texts.items():
        for secret in INTERNAL:
            assert secret not in text, f"{secret} leaked through the {where}"
    for url in ("/api/v1/projects/", f"/api/v1/projects/{described_project.pk}/", "/api/v1/nodes/",
                "/api/v1/plan-entries/", "/api/v1/library-entries/"):
        answer = client.get(url)
        assert answer.status_code == 401, url
        assert described_project.name not in answer.content.decode()


def test_the_public_list_costs_a_constant_number_of_queries(cast, make_project, django_assert_max_num_queries):
    for _ in range(20):
        make_project()
    client = cast.client("anonymous")
    with django_assert_max_num_queries(10):
        answer = client.get("/public/")
    assert answer.content.decode().count('href="/public/projects/') == 20
