"""`tuijin backup -o FILE`: every table and uploaded file in one archive."""

from django.core.management.base import BaseCommand

from tuijin.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="Archive to write, e.g. tuijin-2026-11-28.tar.gz")

    def handle(self, *args, output: str, **options):
        manifest = backup(output)
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows} rows in {len(manifest['counts'])} tables and {len(manifest['media'])} files to {output}"))
