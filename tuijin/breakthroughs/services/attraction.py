"""Investment leads: recording, moving along the funnel and conversion into a reserve project."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit
from tuijin.projects.choices import LibraryKind
from tuijin.projects.services.libraries import current_library, entry_submit
from tuijin.projects.services.registry import project_create

from .. import policy
from ..choices import LeadStage
from ..models import Lead, LeadStageChange

#: The library source recorded for projects that came from investment attraction.
ATTRACTION_SOURCE = "招商引资"

LEAD_FIELDS = (
    "name", "investor", "investor_origin", "source", "industry_chain", "intended_amount", "responsible_unit",
    "town", "first_contact_on", "contact", "note",
)


def _check_town(lead: Lead) -> None:
    if lead.town_id and not lead.town.is_territorial:
        raise ServiceError({"town": _("%(unit)s is not a street, town or functional area.") % {"unit": lead.town}})
    if lead.intended_amount is not None and lead.intended_amount < 0:
        raise ServiceError({"intended_amount": _("An amount cannot be negative.")})


@transaction.atomic
def lead_create(*, by, **fields: Any) -> Lead:
    if not policy.can_create_lead(by):
        raise PermissionDenied(_("Your role cannot record investment leads."))
    today = timezone.localdate()
    lead = Lead(created_by=by, stage=LeadStage.LEAD, stage_since=fields.get("first_contact_on") or today)
    for name, value in fields.items():
        if name not in LEAD_FIELDS:
            raise TypeError(name)
        setattr(lead, name, value)
    if not lead.first_contact_on:
        lead.first_contact_on = today
    _check_town(lead)
    if not policy.can_edit_lead(by, lead):
        raise PermissionDenied(_("You may record leads only of your own town or unit."))
    lead.save()
    LeadStageChange.objects.create(lead=lead, from_stage="", to_stage=lead.stage, on=lead.first_contact_on, by=by)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, by, **fields: Any) -> Lead:
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if not policy.can_edit_lead(by, locked):
        raise PermissionDenied(_("You may not change the lead %(lead)s.") % {"lead": locked})
    for name, value in fields.items():
        if name not in LEAD_FIELDS:
            raise TypeError(name)
        setattr(locked, name, value)
    _check_town(locked)
    locked.save()
    return locked


@transaction.atomic
def lead_advance(*, lead: Lead, to_stage: str, on: dt.date | None = None, by, note: str = "") -> Lead:
    """Move a lead forward along the funnel (stages may be skipped, never reversed)."""
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if not policy.can_edit_lead(by, locked):
        raise PermissionDenied(_("You may not change the lead %(lead)s.") % {"lead": locked})
    if to_stage not in LeadStage.values:
        raise ServiceError(_("Unknown stage."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ServiceError({"on": _("The date %(date)s is in the future.") % {"date": on}})
    if LeadStage.order(to_stage) <= LeadStage.order(locked.stage):
        raise ServiceError(
            _("The lead is already at %(stage)s; it can only move forward.") % {"stage": locked.get_stage_display()}
        )
    if on < locked.stage_since:
        raise ServiceError({"on": _("The date is before the lead reached its current stage (%(date)s).")
                                  % {"date": locked.stage_since}})
    LeadStageChange.objects.create(lead=locked, from_stage=locked.stage, to_stage=to_stage, on=on, by=by, note=note)
    signed_rank = LeadStage.order(LeadStage.SIGNED)
    started_rank = LeadStage.order(LeadStage.STARTED)
    if LeadStage.order(to_stage) >= signed_rank and not locked.signed_on:
        locked.signed_on = on
    if LeadStage.order(to_stage) >= started_rank and not locked.started_on:
        locked.started_on = on
    locked.stage = to_stage
    locked.stage_since = on
    locked.save()
    return locked


def _owner_for(lead: Lead) -> Unit:
    """The investor as an owner unit (业主单位): the existing unit of that name, or a new enterprise."""
    unit = Unit.objects.filter(name=lead.investor).first()
    if unit is None:
        unit = Unit.objects.create(name=lead.investor, short_name=lead.investor[:40], kind=UnitKind.ENTERPRISE)
    return unit


@transaction.atomic
def lead_convert(
    *, lead: Lead, by, category, nature: str, start_year: int, end_year: int, department=None,
    template=None, total_investment=None, content: str = "", land_area=None,
):
    """Turn a signed lead into a project of the five-year reserve (source 招商引资), submitted
    for review. The lead and the project stay linked both ways; a lead converts only once."""
    locked = Lead.objects.select_for_update(of=("self",)).select_related("town", "industry_chain").get(pk=lead.pk)
    if not policy.can_convert_lead(by, locked):
        raise PermissionDenied(_("You may not convert the lead %(lead)s.") % {"lead": locked})
    if locked.project_id:
        raise ServiceError(
            _("The lead %(lead)s is already converted into the project %(project)s.")
            % {"lead": locked, "project": locked.project}
        )
    if not locked.is_signed:
        raise ServiceError(_("Only a signed lead can become a project; %(lead)s is at %(stage)s.")
                           % {"lead": locked, "stage": locked.get_stage_display()})
    project = project_create(
        by=by,
        name=locked.name,
        owner=_owner_for(locked),
        town=locked.town,
        department=department,
        category=category,
        industry_chain=locked.industry_chain,
        nature=nature,
        total_investment=total_investment if total_investment is not None else locked.intended_amount,
        start_year=start_year,
        end_year=end_year,
        content=content or locked.note,
        land_area=land_area,
        template=template,
    )
    entry_submit(project=project, library=current_library(LibraryKind.RESERVE), by=by, source=ATTRACTION_SOURCE)
    locked.project = project
    locked.save(update_fields=["project", "updated_at"])
    return project
