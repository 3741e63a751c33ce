"""Security events from Django's authentication signals and from changes to accounts."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .middleware import SECOND_FACTOR_SESSION_KEY
from .models import User
from .security import SecurityEventKind, log_security_event

WATCHED = ("role", "unit_id", "is_active", "is_staff", "is_superuser")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_security_event(SecurityEventKind.LOGIN, user=user, request=request)
    if request is not None and hasattr(request, "session"):
        from .second_factor import owed_after_password

        owed = owed_after_password(user)
        if owed:
            request.session[SECOND_FACTOR_SESSION_KEY] = owed
        else:
            request.session.pop(SECOND_FACTOR_SESSION_KEY, None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_security_event(SecurityEventKind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log_security_event(SecurityEventKind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], request=request)


@receiver(pre_save, sender=User)
def _remember(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._security_before = None
        return
    before = User.objects.filter(pk=instance.pk).values(*WATCHED, "password").first()
    instance._security_before = before


@receiver(post_save, sender=User)
def _account_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        log_security_event(SecurityEventKind.USER_CREATED, user=instance, role=instance.role, unit=instance.unit_id)
        return
    before = getattr(instance, "_security_before", None)
    if not before:
        return
    changes = {f: [before[f], getattr(instance, f)] for f in WATCHED if before[f] != getattr(instance, f)}
    if changes:
        log_security_event(SecurityEventKind.PERMISSION_CHANGED, user=instance, changes=changes)
    if before["password"] != instance.password:
        log_security_event(SecurityEventKind.PASSWORD_CHANGED, user=instance)
