"""Who may do what in monthly reporting, built on tuijin.orgs.policy.

Owners fill their own projects' reports; the town officer of the project's town may fill on
their behalf and verifies; the project office confirms, returns, locks periods and reopens a
report for correction; leaders and department officers read.
"""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_view_project, role_of

STATISTICS_ROLES = (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)


def can_fill(user, project) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if not user.unit_id:
        return False
    if role == Role.OWNER:
        return project.owner_id == user.unit_id
    if role == Role.TOWN:
        return project.town_id == user.unit_id
    return False


def can_verify(user, project) -> bool:
    """The town verifies its projects' reports; the office stands in for county-level projects."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    return role == Role.TOWN and bool(user.unit_id) and project.town_id == user.unit_id


def can_confirm(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_manage_periods(user) -> bool:
    """Open and lock periods, reopen a report, send reminders."""
    return role_of(user) == Role.OFFICE


def can_view_report(user, report) -> bool:
    return can_view_project(user, report.project)


def can_view_statistics(user) -> bool:
    return role_of(user) in STATISTICS_ROLES


def can_export(user) -> bool:
    return can_view_statistics(user)
