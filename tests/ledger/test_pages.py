"""The upload → preview → confirm pages and the downloads, for the whole cast."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tuijin.ledger.models import ColumnMapping, LedgerImport
from tuijin.projects.models import Project

from .workbooks import plan_rows, plan_workbook

ALLOWED_TO_IMPORT = {"office", "town", "other_town"}
CAST = ["office", "town", "other_town", "department", "owner", "leader", "anonymous"]


def upload(client, path, **data):
    with open(path, "rb") as handle:
        payload = {"file": SimpleUploadedFile(path.name, handle.read()), "year": 2026, "library": "annual", **data}
    return client.post(reverse("ledger:import_start"), payload)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


@pytest.mark.parametrize("who", CAST)
def test_only_the_office_and_towns_open_the_upload_page(cast, who):
    response = cast.client(who).get(reverse("ledger:import_start"))
    if who == "anonymous":
        assert response.status_code == 302
    elif who in ALLOWED_TO_IMPORT:
        assert response.status_code == 200 and "上传并检查".encode() in response.content
    else:
        assert response.status_code == 403


def test_upload_shows_the_preview_then_confirm_imports(cast, tmp_path):
    client = cast.client("office")
    response = upload(client, plan_workbook(tmp_path / "计划表.xlsx"))
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledger:import_detail", args=[record.pk])
    assert record.status == "previewed" and Project.objects.count() == 0
    assert record.file.name.startswith("ledger/imports/")
    page = client.get(response.url).content.decode()
    assert "智能家电产业园一期" in page and "高端轴承扩产项目" in page
    assert "999999" in page and "合计" in page  # the published total that does not add up
    assert "约" in page or "approximate" in page
    assert "导入 4 项变更" in page
    client.post(reverse("ledger:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "done" and record.created == 4 and Project.objects.count() == 4
    assert "已导入" in client.get(response.url).content.decode()


def test_the_preview_shows_row_errors_and_nothing_is_written(cast, tmp_path):
    rows = plan_rows()
    rows[10][9] = "月亮电器有限公司"
    client = cast.client("office")
    upload(client, plan_workbook(tmp_path / "bad.xlsx", rows))
    record = LedgerImport.objects.get()
    page = client.get(reverse("ledger:import_detail", args=[record.pk]) + "?show=error").content.decode()
    assert "J11" in page and "月亮电器有限公司" in page
    client.post(reverse("ledger:import_confirm", args=[record.pk]))
    assert Project.objects.count() == 0
    client.post(reverse("ledger:import_confirm", args=[LedgerImport.objects.get().pk]), {"skip_bad_rows": "on"})
    assert Project.objects.count() == 3


def test_a_bad_file_gets_a_clear_message(cast, tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"hello, this is not a workbook" * 3 + b"\x00")
    client = cast.client("office")
    upload(client, path)
    page = client.get(reverse("ledger:import_detail", args=[LedgerImport.objects.get().pk])).content.decode()
    assert "未写入任何数据" in page and "xlsx" in page


def test_the_mapping_can_be_corrected_and_saved(cast, tmp_path):
    client = cast.client("office")
    upload(client, plan_workbook(tmp_path / "plan.xlsx"))
    record = LedgerImport.objects.get()
    labels = record.columns["labels"]
    fields = record.columns["fields"]
    data = {f"col_{c}": fields.get(c, "ignore") for c in labels}
    note_col = next(c for c, label in labels.items() if label == "备注")
    content_col = next(c for c, label in labels.items() if label == "建设内容及规模")
    data[content_col] = "ignore"
    data[f"col_{content_col}"] = "ignore"
    data["save_as"] = "慈溪年度计划表"
    client.post(reverse("ledger:import_remap", args=[record.pk]), data)
    mapping = ColumnMapping.objects.get(name="慈溪年度计划表")
    assert mapping.columns["建设内容及规模"] == "ignore" and mapping.columns[labels[note_col]] == "note"
    record.refresh_from_db()
    assert record.columns["fields"][content_col] == "ignore" and record.status == "previewed"


def test_a_town_officer_cannot_open_another_users_import(cast, tmp_path):
    upload(cast.client("office"), plan_workbook(tmp_path / "plan.xlsx"))
    record = LedgerImport.objects.get()
    assert cast.client("town").get(reverse("ledger:import_detail", args=[record.pk])).status_code == 403
    assert cast.client("office").get(reverse("ledger:import_progress", args=[record.pk])).status_code == 200


@pytest.mark.parametrize("who", CAST)
def test_the_list_download_is_scoped_and_filtered(cast, make_project, who, django_assert_max_num_queries):
    make_project(name="本企业项目")
    make_project(name="别家项目", owner=cast.other_enterprise, town=cast.other_town)
    client = cast.client(who)
    url = reverse("ledger:export_projects")
    if who == "anonymous":
        assert client.get(url).status_code == 302
        return
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    names = {ws.cell(r, 2).value for r in range(5, ws.max_row + 1)}
    assert "本企业项目" in names
    assert ("别家项目" in names) == (who != "owner")
    filtered = load_workbook(BytesIO(client.get(url, {"town": cast.other_town.pk}).content)).active
    names = {filtered.cell(r, 2).value for r in range(5, filtered.max_row + 1)}
    assert "本企业项目" not in names


@pytest.mark.parametrize("who", CAST)
def test_the_plan_download_is_for_roles_that_see_the_county(cast, who):
    response = cast.client(who).get(reverse("ledger:export_plan"), {"year": 2026, "kind": "progress"})
    expected = {"anonymous": 302, "owner": 403}.get(who, 200)
    assert response.status_code == expected
