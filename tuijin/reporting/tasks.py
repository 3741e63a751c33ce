"""Periodic work of monthly reporting (scheduled in tuijin/schedule.py)."""

from celery import shared_task

from .services import remind_late


@shared_task(name="tuijin.reporting.tasks.remind")
def remind() -> int:
    return remind_late().notified
