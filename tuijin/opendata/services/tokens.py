"""API tokens the project office issues to other systems. A token acts as its user, with
exactly that user's role and unit, so it sees and changes what the user may on the web."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy


def _check(by) -> None:
    if not policy.can_manage_tokens(by):
        raise PermissionDenied(_("Only the project office issues API tokens."))


@transaction.atomic
def token_issue(*, user, by) -> Token:
    """A new token for ``user``; an older one stops working at once."""
    _check(by)
    if not user.is_active:
        raise ServiceError(_("%(user)s is disabled and cannot hold a token.") % {"user": user})
    if not user.effective_role:
        raise ServiceError(_("%(user)s has no role; give the account a role first.") % {"user": user})
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user, by) -> int:
    _check(by)
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted
