"""Webhook subscriptions of other systems and the log of every delivery to them."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import DeliveryStatus


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """A URL of another system that the project office subscribes to some events
    (project admitted, report confirmed, light turned red, order issued …). Every payload
    sent to it is signed with its secret."""

    name = models.CharField(_("name"), max_length=80, help_text=_("The receiving system, e.g. 市发改委项目平台."))
    url = models.URLField(_("URL"), max_length=500, help_text=_("Receives a POST with a JSON body for each event."))
    events = models.JSONField(_("events"), default=list, help_text=_("Event names this URL receives."))
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_secret, help_text=_("Shared with the receiver to check signatures.")
    )
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription, with every attempt's outcome.
    Failed deliveries are retried with exponential backoff until the attempts run out."""

    uuid = models.UUIDField(_("delivery ID"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=60, db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(pgettext_lazy("time", "delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class EventCursor(models.Model):
    """How far a stream of rows written in bulk (lights of a supervision scan …) has been
    published as events, so a second run the same day does not announce them again."""

    key = models.CharField(_("stream"), max_length=60, unique=True)
    last_id = models.BigIntegerField(_("last published row"), default=0)

    class Meta:
        verbose_name = _("event cursor")
        verbose_name_plural = _("event cursors")

    def __str__(self) -> str:
        return f"{self.key} @ {self.last_id}"


class PublishedPackage(models.Model):
    """The OC4IDS package of every disclosed project, built once and kept as a file that
    /public/oc4ids.json serves (tuijin.opendata.services.package): a province's package takes
    minutes to build, and the address is public."""

    file = models.FileField(_("file"), upload_to="opendata/")
    base_url = models.CharField(_("public address"), max_length=200, help_text=_("Scheme and host of the package's URIs."))
    built_at = models.DateTimeField(_("built at"))
    seconds = models.DecimalField(_("build time (seconds)"), max_digits=9, decimal_places=2)
    projects = models.PositiveIntegerField(_("projects"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("published OC4IDS package")
        verbose_name_plural = _("published OC4IDS packages")
        ordering = ["-built_at", "-pk"]

    def __str__(self) -> str:
        return f"OC4IDS {self.built_at:%Y-%m-%d %H:%M} ({self.projects})"
