"""Notices to units (in-app inbox, e-mail) and the chat-robot webhooks that relay them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import NoticeKind


class Notice(models.Model):
    """A message to a unit: a problem was assigned, escalated, is near its deadline, was
    replied to or closed; a meeting decision was assigned or closed. Read by the unit's users
    in their inbox."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices, db_index=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("recipient unit"), on_delete=models.CASCADE, related_name="notices")
    problem = models.ForeignKey(
        "consultation.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    action = models.ForeignKey(
        "consultation.ActionItem",
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "read_at"])]

    def __str__(self) -> str:
        return self.title


class WebhookEndpoint(models.Model):
    """A chat robot (DingTalk-style) that receives notices, signed with HMAC-SHA256."""

    name = models.CharField(_("name"), max_length=60)
    url = models.URLField(_("URL"), max_length=400)
    secret = models.CharField(_("signing secret"), max_length=200, help_text=_("The robot's 加签 secret."))
    kinds = models.JSONField(
        _("notice kinds"),
        default=list,
        blank=True,
        help_text=_("Kinds of notice to relay, e.g. [\"escalated\", \"near_deadline\"]; empty relays all."),
    )
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        return self.is_active and (not self.kinds or kind in self.kinds)


class WebhookDelivery(models.Model):
    """One attempt to post a notice to a webhook, with the answer."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    ok = models.BooleanField(_("delivered"), default=False)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response = models.TextField(_("answer"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'failed'}"
