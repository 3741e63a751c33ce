"""Who may import and export ledgers.

Import: the project office imports any ledger; a town officer imports its own town's
projects only (rows of other towns or of the county level are errors naming the town).
Departments, owners and leaders do not import. Export: everyone signed in may download
what they may see (scoped by tuijin.orgs.policy.scope_projects); the county-wide annual
plan tables go to the roles that see the whole county.
"""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_export, role_of

__all__ = ["can_export", "can_export_plan", "can_import", "can_manage_mappings", "can_view_import"]


def can_import(user) -> bool:
    role = role_of(user)
    return role == Role.OFFICE or (role == Role.TOWN and bool(user.unit_id))


def can_view_import(user, ledger_import) -> bool:
    if role_of(user) == Role.OFFICE:
        return True
    return can_import(user) and ledger_import.uploaded_by_id == user.pk


def can_manage_mappings(user) -> bool:
    return can_import(user)


def can_export_plan(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)
