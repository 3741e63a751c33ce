"""`tuijin open-period 2026-10`: open a month for reporting (window: 1st–5th of next month)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tuijin.lib.errors import ServiceError
from tuijin.orgs.choices import Role
from tuijin.orgs.models import User
from tuijin.reporting import services


class Command(BaseCommand):
    help = "Open a month for monthly reporting, e.g. `tuijin open-period 2026-10`."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The month, YYYY-MM.")
        parser.add_argument("--opens", type=dt.date.fromisoformat, help="First filing day (default: the 1st of next month).")
        parser.add_argument("--closes", type=dt.date.fromisoformat, help="Last filing day (default: the 5th of next month).")
        parser.add_argument("--by", help="Username of the project officer (default: the first active one).")

    def handle(self, *args, period: str, opens=None, closes=None, by=None, **options):
        users = User.objects.filter(is_active=True)
        user = users.filter(username=by).first() if by else (
            users.filter(role=Role.OFFICE).order_by("pk").first() or users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("No project-office user found; pass --by USERNAME.")
        try:
            year, month = services.parse_period(period)
            opened = services.period_open(year=year, month=month, by=user, opens_on=opens, closes_on=closes)
        except ServiceError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{opened} opened: {opened.reports.count()} reports, filing {opened.opens_on} – {opened.closes_on}."
            )
        )
