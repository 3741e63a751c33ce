"""`tuijin escalate-problems`: the daily run of the ladder (also scheduled as a Celery task)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from tuijin.consultation.services.problems import problems_escalate_overdue, problems_remind_near_deadline


class Command(BaseCommand):
    help = "Escalate every open problem whose deadline has passed one level up, and remind near deadlines."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Run as of this date (YYYY-MM-DD).")

    def handle(self, *args, today: dt.date | None = None, **options):
        moved = problems_escalate_overdue(today=today)
        for problem in moved:
            self.stdout.write(f"  {problem.number} → {problem.get_level_display()} {problem.responsible_unit}")
        reminded = problems_remind_near_deadline(today=today)
        self.stdout.write(self.style.SUCCESS(f"Escalated {len(moved)} problem(s); reminded {len(reminded)}."))
