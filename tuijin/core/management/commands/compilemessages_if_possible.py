"""Compile translations when GNU gettext is present; the compiled catalogues are also
committed, so a machine without gettext still shows Chinese."""

import os
import shutil

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run compilemessages if msgfmt is available."

    def handle(self, *args, **options):
        if not shutil.which("msgfmt"):
            return
        from django.conf import settings

        # Compile the catalogues of the project only, wherever the command is run from.
        cwd = os.getcwd()
        try:
            os.chdir(settings.BASE_DIR)
            call_command("compilemessages", ignore=[".venv", "node_modules"], verbosity=0)
        except CommandError:
            pass
        finally:
            os.chdir(cwd)
