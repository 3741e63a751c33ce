"""Indicator base class, the registry and the context an indicator computes in."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.functional import cached_property

from tuijin.projects.models import PlanVersion

from ..choices import Direction, Method, RaceOver, Window
from ..periods import Period, month_end
from ..scoring import Raw

#: Every indicator by code. Other apps may register their own in AppConfig.ready().
REGISTRY: dict[str, Indicator] = {}

#: A monthly report counts once filed: every status but draft (as in tuijin.reporting).
UNCOUNTED_REPORT_STATUS = "draft"


def register(cls):
    REGISTRY[cls.code] = cls()
    return cls


def plan_version_id(year: int) -> int | None:
    """The plan a year's figures are measured against: its latest version (the adjusted
    plan), as the reporting statistics measure it."""
    found = PlanVersion.objects.filter(year=year).order_by("-number").values_list("pk", flat=True).first()
    return found


@dataclass
class RaceContext:
    """What an indicator needs: the period, the data window, which units compete."""

    period: Period
    over: str
    unit_ids: list[int]
    window: str = Window.YTD

    @property
    def unit_column(self) -> str:
        return "town_id" if self.over == RaceOver.TOWNS else "department_id"

    @property
    def months(self) -> tuple[int, int]:
        return self.period.window_months(self.window)

    @property
    def window_start(self):
        return self.period.start.replace(month=self.months[0])

    @property
    def window_end(self):
        return month_end(self.period.year, self.months[1])

    @cached_property
    def plan_version_id(self) -> int | None:
        return plan_version_id(self.period.year)

    def with_window(self, window: str) -> RaceContext:
        return RaceContext(self.period, self.over, self.unit_ids, window)


class Indicator:
    """One indicator of the catalogue.

    Subclasses set ``code``, ``label``, ``measure`` (the raw value's unit in words),
    the defaults a new scheme takes, and implement :meth:`compute`. ``requires`` names
    ``module:attribute`` the indicator reads from another app; while it is missing the
    indicator is skipped (and says so) instead of failing the race.
    """

    code: str = ""
    label = ""
    measure = ""
    description = ""
    default_direction = Direction.HIGHER
    default_method = Method.TARGET
    default_params: dict = {}
    default_window = Window.YTD
    requires: str = ""
    projects_heading = ""

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

    def compute(self, ctx: RaceContext) -> dict[int, Raw]:
        raise NotImplementedError


def rows(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def in_list(values) -> tuple[str, list]:
    """SQL placeholders for an IN list."""
    values = list(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values
