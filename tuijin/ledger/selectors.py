"""Reads for the ledger pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of

from .choices import RowOutcome
from .fields import LedgerField
from .models import LedgerImport

PREVIEW_LIMIT = 500


def imports_for(user) -> QuerySet:
    qs = LedgerImport.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")
    if role_of(user) == Role.OFFICE:
        return qs
    return qs.filter(uploaded_by=user)


def import_preview(record: LedgerImport, *, show: str = "") -> dict:
    """Rows to show (errors first), the totals checks and the columns as read."""
    rows = record.rows.all()
    if show in RowOutcome.values:
        rows = rows.filter(outcome=show)
    elif show == "flagged":
        rows = rows.exclude(approximate=[])
    ordered = sorted(rows[: PREVIEW_LIMIT * 4], key=lambda r: (r.outcome not in (RowOutcome.ERROR, RowOutcome.SKIPPED), r.row))
    report = record.report or {}
    labels = record.columns.get("labels", {})
    fields = record.columns.get("fields", {})
    units = record.columns.get("units", {})
    columns = [
        {"col": col, "label": label, "field": LedgerField(fields[col]).label if fields.get(col) in LedgerField.values else "",
         "unit": units.get(col, "")}
        for col, label in sorted(labels.items(), key=lambda kv: int(kv[0]))
    ]
    checks = report.get("checks", [])
    measures = {"count": "项目个数", **{f.value: f.label for f in LedgerField}}
    for check in checks:
        check["measure_label"] = measures.get(check["measure"], check["measure"])
    return {
        "rows": ordered[:PREVIEW_LIMIT],
        "rows_truncated": len(ordered) > PREVIEW_LIMIT,
        "checks": checks,
        "failed_checks": [c for c in checks if not c["ok"]],
        "columns": columns,
        "report": report,
        "show": show,
        "flagged": record.rows.exclude(approximate=[]).count(),
    }
