"""Sends a user whose password has expired to the password change page."""

from __future__ import annotations

import datetime as dt

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
