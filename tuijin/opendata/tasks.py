"""Background work of the open-data app (scheduled in tuijin.schedule)."""

from celery import shared_task

from .services.package import package_refresh
from .services.webhooks import deliver_due, delivery_attempt


@shared_task(name="tuijin.opendata.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str | None:
    """First attempt of a new delivery; retries are the sweep's job (deliver_due_webhooks)."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else None


@shared_task(name="tuijin.opendata.tasks.deliver_due_webhooks")
def deliver_due_webhooks() -> dict:
    """Retry every delivery whose backoff has elapsed."""
    return deliver_due()


@shared_task(name="tuijin.opendata.tasks.publish_oc4ids")
def publish_oc4ids() -> int | None:
    """Rebuild the published OC4IDS package (nightly): the projects it holds."""
    package = package_refresh()
    return package.projects if package else None
