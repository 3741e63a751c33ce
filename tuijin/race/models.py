"""Horse race (赛马): schemes with versioned indicator sets, and frozen snapshots of results."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Direction, Flag, Method, RaceOver, SnapshotStatus, Window


class Scheme(models.Model):
    """A race the project office runs: over the towns and functional areas, or over the
    departments. Its indicator set changes over time as versions."""

    code = models.SlugField(_("code"), max_length=30, unique=True, help_text=_("Used on the command line, e.g. towns."))
    name = models.CharField(_("name"), max_length=80)
    over = models.CharField(_("units competing"), max_length=12, choices=RaceOver.choices)
    description = models.TextField(_("description"), blank=True)
    units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("competing units"), blank=True, related_name="+",
        help_text=_("Empty: every active unit of the kind."),
    )
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("race scheme")
        verbose_name_plural = _("race schemes")
        ordering = ["over", "code"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """The indicator set of a scheme in force from a date. A period is scored with the
    version in force at the period's end."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    red_top_n = models.PositiveSmallIntegerField(_("red list: top N"), default=3)
    black_bottom_n = models.PositiveSmallIntegerField(_("black list: bottom N"), default=3)
    red_min_total = models.DecimalField(
        _("red list: total at least"), max_digits=7, decimal_places=2, null=True, blank=True,
        help_text=_("Optional: units with at least this total are also on the red list."),
    )
    black_max_total = models.DecimalField(
        _("black list: total below"), max_digits=7, decimal_places=2, null=True, blank=True,
        help_text=_("Optional: units below this total are also on the black list."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "-effective_from", "-number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="race_scheme_version_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.number}"

    @property
    def total_weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators.all()), Decimal(0))


class IndicatorSetting(models.Model):
    """One indicator of a scheme version: which catalogue indicator, its weight (full
    points), direction, scoring method with its parameters and data window."""

    version = models.ForeignKey(SchemeVersion, verbose_name=_("scheme version"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("indicator"), max_length=40, help_text=_("Key in the indicator catalogue."))
    label = models.CharField(_("label"), max_length=60, blank=True)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    method = models.CharField(_("scoring method"), max_length=12, choices=Method.choices)
    params = models.JSONField(
        _("method parameters"), default=dict, blank=True,
        help_text=_("target, cap; step, floor; points, per, base. See docs/development/race.md."),
    )
    window = models.CharField(_("data window"), max_length=8, choices=Window.choices, default=Window.YTD)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator setting")
        verbose_name_plural = _("indicator settings")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="race_indicator_once_per_version"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="race_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label or self.code


class Snapshot(models.Model):
    """The computed result of one scheme for one period. Published snapshots are frozen;
    recomputing after a data correction makes a new revision beside them."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="snapshots")
    version = models.ForeignKey(SchemeVersion, verbose_name=_("scheme version"), on_delete=models.PROTECT, related_name="snapshots")
    period = models.CharField(_("period"), max_length=8, db_index=True)
    period_end = models.DateField(_("period end"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT)
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    skipped = models.JSONField(_("indicators without data source"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("race snapshot")
        verbose_name_plural = _("race snapshots")
        ordering = ["scheme", "-period_end", "-revision"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period", "revision"], name="race_snapshot_revision_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period} r{self.revision}"

    @property
    def is_frozen(self) -> bool:
        return self.status != SnapshotStatus.DRAFT


class SnapshotRow(models.Model):
    """One unit's line of a snapshot: every indicator's raw value, score and explanation
    (in ``scores``), the total, the rank, the change since the last period and the list."""

    snapshot = models.ForeignKey(Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"))
    previous_rank = models.PositiveSmallIntegerField(_("rank last period"), null=True, blank=True)
    flag = models.CharField(_("list"), max_length=6, choices=Flag.choices, blank=True, default="")
    scores = models.JSONField(_("indicator scores"), default=list)

    class Meta:
        verbose_name = _("snapshot row")
        verbose_name_plural = _("snapshot rows")
        ordering = ["snapshot", "rank", "unit__order"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "unit"], name="race_row_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.unit}"

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost since last period."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank
