"""Funding sources and the special-bond use plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy
from ..choices import FundKind
from ..models import BondUseMonth, FundSource

AMOUNT_FIELDS = ("applied", "approved", "received", "spent")
EDITABLE = (
    "kind", "year", "title", "document_number", *AMOUNT_FIELDS,
    "applied_on", "approved_on", "received_on", "spent_as_of", "note",
)


def _fmt(value: Decimal) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def check_amounts(source: FundSource) -> None:
    """The hard rules: nothing negative, spent ≤ received ≤ approved. Errors name the field."""
    errors: dict[str, str] = {}
    for name in AMOUNT_FIELDS:
        if getattr(source, name) is None:
            setattr(source, name, Decimal(0))
        if getattr(source, name) < 0:
            errors[name] = _("An amount cannot be negative.")
    if not errors:
        if source.received > source.approved:
            errors["received"] = _("Received %(received)s万元 is more than the approved %(approved)s万元.") % {
                "received": _fmt(source.received), "approved": _fmt(source.approved)}
        if source.spent > source.received:
            errors["spent"] = _("Spent %(spent)s万元 is more than the received %(received)s万元.") % {
                "spent": _fmt(source.spent), "received": _fmt(source.received)}
    if source.kind not in FundKind.values:
        errors["kind"] = _("Unknown fund kind.")
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def fund_source_create(*, project, by, **fields: Any) -> FundSource:
    if not policy.can_edit_funds(by, project):
        raise PermissionDenied(_("You may not change the funds of %(project)s.") % {"project": project})
    source = FundSource(project=project, updated_by=by)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(name)
        setattr(source, name, value)
    check_amounts(source)
    source.save()
    return source


@transaction.atomic
def fund_source_update(*, source: FundSource, by, **fields: Any) -> FundSource:
    locked = FundSource.objects.select_for_update().select_related("project").get(pk=source.pk)
    if not policy.can_edit_funds(by, locked.project):
        raise PermissionDenied(_("You may not change the funds of %(project)s.") % {"project": locked.project})
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(name)
        setattr(locked, name, value)
    check_amounts(locked)
    locked.updated_by = by
    locked.save()
    return locked


@transaction.atomic
def fund_source_delete(*, source: FundSource, by) -> None:
    if not policy.can_edit_funds(by, source.project):
        raise PermissionDenied(_("You may not change the funds of %(project)s.") % {"project": source.project})
    source.delete()


@transaction.atomic
def bond_plan_set(*, source: FundSource, months: dict[tuple[int, int], Decimal], by) -> list[BondUseMonth]:
    """Replace the monthly use plan of a special-bond source. The plan cannot promise to use
    more than was approved."""
    if not policy.can_edit_funds(by, source.project):
        raise PermissionDenied(_("You may not change the funds of %(project)s.") % {"project": source.project})
    if source.kind != FundKind.SPECIAL_BOND:
        raise ServiceError(_("Only special bonds have a use plan."))
    if any(amount < 0 for amount in months.values()):
        raise ServiceError(_("A planned monthly use cannot be negative."))
    bad = [m for (_y, m) in months if not 1 <= m <= 12]
    if bad:
        raise ServiceError(_("Months run from 1 to 12, not %(month)s.") % {"month": bad[0]})
    total = sum(months.values(), Decimal(0))
    if total > source.approved:
        raise ServiceError(
            _("The use plan adds up to %(plan)s万元, more than the approved %(approved)s万元.")
            % {"plan": _fmt(total), "approved": _fmt(source.approved)}
        )
    source.use_plan.all().delete()
    return BondUseMonth.objects.bulk_create(
        BondUseMonth(source=source, year=year, month=month, amount=amount)
        for (year, month), amount in sorted(months.items())
        if amount
    )
