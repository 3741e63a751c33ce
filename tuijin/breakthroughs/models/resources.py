"""Resource elements: the county's yearly quotas, allocations to projects and each project's demand."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import RESOURCE_UNITS, AllocationStatus, ResourceKind


def _quantity(label, **kwargs):
    return models.DecimalField(
        label, max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal(0))], **kwargs
    )


class ResourceQuota(models.Model):
    """The county's quota of one resource for one year (年度指标): construction land in 亩,
    energy use in 吨标煤, emission rights in 吨. ``allocated`` is kept by the allocation
    services under a row lock; the database refuses a balance below zero."""

    kind = models.CharField(_("resource"), max_length=12, choices=ResourceKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = _quantity(_("quota"))
    allocated = _quantity(_("allocated"), default=Decimal(0))
    managing_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("allocating department"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("The department that allocates this quota besides the project office."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resource quota")
        verbose_name_plural = _("resource quotas")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="resource_quota_once_per_year"),
            models.CheckConstraint(condition=Q(allocated__gte=0), name="resource_allocated_not_negative"),
            models.CheckConstraint(condition=Q(allocated__lte=F("amount")), name="resource_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"

    @property
    def unit(self) -> str:
        return str(RESOURCE_UNITS[self.kind])

    @property
    def balance(self) -> Decimal:
        return self.amount - self.allocated

    @property
    def used_percent(self) -> Decimal:
        if not self.amount:
            return Decimal(0)
        return (self.allocated / self.amount * 100).quantize(Decimal("0.1"))


class ResourceAllocation(models.Model):
    """A part of a yearly quota given to a project (指标分配). Revoking returns it to the balance."""

    quota = models.ForeignKey(ResourceQuota, verbose_name=_("quota"), on_delete=models.PROTECT, related_name="allocations")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="resource_allocations"
    )
    # kind repeats the quota's so per-project sums need no join.
    kind = models.CharField(_("resource"), max_length=12, choices=ResourceKind.choices, db_index=True)
    amount = _quantity(_("amount"))
    allocated_on = models.DateField(_("allocated on"))
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.ACTIVE, db_index=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resource allocation")
        verbose_name_plural = _("resource allocations")
        ordering = ["-allocated_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="resource_allocation_positive")]
        indexes = [models.Index(fields=["project", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} {self.amount}"


class ResourceDemand(models.Model):
    """How much of a resource a project needs in all (要素需求), against which the
    allocations it received are measured."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="resource_demands"
    )
    kind = models.CharField(_("resource"), max_length=12, choices=ResourceKind.choices)
    amount = _quantity(_("demand"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("resource demand")
        verbose_name_plural = _("resource demands")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="resource_demand_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="resource_demand_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} {self.amount}"
