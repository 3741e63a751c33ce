"""Start-rate targets of new-start projects (新开工项目开工率目标)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Zhejiang practice: 30% by the end of March, 60% June, 85% September, 100% October.
DEFAULT_START_TARGETS = {3: Decimal(30), 6: Decimal(60), 9: Decimal(85), 10: Decimal(100)}


class StartRateTarget(models.Model):
    """The share of the year's new-start projects that should have started by the end of a
    month. Without rows the Zhejiang default applies (30/60/85/100% by March, June,
    September, October)."""

    month = models.PositiveSmallIntegerField(
        _("by the end of month"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rate = models.DecimalField(
        _("target start rate (%)"), max_digits=5, decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("start-rate target")
        verbose_name_plural = _("start-rate targets")
        ordering = ["month"]
        constraints = [models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="start_target_month")]

    def __str__(self) -> str:
        return f"{self.month}月 {self.rate}%"
