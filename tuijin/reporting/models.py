"""Monthly investment reporting (月度填报): periods and the report of each project each month."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    LOCKED = "locked", _("Confirmed and locked")


class ReportingPeriod(models.Model):
    """One month of reporting, opened by the project office with a filing window
    (by default the 1st–5th of the next month)."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    opens_on = models.DateField(_("filing opens"))
    closes_on = models.DateField(_("filing closes"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="reporting_period_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="reporting_period_month"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by the town")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")


class MonthlyReport(models.Model):
    """A project's report for one month: investment completed that month (万元), physical
    progress and statistical registration (入统). Year-to-date and since-start figures are
    derived from these rows, never typed."""

    period = models.ForeignKey(ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    # year and month repeat the period's, so aggregates need no join.
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(
        _("investment this month (10k yuan)"),
        max_digits=16,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    progress = models.TextField(_("physical progress"), blank=True)
    is_registered = models.BooleanField(_("registered in statistics (入统)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)
    explanation = models.TextField(_("explanation"), blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)
    flags = models.JSONField(_("flags for the verifier"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("edit version"), default=1)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="report_once_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "month", "status"]), models.Index(fields=["project", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}"
