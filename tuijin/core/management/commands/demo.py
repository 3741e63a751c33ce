"""`tuijin demo`: the embedded database with the Cixi demo data set, served on 127.0.0.1."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuijin.core.demo import DEMO_PASSWORD, demo_loaded, load_demo


class Command(BaseCommand):
    help = "Create the embedded database, load the Cixi demo data set and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Do everything but serve.")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve: bool = False, port: int = 8000, **options):
        db = settings.DATABASES["default"]
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        self.stdout.write(f"Database: {db['NAME']}")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compilemessages_if_possible", verbosity=0)
        if demo_loaded():
            self.stdout.write("Demo data already loaded; nothing changed.")
        else:
            self.stdout.write("Loading the Cixi demo data set …")
            ctx = load_demo(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            del ctx
        self._print_logins()
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Serving on http://127.0.0.1:{port}/  (Ctrl+C stops)"))
        # WhiteNoise serves the collected (hashed) static files; runserver's own static handler
        # looks only at the sources and would answer 404 for every stylesheet.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_static_handler=False)

    def _print_logins(self):
        from tuijin.orgs.models import User

        users = User.objects.filter(is_demo=True).select_related("unit").order_by("role", "username")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<18} {user.get_role_display():<8} {user.unit or ''}  {user}")
