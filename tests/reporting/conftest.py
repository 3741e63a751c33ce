from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine

from tuijin.reporting import services

from .factories import in_plan


@pytest.fixture(autouse=True)
def english():
    """Services' messages are asserted in their English msgids; pages are checked in Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def on_time():
    """3 November 2026, inside the filing window of October."""
    with time_machine.travel("2026-11-03 10:00 +0800", tick=False):
        yield


@pytest.fixture
def october(cast, make_project, on_time):
    """A project of 匡堰镇 in the 2026 plan (12,000万 planned, 1,000 a month, 8,000 done before
    2026, 50,000 total), with October 2026 open for reporting."""
    project = make_project(total_investment=Decimal("50000"))
    in_plan(project, 2026, "12000", dict.fromkeys(range(1, 13), "1000"), opening="8000")
    period = services.period_open(year=2026, month=10, by=cast.office)
    report = period.reports.get(project=project)
    return project, period, report


def jpeg_bytes(*, exif_time: str | None = None, gps: tuple[float, float] | None = None, size=(64, 48)) -> bytes:
    from tuijin.reporting.demo import site_photo

    if exif_time is None and gps is None:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", size, (120, 140, 160)).save(out, "JPEG")
        return out.getvalue()
    import datetime as dt

    taken = dt.datetime.strptime(exif_time, "%Y-%m-%d %H:%M") if exif_time else None
    return site_photo((100, 150, 200), (120, 100, 80), taken=taken, lat=gps[0] if gps else None,
                      lon=gps[1] if gps else None, size=size)
