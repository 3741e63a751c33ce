"""Every validation of a monthly figure, with the message that says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuijin.lib.errors import ServiceError
from tuijin.reporting import services
from tuijin.reporting.models import ReportStatus

from .conftest import jpeg_bytes
from .factories import filed

D = Decimal


def save(report, by, amount, **kw):
    kw.setdefault("progress", "基础施工")
    return services.report_save(report=report, by=by, amount=D(amount), **kw)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_it_refuses_a_negative_amount(cast, october):
    _, _, report = october
    with pytest.raises(ServiceError) as exc:
        save(report, cast.owner, "-5")
    assert "cannot be negative" in messages(exc)
    assert exc.value.error_dict.keys() == {"amount"}


def test_it_refuses_cumulative_investment_above_the_total(cast, october):
    project, _, report = october
    filed(project, 2026, 9, "40000")  # 8,000 opening + 40,000 + 2,500 > 50,000
    with pytest.raises(ServiceError) as exc:
        save(report, cast.owner, "2500", explanation="设备集中到货")
    assert "above the total investment of 50,000.00" in messages(exc)


def test_it_refuses_year_to_date_far_above_the_plan_without_an_explanation_and_flags_it_with_one(cast, october):
    project, _, report = october
    filed(project, 2026, 9, "17000")  # 12,000 planned × 1.5 = 18,000
    with pytest.raises(ServiceError) as exc:
        save(report, cast.owner, "1500")
    assert "more than 1.5× the annual plan" in messages(exc)
    assert "Explain why" in messages(exc)
    report = save(report, cast.owner, "1500", explanation="年中计划调增，已报批")
    assert report.status == ReportStatus.SUBMITTED
    assert any("Explained by the filer" in f for f in report.flags)


def test_it_flags_a_month_above_half_the_annual_plan(cast, october):
    _, _, report = october
    report = save(report, cast.owner, "6500")
    assert report.status == ReportStatus.SUBMITTED
    assert report.flags == ["This month alone is 6,500.00万元, over half of the annual plan (12,000.00万元)."]


def test_it_refuses_the_same_month_twice(cast, october):
    _, _, report = october
    save(report, cast.owner, "100")
    with pytest.raises(ServiceError) as exc:
        save(report, cast.town_officer, "200")
    assert "has already reported 2026-10" in messages(exc)


def test_it_refuses_a_report_for_a_project_not_in_the_annual_plan(cast, make_project, october):
    outsider = make_project()
    with pytest.raises(ServiceError, match="not in the 2026 annual plan"):
        services.report_for(project=outsider, year=2026, month=10)


def test_it_refuses_filing_without_the_physical_progress(cast, october):
    _, _, report = october
    with pytest.raises(ServiceError) as exc:
        services.report_save(report=report, by=cast.owner, amount=D("10"), progress="")
    assert exc.value.error_dict.keys() == {"progress"}
    # a draft may leave it empty
    draft = services.report_save(report=report, by=cast.owner, amount=D("10"), progress="", submit=False)
    assert draft.status == ReportStatus.DRAFT


def test_a_photo_with_exif_keeps_its_time_and_place(cast, october):
    _, _, report = october
    upload = SimpleUploadedFile("site.jpg", jpeg_bytes(exif_time="2026-10-20 10:30", gps=(30.1703, 121.2654)))
    photo = services.photo_add(report=report, by=cast.owner, upload=upload)
    assert photo.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-10-20 10:30"
    assert (round(photo.latitude, 4), round(photo.longitude, 4)) == (D("30.1703"), D("121.2654"))
    assert photo.image.storage.exists(photo.image.name)
    assert (photo.width, photo.height) == (64, 48)


def test_it_refuses_a_file_that_is_not_an_image(cast, october):
    _, _, report = october
    upload = SimpleUploadedFile("site.jpg", b"%PDF-1.4 not a photo at all")
    with pytest.raises(ServiceError, match="is not a photo"):
        services.photo_add(report=report, by=cast.owner, upload=upload)


def test_it_refuses_a_photo_above_the_size_limit(cast, october, monkeypatch):
    _, _, report = october
    monkeypatch.setattr(services, "MAX_PHOTO_BYTES", 100)
    upload = SimpleUploadedFile("big.jpg", jpeg_bytes())
    with pytest.raises(ServiceError, match="at most"):
        services.photo_add(report=report, by=cast.owner, upload=upload)
