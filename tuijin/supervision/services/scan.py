"""The scan: evaluate every active rule over every project, and bring the lights up to
date — raise new ones, change colours, clear those whose cause has gone.

The SQL here is built from table names and fixed fragments; values are parameters."""
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
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
        # The two reconciliations own every open light between them (all rules but the
        # two-yellows one, then that one), so their open counts are the county's.
        raised, changed, cleared, counts = _apply(findings, today, skip_rules={two_yellows.code} if two_yellows else set())
        if two_yellows is not None:
            r2, c2, cl2, counts2 = _two_yellows(today, two_yellows)
            raised, changed, cleared, counts = raised + r2, changed + c2, cleared + cl2, counts + counts2
    run.raised, run.changed, run.cleared = raised, changed, cleared
    run.open_red, run.open_yellow = counts[Colour.RED], counts[Colour.YELLOW]
    run.seconds = Decimal(f"{time.perf_counter() - started:.2f}")
    run.save()
    return run


def _scope(rules_in: set[str] | None, rules_not_in: set[str]) -> tuple[str, list[str]]:
    """The WHERE fragment choosing the open lights one reconciliation owns."""
    if rules_in is not None:
        codes = sorted(rules_in) or [""]
        return f"rule IN ({', '.join(['%s'] * len(codes))})", codes
    codes = sorted(rules_not_in) or [""]
    return f"rule NOT IN ({', '.join(['%s'] * len(codes))})", codes


def _apply(findings: dict[tuple[int, str], Finding], today: dt.date, *, skip_rules: set[str] = frozenset(),
           only_rules: set[str] | None = None) -> tuple[int, int, int, Counter]:
    """Bring the open lights in line with the findings; returns (raised, changed, cleared) and
    the lights it leaves open by colour.

    The open lights the reconciliation owns (those of ``only_rules``, or of every rule but
    ``skip_rules``) are read as plain rows and compared with the findings in memory; only what
    differs is written:

    - a light without a finding is cleared (“cause cleared”); a finding of the other colour
      clears it as “turned red/yellow” and opens a new light (``changed``);
    - a light whose finding has the same colour keeps its row and first day: its reason and
      figures are rewritten where they differ, and ``last_seen`` moves to ``today``;
    - a finding without an open light opens one, first and last seen ``today``.

    A scan repeated on the same day therefore writes nothing; the next day's scan moves
    ``last_seen`` in one statement and rewrites only the reasons whose figures moved."""
    light = Light._meta.db_table
    where, where_params = _scope(only_rules, skip_rules)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, project_id, rule, colour, reason, facts, last_seen FROM {light} WHERE cleared_on IS NULL AND {where}",
            where_params)
        existing = cursor.fetchall()
    turned_red, turned_yellow, gone = str(_("turned red")), str(_("turned yellow")), str(_("cause cleared"))
    close: list[tuple[int, str]] = []
    rewrite: list[tuple[int, str, str]] = []
    seen: set[tuple[int, str]] = set()
    still_open: Counter = Counter()
    parsed: dict[str, object] = {}  # many lights carry the same figures: parse each text once
    changed = stale = 0
    for light_id, project_id, rule, colour, reason, facts, last_seen in existing:
        key = (project_id, rule)
        finding = findings.get(key)
        if finding is None:
            close.append((light_id, gone))
        elif finding.colour != colour:
            changed += 1
            close.append((light_id, turned_red if colour == Colour.YELLOW else turned_yellow))
        else:
            seen.add(key)
            still_open[colour] += 1
            if finding.reason != reason or _facts(facts, parsed) != finding.facts:
                rewrite.append((light_id, finding.reason, json.dumps(finding.facts, ensure_ascii=False)))
            elif last_seen != today:
                stale += 1
    opened = [(f.project_id, f.town_id, f.department_id, rule, f.colour, f.reason, json.dumps(f.facts, ensure_ascii=False))
              for (project_id, rule), f in findings.items() if (project_id, rule) not in seen]
    with connection.cursor() as cursor:
        _close(cursor, light, close, today)
        _rewrite(cursor, light, rewrite, today)
        if stale:  # every other light still open keeps its reason and moves its last day
            cursor.execute(f"UPDATE {light} SET last_seen = %s WHERE cleared_on IS NULL AND {where} AND last_seen <> %s",
                           [today, *where_params, today])
        _open(cursor, light, opened, today)
    still_open.update(row[4] for row in opened)
    return len(opened) - changed, changed, len(close) - changed, still_open


def _facts(value, parsed: dict):
    """Stored figures as Python values (both drivers hand JSON over as text to a plain cursor)."""
    if not isinstance(value, str):
        return value
    facts = parsed.get(value)
    if facts is None:
        facts = parsed[value] = json.loads(value)
    return facts


def _close(cursor, light: str, rows: list[tuple[int, str]], today: dt.date) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        cursor.execute(
            f"UPDATE {light} AS l SET cleared_on = %s, cleared_reason = v.why "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, why) WHERE l.id = v.id",
            [today, [r[0] for r in rows], [r[1] for r in rows]])
    else:
        cursor.executemany(f"UPDATE {light} SET cleared_on = %s, cleared_reason = %s WHERE id = %s",
                           [(today, why, light_id) for light_id, why in rows])


def _rewrite(cursor, light: str, rows: list[tuple[int, str, str]], today: dt.date) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        cursor.execute(
            f"UPDATE {light} AS l SET reason = v.reason, facts = CAST(v.facts AS jsonb), last_seen = %s "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, reason, facts) WHERE l.id = v.id",
            [today, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    else:
        cursor.executemany(f"UPDATE {light} SET reason = %s, facts = %s, last_seen = %s WHERE id = %s",
                           [(reason, facts, today, light_id) for light_id, reason, facts in rows])


OPEN_COLUMNS = "project_id, town_id, department_id, rule, colour, reason, facts, first_seen, last_seen, cleared_reason"


def _open(cursor, light: str, rows: list[tuple], today: dt.date) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {light} ({OPEN_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, today, today, ""))
    else:
        cursor.executemany(f"INSERT INTO {light} ({OPEN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '')",
                           [(*row, today, today) for row in rows])


def _two_yellows(today: dt.date, setting: LightRule) -> tuple[int, int, int]:
    """Red for a project that was yellow at the end of last month (a light raised then and
    still yellow now): two yellows in a row."""
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    long_yellow = (
        Light.objects.filter(cleared_on__isnull=True, colour=Colour.YELLOW, first_seen__lte=last_month_end)
        .exclude(rule=setting.code)
        .order_by("project_id", "first_seen", "pk")  # of two lights raised the same day, the first
        .values_list("project_id", "first_seen", "reason", "rule", "town_id", "department_id")
    )
    message = _("Yellow since %(day)s and still yellow this month (two yellows in a row): %(reason)s")
    findings: dict[tuple[int, str], Finding] = {}
    for project_id, first_seen, reason, rule, town_id, department_id in long_yellow:
        key = (project_id, setting.code)
        if key in findings:
            continue
        findings[key] = Finding(
            project_id, Colour.RED, message % {"day": first_seen.isoformat(), "reason": reason},
            {"yellow_since": first_seen.isoformat(), "rule": rule}, town_id, department_id)
    return _apply(findings, today, only_rules={setting.code})
