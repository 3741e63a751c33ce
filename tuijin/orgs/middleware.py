"""Sends a user whose password has expired to the password change page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        max_age = settings.TUIJIN_PASSWORD_MAX_AGE_DAYS
        if user is not None and user.is_authenticated and max_age:
            changed = user.password_changed_at or user.date_joined
            if timezone.now() - changed > dt.timedelta(days=max_age):
                allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
                if request.path not in allowed and not request.path.startswith(("/static/", "/api/", "/i18n/")):
                    messages.warning(request, _("Your password has expired. Choose a new one to continue."))
                    return redirect("password_change")
        return self.get_response(request)


#: Session key set at sign-in when a one-time code is still owed: "verify" or "enrol".
SECOND_FACTOR_SESSION_KEY = "tuijin_second_factor"


class SecondFactorMiddleware:
    """After the password, a user with a confirmed authenticator (and, when
    TUIJIN_REQUIRE_TOTP_FOR_OFFICE is on, every project office user) gives a one-time code
    before opening anything. What is owed is decided once at sign-in (tuijin.orgs.signals) and
    kept in the session, so ordinary pages pay no extra query."""

    EXEMPT = ("/static/", "/i18n/", "/accounts/second-factor/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            owed = request.session.get(SECOND_FACTOR_SESSION_KEY)
            verified = getattr(user, "is_verified", lambda: False)()
            if owed and not verified:
                path = request.path
                if not path.startswith(self.EXEMPT) and path != reverse("logout"):
                    target = "orgs:second_factor_verify" if owed == "verify" else "orgs:second_factor"
                    return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
