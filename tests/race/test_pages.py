"""The race pages for the whole cast."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tuijin.race.choices import SnapshotStatus
from tuijin.race.periods import Period
from tuijin.race.services import snapshot_compute, snapshot_publish

Q3 = Period.parse("2026-Q3")


@pytest.fixture
def published(world, cast):
    return snapshot_publish(snapshot=snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office), by=cast.office)


@pytest.mark.parametrize("who,status", [("office", 200), ("leader", 200), ("town", 200), ("other_town", 200),
                                        ("department", 200), ("owner", 403), ("anonymous", 302)])
def test_the_board_is_open_to_towns_departments_leaders_and_the_office(cast, published, who, status):
    response = cast.client(who).get("/race/towns/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "龙山" in page and "30.00" in page and "27.00" in page


def test_the_board_shows_rank_arrows_and_the_red_and_black_lists(cast, published, world):
    snapshot_publish(snapshot=snapshot_compute(scheme=world["scheme"], period=Period.parse("2026-Q4"), by=cast.office),
                     by=cast.office)
    page = cast.client("town").get("/race/towns/?period=2026-Q3").content.decode()
    assert 'class="badge badge-red"' in page and 'class="badge badge-black"' in page


def test_towns_do_not_see_drafts_and_cannot_publish(cast, world):
    draft = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    assert "30.00" not in cast.client("town").get("/race/towns/").content.decode()
    assert cast.client("town").post(f"/race/snapshot/{draft.pk}/publish/").status_code == 403
    assert cast.client("leader").post("/race/towns/compute/", {"period": "2026-Q3"}).status_code == 403
    office = cast.client("office")
    assert "30.00" in office.get("/race/towns/").content.decode()
    assert office.post(f"/race/snapshot/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == SnapshotStatus.PUBLISHED


def test_the_compute_button_makes_a_draft_and_refuses_a_bad_period(cast, world):
    office = cast.client("office")
    response = office.post("/race/towns/compute/", {"period": "2026-Q3"}, follow=True)
    assert "2026-Q3" in response.content.decode()
    assert world["scheme"].snapshots.get().status == SnapshotStatus.DRAFT
    response = office.post("/race/towns/compute/", {"period": "2026-Q7"}, follow=True)
    assert "is not a period" in response.content.decode() or "不是" in response.content.decode()


def test_the_board_query_count_does_not_grow_with_units(cast, published, django_assert_max_num_queries):
    client = cast.client("office")
    with django_assert_max_num_queries(14):
        assert client.get("/race/towns/").status_code == 200


def test_a_scorecard_explains_every_score_and_links_the_projects(cast, published, world):
    page = cast.client("other_town").get(f"/race/towns/unit/{cast.town.pk}/?period=2026-Q3").content.decode()
    assert "27.00" in page and "37.5%" in page
    assert f'/projects/{world["a1"].pk}/' in page
    assert "trend-data" in page


def test_side_by_side_and_what_if(cast, published):
    page = cast.client("town").get(f"/race/towns/compare/?a={cast.town.pk}&b={cast.other_town.pk}").content.decode()
    assert "匡堰" in page and "龙山" in page
    assert cast.client("town").get("/race/towns/what-if/").status_code == 403
    page = cast.client("leader").get("/race/towns/what-if/?period=2026-Q3&apply=1&plan_completion=0&investment_growth=40&overdue_starts=10")
    assert page.status_code == 200 and "47.00" in page.content.decode()


def test_the_revision_difference_page_shows_old_and_new_totals(cast, published, world):
    from decimal import Decimal

    from tuijin.reporting.models import MonthlyReport

    report = MonthlyReport.objects.get(project=world["a1"], year=2026, month=9)
    report.amount = Decimal("500")
    report.save()  # as a correction does: the project-year totals follow
    second = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    page = cast.client("office").get(f"/race/snapshot/{second.pk}/diff/").content.decode()
    assert "27.00" in page and "37.00" in page


def test_the_excel_export_has_the_ranking_and_the_explanations(cast, published):
    response = cast.client("department").get("/race/towns/export.xlsx?period=2026-Q3")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    ranking = book.worksheets[0]
    rows = list(ranking.iter_rows(min_row=3, values_only=True))
    assert rows[0][2] == "慈溪市龙山镇" or "龙山" in rows[0][2]
    assert rows[0][-2] == 30.0 and rows[1][-2] == 27.0
    explanations = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert any("匡堰甲项目" in (r[3] or "") for r in explanations)


def test_the_meeting_room_screen_uses_the_screen_mode(cast, published):
    page = cast.client("leader").get("/race/towns/screen/").content.decode()
    assert 'class="screen"' in page and "龙山" in page
