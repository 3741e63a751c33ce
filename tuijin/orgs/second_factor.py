"""The optional second factor: a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, through django-otp. The QR code is drawn here as SVG; no outside service
sees the secret."""

from __future__ import annotations

import base64
import binascii
import re

import django_otp
import qrcode
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from .choices import Role
from .security import SecurityEventKind, log_security_event


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_required(user) -> bool:
    return bool(settings.TUIJIN_REQUIRE_TOTP_FOR_OFFICE) and user.role == Role.OFFICE


def owed_after_password(user) -> str | None:
    """What the user still owes after a correct password: "verify" (a code from the
    authenticator), "enrol" (set one up first, when it is required) or None."""
    if confirmed_device(user):
        return "verify"
    if is_required(user):
        return "enrol"
    return None


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = base64.b32encode(binascii.unhexlify(device.key)).decode().rstrip("=")
    return " ".join(re.findall(".{1,4}", text))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=12, border=2)
    svg = image.to_string(encoding="unicode")
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)


def _clean(token: str) -> str:
    return re.sub(r"\s+", "", token or "")


@transaction.atomic
def second_factor_confirm(*, request, token: str) -> bool:
    """Confirm the pending authenticator with a first code; the session counts as verified."""
    user = request.user
    device = pending_device(user)
    if not device.verify_token(_clean(token)):
        log_security_event(SecurityEventKind.SECOND_FACTOR_FAILED, user=user, request=request, step="enrol")
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    log_security_event(SecurityEventKind.SECOND_FACTOR, user=user, request=request, action="enrolled")
    return True


def second_factor_verify(*, request, token: str) -> bool:
    """Check a code after the password; on success the session is verified."""
    user = request.user
    device = confirmed_device(user)
    if device is None or not device.verify_token(_clean(token)):
        log_security_event(SecurityEventKind.SECOND_FACTOR_FAILED, user=user, request=request, step="sign-in")
        return False
    django_otp.login(request, device)
    return True


@transaction.atomic
def second_factor_remove(*, request) -> None:
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    log_security_event(SecurityEventKind.SECOND_FACTOR, user=user, request=request, action="removed")
