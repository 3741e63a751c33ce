"""Funding sources of a project and the use plan of special bonds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import FundKind


def _money(label):
    return models.DecimalField(
        label, max_digits=16, decimal_places=4, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )


class FundSource(models.Model):
    """One source of money for one project (资金来源): a budget line, a tranche of special
    bonds, a central-budget allocation, a loan or the owner's own money, with what was applied
    for, approved, received and spent.

    Hard rules (also database constraints): spent ≤ received ≤ approved. Approved above applied
    is allowed — higher governments do top up or re-allocate — and shown as a warning.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="fund_sources"
    )
    kind = models.CharField(_("fund kind"), max_length=20, choices=FundKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("Year the funds were applied for or issued."))
    title = models.CharField(
        _("batch or loan"), max_length=120, blank=True, help_text=_("e.g. 2026年第三批新增专项债券, 国开行项目贷款")
    )
    document_number = models.CharField(_("approval document number"), max_length=80, blank=True)
    applied = _money(_("applied (10k yuan)"))
    approved = _money(_("approved (10k yuan)"))
    received = _money(_("received (10k yuan)"))
    spent = _money(_("spent (10k yuan)"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    received_on = models.DateField(_("last received on"), null=True, blank=True)
    spent_as_of = models.DateField(_("spending as of"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        ordering = ["project", "kind", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied__gte=0, approved__gte=0, received__gte=0, spent__gte=0), name="fund_amounts_not_negative"
            ),
            models.CheckConstraint(condition=Q(received__lte=F("approved")), name="fund_received_within_approved"),
            models.CheckConstraint(condition=Q(spent__lte=F("received")), name="fund_spent_within_received"),
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} {self.year}"

    @property
    def approved_above_applied(self) -> bool:
        return self.approved > self.applied

    @property
    def spend_rate(self) -> Decimal | None:
        if not self.received:
            return None
        return (self.spent / self.received * 100).quantize(Decimal("0.1"))


class BondUseMonth(models.Model):
    """The planned spending of a special-bond source in one month (专项债使用计划).
    Actual use is the source's ``spent``; it is compared with the plan cumulated to date."""

    source = models.ForeignKey(FundSource, verbose_name=_("fund source"), on_delete=models.CASCADE, related_name="use_plan")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = _money(_("planned use (10k yuan)"))

    class Meta:
        verbose_name = _("planned bond use")
        verbose_name_plural = _("planned bond use")
        ordering = ["source", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["source", "year", "month"], name="bond_use_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="bond_use_month_in_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="bond_use_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.year}-{self.month:02d}"
