"""Files attached to problems and to the evidence of decisions, kept in Django storage."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..choices import ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES


def validate_attachment(upload) -> None:
    """Refuse files of other types or above the size limit, with a message the user can act on."""
    ext = PurePath(upload.name).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("%(name)s: files of type .%(ext)s are not accepted; use %(allowed)s.")
            % {"name": upload.name, "ext": ext or "?", "allowed": ", ".join(ATTACHMENT_EXTENSIONS)}
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(ATTACHMENT_MAX_BYTES)}
        )


def attachment_path(instance, filename: str) -> str:
    ext = PurePath(filename).suffix.lower()
    return f"consultation/{instance.folder}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    folder = "files"

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
