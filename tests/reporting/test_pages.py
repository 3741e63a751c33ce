"""The reporting pages for the whole cast: inbox, filling form, overview, drill-down, trends,
export, notifications and the project tab."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tuijin.reporting import services
from tuijin.reporting.models import MonthlyReport, ReportStatus

from .conftest import jpeg_bytes
from .factories import filed, in_plan

D = Decimal
STATS = ["/reporting/overview/", "/reporting/trends/", "/reporting/export/?period=2026-10",
         "/reporting/overview/forecast/?period=2026-10"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("office", 200), ("town", 200), ("other_town", 200), ("department", 200), ("owner", 403), ("leader", 200),
     ("anonymous", 302)],
)
def test_statistics_pages_by_role(cast, october, who, expected):
    client = cast.client(who)
    for url in STATS:
        assert client.get(url).status_code == expected, url
    town = cast.town.pk
    assert client.get(f"/reporting/overview/town/{town}/").status_code == expected


@pytest.mark.parametrize(
    ("who", "status", "can_fill"),
    [("office", 200, True), ("town", 200, True), ("other_town", 200, False), ("department", 200, False),
     ("owner", 200, True), ("leader", 200, False), ("anonymous", 302, False)],
)
def test_report_page_shows_the_form_only_to_those_who_fill(cast, october, who, status, can_fill):
    _, _, report = october
    response = cast.client(who).get(f"/reporting/reports/{report.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ('name="amount"' in html) is can_fill
        assert 'accept="image/*"' in html if can_fill else True
        assert 'capture="environment"' in html if can_fill else True


def test_an_owner_of_another_enterprise_does_not_see_the_report(cast, october):
    from tuijin.orgs.models import User

    _, _, report = october
    stranger = User.objects.create_user(username="o2", password="x" * 12, role="owner", unit=cast.other_enterprise)
    from django.test import Client

    client = Client()
    client.force_login(stranger)
    assert client.get(f"/reporting/reports/{report.pk}/").status_code == 404


def test_an_owner_files_with_a_photo_in_the_browser_and_the_overview_changes(cast, october):
    project, _, report = october
    owner = cast.client("owner")
    photo = SimpleUploadedFile("site.jpg", jpeg_bytes(exif_time="2026-10-28 09:15", gps=(30.17, 121.26)), "image/jpeg")
    response = owner.post(
        f"/reporting/reports/{report.pk}/",
        {"action": "submit", "amount": "0.18亿", "progress": "主体结构施工至6层", "is_registered": "on", "photos": photo},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.amount) == (ReportStatus.SUBMITTED, D("1800.0000"))
    page = owner.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert "2026-10-28 09:15" in page and "30.17000" in page
    overview = cast.client("office").get("/reporting/overview/?period=2026-10").content.decode()
    assert "1,800" in overview
    town = cast.client("office").get(f"/reporting/overview/town/{cast.town.pk}/?period=2026-10").content.decode()
    assert project.name in town and "1,800" in town


def test_the_form_shows_a_refusal_next_to_the_field(cast, october):
    _, _, report = october
    response = cast.client("owner").post(
        f"/reporting/reports/{report.pk}/", {"action": "submit", "amount": "-3", "progress": "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "has-error" in html and "不能为负" in html or "cannot be negative" in html
    response = cast.client("owner").post(f"/reporting/reports/{report.pk}/", {"action": "submit", "amount": "约300"})
    assert "has-error" in response.content.decode()


def test_the_town_verifies_and_the_office_confirms_from_the_page(cast, october):
    _, _, report = october
    services.report_save(report=report, by=cast.owner, amount=D("100"), progress="基础")
    inbox = cast.client("town").get("/reporting/").content.decode()
    assert f"/reporting/reports/{report.pk}/" in inbox
    assert cast.client("other_town").post(f"/reporting/reports/{report.pk}/", {"action": "verify"}).status_code == 403
    cast.client("town").post(f"/reporting/reports/{report.pk}/", {"action": "verify"})
    assert f"/reporting/reports/{report.pk}/" in cast.client("office").get("/reporting/").content.decode()
    cast.client("office").post(f"/reporting/reports/{report.pk}/", {"action": "confirm"})
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED


def test_the_office_opens_and_locks_a_period_with_buttons(cast, make_project, on_time):
    in_plan(make_project(), 2026, "1200")
    assert cast.client("town").post("/reporting/periods/open/", {"period": "2026-10"}).status_code == 403
    cast.client("office").post("/reporting/periods/open/", {"period": "2026-10"})
    period = __import__("tuijin.reporting.models", fromlist=["ReportingPeriod"]).ReportingPeriod.objects.get()
    assert period.reports.count() == 1
    assert cast.client("town").post(f"/reporting/periods/{period.pk}/lock/").status_code == 403
    cast.client("office").post(f"/reporting/periods/{period.pk}/lock/")
    period.refresh_from_db()
    assert period.status == "locked"


def test_export_is_the_progress_table_with_sections_and_totals(cast, october):
    project, _, report = october
    services.report_save(report=report, by=cast.owner, amount=D("1200"), progress="主体施工")
    filed(project, 2026, 9, "800")
    response = cast.client("leader").get("/reporting/export/?period=2026-10")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "2026年10月重大项目推进情况表" in ws["A1"].value
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert rows[0][0] == "一、产业项目（1项）"
    assert rows[1][1] == project.name and rows[1][7] == 1200 and rows[1][8] == 2000 and rows[1][9] == 10000
    assert rows[-1][1] == "合计" and rows[-1][8] == 2000


def test_the_project_tab_lists_the_reports(cast, october, rf):
    from tuijin.reporting.views import project_tab

    project, _, report = october
    request = rf.get("/")
    request.user = cast.owner
    html = project_tab(request, project)
    assert f"/reporting/reports/{report.pk}/" in html
    request.user = cast.leader
    assert "2026-10" in project_tab(request, project)


def _many(cast, make_project, n):
    from tuijin.reporting.models import ReportingPeriod

    period = ReportingPeriod.objects.get(year=2026, month=10)
    for i in range(n):
        p = make_project(town=cast.town if i % 2 else cast.other_town)
        in_plan(p, 2026, "1200")
        filed(p, 2025, 10, "90")
        filed(p, 2026, 9, "100")
        MonthlyReport.objects.create(project=p, year=2026, month=10, period=period, amount=D("5"),
                                     status=ReportStatus.SUBMITTED if i % 3 else ReportStatus.VERIFIED)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_overview_and_drill_down_queries_do_not_grow_with_projects(cast, make_project, october, django_assert_max_num_queries):
    client = cast.client("office")
    urls = ["/reporting/overview/?period=2026-10", f"/reporting/overview/town/{cast.town.pk}/?period=2026-10",
            "/reporting/trends/?period=2026-10", "/reporting/export/?period=2026-10",
            "/reporting/overview/forecast/?period=2026-10"]
    _many(cast, make_project, 4)
    client.get(urls[0])  # warm the session
    before = [_queries(client, url) for url in urls]
    _many(cast, make_project, 8)
    after = [_queries(client, url) for url in urls]
    assert before == after
    with django_assert_max_num_queries(30):
        client.get(urls[0])


@pytest.mark.parametrize("who", ["office", "town", "owner"])
def test_inbox_queries_do_not_grow_with_reports(cast, make_project, october, who, django_assert_max_num_queries):
    client = cast.client(who)
    _many(cast, make_project, 3)
    client.get("/reporting/")
    before = _queries(client, "/reporting/")
    _many(cast, make_project, 9)
    assert _queries(client, "/reporting/") == before
    with django_assert_max_num_queries(16):
        client.get("/reporting/")


def test_notifications_are_listed_and_marked_read(cast, october):
    _, _, report = october
    services.report_save(report=report, by=cast.owner, amount=D("10"), progress="x")
    services.report_return(report=report, by=cast.town_officer, reason="请补充照片")
    client = cast.client("owner")
    assert "请补充照片" in client.get("/reporting/").content.decode()
    notice = cast.owner.reporting_notifications.get()
    assert client.post(f"/reporting/notifications/{notice.pk}/read/", {"go": "1"})["Location"] == (
        f"/reporting/reports/{report.pk}/"
    )
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert cast.client("town").post(f"/reporting/notifications/{notice.pk}/read/").status_code == 404


def test_the_overview_loads_its_forecast_panel_after_the_figures(cast, october):
    html = cast.client("office").get("/reporting/overview/?period=2026-10").content.decode()
    assert 'hx-get="/reporting/overview/forecast/?period=2026-10"' in html
    assert "vendor/echarts/dist/echarts.min.js" in html
    panel = cast.client("leader").get("/reporting/overview/forecast/?period=2026-10").content.decode()
    assert 'id="chart-county"' in panel and "chart-data" in panel


def test_the_overview_shows_a_page_of_units_and_the_worst_first_at_province_scale(cast, make_project, october, monkeypatch):
    """Thousands of towns: the units table is paged and the side tables list the units needing
    attention first, so the page costs the same at any size (shown with pages of one unit)."""
    from tuijin.reporting import views

    monkeypatch.setattr(views, "UNITS_PAGE", 1)
    monkeypatch.setattr(views, "SIDE_ROWS", 1)
    _many(cast, make_project, 2)  # a project in each of the two towns
    client = cast.client("office")
    first = client.get("/reporting/overview/?period=2026-10").content.decode()
    second = client.get("/reporting/overview/?period=2026-10&page=2").content.decode()
    link = f'href="/reporting/overview/town/{cast.town.pk}/?period=2026-10"'
    other_link = f'href="/reporting/overview/town/{cast.other_town.pk}/?period=2026-10"'
    assert (link in first) != (link in second) and (other_link in first) != (other_link in second)
    assert 'class="pagination"' in first and "?period=2026-10&amp;page=2" in first
    # the county total stays the whole county's on every page
    assert first.count("全市合计") == 1 and second.count("全市合计") == 1
    assert "另有 1 个单位未列出" in first
    panel = client.get("/reporting/overview/forecast/?period=2026-10").content.decode()
    assert "另有 1 个单位未列出" in panel
