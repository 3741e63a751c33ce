"""Problems (堵点) raised on projects, their ladder events, attachments and deadline rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import (
    EventKind,
    Level,
    ProblemCategory,
    ProblemStatus,
    RaiserKind,
    Urgency,
    default_deadline_days,
    level_rank,
)
from .attachments import Attachment


class DeadlineRule(models.Model):
    """How many days a problem of a category and urgency may stay at a level of the ladder
    before it goes up by itself. Edited by the project office; missing rows fall back to the
    defaults from practice (choices.DEFAULT_DEADLINE_DAYS)."""

    category = models.CharField(pgettext_lazy("consultation", "category"), max_length=12, choices=ProblemCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    level = models.CharField(pgettext_lazy("consultation", "level"), max_length=12, choices=Level.choices)
    days = models.PositiveSmallIntegerField(
        pgettext_lazy("number of days", "days"), validators=[MinValueValidator(1), MaxValueValidator(365)], help_text=_("Calendar days at this level.")
    )

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["category", "urgency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency", "level"], name="deadline_rule_unique"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="deadline_rule_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_urgency_display()} · {self.get_level_display()}: {self.days}"

    @classmethod
    def days_for(cls, category: str, urgency: str, level: str) -> int:
        row = cls.objects.filter(category=category, urgency=urgency, level=level).values_list("days", flat=True).first()
        return row or default_deadline_days(category, urgency, level)


class ProblemQuerySet(models.QuerySet):
    def not_closed(self):
        return self.exclude(status=ProblemStatus.CLOSED)

    def overdue(self, today: dt.date):
        return self.not_closed().filter(deadline__lt=today)

    def with_related(self):
        return self.select_related(
            "project", "project__town", "responsible_unit", "raiser_unit", "raised_by", "responsible_leader"
        )


class Problem(models.Model):
    """A blockage (堵点) of a project that its owner, town or a department cannot clear alone.
    It climbs the ladder owner → town → department → consultation meeting → county leader,
    with a deadline at each level, until the raiser confirms its closure (销号)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(pgettext_lazy("consultation", "category"), max_length=12, choices=ProblemCategory.choices, db_index=True)
    description = models.TextField(pgettext_lazy("consultation", "description"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raiser_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("raising unit"), on_delete=models.PROTECT, related_name="raised_problems"
    )
    raiser_kind = models.CharField(_("raised as"), max_length=12, choices=RaiserKind.choices)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    level = models.CharField(pgettext_lazy("consultation", "level"), max_length=12, choices=Level.choices, db_index=True)
    responsible_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="assigned_problems"
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_problems",
    )
    level_since = models.DateTimeField(_("at this level since"), default=timezone.now)
    deadline = models.DateField(_("deadline at this level"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN, db_index=True
    )
    resolution = models.TextField(_("proposed resolution"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    reminded_for = models.DateField(
        _("deadline reminded"), null=True, blank=True, help_text=_("The deadline whose reminder has been sent.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["responsible_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ProblemStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="problem_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("consultation:problem", args=[self.pk])

    @property
    def level_rank(self) -> int:
        return level_rank(self.level)

    @property
    def is_closed(self) -> bool:
        return self.status == ProblemStatus.CLOSED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_closed and self.deadline < (today or timezone.localdate())

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


class ProblemEvent(models.Model):
    """One step of a problem's way up and out: who did what, when and why."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted (deadline passed)."),
    )
    from_level = models.CharField(_("from level"), max_length=12, choices=Level.choices, blank=True)
    to_level = models.CharField(_("to level"), max_length=12, choices=Level.choices, blank=True)
    from_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("from unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("to unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    text = models.TextField(_("reason or reply"), blank=True)

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_unit", "problem"])]

    def __str__(self) -> str:
        return f"{self.problem.number} {self.get_kind_display()}"


class ProblemAttachment(Attachment):
    """A file on a problem: photos, letters, maps that show the blockage or its resolution."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        ProblemEvent, verbose_name=pgettext_lazy("problem event", "event"), on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )

    folder = "problems"

    class Meta(Attachment.Meta):
        verbose_name = _("problem attachment")
        verbose_name_plural = _("problem attachments")
