from celery import shared_task
from django.core.management import call_command


@shared_task
def prune_sessions() -> None:
    """Expired sessions and lockouts go; the security log stays (tuijin prune-sessions)."""
    call_command("prune-sessions")
