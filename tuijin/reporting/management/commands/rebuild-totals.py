"""`tuijin rebuild-totals`: recompute the stored aggregates from their sources — every project's
monthly investment totals from the reports, the towns' totals from them and from the plan lines
(after a bulk load or a restore; the writers keep them exact otherwise)."""

from django.core.management.base import BaseCommand

from tuijin.reporting.totals import totals_rebuild
from tuijin.reporting.towns import town_plans_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the per-project monthly investment totals (ProjectYearInvestment) from the monthly reports, "
        "and the towns' totals from them and from the plan lines."
    )

    def handle(self, *args, **options):
        rows = totals_rebuild()
        plans = town_plans_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{rows} project-years and {plans} town plan totals rebuilt."))
