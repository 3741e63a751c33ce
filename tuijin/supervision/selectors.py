"""Supervision reads: the warning board, a project's lights, lists as of a day, orders."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet

from tuijin.orgs.choices import Role
from tuijin.orgs.models import Unit
from tuijin.orgs.policy import role_of

from .choices import Colour, OrderStatus
from .models import Light, LightRule, Order


def open_lights() -> QuerySet[Light]:
    return Light.objects.filter(cleared_on__isnull=True)


def lights_on(day: dt.date) -> QuerySet[Light]:
    """The lights that were on at the end of ``day`` (history makes any day readable)."""
    return Light.objects.filter(first_seen__lte=day).filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=day))


def rule_names() -> dict[str, str]:
    return dict(LightRule.objects.values_list("code", "name"))


def units_board(day: dt.date | None = None) -> list[dict]:
    """Per town: projects red (worst colour red) and yellow (worst colour yellow), rolled
    up from the projects' lights; the unit is red when any project is red."""
    table = Light._meta.db_table
    where, params = ("cleared_on IS NULL", []) if day is None else (
        "first_seen <= %s AND (cleared_on IS NULL OR cleared_on > %s)", [day, day])
    sql = f"""
        SELECT town_id, SUM(CASE WHEN worst = 2 THEN 1 ELSE 0 END), SUM(CASE WHEN worst = 1 THEN 1 ELSE 0 END)
        FROM (SELECT project_id, town_id, MAX(CASE WHEN colour = 'red' THEN 2 ELSE 1 END) AS worst
              FROM {table} WHERE {where} GROUP BY project_id, town_id) w
        GROUP BY town_id"""  # noqa: S608  (table name from the model; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {town: (int(r or 0), int(y or 0)) for town, r, y in cursor.fetchall()}
    out = []
    for unit in Unit.objects.territorial().active().order_by("kind", "order"):
        red, yellow = counts.get(unit.pk, (0, 0))
        colour = Colour.RED if red else Colour.YELLOW if yellow else "green"
        out.append({"unit": unit, "red": red, "yellow": yellow, "colour": colour})
    return out


def rules_board() -> list[dict]:
    names = rule_names()
    counts = {
        row["rule"]: row
        for row in open_lights().values("rule").annotate(
            red=Count("pk", filter=Q(colour=Colour.RED)), yellow=Count("pk", filter=Q(colour=Colour.YELLOW)))
    }
    return [{"code": code, "name": name, "red": counts.get(code, {}).get("red", 0),
             "yellow": counts.get(code, {}).get("yellow", 0)} for code, name in names.items()]


def project_colours(project_ids) -> dict[int, str]:
    """Worst open colour per project."""
    out: dict[int, str] = {}
    for pid, colour in open_lights().filter(project_id__in=project_ids).values_list("project_id", "colour"):
        if out.get(pid) != Colour.RED:
            out[pid] = colour
    return out


def visible_orders(user) -> QuerySet[Order]:
    role = role_of(user)
    orders = Order.objects.select_related("unit", "issued_by")
    if role in (Role.OFFICE, Role.LEADER):
        return orders
    if role in (Role.TOWN, Role.DEPARTMENT, Role.OWNER) and user.unit_id:
        return orders.filter(unit_id=user.unit_id)
    return orders.none()


def order_counts(start: dt.date, end: dt.date) -> dict:
    """Orders issued in [start, end], and of all orders those closed and still open."""
    issued = Order.objects.filter(issued_at__date__gte=start, issued_at__date__lte=end)
    return {
        "issued": issued.count(),
        "by_kind": dict(issued.values_list("kind").annotate(n=Count("pk"))),
        "accepted": Order.objects.filter(status=OrderStatus.ACCEPTED, closed_at__date__lte=end).count(),
        "open": Order.objects.filter(status__in=[OrderStatus.ISSUED, OrderStatus.REPLIED]).count(),
        "overdue": Order.objects.filter(status=OrderStatus.ISSUED, reply_due__lt=end).count(),
    }
