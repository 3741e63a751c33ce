"""`tuijin restore FILE`: replace all data with a backup's."""

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made with `tuijin backup`. Replaces every row; run migrations first."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: str, yes: bool, **options):
        if not yes and options.get("interactive", True):
            answer = input("This replaces ALL data with the backup's. Type 'yes' to continue: ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(manifest['counts'].values())} rows and {len(manifest['media'])} files from {file}"))
