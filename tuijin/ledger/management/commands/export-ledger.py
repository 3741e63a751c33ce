"""`tuijin export-ledger --year Y --kind plan|progress -o FILE.xlsx`: the official annual-plan tables."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.ledger.choices import ExportKind
from tuijin.ledger.services.exports import plan_table, plan_version_for


class Command(BaseCommand):
    help = "Write the annual plan table (or the plan with monthly completion) of YEAR as a styled .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=ExportKind.values, default=ExportKind.PLAN)
        parser.add_argument("-o", "--output", required=True, help="File to write (.xlsx).")

    def handle(self, *args, year: int, kind: str, output: str, **options):
        if plan_version_for(year) is None:
            raise CommandError(f"There is no {year} annual plan yet.")
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("The output file must end in .xlsx.")
        path.write_bytes(plan_table(year=year, kind=kind))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
