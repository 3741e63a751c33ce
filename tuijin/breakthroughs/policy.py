"""Who may see and change the ledgers of the five breakthroughs.

- Funds and resource demand of a project: the office edits all; a town officer its town's
  projects; a department officer the projects assigned to it; an owner its own projects;
  leaders read.
- Quotas: the project office sets them. Allocations: the office, or the department the quota
  names as allocating (e.g. 自然资源和规划局 for land).
- Leads: the office edits all; a town officer its town's leads; a department officer the
  leads it is responsible for; leaders read; owners do not see leads.
"""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_view_project, role_of

READERS = (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)


def _edits_project(user, project) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if not user.unit_id:
        return False
    if role == Role.TOWN:
        return project.town_id == user.unit_id
    if role == Role.DEPARTMENT:
        return project.department_id == user.unit_id
    if role == Role.OWNER:
        return project.owner_id == user.unit_id
    return False


# ------------------------------------------------------------------ funds


def can_view_funds(user, project) -> bool:
    return can_view_project(user, project)


def can_edit_funds(user, project) -> bool:
    return _edits_project(user, project)


def can_use_ledgers(user) -> bool:
    """The fund and resource ledgers (owners see their own projects' rows)."""
    return role_of(user) is not None


# ------------------------------------------------------------------ resources


def can_view_resources(user, project) -> bool:
    return can_view_project(user, project)


def can_edit_demand(user, project) -> bool:
    return _edits_project(user, project)


def can_set_quota(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_allocate(user, quota) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    return role == Role.DEPARTMENT and bool(user.unit_id) and quota.managing_unit_id == user.unit_id


def can_allocate_any(user) -> bool:
    role = role_of(user)
    return role == Role.OFFICE or (role == Role.DEPARTMENT and bool(user.unit_id))


# ------------------------------------------------------------------ attraction


def can_view_leads(user) -> bool:
    return role_of(user) in READERS


def can_create_lead(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.TOWN, Role.DEPARTMENT)


def can_edit_lead(user, lead) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if not user.unit_id:
        return False
    if role == Role.TOWN:
        return lead.town_id == user.unit_id
    if role == Role.DEPARTMENT:
        return lead.responsible_unit_id == user.unit_id
    return False


def can_convert_lead(user, lead) -> bool:
    return can_edit_lead(user, lead)


# ------------------------------------------------------------------ panels


def can_view_panels(user) -> bool:
    return role_of(user) in READERS


def related_projects_filter(user, prefix: str = "project__"):
    """The projects the user may see, as a filter on a model that points to a project."""
    from django.db.models import Q

    role = role_of(user)
    if role in READERS:
        return Q()
    if role == Role.OWNER and user.unit_id:
        return Q(**{f"{prefix}owner_id": user.unit_id})
    return Q(pk__in=[])
