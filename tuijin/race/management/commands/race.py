"""`tuijin race --scheme towns --period 2026-Q3 [--publish]`: compute a horse-race snapshot."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tuijin.lib.errors import ServiceError
from tuijin.orgs.choices import Role
from tuijin.orgs.models import User

from ...models import Scheme
from ...periods import Period
from ...scoring import fmt
from ...services import snapshot_compute, snapshot_publish


class Command(BaseCommand):
    help = "Compute the horse race of a scheme for a period (2026-09, 2026-Q3 or 2026) and store it as a snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="Scheme code, e.g. towns or departments.")
        parser.add_argument("--period", required=True, help="2026-09 (month), 2026-Q3 (quarter) or 2026 (year).")
        parser.add_argument("--publish", action="store_true", help="Publish (freeze) the result.")
        parser.add_argument("--as", dest="username", default="", help="Office user recorded as computing it.")
        parser.add_argument("--note", default="")

    def handle(self, *args, scheme: str, period: str, publish: bool, username: str, note: str, **options):
        try:
            race = Scheme.objects.get(code=scheme)
        except Scheme.DoesNotExist:
            codes = ", ".join(Scheme.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No scheme {scheme!r}; schemes: {codes}.") from None
        users = User.objects.filter(is_active=True)
        by = (users.filter(username=username) if username else users.filter(role=Role.OFFICE)).first() or users.filter(
            is_superuser=True
        ).first()
        if by is None:
            raise CommandError("No project-office user to record the computation; pass --as USERNAME.")
        try:
            snapshot = snapshot_compute(scheme=race, period=Period.parse(period), by=by, note=note)
            if publish:
                snapshot = snapshot_publish(snapshot=snapshot, by=by)
        except ServiceError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{race.name} {snapshot.period} revision {snapshot.revision} ({snapshot.get_status_display()})")
        if snapshot.skipped:
            self.stdout.write("Skipped (no data source yet): " + ", ".join(snapshot.skipped))
        for row in snapshot.rows.select_related("unit").order_by("rank"):
            change = "" if row.rank_change is None else f"{row.rank_change:+d}"
            self.stdout.write(f"{row.rank:>3} {change:>4}  {row.unit.display_short:<10} {fmt(row.total, 2):>7}  {row.get_flag_display() if row.flag else ''}")
