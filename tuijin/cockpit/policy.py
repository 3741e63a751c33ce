"""Who may open the cockpit: leaders and the project office (towns and departments read the
panels on the breakthroughs pages; owners do not see the county's figures)."""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of


def can_view_cockpit(user) -> bool:
    return role_of(user) in (Role.LEADER, Role.OFFICE)
