"""`tuijin mark-overdue-nodes`: flag nodes past their time limit (nightly in production)."""

from django.core.management.base import BaseCommand

from tuijin.projects.services.lifecycle import mark_overdue_nodes


class Command(BaseCommand):
    help = "Mark nodes past their time limit as overdue, and clear the mark where it no longer holds."

    def handle(self, *args, **options):
        flagged, cleared = mark_overdue_nodes()
        self.stdout.write(f"{flagged} nodes newly overdue, {cleared} cleared.")
