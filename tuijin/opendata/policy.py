"""Who may do what in the open-data app. The API itself applies the other apps' policies
(tuijin.orgs.policy and theirs), so an API call is allowed exactly when the same page is."""

from __future__ import annotations

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of


def can_manage_webhooks(user) -> bool:
    return role_of(user) == Role.OFFICE


def can_manage_tokens(user) -> bool:
    """API tokens let other systems act as a user: only the project office issues them."""
    return role_of(user) == Role.OFFICE


def can_read_public(user) -> bool:
    """The disclosed list of major projects is open to anyone, signed in or not."""
    return True
