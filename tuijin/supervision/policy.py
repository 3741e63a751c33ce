"""Who may do what in supervision. The office configures rules, runs the scan, issues,
accepts and escalates orders and makes the bulletin; the responsible unit answers its own
orders; leaders, towns and departments read the warning board; an owner sees the lights
of its own projects."""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_view_project, role_of

BOARD_ROLES = (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)


def can_view_board(user) -> bool:
    return role_of(user) in BOARD_ROLES


def can_view_lights(user, project) -> bool:
    return can_view_project(user, project)


def can_scan(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_issue_orders(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_decide_orders(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_view_order(user, order) -> bool:
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return True
    return role in (Role.TOWN, Role.DEPARTMENT, Role.OWNER) and user.unit_id == order.unit_id


def can_reply(user, order) -> bool:
    return role_of(user) in (Role.TOWN, Role.DEPARTMENT, Role.OWNER) and user.unit_id == order.unit_id


def can_make_bulletin(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_read_bulletin(user) -> bool:
    return role_of(user) in BOARD_ROLES
