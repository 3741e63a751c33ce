"""Resource quotas, allocations and demand. A quota's balance never goes below zero: every
allocation takes a row lock on its quota, checks the balance and is refused with the
shortfall in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy
from ..choices import RESOURCE_UNITS, AllocationStatus, ResourceKind
from ..models import ResourceAllocation, ResourceDemand, ResourceQuota


def _fmt(value: Decimal) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


@transaction.atomic
def quota_set(*, kind: str, year: int, amount: Decimal, by, managing_unit=None, note: str = "") -> ResourceQuota:
    """Set the county's quota of ``kind`` for ``year``. It cannot drop below what is already allocated."""
    if not policy.can_set_quota(by):
        raise PermissionDenied(_("Only the project office sets resource quotas."))
    if kind not in ResourceKind.values:
        raise ServiceError(_("Unknown resource."))
    if amount < 0:
        raise ServiceError({"amount": _("A quota cannot be negative.")})
    quota = ResourceQuota.objects.select_for_update().filter(kind=kind, year=year).first()
    if quota is None:
        quota = ResourceQuota(kind=kind, year=year, allocated=Decimal(0))
    elif amount < quota.allocated:
        raise ServiceError(
            {"amount": _("%(allocated)s %(unit)s of this quota is already allocated; the quota cannot be lower.")
             % {"allocated": _fmt(quota.allocated), "unit": RESOURCE_UNITS[kind]}}
        )
    quota.amount = amount
    quota.managing_unit = managing_unit
    quota.note = note
    quota.save()
    return quota


@transaction.atomic
def allocation_create(
    *, project, kind: str, year: int, amount: Decimal, allocated_on: dt.date, by,
    document_number: str = "", note: str = "",
) -> ResourceAllocation:
    """Give ``amount`` of the year's quota to a project. Refused, with the shortfall stated,
    when the balance would go below zero."""
    quota = ResourceQuota.objects.select_for_update().filter(kind=kind, year=year).first()
    unit = RESOURCE_UNITS.get(kind, "")
    if quota is None:
        raise ServiceError(
            _("There is no %(year)s quota of %(kind)s yet; the project office sets it first.")
            % {"year": year, "kind": ResourceKind(kind).label}
        )
    if not policy.can_allocate(by, quota):
        raise PermissionDenied(_("You may not allocate the %(quota)s quota.") % {"quota": quota})
    if amount is None or amount <= 0:
        raise ServiceError({"amount": _("An allocation must be more than zero.")})
    if project.deleted_at:
        raise ServiceError(_("%(project)s is deleted.") % {"project": project})
    balance = quota.amount - quota.allocated
    if amount > balance:
        raise ServiceError(
            {"amount": _(
                "Refused: the %(year)s %(kind)s quota has %(balance)s %(unit)s left; allocating %(amount)s %(unit)s "
                "would leave it %(shortfall)s %(unit)s short."
            ) % {
                "year": year, "kind": ResourceKind(kind).label, "balance": _fmt(balance), "unit": unit,
                "amount": _fmt(amount), "shortfall": _fmt(amount - balance),
            }}
        )
    quota.allocated += amount
    quota.save(update_fields=["allocated"])
    return ResourceAllocation.objects.create(
        quota=quota, project=project, kind=kind, amount=amount, allocated_on=allocated_on,
        document_number=document_number, note=note, by=by,
    )


@transaction.atomic
def allocation_revoke(*, allocation: ResourceAllocation, by, reason: str = "") -> ResourceAllocation:
    """Take an allocation back: its amount returns to the quota's balance."""
    quota = ResourceQuota.objects.select_for_update().get(pk=allocation.quota_id)
    locked = ResourceAllocation.objects.select_for_update().get(pk=allocation.pk)
    if not policy.can_allocate(by, quota):
        raise PermissionDenied(_("You may not allocate the %(quota)s quota.") % {"quota": quota})
    if locked.status == AllocationStatus.REVOKED:
        raise ServiceError(_("This allocation is already revoked."))
    quota.allocated -= locked.amount
    quota.save(update_fields=["allocated"])
    locked.status = AllocationStatus.REVOKED
    if reason:
        locked.note = (locked.note + " " + _("Revoked: %(reason)s") % {"reason": reason}).strip()[:200]
    locked.save(update_fields=["status", "note"])
    return locked


@transaction.atomic
def demand_set(*, project, kind: str, amount: Decimal, by, note: str = "") -> ResourceDemand | None:
    """Record what a project needs of ``kind`` in all; zero removes the demand."""
    if not policy.can_edit_demand(by, project):
        raise PermissionDenied(_("You may not change the resource demand of %(project)s.") % {"project": project})
    if kind not in ResourceKind.values:
        raise ServiceError(_("Unknown resource."))
    if amount is None or amount < 0:
        raise ServiceError({"amount": _("A demand cannot be negative.")})
    if amount == 0:
        ResourceDemand.objects.filter(project=project, kind=kind).delete()
        return None
    demand, _created = ResourceDemand.objects.update_or_create(
        project=project, kind=kind, defaults={"amount": amount, "note": note}
    )
    return demand
