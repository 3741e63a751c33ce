from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RaceOver(models.TextChoices):
    """Which units compete in a race."""

    TOWNS = "towns", _("Towns and functional areas")
    DEPARTMENTS = "departments", _("Departments")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Method(models.TextChoices):
    """Scoring methods seen in practice (domain-practice §3.2)."""

    TARGET = "target", _("Target completion (capped)")
    RANK = "rank", _("Rank points (100/95/90 …)")
    LINEAR = "linear", _("Linear between worst and best")
    PER_EVENT = "per_event", _("Points per event")


class Window(models.TextChoices):
    MONTH = "month", pgettext_lazy("window", "Month")
    QUARTER = "quarter", _("Quarter")
    YTD = "ytd", _("Year to date")


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a later revision")


class Flag(models.TextChoices):
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")
    NONE = "", _("—")
