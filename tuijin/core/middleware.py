"""Middleware of the whole site.

Chinese unless the user chose otherwise: Django's LocaleMiddleware follows the browser's
Accept-Language, so an English-language browser would get English pages. A county's system
speaks Chinese by default; English is what a user picks with the language selector (kept in
the language cookie).

A database that drops the connection (restarted, failed over) gives a clear 503 saying the
change was not saved (:class:`DatabaseUnavailableMiddleware`).
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 5


def chosen_language(request) -> str:
    """The language of the cookie if it is one of ours, else the site's (Chinese)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class DefaultLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


# ---------------------------------------------------------------- database briefly unavailable

#: What a dropped or refused database connection raises (a restart, a failover, a killed backend).
DATABASE_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """A lost database connection ends in a clear 503, not a bare server error.

    The services write in transactions, so a connection lost in the middle of a change leaves
    nothing half-written: the transaction is rolled back (by the server when the connection is
    gone) and the user is told the change was not saved. Pages get a standalone page in the
    user's language (rendered without touching the database), ``/api/`` gets JSON. Errors in a
    view come through :meth:`process_exception`; errors raised by another middleware before the
    view (loading the session with the database down) are noted by :func:`_note_database_error`
    and their 500 answer replaced on the way out — so this middleware sits near the top of the
    list, above every middleware that reads the database, the session middleware included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_tuijin_database_error", None) is not None:
            return database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable during %s %s: %s", request.method, request.path, exception,
                         exc_info=exception)
            return database_unavailable(request)
        return None


@receiver(got_request_exception, dispatch_uid="tuijin.core.middleware.note_database_error")
def _note_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._tuijin_database_error = error


def database_unavailable(request) -> HttpResponse:
    """The 503 answer: JSON under /api/, a page elsewhere; the change (if any) was not saved."""
    with translation.override(chosen_language(request)):
        response = _unavailable(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable(request) -> HttpResponse:
    changing = request.method not in ("GET", "HEAD", "OPTIONS")
    if request.path.startswith("/api/"):
        detail = (
            _("The database was briefly unavailable; your change was not saved. Try again in a moment.")
            if changing
            else _("The database was briefly unavailable. Try again in a moment.")
        )
        response = JsonResponse({"detail": detail, "code": "database_unavailable"}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        html = render_to_string(
            "core/database_unavailable.html",
            {"changing": changing, "LANGUAGE_CODE": translation.get_language(), "county_name": settings.TUIJIN_COUNTY_NAME},
        )
        response = HttpResponse(html, status=503)
        response["Content-Language"] = translation.get_language()
    return response
