"""Consultation meetings (会商会), their agenda, and decisions tracked to closure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import ActionStatus, MeetingKind, MeetingStatus
from .attachments import Attachment


class Meeting(models.Model):
    """A consultation meeting convened by the project office: the weekly 会商日 or a special
    one. Its agenda is made of escalated problems; its decisions become action items."""

    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.WEEKLY)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveSmallIntegerField(_("number in year"), editable=False)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_meetings",
    )
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("attending units"), blank=True, related_name="consultation_meetings"
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attending leaders"), blank=True, related_name="attended_meetings"
    )
    other_attendees = models.TextField(_("other attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    copy_to = models.CharField(_("copy to"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_at = models.DateTimeField(_("minutes recorded"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="meeting_number_unique")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation:meeting", args=[self.pk])

    @property
    def doc_number(self) -> str:
        """The document number of the minutes, e.g. 〔2026〕12号."""
        return f"〔{self.year}〕{self.number}号"

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


class AgendaItem(models.Model):
    """One item of a meeting's agenda: usually an escalated problem."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    problem = models.ForeignKey(
        "consultation.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("discussion"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "problem"], condition=models.Q(problem__isnull=False), name="agenda_problem_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionItemQuerySet(models.QuerySet):
    def not_closed(self):
        return self.exclude(status=ActionStatus.CLOSED)

    def overdue(self, today: dt.date):
        return self.not_closed().filter(deadline__lt=today)


class ActionItem(models.Model):
    """A decision of a meeting (议定事项): what is to be done, by which unit, by when. Tracked
    until the project office confirms its closure (销号) on the evidence submitted."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    problem = models.ForeignKey(
        "consultation.Problem",
        verbose_name=_("problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    text = models.TextField(pgettext_lazy("consultation", "decision"))
    responsible_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="consultation_actions"
    )
    cooperating = models.CharField(_("cooperating units"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    reported_at = models.DateTimeField(_("evidence submitted"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_reason = models.TextField(_("reason for return"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ActionStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="action_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("consultation:action", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == ActionStatus.CLOSED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_closed and self.deadline < (today or timezone.localdate())


class ActionEvidence(Attachment):
    """A file proving a decision was carried out (a permit, a photo, a signed agreement)."""

    action = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="evidence_files"
    )

    folder = "actions"

    class Meta(Attachment.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
