"""Supervision (督查): traffic-light rules and the lights they raise on projects, the
three-colour orders to responsible units, and the monthly bulletins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Colour, OrderAction, OrderKind, OrderStatus


class LightRule(models.Model):
    """One warning rule of the catalogue as the project office configured it: active or not,
    its yellow and red thresholds (in the rule's unit: points, months, days)."""

    code = models.SlugField(_("rule"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    yellow_at = models.DecimalField(_("yellow from"), max_digits=8, decimal_places=2, null=True, blank=True)
    red_at = models.DecimalField(
        _("red from"), max_digits=8, decimal_places=2, null=True, blank=True,
        help_text=_("Red when the figure reaches this (for the schedule gap: goes beyond it)."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Light(models.Model):
    """A yellow or red light on a project raised by one rule, with its reason in words.
    Open while its cause lasts (``cleared_on`` empty); when the colour changes the light is
    closed and a new one opened, so the rows of a project are its history."""

    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="lights")
    town = models.ForeignKey("orgs.Unit", verbose_name=_("town"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    department = models.ForeignKey(
        "orgs.Unit", verbose_name=_("responsible department"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    reason = models.TextField(pgettext_lazy("light", "reason"))
    facts = models.JSONField(_("figures"), default=dict, blank=True)
    first_seen = models.DateField(_("raised on"))
    last_seen = models.DateField(_("last confirmed"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    cleared_reason = models.CharField(_("why cleared"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("light")
        verbose_name_plural = _("lights")
        ordering = ["-first_seen", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], condition=Q(cleared_on__isnull=True), name="one_open_light_per_rule"),
        ]
        indexes = [
            models.Index(fields=["cleared_on", "colour"]),
            models.Index(fields=["town", "cleared_on"]),
            # The latest open lights of a colour (the cockpit's red list) read from the index
            # instead of sorting every open light: 145 ms → under 1 ms at 67,000 red lights.
            models.Index(fields=["colour", "-first_seen", "id"], condition=Q(cleared_on__isnull=True), name="light_open_latest"),
            # The projects under an open light of a colour (the cockpit's count of projects
            # under red light), in project order: distinct projects without sorting or hashing.
            models.Index(fields=["colour", "project"], condition=Q(cleared_on__isnull=True), name="light_open_colour_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.rule} · {self.colour}"

    @property
    def is_open(self) -> bool:
        return self.cleared_on is None


class ScanRun(models.Model):
    """One evaluation of every rule: when, for which day, and what changed."""

    day = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"))
    seconds = models.DecimalField(_("seconds"), max_digits=8, decimal_places=2, default=0)
    raised = models.PositiveIntegerField(pgettext_lazy("light", "raised"), default=0)
    changed = models.PositiveIntegerField(_("colour changed"), default=0)
    cleared = models.PositiveIntegerField(_("cleared"), default=0)
    open_red = models.PositiveIntegerField(_("red open"), default=0)
    open_yellow = models.PositiveIntegerField(_("yellow open"), default=0)
    skipped = models.JSONField(_("rules without data source"), default=list, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day}: {self.open_red} / {self.open_yellow}"


class Order(models.Model):
    """A supervision order (提醒函 / 交办函 / 督办函) from the project office to a responsible
    unit about one or more projects, with a reply deadline."""

    number = models.CharField(_("document number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrderKind.choices)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="supervision_orders")
    projects = models.ManyToManyField("projects.Project", verbose_name=_("projects"), related_name="supervision_orders")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what is required"))
    reply_due = models.DateField(_("reply by"))
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED, db_index=True)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, null=True, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("escalated from"), on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    closed_at = models.DateTimeField(pgettext_lazy("supervision order", "closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class OrderEvent(models.Model):
    """One step of an order: issued, replied with a rectification plan, accepted, returned,
    escalated — who, when, what."""

    order = models.ForeignKey(Order, verbose_name=pgettext_lazy("supervision order", "order"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=OrderAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("text"), blank=True)
    rectify_by = models.DateField(_("rectified by"), null=True, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.get_action_display()}"


class Bulletin(models.Model):
    """A monthly supervision bulletin (督查通报) as issued: its number and the Word file."""

    period = models.CharField(_("period"), max_length=8)
    number = models.CharField(_("document number"), max_length=40)
    file = models.FileField(_("file"), upload_to="supervision/bulletins/")
    made_at = models.DateTimeField(_("made"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return self.number
