"""The scan: evaluate every active rule over every project, and bring the lights up to
date — raise new ones, change colours, clear those whose cause has gone."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
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


def _apply(findings: dict[tuple[int, str], Finding], today: dt.date, *, skip_rules: set[str]) -> tuple[int, int, int]:
    open_lights = {(lt.project_id, lt.rule): lt for lt in Light.objects.filter(cleared_on__isnull=True).exclude(rule__in=skip_rules)}
    create, update, close = [], [], []
    changed = 0
    for key, finding in findings.items():
        light = open_lights.pop(key, None)
        if light is not None and light.colour == finding.colour:
            if light.reason != finding.reason or light.facts != finding.facts:
                light.reason, light.facts = finding.reason, finding.facts
                update.append(light)
            continue
        if light is not None:
            light.cleared_on = today
            light.cleared_reason = _("turned %(colour)s") % {"colour": Colour(finding.colour).label}
            close.append(light)
            changed += 1
        create.append(Light(project_id=finding.project_id, town_id=finding.town_id, department_id=finding.department_id,
                            rule=key[1], colour=finding.colour, reason=finding.reason, facts=finding.facts,
                            first_seen=today, last_seen=today))
    for light in open_lights.values():  # the cause has gone
        light.cleared_on = today
        light.cleared_reason = _("cause cleared")
        close.append(light)
    Light.objects.bulk_update(close, ["cleared_on", "cleared_reason"], batch_size=2000)
    Light.objects.bulk_update(update, ["reason", "facts"], batch_size=2000)
    Light.objects.bulk_create(create, batch_size=2000)
    Light.objects.filter(cleared_on__isnull=True).exclude(rule__in=skip_rules).update(last_seen=today)
    return len(create) - changed, changed, len(close) - changed


def _two_yellows(today: dt.date, setting: LightRule) -> tuple[int, int, int]:
    """Red for a project that was yellow at the end of last month (a light raised then and
    still yellow now): two yellows in a row."""
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    long_yellow = (
        Light.objects.filter(cleared_on__isnull=True, colour=Colour.YELLOW, first_seen__lte=last_month_end)
        .exclude(rule=setting.code)
        .select_related("project")
        .order_by("project_id", "first_seen")
    )
    findings: dict[tuple[int, str], Finding] = {}
    for light in long_yellow:
        key = (light.project_id, setting.code)
        if key in findings:
            continue
        findings[key] = Finding(
            light.project_id, Colour.RED,
            _("Yellow since %(day)s and still yellow this month (two yellows in a row): %(reason)s") % {
                "day": light.first_seen.isoformat(), "reason": light.reason},
            {"yellow_since": light.first_seen.isoformat(), "rule": light.rule}, light.town_id, light.department_id)
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
    Light.objects.bulk_create(create)
    Light.objects.bulk_update(update, ["reason", "facts", "last_seen"])
    Light.objects.bulk_update(close, ["cleared_on", "cleared_reason"])
    return len(create), 0, len(close)
