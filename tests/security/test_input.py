"""Hostile input: CSRF, script in project names (pages, API, Excel), injection in search and
filters, malicious uploads and a full disk."""

from __future__ import annotations

import errno
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.race.conftest import add_plan
from tests.reporting.conftest import jpeg_bytes
from tests.security.forms import form_data
from tuijin.reporting import services as reporting
from tuijin.reporting.models import MonthlyReport, ReportPhoto

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(cast, make_project):
    project = make_project(name="原名称")
    url = reverse("projects:edit", args=[project.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    data = form_data(client.get(url), "edit_version")
    data.pop("csrfmiddlewaretoken")
    data["name"] = "被篡改"
    assert client.post(url, data).status_code == 403
    project.refresh_from_db()
    assert project.name == "原名称"
    data["csrfmiddlewaretoken"] = form_data(client.get(url), "edit_version")["csrfmiddlewaretoken"]
    assert client.post(url, data).status_code == 302  # the same post with its token goes through


@pytest.mark.parametrize("name", [SCRIPT, ATTRIBUTE])
def test_script_in_a_project_name_is_shown_as_text_everywhere(cast, make_project, name):
    project = make_project(name=f"测试{name}项目")
    pages = [
        (cast.client("office"), reverse("projects:list")),
        (cast.client("office"), reverse("projects:detail", args=[project.pk])),
        (Client(), reverse("opendata:public_list")),
        (Client(), reverse("opendata:public_detail", args=[project.pk])),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert name not in text, f"{url} renders the name unescaped"
        assert "测试" in text and ("&lt;script&gt;" in text or "&lt;img" in text or "&quot;&gt;" in text), url
    api = cast.client("office").get(reverse("opendata:project-detail", args=[project.pk]), HTTP_ACCEPT="application/json")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["name"] == f"测试{name}项目"  # data, not markup: the JSON holds the text as entered


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1+2", "-2+3", "@SUM(A1)"])
def test_a_project_name_starting_a_formula_is_not_a_formula_in_the_exported_ledger(cast, make_project, name):
    make_project(name=name)
    response = cast.client("office").get(reverse("ledger:export_projects"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and name[1:] in c.value]
    assert cells, "the name is not in the export"
    for cell in cells:
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        # Kept as typed (the round trip needs it) but marked as text: Excel and WPS show it, never run it.
        assert cell.quotePrefix or not cell.value.startswith(("=", "+", "-", "@")), f"{cell.coordinate}: {cell.value!r}"


@pytest.mark.parametrize("query", ["' OR 1=1 --", "\"; DROP TABLE projects_project; --", "匡堰%_\\", "x" * 5000,
                                   "\u202e\u0000abc", "%00", "1 UNION SELECT password FROM orgs_user"])
def test_injection_attempts_in_search_and_filters_find_nothing_and_break_nothing(cast, make_project, query):
    make_project(name="匡堰智能家电产业园项目")
    client = cast.client("office")
    for url, params in [
        (reverse("projects:list"), {"q": query}),
        (reverse("projects:list"), {"town": query, "stage": query, "library": query}),
        (reverse("consultation:problems"), {"q": query}),
        (reverse("opendata:project-list"), {"search": query, "town": query}),
        (reverse("opendata:public_list"), {"q": query}),
    ]:
        response = client.get(url, params)
        assert response.status_code in (200, 400), f"{url} {params}: {response.status_code}"
        if "q" in params and "\x00" not in query:  # a NUL byte is dropped by the form: the full list
            assert "匡堰智能家电产业园项目" not in response.content.decode(), url


# ---------------------------------------------------------------- uploads


@pytest.fixture
def report_page(cast, make_project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project()
    add_plan(project, 1200, monthly=100)
    with time_machine.travel("2026-11-03 10:00 +0800", tick=False):
        reporting.period_open(year=2026, month=10, by=cast.office)
        report = MonthlyReport.objects.get(project=project, year=2026, month=10)
        owner = cast.client("owner")
        url = reverse("reporting:report", args=[report.pk])
        yield owner, url, report, tmp_path


def _file(report_page, upload):
    owner, url, report, _media = report_page
    data = form_data(owner.get(url), "amount")
    data.update(amount="120", progress="主体结构施工至三层", action="submit", photos=upload)
    return owner.post(url, data)


def _nothing_written(report_page):
    _owner, _url, report, media = report_page
    report.refresh_from_db()
    assert report.status == "draft" and report.amount in (None, Decimal(0))
    assert not ReportPhoto.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()], "a file was left in storage"


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("site.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"), "不是照片"),
    (SimpleUploadedFile("site.jpg", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 10, "image/png"), "不是照片"),
    (SimpleUploadedFile("site.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"), "不是照片"),
])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(report_page, upload, message):
    response = _file(report_page, upload)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text, [line.strip() for line in text.splitlines() if "error" in line][:5]
    _nothing_written(report_page)


def test_a_huge_photo_is_refused_and_nothing_is_written(report_page):
    huge = SimpleUploadedFile("site.jpg", jpeg_bytes() + b"\0" * (11 * 1024 * 1024), "image/jpeg")
    response = _file(report_page, huge)
    assert response.status_code == 200
    assert "MB" in response.content.decode()
    _nothing_written(report_page)


class FullDisk(FileSystemStorage):
    """A storage on a full disk: it writes a little, then fails as the kernel does."""

    def _save(self, name, content):
        path = self.path(name)
        import os

        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_a_photo_upload_leaves_no_half_written_report(report_page, monkeypatch):
    _owner, _url, _report, media = report_page
    storage = FullDisk(location=str(media))
    monkeypatch.setattr(ReportPhoto._meta.get_field("image"), "storage", storage)
    response = _file(report_page, SimpleUploadedFile("site.jpg", jpeg_bytes(), "image/jpeg"))
    assert response.status_code == 200
    assert "服务器磁盘已满" in response.content.decode()
    _nothing_written(report_page)
