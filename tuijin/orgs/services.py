"""Keeping accounts and units: the work of the system and security administrators (三员分立).

Each function checks that ``by`` holds the administrator role the work belongs to, so neither
a page nor a crafted POST lets one administrator do another's work. Changes to accounts are
logged as security events by tuijin.orgs.signals; unlocking and unit changes are logged here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import policy
from .choices import Role
from .models import Unit, User
from .security import SecurityEventKind, log_security_event

#: A new account's password counts as expired, so its holder must choose their own at first
#: sign-in (the password expiry middleware sends them to the change page).
EXPIRED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@transaction.atomic
def account_create(
    *, username: str, full_name: str, password: str, by: User, title: str = "", phone: str = "", email: str = ""
) -> User:
    """A new account without role or unit: the security administrator assigns those."""
    if not policy.can_manage_accounts(by):
        raise PermissionDenied
    user = User(username=username.strip(), full_name=full_name.strip(), title=title.strip(), phone=phone.strip(), email=email)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = EXPIRED
    user.save()
    return user


@transaction.atomic
def account_set_active(*, user: User, active: bool, by: User) -> User:
    if not policy.can_manage_accounts(by):
        raise PermissionDenied
    if user.pk == by.pk:
        raise PermissionDenied("An administrator cannot deactivate their own account.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_assign(*, user: User, role: str, unit: Unit | None, by: User) -> User:
    """Give an account its role and unit. Only the security administrator, never on their
    own account."""
    if not policy.can_assign_role_to(by, user):
        raise PermissionDenied
    user.role = role
    user.unit = unit
    # Staff status opens the settings pages, which belong to the project office alone.
    user.is_staff = role == Role.OFFICE
    if role != Role.OFFICE:
        user.is_superuser = False
    user.save(update_fields=["role", "unit", "is_staff", "is_superuser"])
    return user


def account_unlock(*, user: User, by: User, request=None) -> int:
    """Clear the failed sign-ins that locked an account (django-axes)."""
    if not policy.can_assign_roles(by):
        raise PermissionDenied
    from axes.utils import reset

    cleared = reset(username=user.username)
    log_security_event(SecurityEventKind.UNLOCKED, user=by, request=request, account=user.username, cleared=cleared)
    return cleared


def locked_usernames() -> set[str]:
    """Accounts currently locked out by repeated failed sign-ins."""
    from axes.models import AccessAttempt
    from django.conf import settings

    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff:
        qs = qs.filter(attempt_time__gte=timezone.now() - dt.timedelta(hours=float(cooloff)))
    return set(qs.values_list("username", flat=True))


@transaction.atomic
def unit_save(*, unit: Unit, by: User, request=None) -> Unit:
    if not policy.can_manage_accounts(by):
        raise PermissionDenied
    created = unit.pk is None
    unit.save()
    log_security_event(
        SecurityEventKind.UNIT_CHANGED, user=by, request=request, unit=unit.name, action="created" if created else "changed"
    )
    return unit


@transaction.atomic
def unit_set_active(*, unit: Unit, active: bool, by: User, request=None) -> Unit:
    if not policy.can_manage_accounts(by):
        raise PermissionDenied
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    log_security_event(
        SecurityEventKind.UNIT_CHANGED, user=by, request=request, unit=unit.name, action="activated" if active else "deactivated"
    )
    return unit
