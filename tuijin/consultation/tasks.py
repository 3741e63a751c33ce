"""Background tasks of consultation (scheduled in tuijin.schedule)."""

from celery import shared_task


@shared_task(name="tuijin.consultation.tasks.escalate_problems")
def escalate_problems() -> dict:
    """Daily: problems past their deadline go one level up; near deadlines are reminded."""
    from .services.problems import problems_escalate_overdue, problems_remind_near_deadline

    moved = problems_escalate_overdue()
    reminded = problems_remind_near_deadline()
    return {"escalated": len(moved), "reminded": len(reminded)}


@shared_task(name="tuijin.consultation.tasks.deliver_notice")
def deliver_notice(notice_id: int) -> dict:
    """E-mail and webhook delivery of one notice."""
    from .models import Notice
    from .services.notices import notice_deliver

    notice = Notice.objects.filter(pk=notice_id).select_related("unit").first()
    if notice is None:
        return {"mailed": 0, "posted": 0}
    return notice_deliver(notice)
