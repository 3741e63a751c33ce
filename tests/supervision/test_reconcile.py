"""How the scan reconciles lights: which open, stay, change colour or clear, with which
reasons, figures and days. The reconciliation reads the open lights as rows and writes only
what differs; the reference below is the staging-table reconciliation it replaced, and the
two must leave the same rows behind."""
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from tuijin.projects.choices import NodeStatus
from tuijin.projects.models import Node
from tuijin.supervision.choices import Colour
from tuijin.supervision.models import Light, ScanRun
from tuijin.supervision.rules import Finding
from tuijin.supervision.services import scan
from tuijin.supervision.services.scan import scan_run

TWO = "two_yellows"


# ------------------------------------------------------------------ the reference


def reference_apply(findings: dict[tuple[int, str], Finding], today: dt.date, *, skip_rules: set[str]) -> tuple[int, int, int]:
    """The former reconciliation: findings in a staging table, three set-based statements."""
    light, staging = Light._meta.db_table, "supervision_reference_findings"
    json_cast = "CAST(f.facts AS jsonb)" if connection.vendor == "postgresql" else "f.facts"
    skip = sorted(skip_rules) or [""]
    marks = ", ".join(["%s"] * len(skip))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (project_id bigint, rule varchar(40), colour varchar(8), reason text, "
                       "facts text, town_id bigint, department_id bigint)")
        rows = [(f.project_id, rule, f.colour, f.reason, json.dumps(f.facts, ensure_ascii=False), f.town_id, f.department_id)
                for (_pid, rule), f in findings.items()]
        for i in range(0, len(rows), 100):
            batch = rows[i:i + 100]
            cursor.execute(f"INSERT INTO {staging} VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch)),
                           [v for row in batch for v in row])
        same = (f"EXISTS (SELECT 1 FROM {staging} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule "
                f"AND f.colour = {light}.colour)")
        any_colour = f"EXISTS (SELECT 1 FROM {staging} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule)"
        cursor.execute(f"SELECT COUNT(*) FROM {light} WHERE cleared_on IS NULL AND rule NOT IN ({marks}) AND {any_colour} "
                       f"AND NOT {same}", skip)
        changed = cursor.fetchone()[0]
        cursor.execute(
            f"UPDATE {light} SET cleared_on = %s, cleared_reason = CASE WHEN {any_colour} THEN "
            f"(CASE WHEN {light}.colour = %s THEN %s ELSE %s END) ELSE %s END "
            f"WHERE cleared_on IS NULL AND rule NOT IN ({marks}) AND NOT {same}",
            [today, Colour.YELLOW, _("turned red"), _("turned yellow"), _("cause cleared"), *skip])
        closed = cursor.rowcount
        cursor.execute(
            f"UPDATE {light} SET last_seen = %s, "
            f"reason = (SELECT f.reason FROM {staging} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule), "
            f"facts = (SELECT {json_cast} FROM {staging} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule) "
            f"WHERE cleared_on IS NULL AND rule NOT IN ({marks})", [today, *skip])
        cursor.execute(
            f"INSERT INTO {light} (project_id, town_id, department_id, rule, colour, reason, facts, first_seen, last_seen, "
            "cleared_reason) "
            f"SELECT f.project_id, f.town_id, f.department_id, f.rule, f.colour, f.reason, {json_cast}, %s, %s, '' "
            f"FROM {staging} f WHERE NOT EXISTS (SELECT 1 FROM {light} l WHERE l.project_id = f.project_id "
            "AND l.rule = f.rule AND l.cleared_on IS NULL)", [today, today])
        opened = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
    return opened - changed, changed, closed - changed


def reference_two_yellows(findings: dict[tuple[int, str], Finding], today: dt.date) -> tuple[int, int, int]:
    """The former two-yellows reconciliation: model instances, bulk_create and bulk_update."""
    existing = {(lt.project_id, lt.rule): lt for lt in Light.objects.filter(cleared_on__isnull=True, rule=TWO)}
    create, close, update = [], [], []
    for key, finding in findings.items():
        light = existing.pop(key, None)
        if light is None:
            create.append(Light(project_id=finding.project_id, town_id=finding.town_id, department_id=finding.department_id,
                                rule=TWO, colour=finding.colour, reason=finding.reason, facts=finding.facts,
                                first_seen=today, last_seen=today))
        else:
            light.reason, light.facts, light.last_seen = finding.reason, finding.facts, today
            update.append(light)
    for light in existing.values():
        light.cleared_on, light.cleared_reason = today, _("cause cleared")
        close.append(light)
    Light.objects.bulk_create(create)
    Light.objects.bulk_update(update, ["reason", "facts", "last_seen"])
    Light.objects.bulk_update(close, ["cleared_on", "cleared_reason"])
    return len(create), 0, len(close)


# ------------------------------------------------------------------ helpers


def snapshot() -> list[tuple]:
    """Every light as it would be read back, without its id (sequences differ between runs)."""
    return sorted(
        (pid, rule, colour, reason, json.dumps(facts, sort_keys=True, ensure_ascii=False), first, last, cleared, why, town, dept)
        for pid, rule, colour, reason, facts, first, last, cleared, why, town, dept in Light.objects.values_list(
            "project_id", "rule", "colour", "reason", "facts", "first_seen", "last_seen", "cleared_on", "cleared_reason",
            "town_id", "department_id"))


class Undo(Exception):
    pass


def outcome(fn) -> tuple[object, list[tuple]]:
    """What ``fn`` returns and the lights it leaves, then undone."""
    try:
        with transaction.atomic():
            result = fn()
            rows = snapshot()
            raise Undo
    except Undo:
        pass
    return result, rows


FACTS = [
    {"months_missing": 1, "last_month": 9},
    {"months_missing": 2, "last_month": 9},
    {"nodes": [["环评", 12], ["开工", 3]], "worst_days": 12},
    {"nodes": [["环评", 13], ["开工", 4]], "worst_days": 13},
    {"gap": "31.5", "month": 9, "schedule": "75.0", "completion": "43.5"},
    {},
]


def random_findings(rng: random.Random, projects: list, rules: list[str]) -> dict[tuple[int, str], Finding]:
    findings = {}
    for project in projects:
        for rule in rules:
            if rng.random() < 0.7:
                findings[(project.pk, rule)] = Finding(
                    project.pk, rng.choice([Colour.YELLOW, Colour.RED]), rng.choice(["原因甲", "原因乙：超期3天", "原因丙"]),
                    rng.choice(FACTS), project.town_id, rng.choice([project.department_id, None]))
    return findings


def two_yellow_findings(rng: random.Random, projects: list) -> dict[tuple[int, str], Finding]:
    return {(p.pk, TWO): Finding(p.pk, Colour.RED, rng.choice(["自2026-09-30亮黄灯", "自2026-10-31亮黄灯"]),
                                 {"yellow_since": "2026-09-30", "rule": "no_report"}, p.town_id, p.department_id)
            for p in projects if rng.random() < 0.5}


# ------------------------------------------------------------------ tests


@pytest.mark.django_db
def test_thousands_of_lights_reconcile_row_for_row_as_before(make_project):
    """Six rounds over 20 projects × 150 rules (about 2,000 findings a round, colours, reasons
    and figures drawn at random, the same day repeated once, lights of a rule left open
    outside the reconciliation): the same rows and counts as the staging-table reconciliation."""
    rng = random.Random(20261010)
    projects = [make_project() for _ in range(20)]
    rules = [f"rule{i:03d}" for i in range(150)]
    days = [dt.date(2026, 10, 10), dt.date(2026, 10, 10), dt.date(2026, 10, 11), dt.date(2026, 10, 20),
            dt.date(2026, 11, 2), dt.date(2026, 11, 3)]
    total = 0
    with translation.override(settings.LANGUAGE_CODE):
        for day in days:
            findings = random_findings(rng, projects, rules)
            twos = two_yellow_findings(rng, projects)
            before, before_rows = outcome(lambda: (reference_apply(findings, day, skip_rules={TWO}),  # noqa: B023
                                                   reference_two_yellows(twos, day)))  # noqa: B023
            after = scan._apply(findings, day, skip_rules={TWO})
            after_two = scan._apply(twos, day, only_rules={TWO})
            assert (after[:3], after_two[:3]) == before
            rows = snapshot()
            assert rows == before_rows, day
            open_rows = [r for r in rows if r[7] is None]
            assert after[3] + after_two[3] == {c: sum(1 for r in open_rows if r[2] == c) for c in (Colour.RED, Colour.YELLOW)}
            total = len(rows)
    assert total > 5000
    histories = {(r[0], r[1]) for r in snapshot() if r[7] is not None}
    assert histories, "some lights changed colour or cleared"


@pytest.mark.django_db
def test_a_scan_repeated_on_the_same_day_changes_and_writes_nothing(plan_project):
    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 25))
    with time_machine.travel("2026-10-10 09:00 +0800", tick=False):
        scan_run()
        before = snapshot()
        with CaptureQueriesContext(connection) as queries:
            run = scan_run()
    assert snapshot() == before
    assert (run.raised, run.changed, run.cleared) == (0, 0, 0)
    light = Light._meta.db_table
    writes = [q["sql"] for q in queries.captured_queries if light in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []


@pytest.mark.django_db
def test_a_light_keeps_its_row_while_its_figures_move_then_turns_red_then_clears(plan_project):
    """Same colour: same row and first day, new reason and figures, last day moves. Colour
    change: the yellow row closes as “turned red” on its last confirmed day and a red row opens.
    Cause gone: the red row clears. The open counts on the scan are those of the table."""
    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 10, 1))
    with translation.override(settings.LANGUAGE_CODE):
        turned_red, cleared = _("turned red"), _("cause cleared")
    with time_machine.travel("2026-10-10 09:00 +0800", tick=False):
        scan_run()
    first = Light.objects.get(project=project, rule="node_overdue")
    assert (first.colour, first.facts["worst_days"], first.first_seen) == ("yellow", 9, dt.date(2026, 10, 10))
    with time_machine.travel("2026-10-11 09:00 +0800", tick=False):
        run = scan_run()
    again = Light.objects.get(project=project, rule="node_overdue")
    assert again.pk == first.pk and again.first_seen == dt.date(2026, 10, 10) and again.last_seen == dt.date(2026, 10, 11)
    assert again.facts["worst_days"] == 10 and again.reason != first.reason and "10" in again.reason
    assert (run.raised, run.changed, run.cleared) == (0, 0, 0)
    with time_machine.travel("2026-11-05 09:00 +0800", tick=False):
        run = scan_run()
    old, new = Light.objects.filter(project=project, rule="node_overdue").order_by("pk")
    assert (old.pk, old.colour, old.first_seen, old.last_seen, old.cleared_on, old.cleared_reason) == (
        first.pk, "yellow", dt.date(2026, 10, 10), dt.date(2026, 10, 11), dt.date(2026, 11, 5), turned_red)
    assert old.facts["worst_days"] == 10
    assert (new.colour, new.first_seen, new.last_seen, new.cleared_on, new.facts["worst_days"]) == (
        "red", dt.date(2026, 11, 5), dt.date(2026, 11, 5), None, 35)
    assert run.changed == 1 and run.cleared == 0
    assert (run.open_red, run.open_yellow) == (
        Light.objects.filter(cleared_on__isnull=True, colour="red").count(),
        Light.objects.filter(cleared_on__isnull=True, colour="yellow").count())
    Node.objects.filter(project=project, node_type__code="eia").update(status=NodeStatus.DONE, actual_date=dt.date(2026, 11, 6))
    with time_machine.travel("2026-11-07 09:00 +0800", tick=False):
        run = scan_run()
    new.refresh_from_db()
    assert (new.cleared_on, new.cleared_reason, new.last_seen) == (dt.date(2026, 11, 7), cleared, dt.date(2026, 11, 5))
    assert run.cleared >= 1
    assert ScanRun.objects.order_by("-started_at", "-pk").first().open_red == Light.objects.filter(
        cleared_on__isnull=True, colour="red").count()


@pytest.mark.django_db
def test_switching_a_rule_off_clears_its_lights_and_the_two_yellows_rule_off_clears_its_own(plan_project):
    from tuijin.supervision.models import LightRule

    project = plan_project(monthly=None)
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 25))
    with time_machine.travel("2026-09-30 20:00 +0800", tick=False):
        scan_run()
    with time_machine.travel("2026-10-02 20:00 +0800", tick=False):
        scan_run()
    assert Light.objects.filter(project=project, rule=TWO, cleared_on__isnull=True).exists()
    LightRule.objects.filter(code__in=[TWO, "node_overdue"]).update(is_active=False)
    with time_machine.travel("2026-10-03 20:00 +0800", tick=False):
        run = scan_run()
    watched = Light.objects.filter(project=project, rule__in=[TWO, "node_overdue"])
    assert not watched.filter(cleared_on__isnull=True).exists()
    assert watched.filter(cleared_on=dt.date(2026, 10, 3)).count() == 2 and run.cleared == 2
    assert (run.open_red, run.open_yellow) == (
        Light.objects.filter(cleared_on__isnull=True, colour="red").count(),
        Light.objects.filter(cleared_on__isnull=True, colour="yellow").count())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter")
def test_the_lights_table_leaves_room_to_confirm_lights_in_place():
    """The daily rewrite of ``last_seen`` on every open light stays on the row's page (a HOT
    update, no index touched) only if the page has room: the table is filled to 70%."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Light._meta.db_table])
        options = cursor.fetchone()[0] or []
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [Light._meta.db_table])
        indexes = [row[0] for row in cursor.fetchall()]
    assert "fillfactor=70" in options
    assert len(indexes) > 5 and not [d for d in indexes if "last_seen" in d]
