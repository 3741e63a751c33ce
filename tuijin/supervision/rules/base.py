"""Rule base class, registry, the scan context and what a rule finds."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from ..choices import Colour

REGISTRY: dict[str, Rule] = {}


def register(cls):
    REGISTRY[cls.code] = cls()
    return cls


@dataclass
class Finding:
    """A project a rule lights, the colour, the reason in words and the figures behind it."""

    project_id: int
    colour: str
    reason: str
    facts: dict = field(default_factory=dict)
    town_id: int | None = None
    department_id: int | None = None


@dataclass
class ScanContext:
    today: dt.date

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def report_month(self) -> int:
        """The latest month whose report is due by now: month M is filed by the 5th of M+1.
        0 (or less) means none of this year yet."""
        return self.today.month - 1 if self.today.day > 5 else self.today.month - 2

    @property
    def month_index(self) -> int:
        return self.today.year * 12 + self.today.month


class Rule:
    """One warning rule. Subclasses set ``code``, ``name``, ``measure`` (unit of the
    thresholds) and default thresholds, and implement :meth:`evaluate` over every project
    at once. ``requires`` (``module:attribute``) names another app's selector; while it is
    missing the rule is skipped."""

    code = ""
    name = ""
    measure = ""
    description = ""
    default_yellow: Decimal | None = None
    default_red: Decimal | None = None
    default_params: dict = {}
    requires = ""
    order = 0

    def source(self):
        if not self.requires:
            return None
        module, _sep, attribute = self.requires.partition(":")
        try:
            return getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError):
            return None

    def available(self) -> bool:
        return not self.requires or self.source() is not None

    def evaluate(self, ctx: ScanContext, yellow: Decimal, red: Decimal, params: dict) -> list[Finding]:
        raise NotImplementedError

    @staticmethod
    def colour_for(value, yellow, red, *, strictly_above_red: bool = False) -> str | None:
        """Red from ``red`` (or beyond it), yellow from ``yellow``, else no light."""
        if red is not None and (value > red if strictly_above_red else value >= red):
            return Colour.RED
        if yellow is not None and value >= yellow:
            return Colour.YELLOW
        return None


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (15 Mar → 14 Apr is 0, → 15 Apr is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)
