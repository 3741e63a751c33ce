"""The reporting lines of a project's progress list (四张清单: 进度清单)."""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.lib.money import format_wan

from .models import MonthlyReport
from .selectors import counted_reports


def progress_lines(project) -> list[tuple[str, str, str]]:
    """Investment completed this year and the latest report, from the counted reports."""
    latest = (
        MonthlyReport.objects.filter(project=project).order_by("-year", "-month").values("year", "month", "status").first()
    )
    if latest is None:
        return []
    year = latest["year"]
    ytd = counted_reports().filter(project=project, year=year).aggregate(total=Sum("amount"))["total"]
    url = reverse("projects:tab", args=[project.pk, "monthly"])
    status = MonthlyReport(status=latest["status"]).get_status_display()
    return [
        (_("completed in %(year)s") % {"year": year}, f"{format_wan(ytd or 0)} 万元", url),
        (_("latest report"), f"{latest['year']}-{latest['month']:02d} · {status}", url),
    ]
