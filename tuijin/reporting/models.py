"""Monthly investment reporting (月度填报): periods and the report of each project each month."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.months import running_total


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open for filing")
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
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

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
    SUBMITTED = "submitted", pgettext_lazy("monthly report status", "Submitted")
    VERIFIED = "verified", _("Verified by the town")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")


class MonthlyReport(models.Model):
    """A project's report for one month: investment completed that month (万元), physical
    progress and statistical registration (入统). Year-to-date and since-start figures are
    derived from these rows, never typed."""

    period = models.ForeignKey(ReportingPeriod, verbose_name=pgettext_lazy("reporting period", "period"), on_delete=models.PROTECT, related_name="reports")
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
    submitted_at = models.DateTimeField(pgettext_lazy("monthly report", "submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("edit version"), default=1)
    is_reopened = models.BooleanField(
        _("reopened for correction"),
        default=False,
        help_text=_("A report of a locked period reopened by the project office, with a recorded reason."),
    )

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="report_once_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["year", "month", "status"]),
            models.Index(fields=["project", "year", "month"]),
            # PostgreSQL answers the monthly aggregates from this index alone (index-only scans).
            models.Index(
                fields=["year", "month"], include=["project", "amount", "status"], name="report_period_covering"
            ),
            # Reports filed on time, counted per project by the horse race from this index alone.
            models.Index(
                fields=["year", "month"], include=["project"], condition=Q(is_late=False) & ~Q(status="draft"),
                name="report_on_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}"


class ReportAction(models.TextChoices):
    SAVE = "save", _("Saved as draft")
    SUBMIT = "submit", _("Filed")
    VERIFY = "verify", _("Verified by the town")
    CONFIRM = "confirm", _("Confirmed by the project office")
    RETURN = "return", _("Returned")
    REOPEN = "reopen", _("Reopened for correction")


class ReportEvent(models.Model):
    """One step of a report's way through the cycle: who, when, the amount then, and why."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("monthly report"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    amount = models.DecimalField(_("amount then (10k yuan)"), max_digits=16, decimal_places=4, null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_action_display()}"


def photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"reports/{instance.report.year}/{instance.report.month:02d}/{instance.report.project_id}/{filename}"


class ReportPhoto(models.Model):
    """A site photo of a monthly report, checked to be a real image and kept in Django storage.
    Time and place come from its EXIF data when the camera recorded them."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("monthly report"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Notification(models.Model):
    """An in-app notice to one user (reminders of late reports, returns, reopened reports)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reporting_notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


MONTH_FIELDS = tuple(f"m{m}" for m in range(1, 13))


class ProjectYearInvestment(models.Model):
    """A project's counted investment (every report but drafts) month by month in one year:
    the exact aggregate the overview, the cockpit and the forecast read, so that year to date
    at month M sums one row per project instead of M reports. Kept by ``tuijin.reporting.totals``
    on every save or delete of a report, in the same transaction; bulk loads call
    ``totals_rebuild`` (command ``tuijin rebuild-totals``)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    m1 = models.DecimalField(_("January (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m2 = models.DecimalField(_("February (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m3 = models.DecimalField(_("March (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m4 = models.DecimalField(_("April (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m5 = models.DecimalField(_("May (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m6 = models.DecimalField(_("June (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m7 = models.DecimalField(_("July (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m8 = models.DecimalField(_("August (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m9 = models.DecimalField(_("September (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m10 = models.DecimalField(_("October (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m11 = models.DecimalField(_("November (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    m12 = models.DecimalField(_("December (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0))
    # Running totals (tuijin.lib.months): year to date through each month, kept by the database.
    ytd_m1 = running_total(1)
    ytd_m2 = running_total(2)
    ytd_m3 = running_total(3)
    ytd_m4 = running_total(4)
    ytd_m5 = running_total(5)
    ytd_m6 = running_total(6)
    ytd_m7 = running_total(7)
    ytd_m8 = running_total(8)
    ytd_m9 = running_total(9)
    ytd_m10 = running_total(10)
    ytd_m11 = running_total(11)
    ytd_m12 = running_total(12)

    class Meta:
        verbose_name = _("project investment by month")
        verbose_name_plural = _("project investment by month")
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_year_investment_once")]
        indexes = [models.Index(fields=["year"], name="project_year_investment_year")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"

    def months(self) -> list[Decimal]:
        return [getattr(self, name) for name in MONTH_FIELDS]


class TownYearInvestment(models.Model):
    """A town's counted investment month by month in one year: the sum of its projects'
    :class:`ProjectYearInvestment` rows, so that the overview, the cockpit, the trend charts
    and the forecast read one row per town instead of one per project. Kept exact by
    ``tuijin.reporting.towns`` (each change of a project-year total, each project moved to
    another town); projects without a town are not in it (the selectors add them)."""

    town = models.ForeignKey("orgs.Unit", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    m1 = models.DecimalField(_("January (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m2 = models.DecimalField(_("February (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m3 = models.DecimalField(_("March (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m4 = models.DecimalField(_("April (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m5 = models.DecimalField(_("May (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m6 = models.DecimalField(_("June (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m7 = models.DecimalField(_("July (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m8 = models.DecimalField(_("August (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m9 = models.DecimalField(_("September (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m10 = models.DecimalField(_("October (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m11 = models.DecimalField(_("November (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    m12 = models.DecimalField(_("December (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))

    class Meta:
        verbose_name = _("town investment by month")
        verbose_name_plural = _("town investment by month")
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="town_year_investment_once")]
        indexes = [models.Index(fields=["year"], name="town_year_investment_year")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year}"


class TownPlanTotals(models.Model):
    """The lines of one version of the annual plan summed per town: how many, the annual
    planned investment, the opening balance and the monthly split (``plan_m1`` …). Kept exact
    by ``tuijin.reporting.towns`` whenever plan lines are written or a project moves to
    another town; lines of projects without a town are not in it (the selectors add them)."""

    version = models.ForeignKey(
        "projects.PlanVersion", verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="+"
    )
    town = models.ForeignKey("orgs.Unit", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+")
    lines = models.PositiveIntegerField(_("plan lines"), default=0)
    planned = models.DecimalField(_("annual planned investment (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    opening = models.DecimalField(_("completed to last year-end (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m1 = models.DecimalField(_("January (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m2 = models.DecimalField(_("February (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m3 = models.DecimalField(_("March (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m4 = models.DecimalField(_("April (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m5 = models.DecimalField(_("May (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m6 = models.DecimalField(_("June (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m7 = models.DecimalField(_("July (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m8 = models.DecimalField(_("August (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m9 = models.DecimalField(_("September (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m10 = models.DecimalField(_("October (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m11 = models.DecimalField(_("November (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))
    plan_m12 = models.DecimalField(_("December (10k yuan)"), max_digits=20, decimal_places=4, default=Decimal(0))

    class Meta:
        verbose_name = _("town plan totals")
        verbose_name_plural = _("town plan totals")
        constraints = [models.UniqueConstraint(fields=["version", "town"], name="town_plan_totals_once")]

    def __str__(self) -> str:
        return f"{self.version_id} {self.town_id}"


from . import totals, towns  # noqa: E402, F401  (connect the receivers that keep the stored totals exact)
