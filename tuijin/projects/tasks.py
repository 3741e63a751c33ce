"""Background tasks of the projects app (scheduled in tuijin.schedule)."""

from celery import shared_task

from .services.lifecycle import mark_overdue_nodes as _mark


@shared_task(name="tuijin.projects.tasks.mark_overdue_nodes")
def mark_overdue_nodes() -> dict:
    flagged, cleared = _mark()
    return {"flagged": flagged, "cleared": cleared}
