"""The optional second factor (TOTP) for the project office."""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tuijin.orgs.security import SecurityEvent, SecurityEventKind


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app would show now (RFC 6238), computed independently."""
    counter = int(time.time() - device.t0) // device.step
    digest = hmac.new(device.bin_key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**device.digits:0{device.digits}d}"


def sign_in(username="office"):
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def test_enrolment_shows_a_qr_code_drawn_on_the_server_and_a_code_turns_it_on(cast):
    client = sign_in()
    page = client.get(reverse("orgs:second_factor")).content.decode()
    assert "<svg" in page and "<path" in page
    assert "http" not in re.search(r"<svg.*?</svg>", page, re.S).group(0).replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=cast.office, confirmed=False)
    response = client.post(reverse("orgs:second_factor"), {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SECOND_FACTOR, username="office").exists()


def test_a_wrong_code_does_not_turn_it_on(cast):
    client = sign_in()
    client.get(reverse("orgs:second_factor"))
    response = client.post(reverse("orgs:second_factor"), {"token": "000000"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.office, confirmed=True).exists()


@pytest.fixture
def enrolled(cast):
    return TOTPDevice.objects.create(user=cast.office, name="phone", confirmed=True)


def test_with_an_authenticator_the_password_alone_opens_nothing(cast, enrolled):
    client = sign_in()
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:second_factor_verify"))
    response = client.post(reverse("orgs:second_factor_verify") + "?next=/projects/", {"token": "123456", "next": "/projects/"})
    assert response.status_code == 200
    assert client.get(reverse("projects:list")).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SECOND_FACTOR_FAILED, username="office").exists()


def test_the_right_code_after_the_password_opens_the_system(cast, enrolled):
    client = sign_in()
    response = client.post(reverse("orgs:second_factor_verify"), {"token": code_for(enrolled), "next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert client.get(reverse("projects:list")).status_code == 200


def test_a_code_is_accepted_only_once(cast, enrolled):
    token = code_for(enrolled)
    first = sign_in()
    assert first.post(reverse("orgs:second_factor_verify"), {"token": token}).status_code == 302
    second = sign_in()
    assert second.post(reverse("orgs:second_factor_verify"), {"token": token}).status_code == 200


def test_the_next_address_stays_on_this_site(cast, enrolled):
    client = sign_in()
    response = client.post(reverse("orgs:second_factor_verify"), {"token": code_for(enrolled), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_users_without_an_authenticator_are_not_asked(cast):
    client = sign_in("kuangyan")
    assert client.get(reverse("projects:list")).status_code == 200


def test_when_required_the_office_must_enrol_but_others_need_not(cast, settings):
    settings.TUIJIN_REQUIRE_TOTP_FOR_OFFICE = True
    office = sign_in("office")
    response = office.get(reverse("projects:list"))
    assert response["Location"].startswith(reverse("orgs:second_factor"))
    town = sign_in("kuangyan")
    assert town.get(reverse("projects:list")).status_code == 200
    office.get(reverse("orgs:second_factor"))
    device = TOTPDevice.objects.get(user=cast.office, confirmed=False)
    office.post(reverse("orgs:second_factor"), {"token": code_for(device)})
    assert office.get(reverse("projects:list")).status_code == 200
    # and it cannot be turned off
    assert office.post(reverse("orgs:second_factor"), {"remove": "1"}).status_code == 403


def test_a_verified_user_may_turn_it_off(cast, enrolled):
    client = sign_in()
    client.post(reverse("orgs:second_factor_verify"), {"token": code_for(enrolled)})
    client.post(reverse("orgs:second_factor"), {"remove": "1"})
    assert not TOTPDevice.objects.filter(user=cast.office).exists()
