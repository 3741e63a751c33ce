"""The POST matrix: every route of the URL configuration posted to by every role of the cast.

Each route needs a rule in :data:`POST_RULES` saying what every role gets when it posts an
empty body (a form sent blank, an action without its fields); a route without a rule fails
the suite, so a new form or action cannot ship without deciding who may post to it.
:data:`AS_GET` marks the routes where the roles that may open the page may also post it
(a form shown again with its errors) and nothing else acts; :data:`VALID_BODIES` posts a
body that would succeed to the actions that check their fields before the role.

The key property: a role that may not act — every outcome but ``ok``, ``go``, ``out`` and
``201`` — changes nothing in the database (every table but the sessions, compared row by
row), and no role ever gets a 500. Each post runs in a savepoint rolled back afterwards, so
every role meets the same world. Then the roles that may act post again without the CSRF
token, and are refused with 403, changing nothing.

Outcomes are those of the GET matrix (:func:`tests.security.test_permission_matrix.outcome_of`),
plus ``400`` (the body was refused by a form's or the API's validation), ``201`` (the API
created something), ``out`` (signed out by the logout, sent to log in) and ``back`` (sent
back to a page without acting: a blank body refused before the role is asked).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.security import test_permission_matrix as matrix
from tests.security.test_permission_matrix import (
    KWARGS,
    OTHER_KWARGS,
    OTHER_RULES,
    ROLES,
    RULES,
    SATISFIES,
    outcome_of,
    route_list,
    rule,
)

#: The small county of the GET matrix, built once for this module too.
world = matrix.world

#: Outcomes of a role allowed to act: it may change the database. ("out": signed out by the
#: logout, sent to the login page.)
ACTS = {"ok", "go", "out"}
#: What satisfies an expectation, beyond the GET matrix's. "back": sent back to a page (302)
#: without acting, the blank body refused before the role is asked (:data:`VALID_BODIES`
#: shows the role refused); unlike "go" it may not change anything.
MATCHES = {**SATISFIES, "out": {"in"}, "back": {"go"}}
#: Tables that change on any request: the session (saved on every request for the idle timeout).
NOT_COMPARED = {"django_session"}

# ---------------------------------------------------------------- who may post what

#: The roles that may open the page may post it, and get what they get on GET.
AS_GET = {"as": "GET"}
#: An action of the project office alone.
OFFICE_ACTS = rule("go", "no", "no", "no", "no", "no")
#: An office form that re-shows itself with its errors (200) when sent blank.
OFFICE_FORM = rule("ok", "no", "no", "no", "no", "no")
#: An action on the 匡堰 project by its editors: the office, its town, its department, its owner.
EDITORS_ACT = rule("go", "go", "no", "go", "go", "no")
#: Read-only API resources: 405 to every signed-in role that may see them, 401 without credentials.
API_READ = rule("405", "405", "405", "405", "405", "405", "401")
#: Pages that answer GET only.
GET_ONLY = rule("405", "405", "405", "405", "405", "405")
#: Exports: posting them downloads the file (and logs the export) like GET does.
EXPORT = AS_GET

POST_RULES: dict[str, dict[str, str]] = {
    # ---- core and accounts
    "set_language": AS_GET,
    "home": AS_GET,
    "login": AS_GET,  # a blank sign-in form is shown again, nothing recorded
    "logout": rule("out", "out", "out", "out", "out", "out", "in"),  # signed out (the event logged), sent to log in
    "password_change": AS_GET,
    "password_change_done": GET_ONLY,
    "orgs:console": AS_GET,
    "orgs:users": AS_GET,
    "orgs:user_create": AS_GET,
    "orgs:user_set_active": rule("no", "no", "no", "no", "no", "no"),  # the 三员 only
    "orgs:user_assign": AS_GET,
    "orgs:user_unlock": rule("no", "no", "no", "no", "no", "no"),
    "orgs:units": AS_GET,
    "orgs:unit_create": AS_GET,
    "orgs:unit_edit": AS_GET,
    "orgs:unit_set_active": rule("no", "no", "no", "no", "no", "no"),
    "orgs:security_log": AS_GET,
    "orgs:security_log_export": AS_GET,
    "orgs:history": AS_GET,
    "orgs:history_export": AS_GET,
    "orgs:second_factor": AS_GET,  # each user enrols its own device
    "orgs:second_factor_verify": AS_GET,
    # ---- projects
    "projects:list": AS_GET,
    "projects:create": AS_GET,
    "projects:boards": AS_GET,
    "projects:plan_version": AS_GET,
    "projects:plan_compare": AS_GET,
    "projects:plan_freeze": AS_GET,
    "projects:review_queue": AS_GET,
    "projects:review_action": rule("no", "no", "no", "no", "no", "no"),  # the entry is admitted: no first review left
    "projects:detail": AS_GET,
    "projects:edit": AS_GET,
    "projects:stage_change": EDITORS_ACT,
    "projects:node_edit": AS_GET,
    "projects:task_force_add": EDITORS_ACT,
    "projects:task_force_remove": EDITORS_ACT,
    "projects:document_upload": EDITORS_ACT,
    "projects:document_download": AS_GET,
    "projects:document_remove": EDITORS_ACT,
    "projects:submit": AS_GET,
    "projects:plan_entry_edit": AS_GET,
    "projects:withdrawal_request": EDITORS_ACT,
    "projects:tab": AS_GET,
    # ---- ledger
    "ledger:import_start": AS_GET,
    "ledger:import_detail": AS_GET,
    "ledger:import_progress": AS_GET,
    "ledger:import_confirm": rule("no", "no", "no", "no", "no", "no"),  # the import was never previewed
    "ledger:import_remap": rule("no", "no", "no", "no", "no", "no"),
    "ledger:export_projects": EXPORT,
    "ledger:export_plan": EXPORT,
    # ---- reporting
    "reporting:inbox": AS_GET,
    "reporting:period_open": rule("go", "back", "back", "back", "back", "back"),  # see VALID_BODIES
    "reporting:period_lock": OFFICE_ACTS,
    "reporting:remind": OFFICE_ACTS,
    "reporting:bulk": OFFICE_ACTS,
    "reporting:report": rule("no", "no", "no", "no", "no", "no"),  # a confirmed report: no one files it again
    "reporting:overview": AS_GET,
    "reporting:overview_forecast": AS_GET,
    "reporting:town": AS_GET,
    "reporting:trends": AS_GET,
    "reporting:export": EXPORT,
    "reporting:notifications": AS_GET,
    "reporting:notification_read": rule("no", "go", "no", "no", "no", "no"),  # the addressee only
    "reporting:project": AS_GET,
    # ---- consultation
    "consultation:problems": AS_GET,
    "consultation:problem": AS_GET,
    "consultation:problem_reply": rule("400", "400", "no", "400", "400", "400"),  # see VALID_BODIES
    "consultation:problem_escalate": rule("400", "400", "no", "400", "400", "400"),
    "consultation:problem_close": rule("no", "no", "no", "no", "no", "no"),  # no resolution to confirm yet
    "consultation:problem_reopen": rule("400", "400", "no", "400", "400", "400"),
    "consultation:raise": AS_GET,
    "consultation:meetings": AS_GET,
    "consultation:meeting_create": AS_GET,
    "consultation:meeting": AS_GET,
    "consultation:meeting_agenda_build": OFFICE_ACTS,
    "consultation:meeting_agenda_add": rule("400", "no", "no", "no", "no", "no"),
    "consultation:meeting_record": OFFICE_ACTS,
    "consultation:meeting_decide": rule("400", "no", "no", "no", "no", "no"),
    "consultation:meeting_hold": OFFICE_ACTS,
    "consultation:meeting_docx": AS_GET,
    "consultation:actions": AS_GET,
    "consultation:action": AS_GET,
    "consultation:action_report": rule("400", "no", "no", "400", "no", "no"),  # the responsible department
    "consultation:action_close": OFFICE_ACTS,
    "consultation:action_return": rule("400", "no", "no", "no", "no", "no"),
    "consultation:inbox": AS_GET,
    "consultation:notice_open": rule("no", "go", "no", "no", "no", "no"),  # the notified town only
    "consultation:inbox_read_all": rule("go", "go", "go", "go", "go", "go"),  # each its own inbox
    "consultation:statistics": AS_GET,
    "consultation:deadlines": rule("400", "no", "no", "no", "no", "no"),
    # ---- breakthroughs
    "breakthroughs:panels": AS_GET,
    "breakthroughs:starts": AS_GET,
    "breakthroughs:approvals": AS_GET,
    "breakthroughs:funds": AS_GET,
    "breakthroughs:fund_new": AS_GET,
    "breakthroughs:fund_edit": AS_GET,
    "breakthroughs:bond_plan": rule("ok", "ok", "no", "ok", "ok", "no"),  # seen by all, changed by the editors
    "breakthroughs:bonds": AS_GET,
    "breakthroughs:resources": AS_GET,
    "breakthroughs:quota": AS_GET,
    "breakthroughs:allocate": AS_GET,
    "breakthroughs:revoke": OFFICE_ACTS,  # GET has no page; the office revokes by POST
    "breakthroughs:demand": AS_GET,
    "breakthroughs:leads": AS_GET,
    "breakthroughs:lead_new": AS_GET,
    "breakthroughs:funnel": AS_GET,
    "breakthroughs:lead": rule("ok", "ok", "no", "no", "no", "no"),  # seen county-wide, advanced by the office and its town
    "breakthroughs:lead_edit": AS_GET,
    # ---- race
    "race:board": AS_GET,
    "race:scheme_board": AS_GET,
    "race:compute": OFFICE_ACTS,
    "race:screen": AS_GET,
    "race:what_if": AS_GET,
    "race:compare": AS_GET,
    "race:export": EXPORT,
    "race:scorecard": AS_GET,
    "race:publish": OFFICE_ACTS,
    "race:diff": AS_GET,
    # ---- supervision
    "supervision:board": AS_GET,
    "supervision:scan": OFFICE_ACTS,
    "supervision:project": AS_GET,
    "supervision:orders": AS_GET,
    "supervision:order_new": AS_GET,
    "supervision:order": AS_GET,
    "supervision:bulletins": OFFICE_FORM,  # seen by the county, made by the office
    "supervision:bulletin_download": EXPORT,
    # ---- clusters
    "clusters:list": AS_GET,
    "clusters:cluster": AS_GET,
    "clusters:link_project": OFFICE_ACTS,
    "clusters:company_create": AS_GET,
    "clusters:companies": AS_GET,
    "clusters:company": AS_GET,
    "clusters:company_edit": AS_GET,
    "clusters:shareholder_add": AS_GET,
    "clusters:contributions": AS_GET,
    "clusters:rule_create": AS_GET,
    "clusters:coalitions": AS_GET,
    "clusters:compute": OFFICE_ACTS,
    "clusters:income": AS_GET,
    "clusters:distribute": AS_GET,
    "clusters:register_xlsx": EXPORT,
    "clusters:statement_docx": EXPORT,
    # ---- cockpit
    "cockpit:index": AS_GET,
    # ---- open data: the API is read-only but for raising problems and registering projects
    "opendata:api-root": rule("405", "405", "405", "405", "405", "405", "401"),
    "opendata:project-list": rule("400", "400", "400", "400", "no", "no", "401"),  # see VALID_BODIES
    "opendata:project-detail": API_READ,
    "opendata:library-entry-list": API_READ,
    "opendata:library-entry-detail": API_READ,
    "opendata:plan-entry-list": API_READ,
    "opendata:plan-entry-detail": API_READ,
    "opendata:node-list": API_READ,
    "opendata:node-detail": API_READ,
    "opendata:monthly-report-list": API_READ,
    "opendata:monthly-report-detail": API_READ,
    "opendata:problem-list": rule("400", "400", "400", "400", "400", "400", "401"),  # see VALID_BODIES
    "opendata:problem-detail": API_READ,
    "opendata:light-list": API_READ,
    "opendata:light-detail": API_READ,
    "opendata:fund-list": API_READ,
    "opendata:fund-detail": API_READ,
    "opendata:resource-allocation-list": API_READ,
    "opendata:resource-allocation-detail": API_READ,
    "opendata:lead-list": rule("405", "405", "405", "405", "no", "405", "401"),
    "opendata:lead-detail": rule("405", "405", "405", "405", "no", "405", "401"),
    "opendata:race-result-list": rule("405", "405", "405", "405", "no", "405", "401"),
    "opendata:race-result-detail": rule("405", "405", "405", "405", "no", "405", "401"),
    "opendata:cluster-list": rule("405", "405", "405", "no", "no", "405", "401"),
    "opendata:cluster-detail": rule("405", "405", "405", "no", "no", "405", "401"),
    "opendata:schema": rule("405", "405", "405", "405", "405", "405", "405"),
    "opendata:api_docs": rule("405", "405", "405", "405", "405", "405", "405"),
    "opendata:redoc": rule("405", "405", "405", "405", "405", "405", "405"),
    "opendata:public_list": AS_GET,
    "opendata:oc4ids": AS_GET,
    "opendata:public_detail": AS_GET,
    "opendata:public_project_json": AS_GET,
    "opendata:public_document": AS_GET,
    "opendata:webhooks": AS_GET,
    "opendata:webhook_edit": AS_GET,
    "opendata:deliveries": AS_GET,
    "opendata:delivery_detail": AS_GET,
    "opendata:delivery_retry": OFFICE_ACTS,
    "opendata:tokens": AS_GET,
    "opendata:token_revoke": OFFICE_ACTS,
    # ---- uploaded files
    "media/<path:path>": AS_GET,
}

#: Posting to 龙山镇's objects (another town, another owner), where scope matters.
OTHER_POST_RULES: dict[str, dict[str, str]] = {
    "projects:detail": AS_GET,
    "projects:tab": AS_GET,
    "projects:edit": AS_GET,
    "projects:node_edit": AS_GET,
    "projects:document_download": AS_GET,
    "projects:plan_entry_edit": AS_GET,
    "projects:submit": AS_GET,
    "reporting:report": rule("no", "no", "no", "no", "no", "no"),
    "reporting:project": AS_GET,
    "supervision:project": AS_GET,
    "consultation:problem": AS_GET,
    "consultation:raise": AS_GET,
    "opendata:project-detail": API_READ,
    "opendata:plan-entry-detail": API_READ,
    "opendata:library-entry-detail": API_READ,
    "opendata:node-detail": API_READ,
    "opendata:monthly-report-detail": API_READ,
    "opendata:problem-detail": API_READ,
}


class Json(dict):
    """A body the API reads as JSON (a plain dict is posted as a form)."""


#: Actions that read their fields before they ask who is acting: posted again with a body that
#: succeeds for a role allowed to act, so the refusal of the others is the role's, not the form's.
VALID_BODIES: dict[str, tuple[Callable, dict[str, str]]] = {
    "reporting:period_open": (lambda w: {"period": "2026-10"}, OFFICE_ACTS),
    # The 匡堰 problem lies with its town: the town answers it and takes it up the ladder; the
    # others follow it without acting. No answer was given yet, so no one reopens it.
    "consultation:problem_reply": (lambda w: {"text": "已协调调剂用地指标"}, rule("no", "go", "no", "no", "no", "no")),
    "consultation:problem_escalate": (lambda w: {"reason": "镇级无法协调"}, rule("go", "go", "no", "no", "no", "no")),
    "consultation:problem_reopen": (lambda w: {"reason": "仍未解决"}, rule("no", "no", "no", "no", "no", "no")),
    "consultation:action_report": (lambda w: {"evidence": "已完成指标调剂"}, rule("go", "no", "no", "go", "no", "no")),
    "opendata:problem-list": (
        lambda w: Json({"project": w.project.pk, "title": "施工用电接入", "category": "utilities", "description": "需增容。"}),
        rule("201", "201", "no", "201", "201", "no", "401"),
    ),
    # A town officer registers in its own town only (the web form said so; the API did not).
    "opendata:project-list": (
        lambda w: Json({"name": "接口登记项目", "owner": w.cast.enterprise.pk, "town": w.cast.town.pk,
                         "category": w.project.category_id, "nature": "enterprise", "total_investment": "1.5亿",
                         "start_year": 2026, "end_year": 2027}),
        rule("201", "201", "no", "201", "no", "no", "401"),
    ),
}
ACTS_WITH_BODY = ACTS | {"201"}


# ---------------------------------------------------------------- the database before and after


def _tables() -> list[str]:
    names = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in NOT_COMPARED:
            names.append(meta.db_table)
    return sorted(set(names))


def dump() -> dict[str, list]:
    """Every row of every table (a few hundred in this world), in a stable order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  (names from the models)
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def writes() -> int | None:
    """A counter that moves when a row is written (cheap, so the full dump runs only then)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
            return cursor.fetchone()[0]
    return None


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for table in before:
        if before[table] != after[table]:
            gone = set(before[table]) - set(after[table])
            new = set(after[table]) - set(before[table])
            found.append(f"{table}: -{len(gone)} +{len(new)} {sorted(new or gone)[0][:160]}")
    return found


def post(client: Client, url: str, body: dict, *, compare: bool) -> tuple[str, list[str]]:
    """POST in a savepoint rolled back afterwards; the client's cookies are kept (a logout
    does not log the client out for the next route). With ``compare``, what it changed."""
    cookies = copy.deepcopy(client.cookies)
    savepoint = transaction.savepoint()
    counter = writes() if compare else None
    try:
        if isinstance(body, Json):
            response = client.post(url, json.dumps(body), content_type="application/json")
        else:
            response = client.post(url, body)
        got = outcome_of(response)
    except Exception as exc:  # a 500: the test client re-raises the view's exception
        transaction.savepoint_rollback(savepoint)  # (PostgreSQL refuses queries after an error)
        client.cookies = cookies
        return f"500 ({type(exc).__name__}: {exc})", []
    changed: list[str] = []
    if compare and (counter is None or writes() != counter):
        after = dump()
        transaction.savepoint_rollback(savepoint)
        changed = differences(dump(), after)
    else:
        transaction.savepoint_rollback(savepoint)
    client.cookies = cookies
    return got, changed


# ---------------------------------------------------------------- the cast, signed in once


@pytest.fixture(scope="module")
def signed_in(world, django_db_blocker):
    """A client per role, and one per role that enforces CSRF (as a browser on another site
    would be: signed in, without the token), made once inside the module's world."""
    with django_db_blocker.unblock():
        plain = {role: world.cast.client(role) for role in ROLES}
        strict = {}
        for role in ROLES:
            client = Client(enforce_csrf_checks=True)
            user = world.cast.members[role]
            if user is not None:
                client.force_login(user)
            strict[role] = client
    return plain, strict


@pytest.fixture(autouse=True)
def _sessions_saved_only_when_changed(settings):
    settings.SESSION_SAVE_EVERY_REQUEST = False  # else every request writes its session row


def _url(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs) if not name.startswith("media/") else f"/media/{kwargs['path']}"


def _expected(rules: dict, get_rules: dict, name: str) -> dict[str, str]:
    expected = rules[name]
    return get_rules[name] if expected is AS_GET else expected


def _check(clients, name: str, url: str, expected: dict[str, str], body: dict, acts=ACTS) -> list[str]:
    wrong = []
    # The roles that may not act first: each must leave every table as it was.
    for role in sorted(ROLES, key=lambda r: expected[r] in acts):
        want = expected[role]
        got, changed = post(clients[role], url, body, compare=want not in acts)
        if got != want and got not in MATCHES.get(want, ()):
            wrong.append(f"{role}: expected {want}, got {got}")
        if changed:
            wrong.append(f"{role} ({got}) changed the database: " + "; ".join(changed))
    return [f"POST {url} ({name}) — " + "; ".join(wrong)] if wrong else []


# ---------------------------------------------------------------- the tests


def test_every_route_has_a_post_rule():
    names = {r.name for r in route_list()}
    missing = sorted(names - set(POST_RULES))
    assert not missing, "\n".join(f"add a rule for {name} to POST_RULES in {__file__}" for name in missing)
    # (a rule for a route that is not mounted, e.g. /media/ in production, is skipped below)
    assert set(OTHER_POST_RULES) <= set(OTHER_KWARGS), set(OTHER_POST_RULES) - set(OTHER_KWARGS)
    assert set(VALID_BODIES) <= set(POST_RULES)


@pytest.mark.parametrize("name", sorted(POST_RULES))
def test_each_role_posting_gets_what_the_rules_say_and_a_refusal_changes_nothing(name, world, signed_in, db):
    if name not in {r.name for r in route_list()}:
        pytest.skip(f"{name} is not a route (any more)")
    clients, _strict = signed_in
    kwargs = KWARGS.get(name, lambda w: {})(world)
    problems = _check(clients, name, _url(name, kwargs), _expected(POST_RULES, RULES, name), {})
    if name in OTHER_POST_RULES:
        url = _url(name, OTHER_KWARGS[name](world))
        problems += _check(clients, name, url, _expected(OTHER_POST_RULES, OTHER_RULES, name), {})
    if name in VALID_BODIES:
        body, expected = VALID_BODIES[name]
        problems += _check(clients, name, _url(name, kwargs), expected, body(world), acts=ACTS_WITH_BODY)
    assert not problems, "\n".join(problems)


def _acting(name: str) -> list[str]:
    """The roles that may act on the route (with a blank body, or with its valid one)."""
    expected = _expected(POST_RULES, RULES, name)
    with_body = VALID_BODIES.get(name, (None, {}))[1]
    return [r for r in ROLES if expected[r] in ACTS or with_body.get(r) in ACTS_WITH_BODY]


@pytest.mark.parametrize("name", sorted(n for n in POST_RULES if _acting(n)))
def test_a_post_without_the_csrf_token_is_refused_for_every_role_that_may_act(name, world, signed_in, db):
    """A page on another site cannot make a signed-in browser act: 403 before any view runs."""
    if name not in {r.name for r in route_list()}:
        pytest.skip(f"{name} is not a route (any more)")
    _clients, strict = signed_in
    kwargs = KWARGS.get(name, lambda w: {})(world)
    body = VALID_BODIES.get(name, (lambda w: {}, {}))[0]
    acting = _acting(name)
    wrong = []
    for role in acting:
        got, changed = post(strict[role], _url(name, kwargs), body(world), compare=True)
        if got != "no":
            wrong.append(f"{role}: expected 403, got {got}")
        if changed:
            wrong.append(f"{role} changed the database without the token: " + "; ".join(changed))
    assert not wrong, f"POST {name} without the CSRF token — " + "; ".join(wrong)


@pytest.mark.parametrize(("who", "change"), [("town", "town"), ("owner", "town"), ("owner", "owner")])
def test_the_api_does_not_move_a_project_out_of_the_scope_of_who_changes_it(world, signed_in, db, who, change):
    """The web form keeps a town officer's projects in its town and an owner's with it (the
    fields are fixed); the API's change of a project is held to the same rule by the service."""
    clients, _strict = signed_in
    target = {"town": world.cast.other_town.pk, "owner": world.cast.other_enterprise.pk}[change]
    url = reverse("opendata:project-detail", kwargs={"pk": world.project.pk})
    before = dump()
    response = clients[who].patch(url, json.dumps({change: target}), content_type="application/json")
    assert response.status_code == 403, response.content
    assert not differences(before, dump())
    assert clients[who].patch(url, json.dumps({"content": "扩建二期"}), content_type="application/json").status_code == 200
