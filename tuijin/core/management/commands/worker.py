"""`tuijin worker`: a Celery worker (production; needs TUIJIN_BROKER_URL)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a Celery worker for background tasks."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, concurrency: int, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "TUIJIN_BROKER_URL is not set (e.g. redis://127.0.0.1:6379/0). Without a broker tasks run in-process "
                "and no worker is needed."
            )
        from tuijin.celery import app

        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}"])
