"""`tuijin bulletin --period 2026-10 -o bulletin.docx`: write the monthly supervision bulletin."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.lib.errors import ServiceError
from tuijin.race.periods import Period

from ...bulletin import bulletin_build


class Command(BaseCommand):
    help = "Write the monthly supervision bulletin (督查通报) as a Word document."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month, e.g. 2026-10.")
        parser.add_argument("-o", "--output", default="", help="File to write (default bulletin-<period>.docx).")
        parser.add_argument("--number", default="", help="Document number; default the next 慈发改督〔year〕n号.")

    def handle(self, *args, period: str, output: str, number: str, **options):
        try:
            parsed = Period.parse(period)
        except ServiceError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        data, content = bulletin_build(parsed, number or None)
        path = Path(output or f"bulletin-{parsed.key}.docx")
        path.write_bytes(content)
        self.stdout.write(f"{data.number}: {len(data.red)} red, {len(data.yellow)} yellow, "
                          f"{len(data.revisited)} revisited → {path}")
