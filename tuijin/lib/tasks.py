"""Queueing background work so that a broker outage never loses it.

Every dispatch of a Celery task goes through :func:`enqueue`. With a broker configured, the task
is sent to it; when the broker cannot be reached (Redis stopped, restarting, unreachable), the
sending fails fast — one short connection attempt, one immediate retry for a stale pooled
connection, no long back-off — and the task runs here, in the calling process, with a warning
in the log. For the next :data:`BROKER_RETRY_AFTER_SECONDS` seconds further tasks run here at
once instead of waiting for the broker again, so an outage costs one failed connection, not one
per task. Without a broker (the embedded default) Celery runs every task in-process anyway.

A task run here that fails is logged and does not fail the user's action, as it would not if a
worker had run it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

#: After a failed send, tasks run in-process for this long before the broker is tried again.
BROKER_RETRY_AFTER_SECONDS = 30.0

#: One quick retry (a pooled connection may be stale after a broker restart), then give up.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}

_broker_down_until = 0.0


def enqueue(task, *args: Any, **kwargs: Any) -> bool:
    """Send ``task(*args, **kwargs)`` to the broker, or run it now if the broker is unreachable.

    Returns True when the broker took the task (or Celery ran it eagerly, with no broker
    configured), False when it ran here because the broker could not be reached."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        _run_here(task, args, kwargs, reason="the broker was unreachable moments ago")
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (BrokerError, ConnectionError, TimeoutError) as exc:
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        _run_here(task, args, kwargs, reason=f"the broker is unreachable ({exc})")
        return False
    return True


def broker_reset() -> None:
    """Forget a recent broker failure: the next task tries the broker again (tests, operators)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _run_here(task, args, kwargs, *, reason: str) -> None:
    logger.warning("%s: running %s%r in this process instead of on a worker", reason, task.name, tuple(args))
    result = task.apply(args=args, kwargs=kwargs, throw=False)
    if result.failed():
        logger.error("task %s%r run in-process failed:\n%s", task.name, tuple(args), result.traceback)
