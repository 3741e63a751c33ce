"""`tuijin rebuild-totals`: recompute the stored aggregates from their sources — every project's
monthly investment totals from the reports, every plan line's stored monthly split from its
month rows (after a bulk load or a restore; the services keep them exact otherwise)."""

from django.core.management.base import BaseCommand

from tuijin.projects.services.split import split_refresh
from tuijin.reporting.totals import totals_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the per-project monthly investment totals (ProjectYearInvestment) from the monthly reports "
        "and the plan lines' stored monthly split from their month rows."
    )

    def handle(self, *args, **options):
        rows = totals_rebuild()
        lines = split_refresh()
        self.stdout.write(self.style.SUCCESS(f"{rows} project-years and {lines} plan lines rebuilt."))
