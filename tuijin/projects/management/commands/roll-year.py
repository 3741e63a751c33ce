"""`tuijin roll-year 2027 [--dry-run]`: the year-end roll-over of the annual plan."""

from django.core.management.base import BaseCommand, CommandError

from tuijin.orgs.models import User
from tuijin.projects.services.libraries import roll_year


class Command(BaseCommand):
    help = (
        "Carry continuing projects into YEAR's annual plan with cumulative investment to last year-end "
        "as the opening balance, advance the rolling window, and print what moved and why."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Show what would move; write nothing.")
        parser.add_argument("--as-user", default="", help="User name recorded as the one who rolled over.")

    def handle(self, *args, year: int, dry_run: bool, as_user: str, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"{year} is not a plan year.")
        by = None
        if as_user:
            by = User.objects.filter(username=as_user).first()
            if by is None:
                raise CommandError(f"No user {as_user!r}.")
        report = roll_year(year=year, by=by, dry_run=dry_run)
        labels = {
            "carried": "转入续建",
            "window": "滚动库顺延",
            "finished": "已竣工不再结转",
            "not_started": "未开工需重新申报",
            "unchanged": "已在计划中",
        }
        for line in report.lines:
            self.stdout.write(f"[{labels.get(line.action, line.action)}] {line.project.code} {line.project.name}: {line.reason}")
        summary = ", ".join(f"{labels[a]} {report.count(a)}" for a in labels if report.count(a))
        prefix = "DRY RUN — nothing written. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{year}: {summary or 'nothing to roll over'}"))
