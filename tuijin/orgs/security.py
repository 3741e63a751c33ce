"""The security event log (等保2.0 安全审计): logins, failures, permission changes, exports,
backups. Append-only and hash-chained, so a changed or deleted row is detected."""

from __future__ import annotations

import hashlib
import json

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION_DAYS = 183  # at least six months


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Account locked")
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PERMISSION_CHANGED = "permission_changed", _("Role or permission changed")
    USER_CREATED = "user_created", _("Account created")
    EXPORT = "export", _("Data exported")
    BACKUP = "backup", _("Backup or restore")
    DENIED = "denied", _("Access denied")
    UNLOCKED = "unlocked", _("Account unlocked")
    UNIT_CHANGED = "unit_changed", _("Unit created or changed")
    SECOND_FACTOR = "second_factor", _("Second factor enrolled or removed")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong one-time code")


class SecurityEvent(models.Model):
    """One security-relevant event. Rows are never changed or deleted; each carries the hash
    of the previous row, so the chain proves nothing was altered."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=24, choices=SecurityEventKind.choices, db_index=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    user_id_value = models.BigIntegerField(_("user id"), null=True, blank=True)
    ip_address = models.CharField(_("address"), max_length=45, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Security events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Security events cannot be deleted.")

    def compute_hash(self) -> str:
        body = json.dumps(
            [self.at.isoformat(), self.kind, self.username, self.user_id_value, self.ip_address, self.detail, self.previous_hash],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(body.encode()).hexdigest()


def client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


@transaction.atomic
def log_security_event(kind: str, *, user=None, username: str = "", request=None, **detail) -> SecurityEvent:
    """Append one event to the chain."""
    last = SecurityEvent.objects.select_for_update().order_by("-pk").first()
    event = SecurityEvent(
        kind=kind,
        username=username or (getattr(user, "username", "") or ""),
        user_id_value=getattr(user, "pk", None),
        ip_address=client_ip(request),
        detail=detail,
        previous_hash=last.hash if last else "",
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def verify_chain() -> list[int]:
    """Primary keys of rows whose hash or link is broken (empty when the log is intact)."""
    broken = []
    previous = ""
    for event in SecurityEvent.objects.order_by("pk").iterator():
        if event.previous_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.pk)
        previous = event.hash
    return broken


def log_export(request, what: str, rows: int | None = None) -> SecurityEvent:
    """Record that the signed-in user downloaded ``what`` (a file name or a page's name) with
    ``rows`` rows. Called by every view that hands out an Excel or Word file."""
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    detail = {"what": str(what), "path": getattr(request, "path", "")}
    if rows is not None:
        detail["rows"] = int(rows)
    return log_security_event(SecurityEventKind.EXPORT, user=user, request=request, **detail)
