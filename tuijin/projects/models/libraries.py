"""The three project libraries, their entry workflow, gates and the versioned annual plan."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.months import running_total

from ..choices import EntryAction, EntryStatus, LibraryKind, PlanCategory


class Library(models.Model):
    """One library for one period: the five-year reserve (e.g. 2026–2030), a three-year
    rolling window (2026–2028) or an annual plan (2026)."""

    kind = models.CharField(_("kind"), max_length=10, choices=LibraryKind.choices)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Leave empty for the standard name."))
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        ordering = ["kind", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start_year"], name="library_kind_period_unique"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="library_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The name the office gave, else the standard name in the reader's language."""
        if self.name:
            return self.name
        if self.kind == LibraryKind.RESERVE:
            return _("%(start)s–%(end)s five-year reserve") % {"start": self.start_year, "end": self.end_year}
        if self.kind == LibraryKind.ROLLING:
            return _("%(start)s–%(end)s three-year rolling") % {"start": self.start_year, "end": self.end_year}
        return _("%(year)s annual plan") % {"year": self.start_year}


class LibraryEntry(models.Model):
    """A project's place in one library, moving through submit → first review → final review."""

    library = models.ForeignKey(Library, verbose_name=_("library"), on_delete=models.PROTECT, related_name="entries")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="library_entries"
    )
    status = models.CharField(_("status"), max_length=24, choices=EntryStatus.choices, db_index=True)
    is_addition = models.BooleanField(
        _("mid-year addition"), default=False, help_text=_("Added to the annual plan after it was adopted.")
    )
    source = models.CharField(
        _("source"), max_length=40, blank=True, help_text=_("Town, department, investment attraction …")
    )
    reason = models.TextField(_("last reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("admitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["library", "-updated_at"]
        constraints = [models.UniqueConstraint(fields=["library", "project"], name="entry_once_per_library")]

    def __str__(self) -> str:
        return f"{self.project} @ {self.library}"


class EntryEvent(models.Model):
    """One step of the entry workflow: who did what, when and why."""

    entry = models.ForeignKey(LibraryEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=EntryAction.choices)
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=24, choices=EntryStatus.choices, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=24, choices=EntryStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("entry event")
        verbose_name_plural = _("entry events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.entry}"


class GateCriterion(models.Model):
    """What a project must have to enter a library, set by the project office."""

    library_kind = models.CharField(_("library"), max_length=10, choices=LibraryKind.choices)
    category = models.ForeignKey(
        "projects.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: applies to every category."),
    )
    min_total_investment = models.DecimalField(
        _("minimum total investment (10k yuan)"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    required_fields = models.JSONField(
        _("required fields"),
        default=list,
        blank=True,
        help_text=_("Project fields that must be filled, e.g. national_code, land_area, content."),
    )
    required_nodes = models.ManyToManyField(
        "projects.NodeType", verbose_name=_("nodes that must be done"), blank=True
    )
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("gate criterion")
        verbose_name_plural = _("gate criteria")
        ordering = ["library_kind", "category"]

    def __str__(self) -> str:
        scope = self.category or _("all categories")
        return f"{self.get_library_kind_display()} · {scope}"


class PlanVersion(models.Model):
    """A version of one year's annual plan. The start-of-year plan (年初计划) is frozen when
    adopted; adjustments are made in the working version that follows it (调整计划)."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    number = models.PositiveSmallIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=40, blank=True)
    is_frozen = models.BooleanField(_("frozen"), default=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def title(self) -> str:
        """The label the office gave, else the standard name in the reader's language."""
        if self.label:
            return self.label
        if not self.is_frozen:
            return str(_("Working plan") if self.number == 1 else _("Adjusted plan (working)"))
        return str(_("Start-of-year plan") if self.number == 1 else _("Adjusted plan %(n)s") % {"n": self.number - 1})


MONTHS = range(1, 13)
#: PlanEntry's stored copy of its monthly split (see PlanEntry.plan_m1 …).
SPLIT_FIELDS = tuple(f"plan_m{m}" for m in MONTHS)


class PlanEntry(models.Model):
    """A project's line in one version of the annual plan."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="entries")
    library_entry = models.ForeignKey(
        LibraryEntry, verbose_name=_("library entry"), on_delete=models.PROTECT, related_name="plan_entries"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="plan_entries"
    )
    category = models.CharField(_("plan category"), max_length=12, choices=PlanCategory.choices)
    planned_investment = models.DecimalField(
        _("annual planned investment (10k yuan)"),
        max_digits=16,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    opening_cumulative = models.DecimalField(
        _("completed to last year-end (10k yuan)"),
        max_digits=16,
        decimal_places=4,
        default=Decimal(0),
        help_text=_("Cumulative investment to the end of last year, frozen by the roll-over."),
    )
    progress_target = models.CharField(_("physical-progress target"), max_length=300, blank=True)
    planned_start_month = models.PositiveSmallIntegerField(
        _("planned start month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    planned_completion = models.CharField(
        _("planned completion (YYYY-MM)"), max_length=7, blank=True, help_text=_("e.g. 2027-06")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        editable=False,
        help_text=_("Raised by every adjustment; a form opened at an older version cannot save."),
    )
    # The monthly split that defines the time-proportional schedule (序时进度), one column per
    # month: the schedule to date of many lines is a sum over the lines alone.
    plan_m1 = models.DecimalField(_("January (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m2 = models.DecimalField(_("February (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m3 = models.DecimalField(_("March (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m4 = models.DecimalField(_("April (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m5 = models.DecimalField(_("May (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m6 = models.DecimalField(_("June (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m7 = models.DecimalField(_("July (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m8 = models.DecimalField(_("August (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m9 = models.DecimalField(_("September (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m10 = models.DecimalField(_("October (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m11 = models.DecimalField(_("November (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    plan_m12 = models.DecimalField(_("December (10k yuan)"), max_digits=16, decimal_places=4, default=Decimal(0), editable=False)
    # Running totals of the split (tuijin.lib.months): planned to the end of each month.
    plan_ytd_m1 = running_total(1, "plan_")
    plan_ytd_m2 = running_total(2, "plan_")
    plan_ytd_m3 = running_total(3, "plan_")
    plan_ytd_m4 = running_total(4, "plan_")
    plan_ytd_m5 = running_total(5, "plan_")
    plan_ytd_m6 = running_total(6, "plan_")
    plan_ytd_m7 = running_total(7, "plan_")
    plan_ytd_m8 = running_total(8, "plan_")
    plan_ytd_m9 = running_total(9, "plan_")
    plan_ytd_m10 = running_total(10, "plan_")
    plan_ytd_m11 = running_total(11, "plan_")
    plan_ytd_m12 = running_total(12, "plan_")

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering = ["version", "category", "-planned_investment"]
        constraints = [
            models.UniqueConstraint(fields=["version", "project"], name="plan_entry_once_per_version"),
            models.CheckConstraint(condition=Q(planned_investment__gte=0), name="plan_investment_not_negative"),
        ]
        indexes = [
            # One category of a plan version (the new starts of the starts panel) without
            # reading every line of the version.
            models.Index(fields=["version", "category"], name="plan_entry_version_category"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.version}"

    def months(self) -> dict[int, Decimal]:
        """The split as {month: amount} in month order, the months of 0 left out (the shape of
        :attr:`tuijin.projects.services.libraries.PlanData.months`)."""
        return {m: amount for m, name in zip(MONTHS, SPLIT_FIELDS, strict=True) if (amount := getattr(self, name))}
