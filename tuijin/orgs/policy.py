"""Who may see and change what. Every page, API call and export asks here.

DOMAIN.md: a town officer may see the county's projects but change only those of its own
town; a department officer changes only what is assigned to its department; an owner sees
only its own projects; leaders read; the project office runs the system.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .choices import ADMIN_ROLES, Role

if TYPE_CHECKING:
    from tuijin.projects.models import Node, Project

    from .models import User


def role_of(user) -> str | None:
    """The user's business role; None for visitors and for the three administrators (三员),
    who hold no business role and so see no project data anywhere."""
    if not user or not user.is_authenticated:
        return None
    role = user.effective_role or None
    return None if role in ADMIN_ROLES else role


def admin_role_of(user) -> str | None:
    """System, security or audit administrator (三员分立), or None."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    return user.role if user.role in ADMIN_ROLES else None


def visible_projects_filter(user) -> Q:
    """A Q object limiting projects to those the user may see."""
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT):
        return Q()
    if role == Role.OWNER and user.unit_id:
        return Q(owner_id=user.unit_id)
    return Q(pk__in=[])


def scope_projects(user, queryset: QuerySet) -> QuerySet:
    return queryset.filter(visible_projects_filter(user))


def can_view_project(user, project: Project) -> bool:
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT):
        return True
    return role == Role.OWNER and project.owner_id == user.unit_id


def can_create_project(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.TOWN, Role.DEPARTMENT)


def can_edit_project(user, project: Project) -> bool:
    """Basic facts, responsibility and documents of a project."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role is None or not user.unit_id:
        return False
    if role == Role.TOWN:
        return project.town_id == user.unit_id
    if role == Role.DEPARTMENT:
        return project.department_id == user.unit_id
    if role == Role.OWNER:
        return project.owner_id == user.unit_id
    return False


def can_submit_to_library(user, project: Project) -> bool:
    """Towns, departments and owners put their projects forward; the office may too."""
    return can_edit_project(user, project)


def can_review(user) -> bool:
    """First and final review, withdrawal approval, restore, plan versions, roll-over."""
    return role_of(user) == Role.OFFICE


def can_edit_node(user, node: Node) -> bool:
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role is None or not user.unit_id:
        return False
    if node.responsible_unit_id == user.unit_id:
        return True
    return can_edit_project(user, node.project) and role in (Role.TOWN, Role.OWNER)


def can_override_stage(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_manage_settings(user: User) -> bool:
    return role_of(user) == Role.OFFICE


def can_export(user) -> bool:
    return role_of(user) is not None


# The three administrators (三员分立, 等保2.0 level 3): none can do another's work.


def can_manage_accounts(user) -> bool:
    """System administrator: creates and deactivates accounts and units."""
    return admin_role_of(user) == Role.SYSADMIN


def can_assign_roles(user) -> bool:
    """Security administrator: assigns roles and units, unlocks locked accounts."""
    return admin_role_of(user) == Role.SECADMIN


def can_assign_role_to(user, target) -> bool:
    """Nobody changes their own role or unit."""
    return can_assign_roles(user) and target.pk != user.pk


def can_read_security_log(user) -> bool:
    """Audit administrator: reads and exports the security log and the change history."""
    return admin_role_of(user) == Role.AUDITOR


def can_see_full_phone(user, project=None) -> bool:
    """Phone numbers are shown in full to the project office and, on a project, to its own town
    and department; everyone else sees them masked (138****1234)."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if project is None or not user.unit_id:
        return False
    if role == Role.TOWN:
        return project.town_id == user.unit_id
    if role == Role.DEPARTMENT:
        return project.department_id == user.unit_id
    return False
