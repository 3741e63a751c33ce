"""The towns' board on a laptop screen: a scheme of nine indicators shows every column, the red
and black lists included, without scrolling sideways, at 1280 pixels as at 1366."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect

from tests.race.conftest import world  # noqa: F401  (the towns' race: a hand-computable county)
from tuijin.race.demo import TOWN_V2
from tuijin.race.periods import Period
from tuijin.race.services import scheme_version_create, snapshot_compute

from .conftest import JOURNEY

pytestmark = JOURNEY

#: The narrowest screen the office works on (the board must also fit the usual 1366).
LAPTOP = {"width": 1280, "height": 800}


def test_a_nine_indicator_board_fits_a_1280_pixel_screen(browsing, cast, world):  # noqa: F811
    scheme = world["scheme"]
    scheme_version_create(scheme=scheme, by=cast.office, effective_from=dt.date(2026, 7, 1), indicators=TOWN_V2,
                          red_top_n=1, black_bottom_n=1)
    snapshot_compute(scheme=scheme, period=Period.parse("2026-Q3"), by=cast.office)
    office = browsing.sign_in("office")
    office.set_viewport_size(LAPTOP)
    office.goto(browsing.url(reverse("race:scheme_board", args=[scheme.code])) + "?period=2026-Q3")
    board = office.locator("table.board")
    expect(board.locator("thead th")).to_have_count(3 + len(TOWN_V2) + 2)
    expect(board.locator("tbody tr")).to_have_count(2)
    # Nothing to scroll sideways, and the lists' column lies inside the window.
    assert office.locator(".table-wrap").evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    for badge in (board.locator(".badge-red"), board.locator(".badge-black")):
        box = badge.bounding_box()
        assert box is not None and box["x"] + box["width"] <= LAPTOP["width"]
    browsing.shot(office, "race-board-1366")
