"""Background tasks of supervision (scheduled in tuijin.schedule)."""

from celery import shared_task

from .services.orders import orders_escalate_overdue
from .services.scan import scan_run


@shared_task(name="tuijin.supervision.tasks.scan")
def scan() -> dict:
    run = scan_run()
    escalated = orders_escalate_overdue()
    return {"red": run.open_red, "yellow": run.open_yellow, "escalated": len(escalated), "seconds": float(run.seconds)}
