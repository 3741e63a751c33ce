"""Computing, freezing and explaining a race on the hand-computed world of conftest.py."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from tuijin.lib.errors import PermissionDenied
from tuijin.race import services
from tuijin.race.choices import SnapshotStatus
from tuijin.race.indicators import REGISTRY, load_catalogue
from tuijin.race.indicators.catalogue import PlanCompletion
from tuijin.race.models import SnapshotRow
from tuijin.race.periods import Period
from tuijin.race.selectors import explanation_total, snapshot_diff
from tuijin.race.services import race_compute, scheme_version_create, snapshot_compute, snapshot_publish
from tuijin.reporting.models import MonthlyReport

Q3 = Period.parse("2026-Q3")


def by_unit(rows):
    return {r.unit.short_name: r for r in rows}


def score_of(row, code):
    return next(D(s["score"]) for s in row.scores if s["code"] == code)


def test_it_scores_every_indicator_as_computed_by_hand(world):
    rows = by_unit(race_compute(scheme=world["scheme"], period=Q3).rows)
    kuangyan, longshan = rows["匡堰"], rows["龙山"]
    # plan: 450 of 1,200 = 37.5% against a schedule of 900 = 75% → half of 20 points
    assert score_of(kuangyan, "plan_completion") == D("10.00")
    assert score_of(longshan, "plan_completion") == D("20.00")
    # growth: (450 − 540) / 540 = −16.67%, the only unit with a base → first place
    growth = next(s for s in kuangyan.scores if s["code"] == "investment_growth")
    assert growth["value"] == "-16.67" and growth["score"] == "10.00"
    # 龙山 has no investment a year earlier: growth cannot be computed, 0 points
    assert score_of(longshan, "investment_growth") == D("0.00")
    figure = next(s["figure"] for s in longshan.scores if s["code"] == "investment_growth")
    assert "上年同期无投资" in figure or "last year" in figure
    # overdue starts: A2 was planned for May and has not started → 10 − 3 = 7
    assert score_of(kuangyan, "overdue_starts") == D("7.00")
    assert score_of(longshan, "overdue_starts") == D("10.00")
    assert (kuangyan.total, longshan.total) == (D("27.00"), D("30.00"))
    assert (longshan.rank, kuangyan.rank) == (1, 2)
    assert (longshan.flag, kuangyan.flag) == ("red", "black")


def test_the_explanation_names_the_figures_and_projects_and_sums_to_the_total(world, cast):
    snapshot = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    for row in snapshot.rows.all():
        assert explanation_total(row) == row.total
    row = snapshot.rows.get(unit=cast.town)
    plan = next(s for s in row.scores if s["code"] == "plan_completion")
    assert "匡堰" in plan["explanation"]
    assert "37.5%" in plan["explanation"] and "75.0%" in plan["explanation"]
    assert "匡堰甲项目" in plan["explanation"]  # the project furthest behind
    assert plan["projects"][0]["id"] == world["a1"].pk
    overdue = next(s for s in row.scores if s["code"] == "overdue_starts")
    assert "匡堰新开工项目" in overdue["explanation"]


def test_a_published_snapshot_stays_as_published_while_a_new_revision_shows_the_correction(world, cast):
    first = snapshot_publish(snapshot=snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office), by=cast.office)
    frozen = list(first.rows.order_by("unit_id").values("unit_id", "total", "rank", "scores"))
    # a town corrects September: 50 → 500 万元
    report = MonthlyReport.objects.get(project=world["a1"], year=2026, month=9)
    report.amount = D("500")
    report.save()  # as a correction does: the project-year totals follow
    second = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office, note="更正")
    first.refresh_from_db()
    assert second.pk != first.pk and second.revision == 2 and second.status == SnapshotStatus.DRAFT
    assert list(first.rows.order_by("unit_id").values("unit_id", "total", "rank", "scores")) == frozen
    assert first.status == SnapshotStatus.PUBLISHED
    new = by_unit(second.rows.select_related("unit"))
    assert new["匡堰"].total == D("37.00") and new["匡堰"].rank == 1  # 900 of 1,200 = schedule → 20, +66.67% growth
    changes = {c["unit"].short_name: c for c in snapshot_diff(first, second)}
    assert changes["匡堰"]["old_total"] == D("27.00") and changes["匡堰"]["new_total"] == D("37.00")
    assert (changes["龙山"]["old_rank"], changes["龙山"]["new_rank"]) == (1, 2)
    # publishing the revision supersedes, never rewrites, the first
    snapshot_publish(snapshot=second, by=cast.office)
    first.refresh_from_db()
    assert first.status == SnapshotStatus.SUPERSEDED
    assert list(first.rows.order_by("unit_id").values("unit_id", "total", "rank", "scores")) == frozen


def test_recomputing_a_draft_replaces_it_in_place(world, cast):
    draft = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    again = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    assert again.pk == draft.pk and again.revision == 1
    assert SnapshotRow.objects.filter(snapshot=draft).count() == 2


def test_rank_change_compares_with_the_last_published_period(world, cast):
    q2 = snapshot_publish(snapshot=snapshot_compute(scheme=world["scheme"], period=Period.parse("2026-Q2"), by=cast.office),
                          by=cast.office)
    q2_rank = q2.rows.get(unit=cast.town).rank
    q3 = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    row = q3.rows.get(unit=cast.town)
    assert row.previous_rank == q2_rank
    assert row.rank_change == q2_rank - row.rank


def test_a_period_is_scored_with_the_version_in_force_at_its_end(world, cast):
    scheme_version_create(scheme=world["scheme"], by=cast.office, effective_from=dt.date(2026, 7, 1),
                          indicators=[{"code": "plan_completion", "weight": 50, "method": "target", "params": {"target": "unit"}}])
    q2 = race_compute(scheme=world["scheme"], period=Period.parse("2026-Q2"))
    q3 = race_compute(scheme=world["scheme"], period=Q3)
    assert q2.version.number == 1 and len(q2.rows[0].scores) == 3
    assert q3.version.number == 2 and [s["code"] for s in q3.rows[0].scores] == ["plan_completion"]
    assert by_unit(q3.rows)["匡堰"].total == D("25.00")


def test_what_if_reweights_without_storing_anything(world):
    result = race_compute(scheme=world["scheme"], period=Q3, weights={"plan_completion": D(0), "investment_growth": D(40)})
    assert by_unit(result.rows)["匡堰"].total == D("47.00")
    assert not world["scheme"].snapshots.exists()


def test_an_indicator_whose_source_has_not_landed_is_skipped_and_said_so(world, cast, monkeypatch):
    from tuijin.race.indicators import REGISTRY

    monkeypatch.setattr(REGISTRY["investment_growth"], "requires", "tuijin.nowhere.selectors:missing")
    snapshot = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    assert snapshot.skipped == ["Investment growth"] or snapshot.skipped == ["投资增速"]
    assert snapshot.rows.get(unit=cast.town).total == D("17.00")


def test_a_unit_without_a_plan_gets_zero_plan_points_not_an_error(world, cast):
    world["scheme"].units.add(cast.units["新浦"])
    rows = by_unit(race_compute(scheme=world["scheme"], period=Q3).rows)
    assert score_of(rows["新浦"], "plan_completion") == D("0.00")


@pytest.mark.parametrize("who", ["town", "department", "leader"])
def test_only_the_office_computes_and_publishes(world, cast, who):
    with pytest.raises(PermissionDenied):
        snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.members[who])
    snapshot = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    with pytest.raises(PermissionDenied):
        snapshot_publish(snapshot=snapshot, by=cast.members[who])


def test_the_command_computes_and_publishes(world, cast, capsys):
    call_command("race", scheme="towns", period="2026-Q3", publish=True)
    out = capsys.readouterr().out
    assert "龙山" in out and "30.00" in out
    assert world["scheme"].snapshots.get().status == SnapshotStatus.PUBLISHED


def test_funds_and_attraction_count_only_what_falls_in_the_window(world, cast):
    from tuijin.breakthroughs.models import FundSource, Lead
    from tuijin.race.indicators import REGISTRY, RaceContext

    FundSource.objects.create(project=world["a1"], kind="special_bond", year=2026, applied=D(900), approved=D(800),
                              approved_on=dt.date(2026, 8, 1))
    FundSource.objects.create(project=world["a1"], kind="self_raised", year=2026, applied=D(500), approved=D(500),
                              approved_on=dt.date(2026, 8, 1))  # own money is not "secured"
    FundSource.objects.create(project=world["b1"], kind="central_budget", year=2026, applied=D(300), approved=D(300),
                              approved_on=dt.date(2026, 6, 30))  # before the quarter
    Lead.objects.create(name="签约项目", investor="某集团", source="business", intended_amount=D(20000), responsible_unit=cast.town,
                        town=cast.town, stage="started", stage_since=dt.date(2026, 9, 1), first_contact_on=dt.date(2026, 1, 5),
                        signed_on=dt.date(2026, 7, 15), started_on=dt.date(2026, 9, 1))
    ctx = RaceContext(Q3, "towns", [cast.town.pk, cast.other_town.pk], "quarter")
    funds = REGISTRY["funds_secured"].compute(ctx)
    assert (funds[cast.town.pk].value, funds[cast.other_town.pk].value) == (D("800.00"), D("0.00"))
    leads = REGISTRY["attraction_landed"].compute(ctx)
    assert leads[cast.town.pk].value == 2 and leads[cast.other_town.pk].value == 0  # signed and started in Q3
    assert leads[cast.town.pk].projects[0]["name"] == "签约项目"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: worker threads share the caller's snapshot")
@pytest.mark.django_db(transaction=True)
def test_indicators_computed_on_worker_threads_score_as_computed_in_one(world, cast, monkeypatch):
    """Outside a test's transaction the indicators run on worker threads (tuijin.lib.snapshots);
    every indicator of the catalogue gives the same scores and explanations as when all run in
    the caller's thread, and the stored snapshot holds them."""
    load_catalogue()
    scheme_version_create(scheme=world["scheme"], by=cast.office, effective_from=dt.date(2026, 7, 1),
                          indicators=[{"code": code, "weight": 10} for code in sorted(REGISTRY)])
    threads = set()
    compute = PlanCompletion.compute

    def spied(self, ctx):
        threads.add(threading.current_thread().name)
        return compute(self, ctx)

    monkeypatch.setattr(PlanCompletion, "compute", spied)
    on_workers = race_compute(scheme=world["scheme"], period=Q3)
    assert threads and threading.current_thread().name not in threads
    monkeypatch.setattr(services, "RACE_THREADS", 1)
    threads.clear()
    in_one = race_compute(scheme=world["scheme"], period=Q3)
    assert threads == {threading.current_thread().name}

    def table(result):
        return [(r.unit.short_name, r.total, r.rank, r.flag, r.scores) for r in result.rows]

    assert table(on_workers) == table(in_one)
    assert len(on_workers.rows[0].scores) == len(REGISTRY) - len(on_workers.skipped)
    assert score_of(by_unit(on_workers.rows)["匡堰"], "plan_completion") == D("5.00")  # 37.5% of a 75% schedule
    # Computing and storing a snapshot (its own transaction, not yet written to) runs on workers too.
    monkeypatch.setattr(services, "RACE_THREADS", 3)
    threads.clear()
    snapshot = snapshot_compute(scheme=world["scheme"], period=Q3, by=cast.office)
    assert threads and threading.current_thread().name not in threads
    assert [(r.unit.short_name, r.total, r.scores) for r in snapshot.rows.order_by("rank", "unit__name")] == [
        (r.unit.short_name, r.total, r.scores) for r in in_one.rows]


def test_problems_closed_on_time_counts_the_problems_escalated_on_deadline_too(world, cast):
    """The rate the problem statistics show: closed on time ÷ (closed + escalated because the
    deadline passed). 匡堰 closed one of three on time and let two slide up: 1 ÷ 3 = 33.33%;
    龙山 handled none: no data. A unit that closed one and let two slide is not at 100%."""
    from tuijin.consultation.choices import ProblemCategory, Urgency
    from tuijin.consultation.services.problems import (
        problem_close,
        problem_raise,
        problem_reply,
        problems_escalate_overdue,
    )

    start = dt.datetime(2026, 8, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(start, tick=False):
        problems = [
            problem_raise(project=world["a1"], by=cast.town_officer, title=title, category=ProblemCategory.LAND,
                          description="用地指标不足", urgency=Urgency.NORMAL)
            for title in ("快", "慢", "拖")
        ]
        problem_reply(problem=problems[0], by=cast.town_officer, text="已解决")
        problem_close(problem=problems[0], by=cast.town_officer)
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        problems_escalate_overdue()  # 慢 and 拖 leave the town on deadline
    scheme_version_create(
        scheme=world["scheme"], by=cast.office, effective_from=dt.date(2026, 7, 1),
        indicators=[{"code": "problems_closed_on_time", "weight": 10, "method": "target", "params": {"target": 100}}],
    )
    rows = by_unit(race_compute(scheme=world["scheme"], period=Q3).rows)
    problem = rows["匡堰"].scores[0]
    assert (problem["value"], problem["score"]) == ("33.33", "3.33")
    assert "1 of 3" in problem["figure"] or "应办结3个，按期办结1个" in problem["figure"]
    assert rows["龙山"].scores[0]["value"] is None and rows["龙山"].scores[0]["score"] == "0.00"
