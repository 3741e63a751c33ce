"""The OpenAPI schema, its documentation pages, and property-based tests of every API
operation generated from the schema (schemathesis, through WSGI, a bounded number of cases)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .conftest import ROLES

#: Cases per operation: enough to find crashes and contract breaks, small enough for CI.
EXAMPLES = 8

OPERATIONS = {
    ("/api/v1/projects/", "get"), ("/api/v1/projects/", "post"), ("/api/v1/projects/{id}/", "get"),
    ("/api/v1/projects/{id}/", "put"), ("/api/v1/projects/{id}/", "patch"),
    ("/api/v1/nodes/", "get"), ("/api/v1/nodes/{id}/", "get"), ("/api/v1/nodes/{id}/", "put"),
    ("/api/v1/nodes/{id}/", "patch"), ("/api/v1/plan-entries/", "get"), ("/api/v1/plan-entries/{id}/", "get"),
    ("/api/v1/library-entries/", "get"), ("/api/v1/library-entries/{id}/", "get"),
    ("/api/v1/monthly-reports/", "get"), ("/api/v1/problems/", "get"), ("/api/v1/problems/", "post"),
    ("/api/v1/lights/", "get"), ("/api/v1/race-results/", "get"), ("/api/v1/funds/", "get"),
    ("/api/v1/resource-allocations/", "get"), ("/api/v1/leads/", "get"), ("/api/v1/clusters/", "get"),
}  # fmt: skip


@pytest.mark.parametrize("who", ROLES)
def test_the_schema_and_the_docs_are_served_locally(cast, who):
    client = cast.client(who)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower()
    assert client.get("/api/redoc/").status_code == 200


def test_the_schema_describes_every_operation(cast):
    paths = cast.client("office").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    operations = {(path, method) for path, item in paths.items() for method in item if method != "parameters"}
    assert operations >= OPERATIONS
    params = {p["name"] for p in paths["/api/v1/projects/"]["get"]["parameters"]}
    assert {"town", "stage", "library", "q", "page", "page_size"} <= params
    assert "ProjectInput" in str(paths["/api/v1/projects/"]["post"]["requestBody"])


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes old database connections at each request's end, which would
    close the test's transaction on PostgreSQL; Django's own test client disconnects the
    same receivers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_keeps_its_contract(cast, make_project, keep_test_connection):
    """No generated request — valid or not — makes the API fail or answer outside its
    schema. Each operation gets a bounded, reproducible set of cases (derandomized)."""
    make_project()
    token = Token.objects.create(user=cast.office)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    schema = schema.include(path_regex="^/api/v1/")
    tested = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.add((operation.path, operation.method.lower()))

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case):
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
            )

        run()
    assert tested >= OPERATIONS
