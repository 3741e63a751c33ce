"""An owner files October's monthly report with a site photo and sees it filed."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from tests.reporting.conftest import jpeg_bytes
from tests.reporting.factories import in_plan
from tuijin.reporting import services
from tuijin.reporting.models import MonthlyReport, ReportStatus

from .conftest import JOURNEY

pytestmark = JOURNEY


@pytest.fixture
def october(cast, make_project):
    """3 November 2026, inside October's filing window; one project of 匡堰镇 in the 2026 plan
    (1,000 万元 a month) with its October report waiting for the owner."""
    with time_machine.travel("2026-11-03 10:00 +0800"):
        project = make_project(name="匡堰智能家电产业园项目", total_investment=Decimal("50000"))
        in_plan(project, 2026, "12000", dict.fromkeys(range(1, 13), "1000"), opening="8000")
        period = services.period_open(year=2026, month=10, by=cast.office)
        yield project, period.reports.get(project=project)


def test_an_owner_files_the_month_with_a_site_photo(browsing, october, tmp_path):
    project, report = october
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg_bytes(exif_time="2026-10-28 09:15", gps=(30.17, 121.26), size=(320, 240)))

    page = browsing.sign_in("owner")
    browsing.menu(page, "月度填报")
    expect(page.get_by_role("heading", name="月度填报", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("2026-10")
    waiting = page.locator(".card", has=page.get_by_role("heading", name="待填报"))
    row = waiting.get_by_role("row", name=project.name)
    expect(row).to_contain_text("匡堰")
    row.get_by_role("link", name="填报", exact=True).click()

    expect(page.get_by_role("heading", name=project.name, level=1)).to_be_visible()
    page.get_by_label("本月完成投资（万元）").fill("0.12亿")
    page.get_by_label("本月形象进度").fill("主体结构施工至6层，钢结构厂房吊装完成。")
    page.get_by_label("已入统").check()
    page.get_by_label("现场照片").set_input_files(photo)
    page.get_by_role("button", name="报送", exact=True).click()

    expect(page.locator(".msg-success")).to_contain_text("已报送，下一步由")
    facts = page.locator(".form-card")
    expect(facts).to_contain_text("2026-11-03")  # filed on the day, within the window
    expect(facts).to_contain_text("1,200")
    expect(facts).to_contain_text("主体结构施工至6层")
    photos = page.locator(".card", has=page.get_by_role("heading", name="现场照片"))
    expect(photos.locator("figure")).to_have_count(1)
    expect(photos.locator("figcaption")).to_contain_text("2026-10-28 09:15")  # the capture time, read from the photo
    expect(photos.locator("figcaption")).to_contain_text("30.17000")
    page.wait_for_load_state("networkidle")
    if settings.DEBUG or not settings.DATABASE_URL_SET:  # uploads are served by the app itself (else by nginx)
        assert photos.locator("img").evaluate("img => img.naturalWidth") == 320
    browsing.shot(page, "owner-report-filed")

    browsing.menu(page, "月度填报")  # nothing is left to fill
    expect(waiting).to_contain_text("暂无待办")
    expect(waiting.get_by_role("row", name=project.name)).to_have_count(0)
    browsing.shot(page, "owner-inbox-after")

    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.status == ReportStatus.SUBMITTED
    assert report.amount == Decimal("1200.0000")
    assert report.is_registered and report.progress.startswith("主体结构施工至6层")
    assert report.submitted_by.username == "owner" and not report.is_late
    stored = report.photos.get()
    assert stored.taken_at is not None and stored.width == 320 and stored.height == 240
    assert round(float(stored.latitude), 2) == 30.17
