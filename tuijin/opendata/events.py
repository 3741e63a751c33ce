"""A small event bus: ``publish(event_name, payload)`` queues a signed delivery to every
active subscription of the event, sent once the surrounding transaction commits.

Any app may call :func:`publish` (import it lazily inside the function that publishes, so the
lower apps do not depend on this one at import time). Events of apps that do not call it are
picked up from Django signals in :mod:`tuijin.opendata.signals`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: Every event a subscription can choose, with its label. Apps may add theirs with
#: :func:`register_event`.
EVENTS: dict[str, Any] = {
    "project.created": _("Project registered"),
    "project.admitted": _("Project admitted to a library"),
    "project.stage_changed": _("Project moved to another lifecycle stage"),
    "node.done": _("Lifecycle node done"),
    "report.confirmed": _("Monthly report confirmed"),
    "light.red": _("Light turned red"),
    "order.issued": _("Supervision order issued"),
    "problem.raised": _("Problem raised"),
    "ranking.published": _("Horse-race ranking published"),
}


def register_event(name: str, label) -> None:
    EVENTS.setdefault(name, label)


def event_choices() -> list[tuple[str, Any]]:
    return list(EVENTS.items())


def _jsonable(payload: dict) -> dict:
    """Payloads hold dates and decimals; store them as their JSON text form."""
    import json

    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


def publish(event_name: str, payload: dict) -> list[int]:
    """Queue ``payload`` for every active subscription of ``event_name``.

    Returns the ids of the deliveries created. Sending happens after the transaction commits,
    so an event of a rolled-back change is never sent.
    """
    from .models import WebhookDelivery, WebhookSubscription

    subscriptions = [s for s in WebhookSubscription.objects.filter(is_active=True) if event_name in (s.events or [])]
    if not subscriptions:
        return []
    body = {"event": event_name, "occurred_at": timezone.now().isoformat(), "data": _jsonable(payload)}
    deliveries = [
        WebhookDelivery.objects.create(subscription=s, event=event_name, payload=body, next_attempt_at=timezone.now())
        for s in subscriptions
    ]
    ids = [d.pk for d in deliveries]

    def send() -> None:
        from tuijin.lib.tasks import enqueue

        from .tasks import deliver_webhook

        for pk in ids:
            try:
                enqueue(deliver_webhook, pk)
            except Exception:  # noqa: BLE001  (a broker outage must not break the user's action)
                logger.exception("webhook delivery %s could not be queued; deliver-webhooks will retry it", pk)

    transaction.on_commit(send)
    return ids
