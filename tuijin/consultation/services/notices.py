"""Notices: one in-app notice per recipient unit, then e-mail and signed chat-robot webhooks,
sent after the transaction commits through a Celery task (in-process without a broker)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import NoticeKind
from ..models import Notice, WebhookDelivery, WebhookEndpoint

WEBHOOK_TIMEOUT_SECONDS = 5


def _text(kind: str, *, problem=None, action=None) -> tuple[str, str, str]:
    if problem is not None:
        subject = {
            NoticeKind.ASSIGNED: _("Problem %(number)s assigned to you: %(title)s"),
            NoticeKind.ESCALATED: _("Problem %(number)s escalated to %(level)s: %(title)s"),
            NoticeKind.NEAR_DEADLINE: _("Problem %(number)s is due on %(deadline)s: %(title)s"),
            NoticeKind.REPLIED: _("Problem %(number)s has a proposed resolution: %(title)s"),
            NoticeKind.CLOSED: _("Problem %(number)s closed: %(title)s"),
            NoticeKind.REOPENED: _("Problem %(number)s reopened: %(title)s"),
        }[kind] % {
            "number": problem.number,
            "title": problem.title,
            "level": problem.get_level_display(),
            "deadline": problem.deadline.isoformat(),
        }
        body = _("Project: %(project)s\nResponsible: %(unit)s\nLevel: %(level)s, deadline %(deadline)s") % {
            "project": problem.project.name,
            "unit": problem.responsible_unit,
            "level": problem.get_level_display(),
            "deadline": problem.deadline.isoformat(),
        }
        return subject, body, problem.get_absolute_url()
    subject = {
        NoticeKind.ACTION_ASSIGNED: _("Meeting decision for you, due %(deadline)s: %(text)s"),
        NoticeKind.ACTION_CLOSED: _("Meeting decision closed: %(text)s"),
        NoticeKind.NEAR_DEADLINE: _("Meeting decision due on %(deadline)s: %(text)s"),
    }[kind] % {"deadline": action.deadline.isoformat(), "text": action.text[:60]}
    body = _("%(meeting)s\nResponsible: %(unit)s, deadline %(deadline)s") % {
        "meeting": action.meeting.title,
        "unit": action.responsible_unit,
        "deadline": action.deadline.isoformat(),
    }
    return subject, body, action.get_absolute_url()


def notify(kind: str, *, units: Iterable, problem=None, action=None) -> list[Notice]:
    """Create one notice per distinct unit and deliver it once the transaction commits."""
    title, body, url = _text(kind, problem=problem, action=action)
    seen: set[int] = set()
    notices = []
    for unit in units:
        if unit is None or unit.pk in seen:
            continue
        seen.add(unit.pk)
        notices.append(
            Notice.objects.create(kind=kind, unit=unit, problem=problem, action=action, title=title[:200], body=body, url=url)
        )
    if notices:
        ids = [n.pk for n in notices]
        transaction.on_commit(lambda: _queue(ids))
    return notices


def _queue(ids: list[int]) -> None:
    from tuijin.lib.tasks import enqueue

    from ..tasks import deliver_notice

    for pk in ids:
        enqueue(deliver_notice, pk)


def notice_deliver(notice: Notice) -> dict:
    """E-mail the unit's users who have an address; post to every webhook that wants the kind."""
    from tuijin.orgs.models import User

    recipients = list(
        User.objects.filter(unit_id=notice.unit_id, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    mailed = 0
    if recipients:
        text = f"{notice.body}\n\n{notice.url}"
        mailed = send_mail(notice.title, text, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
    posted = 0
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if endpoint.wants(notice.kind):
            delivery = webhook_post(endpoint=endpoint, notice=notice)
            posted += delivery.ok
    return {"mailed": mailed, "posted": posted}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk robot signature: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def body_signature(secret: str, timestamp_ms: int, body: bytes) -> str:
    """Generic receivers: hex HMAC-SHA256(secret, "<timestamp>.<body>")."""
    return hmac.new(secret.encode(), f"{timestamp_ms}.".encode() + body, hashlib.sha256).hexdigest()


def signed_request(endpoint: WebhookEndpoint, content: str, *, timestamp_ms: int | None = None) -> urllib.request.Request:
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(endpoint.secret, timestamp_ms)})
    url = endpoint.url + ("&" if "?" in endpoint.url else "?") + query
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Tuijin-Timestamp": str(timestamp_ms),
        "X-Tuijin-Signature": body_signature(endpoint.secret, timestamp_ms, body),
    }
    return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (URL set by the office)


def _transport(request: urllib.request.Request) -> tuple[int, str]:
    """The one place that talks to the network; tests replace it or point it at a local server."""
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310
        return answer.status, answer.read(2000).decode("utf-8", "replace")


def webhook_post(*, endpoint: WebhookEndpoint, notice: Notice) -> WebhookDelivery:
    content = f"【{settings.TUIJIN_COUNTY_NAME}重大项目】{notice.title}\n{notice.body}"
    request = signed_request(endpoint, content)
    started = time.monotonic()
    delivery = WebhookDelivery(endpoint=endpoint, notice=notice)
    try:
        status, text = _transport(request)
        delivery.status_code = status
        delivery.response = text
        delivery.ok = 200 <= status < 300
    except urllib.error.HTTPError as exc:
        delivery.status_code = exc.code
        delivery.error = str(exc)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        delivery.error = str(exc)[:1000]
    delivery.duration_ms = int((time.monotonic() - started) * 1000)
    delivery.save()
    return delivery


def notice_mark_read(*, notice: Notice, by) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
