"""The scan: evaluate every active rule over every project, and bring the lights up to
date — raise new ones, change colours, clear those whose cause has gone.

The SQL here is built from table names and fixed fragments; values are parameters."""
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..choices import Colour
from ..models import Light, LightRule, ScanRun
from ..rules import REGISTRY, Finding, ScanContext, load_catalogue


def rules_ensure() -> list[LightRule]:
    """The configurable rules, created with the thresholds of practice the first time."""
    load_catalogue()
    existing = {r.code: r for r in LightRule.objects.all()}
    missing = [
        LightRule(code=rule.code, name=str(rule.name), yellow_at=rule.default_yellow, red_at=rule.default_red,
                  params=dict(rule.default_params), order=rule.order)
        for rule in REGISTRY.values()
        if rule.code not in existing
    ]
    if missing:
        LightRule.objects.bulk_create(missing)
    return list(LightRule.objects.order_by("order"))


def _thresholds(setting: LightRule) -> tuple[Decimal | None, Decimal | None]:
    return setting.yellow_at, setting.red_at


@transaction.atomic
def scan_run(*, today: dt.date | None = None) -> ScanRun:
    """Evaluate every rule as of ``today`` and update the lights. Reasons are stored in
    the county's language, as the bulletin prints them."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    run = ScanRun(day=today, started_at=timezone.now())
    ctx = ScanContext(today=today)
    findings: dict[tuple[int, str], Finding] = {}
    two_yellows = None
    with translation.override(settings.LANGUAGE_CODE):
        for setting in rules_ensure():
            rule = REGISTRY.get(setting.code)
            if rule is None or not setting.is_active:
                continue
            if getattr(rule, "is_meta", False):
                two_yellows = setting
                continue
            if not rule.available():
                run.skipped.append(setting.name)
                continue
            yellow, red = _thresholds(setting)
            for finding in rule.evaluate(ctx, yellow, red, setting.params or {}):
                findings[(finding.project_id, setting.code)] = finding
        raised, changed, cleared = _apply(findings, today, skip_rules={two_yellows.code} if two_yellows else set())
        if two_yellows is not None:
            r2, c2, cl2 = _two_yellows(today, two_yellows)
            raised, changed, cleared = raised + r2, changed + c2, cleared + cl2
    counts = Light.objects.filter(cleared_on__isnull=True).aggregate(
        red=Count("pk", filter=Q(colour=Colour.RED)), yellow=Count("pk", filter=Q(colour=Colour.YELLOW)))
    run.raised, run.changed, run.cleared = raised, changed, cleared
    run.open_red, run.open_yellow = counts["red"], counts["yellow"]
    run.seconds = Decimal(f"{time.perf_counter() - started:.2f}")
    run.save()
    return run


STAGING = "supervision_scan_findings"


def _apply(findings: dict[tuple[int, str], Finding], today: dt.date, *, skip_rules: set[str]) -> tuple[int, int, int]:
    """Bring the open lights in line with the findings, set-based: the findings go into a
    temporary table, then three statements refresh, close and open lights."""
    light = Light._meta.db_table
    json_cast = "CAST(f.facts AS jsonb)" if connection.vendor == "postgresql" else "f.facts"
    skip = sorted(skip_rules) or [""]
    skip_marks = ", ".join(["%s"] * len(skip))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (project_id bigint, rule varchar(40), colour varchar(8), reason text, "
            "facts text, town_id bigint, department_id bigint)"
        )
        rows = [(f.project_id, rule, f.colour, f.reason, json.dumps(f.facts, ensure_ascii=False), f.town_id, f.department_id)
                for (_pid, rule), f in findings.items()]
        for i in range(0, len(rows), 1000):
            batch = rows[i:i + 1000]
            cursor.execute(
                f"INSERT INTO {STAGING} VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch)),
                [v for row in batch for v in row],
            )
        cursor.execute(f"CREATE INDEX {STAGING}_key ON {STAGING} (project_id, rule)")
        same = (f"EXISTS (SELECT 1 FROM {STAGING} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule "
                f"AND f.colour = {light}.colour)")
        any_colour = (f"EXISTS (SELECT 1 FROM {STAGING} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule)")
        cursor.execute(
            f"SELECT COUNT(*) FROM {light} WHERE cleared_on IS NULL AND rule NOT IN ({skip_marks}) AND {any_colour} "
            f"AND NOT {same}", skip)
        changed = cursor.fetchone()[0]
        # the cause has gone, or the colour changed: close the light
        cursor.execute(
            f"UPDATE {light} SET cleared_on = %s, cleared_reason = CASE WHEN {any_colour} THEN "
            f"(CASE WHEN {light}.colour = %s THEN %s ELSE %s END) ELSE %s END "
            f"WHERE cleared_on IS NULL AND rule NOT IN ({skip_marks}) AND NOT {same}",
            [today, Colour.YELLOW, str(_("turned red")), str(_("turned yellow")), str(_("cause cleared")), *skip],
        )
        closed = cursor.rowcount
        # still there with the same colour: refresh the reason and figures
        cursor.execute(
            f"UPDATE {light} SET last_seen = %s, "
            f"reason = (SELECT f.reason FROM {STAGING} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule), "
            f"facts = (SELECT {json_cast} FROM {STAGING} f WHERE f.project_id = {light}.project_id AND f.rule = {light}.rule) "
            f"WHERE cleared_on IS NULL AND rule NOT IN ({skip_marks})",
            [today, *skip],
        )
        # new causes (and new colours): open a light
        cursor.execute(
            f"INSERT INTO {light} (project_id, town_id, department_id, rule, colour, reason, facts, first_seen, last_seen, "
            "cleared_reason) "
            f"SELECT f.project_id, f.town_id, f.department_id, f.rule, f.colour, f.reason, {json_cast}, %s, %s, '' "
            f"FROM {STAGING} f WHERE NOT EXISTS (SELECT 1 FROM {light} l WHERE l.project_id = f.project_id "
            "AND l.rule = f.rule AND l.cleared_on IS NULL)",
            [today, today],
        )
        opened = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGING}")
    return opened - changed, changed, closed - changed


def _two_yellows(today: dt.date, setting: LightRule) -> tuple[int, int, int]:
    """Red for a project that was yellow at the end of last month (a light raised then and
    still yellow now): two yellows in a row."""
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    long_yellow = (
        Light.objects.filter(cleared_on__isnull=True, colour=Colour.YELLOW, first_seen__lte=last_month_end)
        .exclude(rule=setting.code)
        .order_by("project_id", "first_seen")
        .values_list("project_id", "first_seen", "reason", "rule", "town_id", "department_id")
    )
    findings: dict[tuple[int, str], Finding] = {}
    for project_id, first_seen, reason, rule, town_id, department_id in long_yellow:
        key = (project_id, setting.code)
        if key in findings:
            continue
        findings[key] = Finding(
            project_id, Colour.RED,
            _("Yellow since %(day)s and still yellow this month (two yellows in a row): %(reason)s") % {
                "day": first_seen.isoformat(), "reason": reason},
            {"yellow_since": first_seen.isoformat(), "rule": rule}, town_id, department_id)
    existing = {(lt.project_id, lt.rule): lt for lt in Light.objects.filter(cleared_on__isnull=True, rule=setting.code)}
    create, close, update = [], [], []
    for key, finding in findings.items():
        light = existing.pop(key, None)
        if light is None:
            create.append(Light(project_id=finding.project_id, town_id=finding.town_id, department_id=finding.department_id,
                                rule=setting.code, colour=finding.colour, reason=finding.reason, facts=finding.facts,
                                first_seen=today, last_seen=today))
        else:
            light.reason, light.facts, light.last_seen = finding.reason, finding.facts, today
            update.append(light)
    for light in existing.values():
        light.cleared_on, light.cleared_reason = today, _("cause cleared")
        close.append(light)
    Light.objects.bulk_create(create, batch_size=2000)
    Light.objects.bulk_update(update, ["reason", "facts", "last_seen"], batch_size=500)
    Light.objects.bulk_update(close, ["cleared_on", "cleared_reason"], batch_size=500)
    return len(create), 0, len(close)
