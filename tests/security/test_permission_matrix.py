"""The permission matrix: every route of the URL configuration against the fixed cast.

The routes are read from ``tuijin.urls`` (admin aside: it has Django's own staff check, tested
at the end). Each route needs a rule in :data:`RULES` saying what every role gets on GET;
a route without a rule fails the suite, so a new page cannot ship without deciding who sees it.

Outcomes:
    ok     200 — the page, file or API answer
    go     302 to another page of the site (not the login page): e.g. a POST-only action
           that sends a GET back to its page, or the home page sending a role to its start
    no     403 or 404 — refused, or the object is outside the role's scope
    in     302 to the login page (anonymous)
    405    the route only takes POST
    401    an API refusal to a caller without credentials (401 or 403)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.security.urlwalk import Route, routes
from tests.security.world import build_world

ROLES = ("office", "town", "other_town", "department", "owner", "leader", "anonymous")
STAFF = ("office", "town", "other_town", "department", "owner", "leader")


def outcome_of(response) -> str:
    code = response.status_code
    if code == 200:
        return "ok"
    if code in (403, 404):
        return "no"
    if code == 405:
        return "405"
    if code == 401:
        return "401"
    if code in (301, 302, 303):
        location = response.headers.get("Location", "")
        return "in" if location.startswith(reverse("login")) else "go"
    return str(code)


def route_list() -> list[Route]:
    """One route per name; the DRF router's format-suffix twins are covered by the plain one."""
    seen: dict[str, Route] = {}
    for route in routes():
        if "format" in route.params and route.name in seen:
            continue
        if route.name not in seen or "format" in seen[route.name].params:
            seen[route.name] = route
    return list(seen.values())


# ---------------------------------------------------------------- arguments of each route

KWARGS: dict[str, Callable] = {
    "projects:plan_version": lambda w: {"year": w.plan_version.year, "number": w.plan_version.number},
    "projects:plan_compare": lambda w: {"year": w.plan_version.year},
    "projects:plan_freeze": lambda w: {"year": w.plan_version.year},
    "projects:review_action": lambda w: {"entry_id": w.library_entry.pk, "action": "first"},
    "projects:detail": lambda w: {"pk": w.project.pk},
    "projects:edit": lambda w: {"pk": w.project.pk},
    "projects:stage_change": lambda w: {"pk": w.project.pk},
    "projects:node_edit": lambda w: {"pk": w.project.pk, "node_id": w.node.pk},
    "projects:task_force_add": lambda w: {"pk": w.project.pk},
    "projects:task_force_remove": lambda w: {"pk": w.project.pk, "member_id": w.member.pk},
    "projects:document_upload": lambda w: {"pk": w.project.pk},
    "projects:document_download": lambda w: {"pk": w.project.pk, "document_id": w.document.pk},
    "projects:document_remove": lambda w: {"pk": w.project.pk, "document_id": w.document.pk},
    "projects:submit": lambda w: {"pk": w.project.pk, "kind": "reserve"},
    "projects:plan_entry_edit": lambda w: {"pk": w.project.pk, "plan_entry_id": w.plan_entry.pk},
    "projects:withdrawal_request": lambda w: {"pk": w.project.pk, "entry_id": w.library_entry.pk},
    "projects:tab": lambda w: {"pk": w.project.pk, "tab": "history"},
    "ledger:import_detail": lambda w: {"pk": w.ledger_import.pk},
    "ledger:import_progress": lambda w: {"pk": w.ledger_import.pk},
    "ledger:import_confirm": lambda w: {"pk": w.ledger_import.pk},
    "ledger:import_remap": lambda w: {"pk": w.ledger_import.pk},
    "reporting:period_lock": lambda w: {"pk": w.period.pk},
    "reporting:bulk": lambda w: {"action": "confirm"},
    "reporting:report": lambda w: {"pk": w.report.pk},
    "reporting:town": lambda w: {"pk": w.cast.town.pk},
    "reporting:notification_read": lambda w: {"pk": w.notification.pk},
    "reporting:project": lambda w: {"pk": w.project.pk},
    "consultation:problem": lambda w: {"pk": w.problem.pk},
    "consultation:problem_reply": lambda w: {"pk": w.problem.pk},
    "consultation:problem_escalate": lambda w: {"pk": w.problem.pk},
    "consultation:problem_close": lambda w: {"pk": w.problem.pk},
    "consultation:problem_reopen": lambda w: {"pk": w.problem.pk},
    "consultation:raise": lambda w: {"project_pk": w.project.pk},
    "consultation:meeting": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_agenda_build": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_agenda_add": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_record": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_decide": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_hold": lambda w: {"pk": w.meeting.pk},
    "consultation:meeting_docx": lambda w: {"pk": w.meeting.pk, "kind": "agenda"},
    "consultation:action": lambda w: {"pk": w.action.pk},
    "consultation:action_report": lambda w: {"pk": w.action.pk},
    "consultation:action_close": lambda w: {"pk": w.action.pk},
    "consultation:action_return": lambda w: {"pk": w.action.pk},
    "consultation:notice_open": lambda w: {"pk": w.notice.pk},
    "breakthroughs:fund_edit": lambda w: {"pk": w.fund.pk},
    "breakthroughs:bond_plan": lambda w: {"pk": w.fund.pk},
    "breakthroughs:revoke": lambda w: {"pk": w.allocation.pk},
    "breakthroughs:lead": lambda w: {"pk": w.lead.pk},
    "breakthroughs:lead_edit": lambda w: {"pk": w.lead.pk},
    "race:scheme_board": lambda w: {"code": w.scheme.code},
    "race:compute": lambda w: {"code": w.scheme.code},
    "race:screen": lambda w: {"code": w.scheme.code},
    "race:what_if": lambda w: {"code": w.scheme.code},
    "race:compare": lambda w: {"code": w.scheme.code},
    "race:export": lambda w: {"code": w.scheme.code},
    "race:scorecard": lambda w: {"code": w.scheme.code, "unit_id": w.cast.town.pk},
    "race:publish": lambda w: {"pk": w.snapshot.pk},
    "race:diff": lambda w: {"pk": w.snapshot.pk},
    "supervision:project": lambda w: {"pk": w.project.pk},
    "supervision:order": lambda w: {"pk": w.order.pk},
    "supervision:bulletin_download": lambda w: {"pk": w.bulletin.pk},
    "clusters:cluster": lambda w: {"pk": w.cluster.pk},
    "clusters:link_project": lambda w: {"pk": w.cluster.pk},
    "clusters:company_create": lambda w: {"pk": w.cluster.pk},
    "clusters:company": lambda w: {"pk": w.company.pk},
    "clusters:company_edit": lambda w: {"pk": w.company.pk},
    "clusters:shareholder_add": lambda w: {"pk": w.company.pk},
    "clusters:contributions": lambda w: {"pk": w.company.pk, "holder": w.shareholder.pk},
    "clusters:rule_create": lambda w: {"pk": w.company.pk},
    "clusters:coalitions": lambda w: {"pk": w.company.pk, "rule": w.rule.pk},
    "clusters:compute": lambda w: {"pk": w.company.pk, "rule": w.rule.pk},
    "clusters:income": lambda w: {"pk": w.company.pk},
    "clusters:distribute": lambda w: {"pk": w.company.pk},
    "clusters:register_xlsx": lambda w: {"pk": w.company.pk},
    "clusters:statement_docx": lambda w: {"pk": w.company.pk},
    "opendata:project-detail": lambda w: {"pk": w.project.pk},
    "opendata:library-entry-detail": lambda w: {"pk": w.library_entry.pk},
    "opendata:plan-entry-detail": lambda w: {"pk": w.plan_entry.pk},
    "opendata:node-detail": lambda w: {"pk": w.node.pk},
    "opendata:public_detail": lambda w: {"pk": w.project.pk},
    "opendata:public_project_json": lambda w: {"pk": w.project.pk},
    "opendata:public_document": lambda w: {"pk": w.project.pk, "doc_pk": w.document.pk},
    "opendata:webhook_edit": lambda w: {"pk": w.subscription.pk},
    "opendata:delivery_detail": lambda w: {"pk": w.delivery.pk},
    "opendata:delivery_retry": lambda w: {"pk": w.delivery.pk},
    "opendata:token_revoke": lambda w: {"user_pk": w.cast.department_officer.pk},
    "orgs:user_set_active": lambda w: {"pk": w.cast.owner.pk},
    "orgs:user_assign": lambda w: {"pk": w.cast.owner.pk},
    "orgs:user_unlock": lambda w: {"pk": w.cast.owner.pk},
    "orgs:unit_edit": lambda w: {"pk": w.cast.enterprise.pk},
    "orgs:unit_set_active": lambda w: {"pk": w.cast.enterprise.pk},
    "media/<path:path>": lambda w: {"path": w.document.file.name},
    "opendata:cluster-detail": lambda w: {"pk": w.cluster.pk},
    "opendata:fund-detail": lambda w: {"pk": w.fund.pk},
    "opendata:lead-detail": lambda w: {"pk": w.lead.pk},
    "opendata:light-detail": lambda w: {"pk": w.light.pk},
    "opendata:monthly-report-detail": lambda w: {"pk": w.report.pk},
    "opendata:problem-detail": lambda w: {"pk": w.problem.pk},
    "opendata:race-result-detail": lambda w: {"pk": w.snapshot.pk},  # the API serves snapshots
    "opendata:resource-allocation-detail": lambda w: {"pk": w.allocation.pk},
}

#: The same routes pointed at 龙山镇's project (another town, another owner), where scope matters.
OTHER_KWARGS: dict[str, Callable] = {
    "projects:detail": lambda w: {"pk": w.other_project.pk},
    "projects:tab": lambda w: {"pk": w.other_project.pk, "tab": "history"},
    "projects:edit": lambda w: {"pk": w.other_project.pk},
    "projects:node_edit": lambda w: {"pk": w.other_project.pk, "node_id": w.other_node.pk},
    "projects:document_download": lambda w: {"pk": w.other_project.pk, "document_id": w.other_document.pk},
    "projects:plan_entry_edit": lambda w: {"pk": w.other_project.pk, "plan_entry_id": w.other_plan_entry.pk},
    "projects:submit": lambda w: {"pk": w.other_project.pk, "kind": "reserve"},
    "reporting:report": lambda w: {"pk": w.other_report.pk},
    "reporting:project": lambda w: {"pk": w.other_project.pk},
    "supervision:project": lambda w: {"pk": w.other_project.pk},
    "consultation:problem": lambda w: {"pk": w.other_problem.pk},
    "consultation:raise": lambda w: {"project_pk": w.other_project.pk},
    "opendata:project-detail": lambda w: {"pk": w.other_project.pk},
    "opendata:plan-entry-detail": lambda w: {"pk": w.other_plan_entry.pk},
    "opendata:library-entry-detail": lambda w: {"pk": w.other_library_entry.pk},
    "opendata:node-detail": lambda w: {"pk": w.other_node.pk},
    "opendata:monthly-report-detail": lambda w: {"pk": w.other_report.pk},
    "opendata:problem-detail": lambda w: {"pk": w.other_problem.pk},
}


# ---------------------------------------------------------------- who gets what


def rule(office, town, other_town, department, owner, leader, anonymous="in") -> dict[str, str]:
    return dict(zip(ROLES, (office, town, other_town, department, owner, leader, anonymous), strict=True))


#: Every signed-in role sees it; anonymous is sent to log in.
EVERYONE = rule("ok", "ok", "ok", "ok", "ok", "ok")
#: Everyone but the owner, who sees only its own projects (county-wide pages are not for it).
COUNTY = rule("ok", "ok", "ok", "ok", "no", "ok")
#: The project office alone (settings, reviews, computations, publishing).
OFFICE = rule("ok", "no", "no", "no", "no", "no")
#: Public pages: no login.
PUBLIC = rule("ok", "ok", "ok", "ok", "ok", "ok", "ok")
#: Actions taking POST only: a GET is refused with 405 (after the login check).
POST_ONLY = rule("405", "405", "405", "405", "405", "405")
#: The REST API: every signed-in role (scoped inside), 401 without credentials.
API = rule("ok", "ok", "ok", "ok", "ok", "ok", "401")
API_COUNTY = rule("ok", "ok", "ok", "ok", "no", "ok", "401")
#: The 三员 console: none of the business roles of the cast (the three administrators are
#: tested in tests/orgs/test_three_administrators.py).
ADMINS_ONLY = rule("no", "no", "no", "no", "no", "no")
#: Editors of the 匡堰 project: the office, its town, its department and its owner.
EDITORS = rule("ok", "ok", "no", "ok", "ok", "no")

RULES: dict[str, dict[str, str]] = {
    # ---- core and accounts
    "set_language": rule("go", "go", "go", "go", "go", "go", "go"),
    "home": EVERYONE,
    "login": PUBLIC,
    "logout": rule("405", "405", "405", "405", "405", "405", "405"),
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "orgs:console": ADMINS_ONLY,
    "orgs:users": ADMINS_ONLY,
    "orgs:user_create": ADMINS_ONLY,
    "orgs:user_set_active": POST_ONLY,
    "orgs:user_assign": ADMINS_ONLY,
    "orgs:user_unlock": POST_ONLY,
    "orgs:units": ADMINS_ONLY,
    "orgs:unit_create": ADMINS_ONLY,
    "orgs:unit_edit": ADMINS_ONLY,
    "orgs:unit_set_active": POST_ONLY,
    "orgs:security_log": ADMINS_ONLY,
    "orgs:security_log_export": ADMINS_ONLY,
    "orgs:history": ADMINS_ONLY,
    "orgs:history_export": ADMINS_ONLY,
    "orgs:second_factor": EVERYONE,
    "orgs:second_factor_verify": rule("go", "go", "go", "go", "go", "go"),
    # ---- projects: registry, libraries, plan
    "projects:list": EVERYONE,
    "projects:create": rule("ok", "ok", "ok", "ok", "no", "no"),
    "projects:boards": EVERYONE,
    "projects:plan_version": EVERYONE,
    "projects:plan_compare": rule("go", "go", "go", "go", "go", "go"),  # one version only: back to the plan
    "projects:plan_freeze": OFFICE,
    "projects:review_queue": OFFICE,
    "projects:review_action": POST_ONLY,
    "projects:detail": EVERYONE,
    "projects:edit": EDITORS,
    "projects:stage_change": POST_ONLY,
    "projects:node_edit": rule("ok", "ok", "no", "no", "ok", "no"),  # the node's unit, the town, the owner
    "projects:task_force_add": POST_ONLY,
    "projects:task_force_remove": POST_ONLY,
    "projects:document_upload": POST_ONLY,
    "projects:document_download": EVERYONE,
    "projects:document_remove": POST_ONLY,
    "projects:submit": EDITORS,
    "projects:plan_entry_edit": EDITORS,
    "projects:withdrawal_request": POST_ONLY,
    "projects:tab": EVERYONE,
    # ---- ledger
    "ledger:import_start": rule("ok", "ok", "ok", "no", "no", "no"),
    "ledger:import_detail": OFFICE,  # the uploader's own import (the office's here)
    "ledger:import_progress": OFFICE,
    "ledger:import_confirm": POST_ONLY,
    "ledger:import_remap": POST_ONLY,
    "ledger:export_projects": EVERYONE,  # scoped: an owner exports its own projects
    "ledger:export_plan": COUNTY,
    # ---- reporting
    "reporting:inbox": EVERYONE,
    "reporting:period_open": POST_ONLY,
    "reporting:period_lock": POST_ONLY,
    "reporting:remind": POST_ONLY,
    "reporting:bulk": POST_ONLY,
    "reporting:report": EVERYONE,
    "reporting:overview": COUNTY,
    "reporting:overview_forecast": COUNTY,
    "reporting:town": COUNTY,
    "reporting:trends": COUNTY,
    "reporting:export": COUNTY,
    "reporting:notifications": EVERYONE,
    "reporting:notification_read": POST_ONLY,
    "reporting:project": EVERYONE,
    # ---- consultation
    "consultation:problems": EVERYONE,
    "consultation:problem": rule("ok", "ok", "no", "ok", "ok", "ok"),
    "consultation:problem_reply": POST_ONLY,
    "consultation:problem_escalate": POST_ONLY,
    "consultation:problem_close": POST_ONLY,
    "consultation:problem_reopen": POST_ONLY,
    "consultation:raise": rule("ok", "ok", "no", "ok", "ok", "no"),
    "consultation:meetings": COUNTY,
    "consultation:meeting_create": OFFICE,
    "consultation:meeting": COUNTY,
    "consultation:meeting_agenda_build": POST_ONLY,
    "consultation:meeting_agenda_add": POST_ONLY,
    "consultation:meeting_record": POST_ONLY,
    "consultation:meeting_decide": POST_ONLY,
    "consultation:meeting_hold": POST_ONLY,
    "consultation:meeting_docx": COUNTY,
    "consultation:actions": EVERYONE,
    "consultation:action": COUNTY,
    "consultation:action_report": POST_ONLY,
    "consultation:action_close": POST_ONLY,
    "consultation:action_return": POST_ONLY,
    "consultation:inbox": EVERYONE,
    "consultation:notice_open": POST_ONLY,
    "consultation:inbox_read_all": POST_ONLY,
    "consultation:statistics": COUNTY,
    "consultation:deadlines": OFFICE,
    # ---- breakthroughs
    "breakthroughs:panels": COUNTY,
    "breakthroughs:starts": COUNTY,
    "breakthroughs:approvals": COUNTY,
    "breakthroughs:funds": EVERYONE,
    "breakthroughs:fund_new": rule("no", "no", "no", "no", "no", "no"),  # needs ?project=: 404 without it
    "breakthroughs:fund_edit": EDITORS,
    "breakthroughs:bond_plan": EVERYONE,
    "breakthroughs:bonds": EVERYONE,
    "breakthroughs:resources": EVERYONE,
    "breakthroughs:quota": OFFICE,
    "breakthroughs:allocate": rule("no", "no", "no", "no", "no", "no"),
    "breakthroughs:revoke": rule("no", "no", "no", "no", "no", "no"),
    "breakthroughs:demand": rule("no", "no", "no", "no", "no", "no"),
    "breakthroughs:leads": COUNTY,
    "breakthroughs:lead_new": rule("ok", "ok", "ok", "ok", "no", "no"),
    "breakthroughs:funnel": COUNTY,
    "breakthroughs:lead": COUNTY,
    "breakthroughs:lead_edit": rule("ok", "ok", "no", "no", "no", "no"),  # the office and the lead's town
    # ---- race
    "race:board": COUNTY,
    "race:scheme_board": COUNTY,
    "race:compute": POST_ONLY,
    "race:screen": COUNTY,
    "race:what_if": OFFICE,
    "race:compare": COUNTY,
    "race:export": OFFICE,  # a draft snapshot: only the office exports before publication
    "race:scorecard": COUNTY,
    "race:publish": POST_ONLY,
    "race:diff": OFFICE,
    # ---- supervision
    "supervision:board": COUNTY,
    "supervision:scan": POST_ONLY,
    "supervision:project": EVERYONE,
    "supervision:orders": EVERYONE,  # scoped: each unit its own orders
    "supervision:order_new": OFFICE,
    "supervision:order": rule("ok", "ok", "no", "no", "no", "ok"),  # the office, the addressed town, leaders
    "supervision:bulletins": COUNTY,
    "supervision:bulletin_download": COUNTY,
    # ---- clusters
    "clusters:list": rule("ok", "ok", "ok", "no", "no", "ok"),
    "clusters:cluster": rule("ok", "ok", "no", "no", "no", "ok"),
    "clusters:link_project": POST_ONLY,
    "clusters:company_create": OFFICE,
    "clusters:companies": rule("ok", "ok", "ok", "no", "no", "ok"),
    "clusters:company": rule("ok", "ok", "no", "no", "no", "ok"),
    "clusters:company_edit": OFFICE,
    "clusters:shareholder_add": OFFICE,
    "clusters:contributions": OFFICE,
    "clusters:rule_create": OFFICE,
    "clusters:coalitions": rule("no", "no", "no", "no", "no", "no"),  # a capital rule has no coalitions
    "clusters:compute": POST_ONLY,
    "clusters:income": OFFICE,
    "clusters:distribute": OFFICE,
    "clusters:register_xlsx": rule("ok", "ok", "no", "no", "no", "ok"),
    "clusters:statement_docx": rule("ok", "ok", "no", "no", "no", "ok"),
    # ---- cockpit
    "cockpit:index": rule("ok", "no", "no", "no", "no", "ok"),
    # ---- open data: API (token or session), public pages, administration
    "opendata:api-root": API,
    "opendata:project-list": API,
    "opendata:project-detail": API,
    "opendata:library-entry-list": API,
    "opendata:library-entry-detail": API,
    "opendata:plan-entry-list": API,
    "opendata:plan-entry-detail": API,
    "opendata:node-list": API,
    "opendata:node-detail": API,
    "opendata:monthly-report-list": API,
    "opendata:monthly-report-detail": API,
    "opendata:problem-list": API,
    "opendata:problem-detail": rule("ok", "ok", "no", "ok", "ok", "ok", "401"),  # as the problem page
    "opendata:light-list": API,
    "opendata:light-detail": API,
    "opendata:fund-list": API,
    "opendata:fund-detail": API,
    "opendata:resource-allocation-list": API,
    "opendata:resource-allocation-detail": API,
    "opendata:lead-list": API_COUNTY,
    "opendata:lead-detail": API_COUNTY,
    "opendata:race-result-list": API_COUNTY,
    "opendata:race-result-detail": rule("ok", "no", "no", "no", "no", "no", "401"),  # a draft snapshot
    "opendata:cluster-list": rule("ok", "ok", "ok", "no", "no", "ok", "401"),
    "opendata:cluster-detail": rule("ok", "ok", "no", "no", "no", "ok", "401"),
    "opendata:schema": PUBLIC,
    "opendata:api_docs": PUBLIC,
    "opendata:redoc": PUBLIC,
    "opendata:public_list": PUBLIC,
    "opendata:oc4ids": PUBLIC,
    "opendata:public_detail": PUBLIC,
    "opendata:public_project_json": PUBLIC,
    "opendata:public_document": PUBLIC,  # a disclosed document (feasibility study) of a disclosed project
    "opendata:webhooks": OFFICE,
    "opendata:webhook_edit": OFFICE,
    "opendata:deliveries": OFFICE,
    "opendata:delivery_detail": OFFICE,
    "opendata:delivery_retry": POST_ONLY,
    "opendata:tokens": OFFICE,
    "opendata:token_revoke": POST_ONLY,
    # ---- uploaded files
    "media/<path:path>": rule("ok", "ok", "ok", "ok", "ok", "ok"),
}

#: What each role gets on 龙山镇's project (another town, another owner).
OTHER_RULES: dict[str, dict[str, str]] = {
    "projects:detail": COUNTY,
    "projects:tab": COUNTY,
    "projects:edit": rule("ok", "no", "ok", "no", "no", "no"),  # 龙山's project, 住建局's: not the cast's department
    "projects:node_edit": rule("ok", "no", "ok", "no", "no", "no"),
    "projects:document_download": COUNTY,
    "projects:plan_entry_edit": rule("ok", "no", "ok", "no", "no", "no"),
    "projects:submit": rule("ok", "no", "ok", "no", "no", "no"),
    "reporting:report": COUNTY,
    "reporting:project": COUNTY,
    "supervision:project": COUNTY,
    "consultation:problem": rule("ok", "no", "ok", "no", "no", "ok"),
    # Departments raise problems on any project they handle (land, approvals) — any town's.
    "consultation:raise": rule("ok", "no", "ok", "ok", "no", "no"),
    "opendata:project-detail": rule("ok", "ok", "ok", "ok", "no", "ok", "401"),
    "opendata:plan-entry-detail": rule("ok", "ok", "ok", "ok", "no", "ok", "401"),
    "opendata:library-entry-detail": rule("ok", "ok", "ok", "ok", "no", "ok", "401"),
    "opendata:node-detail": rule("ok", "ok", "ok", "ok", "no", "ok", "401"),
    "opendata:monthly-report-detail": rule("ok", "ok", "ok", "ok", "no", "ok", "401"),
    "opendata:problem-detail": rule("ok", "no", "ok", "no", "no", "ok", "401"),
}

#: Outcomes that satisfy an expectation: an API may answer a caller without credentials with
#: 401 or 403; "no" is 403 or 404.
SATISFIES = {"401": {"401", "no"}}


# ---------------------------------------------------------------- the data set, once per module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small county, built once for the module inside a transaction rolled back at the end
    (each test's own transaction nests inside it as a savepoint)."""
    from django.db import transaction
    from django.test import override_settings

    from tests.conftest import Cast

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cast = Cast()
            w = build_world(cast, _maker(cast))
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _maker(cast):
    from decimal import Decimal

    from tuijin.projects.models import Category, NodeTemplate
    from tuijin.projects.services.registry import project_create

    def make(**overrides):
        fields = {
            "owner": cast.enterprise, "town": cast.town, "department": cast.department,
            "category": Category.objects.get(name="产业"), "nature": "enterprise", "total_investment": Decimal("50000"),
            "start_year": 2026, "end_year": 2028, "content": "新建厂房", "address": "匡堰镇工业园区",
            "template": NodeTemplate.objects.get(name="企业投资项目"),
        }
        fields.update(overrides)
        return project_create(by=cast.office, **fields)

    return make


def _check(world, client_of, name: str, kwargs: dict, expected: dict[str, str]) -> list[str]:
    url = reverse(name, kwargs=kwargs) if not name.startswith("media/") else f"/media/{kwargs['path']}"
    wrong = []
    for role in ROLES:
        got = outcome_of(client_of(role).get(url))
        want = expected[role]
        if got != want and got not in SATISFIES.get(want, ()):
            wrong.append(f"{role}: expected {want}, got {got}")
    return [f"GET {url} ({name}) — " + "; ".join(wrong)] if wrong else []


@pytest.fixture
def client_of(world, db):
    clients = {}

    def get(role):
        if role not in clients:
            clients[role] = world.cast.client(role)
        return clients[role]

    return get


def test_every_route_has_a_rule():
    missing = [r.name for r in route_list() if r.name not in RULES]
    assert not missing, "\n".join(f"add a rule for {name} to RULES in {__file__}" for name in missing)


def test_every_route_with_arguments_says_how_to_build_them():
    missing = [r.name for r in route_list() if r.params and set(r.params) - {"format"} and r.name not in KWARGS]
    assert not missing, "\n".join(f"add arguments for {name} to KWARGS" for name in missing)


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_what_the_rules_say(name, world, client_of):
    if name not in {r.name for r in route_list()}:
        pytest.skip(f"{name} is not a route (any more)")
    kwargs = KWARGS.get(name, lambda w: {})(world)
    problems = _check(world, client_of, name, kwargs, RULES[name])
    if name in OTHER_RULES:
        problems += _check(world, client_of, name, OTHER_KWARGS[name](world), OTHER_RULES[name])
    assert not problems, "\n".join(problems)
