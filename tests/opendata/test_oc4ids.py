"""The OC4IDS package: valid against the 0.9.5 schema and its codelists, with the mapping
of our lifecycle, money, parties, places, nodes and monthly reports."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuijin.opendata.oc4ids import build_package

from .conftest import SECRET_LEADER, SECRET_PERSON, SECRET_PHONE, body, codelist, oc4ids_errors

BASE = "https://xm.cixi.gov.cn"


def _release(package, project):
    return next(p for p in package["projects"] if p["identifiers"][0]["id"] == project.code)


def test_the_package_of_a_described_project_is_valid_oc4ids(described_project):
    package = build_package(base_url=BASE)
    assert oc4ids_errors(package) == []
    assert package["version"] == "0.9"
    assert package["publisher"]["name"] == "慈溪市发展和改革局"


def test_the_validator_catches_a_bad_status_and_a_bad_date(described_project):
    """The check itself can fail: a status outside projectStatus and a malformed date."""
    package = build_package(base_url=BASE)
    package["projects"][0]["status"] = "underConstruction"
    package["projects"][0]["updated"] = "yesterday"
    errors = oc4ids_errors(package)
    assert any("status" in e for e in errors)
    assert any("updated" in e for e in errors)


def test_the_validator_checks_open_codelists_too(described_project):
    package = build_package(base_url=BASE)
    package["projects"][0]["milestones"][0]["type"] = "paperwork"
    assert any("milestoneType.csv" in e for e in oc4ids_errors(package))


def test_it_maps_the_lifecycle_money_and_places(cast, described_project):
    release = _release(build_package(base_url=BASE), described_project)
    assert release["id"].endswith(described_project.code) and release["id"].startswith("oc4ids-")
    assert release["status"] == "implementation"
    assert release["status"] in codelist("projectStatus.csv")
    assert release["budget"]["amount"] == {"amount": 500_000_000, "currency": "CNY"}  # 50,000 万元
    breakdown = release["budget"]["budgetBreakdowns"][0]["budgetBreakdown"]
    assert breakdown[0]["id"] == "2026" and breakdown[0]["amount"]["amount"] == 120_000_000
    assert release["locations"][0]["geometry"] == {"type": "Point", "coordinates": [121.266789, 30.171234]}
    assert release["identifiers"][1] == {"id": "2509-330282-89-01-544060", "scheme": "CN-TZXM"}
    assert release["preparationPeriod"]["startDate"].startswith("2026-01-11")
    assert release["preparationPeriod"]["endDate"].startswith("2026-02-10")
    assert release["implementationPeriod"]["startDate"].startswith("2026-02-10")
    assert "endDate" not in release["implementationPeriod"]  # still under construction
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles[cast.enterprise.name] == ["publicAuthority"]
    assert roles[cast.town.name] == ["administrativeEntity"]
    assert roles[cast.department.name] == ["reviewBody"]


def test_nodes_become_milestones_and_confirmed_reports_become_metrics(described_project):
    release = _release(build_package(base_url=BASE), described_project)
    milestones = {m["id"]: m for m in release["milestones"]}
    assert milestones["approval"]["code"] == "projectApproval"
    assert milestones["approval"]["status"] == "met"
    assert milestones["approval"]["dateMet"].startswith("2026-03-01")
    assert milestones["start"]["code"] == "commencement"
    assert milestones["acceptance"]["status"] in ("scheduled", "notMet")
    money = next(m for m in release["metrics"] if m["id"] == "financialProgress")["observations"]
    assert [(o["id"], o["value"]["amount"]) for o in money] == [("2026-03", 8_005_000), ("2026-04", 12_000_000)]
    physical = next(m for m in release["metrics"] if m["id"] == "physicalProgress")["observations"]
    assert [o["measure"] for o in physical] == ["完成桩基工程", "主体结构施工至三层"]
    plan = next(f for f in release["forecasts"] if f["id"] == "financialProgress")["observations"]
    assert len(plan) == 12 and plan[0]["value"]["amount"] == 10_000_000


def test_only_public_document_kinds_are_published(described_project):
    release = _release(build_package(base_url=BASE), described_project)
    assert [(d["title"], d["documentType"]) for d in release["documents"]] == [("可行性研究报告", "feasibilityStudy")]
    assert release["documents"][0]["url"].startswith(BASE + "/public/projects/")


def test_undisclosed_and_deleted_projects_are_left_out(described_project, make_project):
    hidden = make_project(name="不公开的项目", is_disclosed=False)
    package = build_package(base_url=BASE)
    titles = [p["title"] for p in package["projects"]]
    assert described_project.name in titles and hidden.name not in titles


def test_a_withdrawn_project_is_published_as_cancelled(make_project):
    project = make_project(status="withdrawn")
    package = build_package(base_url=BASE)
    assert _release(package, project)["status"] == "cancelled"
    assert oc4ids_errors(package) == []


def test_the_package_holds_nothing_internal(described_project):
    text = json.dumps(build_package(base_url=BASE), ensure_ascii=False)
    for secret in (SECRET_PHONE, SECRET_PERSON, SECRET_LEADER, "专班", "施工合同", "草稿"):
        assert secret not in text


def test_export_command_writes_the_package(described_project, tmp_path):
    out = tmp_path / "package.json"
    call_command("export-oc4ids", "-o", str(out), "--base-url", BASE)
    package = json.loads(out.read_text(encoding="utf-8"))
    assert oc4ids_errors(package) == []
    assert [p["title"] for p in package["projects"]] == [described_project.name]


@pytest.mark.parametrize("who", ["anonymous", "office", "owner"])
def test_the_public_endpoint_serves_the_same_package_to_anyone(cast, described_project, who):
    answer = cast.client(who).get("/public/oc4ids.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    package = json.loads(body(answer))
    assert oc4ids_errors(package) == []
    assert package["uri"] == "http://testserver/public/oc4ids.json"
    assert [p["title"] for p in package["projects"]] == [described_project.name]


def test_the_package_costs_a_constant_number_of_queries(cast, make_project, django_assert_max_num_queries):
    for _ in range(12):
        make_project()
    with django_assert_max_num_queries(12):
        package = build_package(base_url=BASE)
    assert len(package["projects"]) == 12


def test_the_streamed_package_is_built_in_batches_of_constant_cost(cast, make_project, django_assert_max_num_queries):
    """Batches keep memory flat; each costs the same few queries, so 12 projects in batches of 5
    cost three batches, and the text is the package built whole."""
    from tuijin.opendata import oc4ids

    for _ in range(12):
        make_project()
    whole = build_package(base_url=BASE)
    with CaptureQueriesContext(connection) as one_batch:
        list(oc4ids.iter_releases(base_url=BASE, batch=20))
    per_batch = len(one_batch) - 1  # less the query of the project ids
    with django_assert_max_num_queries(1 + 3 * per_batch):
        batched = list(oc4ids.iter_releases(base_url=BASE, batch=5))
    streamed = json.loads("".join(oc4ids.stream_package(base_url=BASE)))
    assert streamed == whole
    assert [r["id"] for r in batched] == [r["id"] for r in whole["projects"]]
    assert batched == whole["projects"]


def test_the_endpoint_serves_the_published_file_until_the_nightly_build(cast, described_project, make_project, settings):
    """The first request builds the package; later ones get that file, with its ETag, whatever
    changed since; the nightly build publishes the change and removes the earlier file."""
    from django.core.files.storage import default_storage

    from tuijin.opendata.models import PublishedPackage
    from tuijin.opendata.tasks import publish_oc4ids

    client = cast.client("anonymous")
    first = client.get("/public/oc4ids.json")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Content-Disposition"] == 'inline; filename="oc4ids.json"'
    assert [p["title"] for p in json.loads(body(first))["projects"]] == [described_project.name]
    published = PublishedPackage.objects.get()
    assert (published.projects, published.base_url) == (1, "http://testserver")
    assert int(first["Content-Length"]) == published.size == default_storage.size(published.file.name)

    later = make_project(name="慈溪后来公开的项目")
    later.is_disclosed = True
    later.save()
    again = client.get("/public/oc4ids.json")
    assert again["ETag"] == first["ETag"]
    assert [p["title"] for p in json.loads(body(again))["projects"]] == [described_project.name]
    assert client.get("/public/oc4ids.json", headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get("/public/oc4ids.json", headers={"if-modified-since": first["Last-Modified"]}).status_code == 304

    assert publish_oc4ids() == 2  # the nightly job, at the address of the last package
    fresh = client.get("/public/oc4ids.json")
    package = json.loads(body(fresh))
    assert fresh["ETag"] != first["ETag"]
    assert sorted(p["title"] for p in package["projects"]) == sorted([described_project.name, later.name])
    assert package["uri"] == "http://testserver/public/oc4ids.json"
    assert oc4ids_errors(package) == []
    assert not default_storage.exists(published.file.name)  # the earlier file is gone
    assert PublishedPackage.objects.count() == 1


def test_serving_the_published_package_reads_one_row(cast, described_project, django_assert_max_num_queries):
    client = cast.client("anonymous")
    client.get("/public/oc4ids.json")  # built
    with django_assert_max_num_queries(1):
        answer = client.get("/public/oc4ids.json")
    assert answer.status_code == 200


def test_nothing_is_built_at_night_before_anyone_asked_unless_the_address_is_configured(described_project, settings):
    from tuijin.opendata.models import PublishedPackage
    from tuijin.opendata.tasks import publish_oc4ids

    settings.PUBLIC_URL = ""
    assert publish_oc4ids() is None and not PublishedPackage.objects.exists()
    settings.PUBLIC_URL = "https://xm.example.gov.cn"
    assert publish_oc4ids() == 1
    assert PublishedPackage.objects.get().base_url == "https://xm.example.gov.cn"


def test_the_command_publishes_the_package(described_project, capsys):
    from tuijin.opendata.models import PublishedPackage

    call_command("export-oc4ids", "--publish", "--base-url", BASE)
    package = PublishedPackage.objects.get()
    assert "1 projects published at" in capsys.readouterr().out
    with package.file.open("rb") as fh:
        assert json.loads(fh.read())["projects"][0]["title"] == described_project.name
