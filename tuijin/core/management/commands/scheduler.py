"""`tuijin scheduler`: Celery beat, running the periodic jobs of tuijin.schedule."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the scheduler of periodic jobs (tuijin/schedule.py)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print the periodic jobs and exit.")

    def handle(self, *args, list: bool = False, **options):  # noqa: A002
        if list:
            for name, job in settings.CELERY_BEAT_SCHEDULE.items():
                self.stdout.write(f"{name:<28} {job['task']:<55} {job['schedule']}")
            return
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "TUIJIN_BROKER_URL is not set. In the embedded default, run the jobs as commands "
                "(e.g. `tuijin mark-overdue-nodes`) or from cron."
            )
        from tuijin.celery import app

        schedule_file = settings.DATA_DIR / "celerybeat-schedule"
        app.Beat(loglevel="INFO", schedule=str(schedule_file)).run()
