"""Accounts under the protection scheme: password rules, expiry, the security log."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tuijin.orgs.models import User
from tuijin.orgs.security import SecurityEvent, SecurityEventKind, log_security_event, verify_chain


@pytest.mark.parametrize("weak", ["short1A!", "alllowercaseletters", "lowercase-and-symbols", "1234567890123"])
def test_it_refuses_simple_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_it_accepts_a_mixed_password():
    validate_password("Xiangmu-2026-tuijin")


def test_logins_and_failures_are_logged(cast):
    client = Client()
    client.post(reverse("login"), {"username": "kuangyan", "password": "wrong"})
    client.post(reverse("login"), {"username": "kuangyan", "password": PASSWORD})
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "username"))
    assert (SecurityEventKind.LOGIN_FAILED, "kuangyan") in kinds
    assert (SecurityEventKind.LOGIN, "kuangyan") in kinds


def test_a_role_change_is_logged_with_before_and_after(cast):
    user = cast.town_officer
    user.role = "office"
    user.save()
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_CHANGED).latest("pk")
    assert event.username == "kuangyan"
    assert event.detail["changes"]["role"] == ["town", "office"]


def test_the_log_cannot_be_changed_and_a_forged_row_breaks_the_chain(db):
    first = log_security_event(SecurityEventKind.EXPORT, username="office", file="plan.xlsx")
    log_security_event(SecurityEventKind.EXPORT, username="office", file="list.xlsx")
    assert verify_chain() == []
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        first.delete()


@pytest.mark.django_db
def test_a_forged_row_is_detected_on_sqlite(db, django_db_blocker):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses the update outright (next test)")
    event = log_security_event(SecurityEventKind.LOGIN, username="office")
    SecurityEvent.objects.filter(pk=event.pk).update(username="someone-else")
    assert verify_chain() == [event.pk]


@pytest.mark.django_db
def test_postgresql_itself_refuses_changes_to_the_log():
    from django.db import connection
    from django.db.utils import InternalError, ProgrammingError

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    event = log_security_event(SecurityEventKind.LOGIN, username="office")
    with pytest.raises((InternalError, ProgrammingError), match="append-only"):  # psycopg 3 maps RAISE to either
        SecurityEvent.objects.filter(pk=event.pk).update(username="someone-else")


def test_an_expired_password_must_be_changed_before_anything_else(cast, settings):
    settings.TUIJIN_PASSWORD_MAX_AGE_DAYS = 90
    client = cast.client("town")
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=91)):
        client.force_login(cast.town_officer)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"] == reverse("password_change")
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "Xinmima-2027-kuangyan", "new_password2": "Xinmima-2027-kuangyan"},
        )
        assert response.status_code == 302
        user = User.objects.get(pk=cast.town_officer.pk)
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
