"""API tokens: the office issues one to an account of another system; the token acts with
that account's role and nothing more."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.opendata.services.tokens import token_issue, token_revoke
from tuijin.orgs.models import User


def test_the_office_issues_a_token_shown_once_and_it_works(cast, make_project):
    make_project()
    client = cast.client("office")
    answer = client.post("/opendata/tokens/", {"user": cast.town_officer.pk})
    assert answer.status_code == 302
    token = Token.objects.get(user=cast.town_officer)
    page = client.get("/opendata/tokens/").content.decode()
    assert token.key in page
    assert token.key not in client.get("/opendata/tokens/").content.decode()  # only once
    other_system = APIClient()
    other_system.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert other_system.get("/api/v1/projects/").json()["count"] == 1


def test_reissuing_replaces_the_old_token_and_revoking_ends_it(cast):
    first = token_issue(user=cast.owner, by=cast.office)
    second = token_issue(user=cast.owner, by=cast.office)
    assert first.key != second.key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first.key}")
    assert client.get("/api/v1/projects/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second.key}")
    assert client.get("/api/v1/projects/").status_code == 200
    answer = cast.client("office").post(f"/opendata/tokens/{cast.owner.pk}/revoke/")
    assert answer.status_code == 302
    assert client.get("/api/v1/projects/").status_code == 401


@pytest.mark.parametrize("who", ["town", "other_town", "department", "owner", "leader"])
def test_only_the_office_issues_tokens(cast, who):
    with pytest.raises(PermissionDenied):
        token_issue(user=cast.leader, by=cast.members[who])
    with pytest.raises(PermissionDenied):
        token_revoke(user=cast.leader, by=cast.members[who])
    assert cast.client(who).post("/opendata/tokens/", {"user": cast.leader.pk}).status_code == 403
    assert not Token.objects.exists()


def test_an_account_without_role_gets_no_token(cast):
    bare = User.objects.create_user(username="bare", password="x" * 12)
    with pytest.raises(ServiceError):
        token_issue(user=bare, by=cast.office)
