"""`tuijin rebuild-totals`: recompute every project's monthly investment totals from the reports
(after a bulk load or a restore; the services keep them exact otherwise)."""

from django.core.management.base import BaseCommand

from tuijin.reporting.totals import totals_rebuild


class Command(BaseCommand):
    help = "Recompute the per-project monthly investment totals (ProjectYearInvestment) from the monthly reports."

    def handle(self, *args, **options):
        rows = totals_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{rows} project-years rebuilt."))
