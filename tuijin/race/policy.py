"""Who may do what in the horse race: towns, departments and leaders see the board;
only the project office computes, publishes and changes schemes."""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of

VIEWERS = (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT)


def can_view(user) -> bool:
    return role_of(user) in VIEWERS


def can_compute(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_publish(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_manage_schemes(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_what_if(user) -> bool:
    """Re-weighting on current data publishes nothing; the office and leaders may try it."""
    return role_of(user) in (Role.OFFICE, Role.LEADER)


def can_view_draft(user) -> bool:
    return role_of(user) == Role.OFFICE
