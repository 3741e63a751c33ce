"""Signed webhook deliveries with retries and exponential backoff.

Each POST carries the JSON body and these headers:

- ``X-Tuijin-Event``: the event name, e.g. ``project.admitted``;
- ``X-Tuijin-Delivery``: the delivery's UUID (the same on every retry, so receivers can
  drop duplicates);
- ``X-Tuijin-Timestamp``: seconds since the epoch when this attempt was signed;
- ``X-Tuijin-Signature``: ``sha256=`` + hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with the
  subscription's secret. Receivers recompute it and reject old timestamps (replays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy
from ..choices import DeliveryStatus
from ..events import EVENTS
from ..models import WebhookDelivery, WebhookSubscription

#: Attempts before a delivery is given up, and the first retry delay (doubled each time):
#: 1, 2, 4, 8 and 16 minutes.
MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 60
#: A claimed delivery is not picked up again for this long (a sender that died mid-attempt).
LEASE_SECONDS = 120
TIMEOUT_SECONDS = 5


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones."""
    return dt.timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


@dataclass
class Response:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Response:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only, checked on save)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status)
    except urllib.error.HTTPError as exc:
        return Response(exc.code, f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Response(None, str(reason)[:500])


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take the delivery for one attempt; False if another sender has it or it is not due."""
    return bool(
        WebhookDelivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).update(
            next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS)
        )
    )


def delivery_attempt(*, delivery_id: int, force: bool = False) -> WebhookDelivery | None:
    """Send one delivery once. On failure the next attempt is scheduled with backoff, or the
    delivery fails for good after MAX_ATTEMPTS. Returns None if it was not due."""
    now = timezone.now()
    if force:
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(next_attempt_at=now)
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Tuijin-Webhook/1",
        "X-Tuijin-Event": delivery.event,
        "X-Tuijin-Delivery": str(delivery.uuid),
        "X-Tuijin-Timestamp": str(timestamp),
        "X-Tuijin-Signature": sign(subscription.secret, timestamp, body),
    }
    if subscription.is_active:
        answer = http_post(subscription.url, body, headers)
    else:
        answer = Response(None, _("The subscription is paused."))
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_code = answer.status
    if answer.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = delivery.last_attempt_at
        delivery.next_attempt_at = None
        delivery.error = ""
    else:
        delivery.error = answer.error or _("The receiver answered %(code)s.") % {"code": answer.status}
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = delivery.last_attempt_at + backoff(delivery.attempts)
    delivery.save()
    return delivery


def deliveries_due(now: dt.datetime | None = None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Attempt every delivery whose time has come (the periodic retry sweep)."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for pk in list(deliveries_due(now).values_list("pk", flat=True)[:limit]):
        delivery = delivery_attempt(delivery_id=pk)
        if delivery is None:
            continue
        if delivery.status == DeliveryStatus.SUCCEEDED:
            counts["sent"] += 1
        elif delivery.status == DeliveryStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["retrying"] += 1
    return counts


# ---------------------------------------------------------------- the office's actions


def _check(by) -> None:
    if not policy.can_manage_webhooks(by):
        raise PermissionDenied(_("Only the project office manages webhooks."))


def _validate(url: str, events: list[str]) -> None:
    if not url.startswith(("http://", "https://")):
        raise ServiceError({"url": _("A webhook URL starts with http:// or https://.")})
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ServiceError({"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}})
    if not events:
        raise ServiceError({"events": _("Choose at least one event.")})


@transaction.atomic
def subscription_create(*, by, name: str, url: str, events: list[str], is_active: bool = True) -> WebhookSubscription:
    _check(by)
    _validate(url, events)
    return WebhookSubscription.objects.create(name=name, url=url, events=events, is_active=is_active, created_by=by)


@transaction.atomic
def subscription_update(
    *, subscription: WebhookSubscription, by, name: str, url: str, events: list[str], is_active: bool
) -> WebhookSubscription:
    _check(by)
    _validate(url, events)
    subscription.name, subscription.url, subscription.events, subscription.is_active = name, url, events, is_active
    subscription.save()
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: WebhookSubscription, by) -> WebhookSubscription:
    from ..models import new_secret

    _check(by)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret"])
    return subscription


def delivery_retry(*, delivery: WebhookDelivery, by) -> WebhookDelivery | None:
    """Send again now; a delivery that had failed for good gets a fresh round of attempts."""
    _check(by)
    if delivery.status == DeliveryStatus.FAILED:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, attempts=0)
    elif delivery.status == DeliveryStatus.SUCCEEDED:
        raise ServiceError(_("This delivery has already arrived."))
    return delivery_attempt(delivery_id=delivery.pk, force=True)
