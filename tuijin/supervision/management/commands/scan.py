"""`tuijin scan [--today 2026-10-31]`: evaluate every warning rule, update the lights and
escalate orders past their reply deadline. Nightly through tuijin.schedule in production."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ...services.orders import orders_escalate_overdue
from ...services.scan import scan_run


class Command(BaseCommand):
    help = "Evaluate every warning rule over every project and update the traffic lights."

    def add_arguments(self, parser):
        parser.add_argument("--today", default="", help="Evaluate as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--no-orders", action="store_true", help="Do not escalate overdue orders.")

    def handle(self, *args, today: str, no_orders: bool, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today {today!r}: write a date as 2026-10-31.") from None
        run = scan_run(today=day)
        self.stdout.write(
            f"Scan as of {run.day}: {run.open_red} red and {run.open_yellow} yellow lights open; "
            f"{run.raised} raised, {run.changed} changed colour, {run.cleared} cleared in {run.seconds} s."
        )
        if run.skipped:
            self.stdout.write("Skipped (no data source yet): " + ", ".join(run.skipped))
        if not no_orders:
            escalated = orders_escalate_overdue(today=day)
            if escalated:
                self.stdout.write(f"{len(escalated)} orders escalated: " + ", ".join(o.number for o in escalated))
