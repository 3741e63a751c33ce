"""`tuijin serve`: the production server (gunicorn) against DATABASE_URL."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the production web server (gunicorn). Needs DATABASE_URL and TUIJIN_SECRET_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.TUIJIN_BIND)
        parser.add_argument("--workers", type=int, default=settings.TUIJIN_WORKERS or None)
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations before starting.")

    def handle(self, *args, bind: str, workers: int | None, no_migrate: bool, **options):
        if not settings.DATABASE_URL_SET:
            raise CommandError(
                "DATABASE_URL is not set. `tuijin serve` is the production server: set "
                "DATABASE_URL=postgres://user:password@host:5432/tuijin (and TUIJIN_SECRET_KEY). "
                "For the embedded demo use `tuijin demo`."
            )
        if settings.DEBUG:
            raise CommandError("TUIJIN_DEBUG is on; a production server must not show debug pages.")
        try:
            from django.db import connection

            connection.ensure_connection()
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"Cannot connect to the database in DATABASE_URL: {exc}") from None
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or (os.cpu_count() or 1) * 2 + 1
        # A worker may take as long as nginx waits for it (proxy_read_timeout 120s in
        # deploy/nginx/tuijin.conf): a province's project list as Excel takes about 25 s, past
        # gunicorn's default of 30 s on a slower machine.
        argv = ["gunicorn", "tuijin.wsgi:application", "--bind", bind, "--workers", str(workers), "--timeout", "120",
                "--access-logfile", "-"]
        self.stdout.write(f"Starting gunicorn on {bind} with {workers} workers")
        from gunicorn.app.wsgiapp import run

        sys.argv = argv
        try:
            run()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
