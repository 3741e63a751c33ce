"""Phone numbers encrypted at rest and masked; the security log page, its export; exports
logged; the log survives pruning."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from tests.orgs.test_three_administrators import Admins
from tuijin.orgs.security import SecurityEvent, SecurityEventKind, log_export, log_security_event
from tuijin.orgs.templatetags.phones import mask
from tuijin.projects.models import TaskForceMember

NUMBER = "13857421234"


def raw(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_phone_numbers_are_not_in_the_database_in_clear(cast, make_project):
    cast.owner.phone = NUMBER
    cast.owner.save()
    member = TaskForceMember.objects.create(project=make_project(), name="张三", duty="联络员", phone=NUMBER)
    for table, pk in (("orgs_user", cast.owner.pk), ("projects_taskforcemember", member.pk)):
        stored = raw(table, pk)
        assert NUMBER not in stored
        assert stored.startswith("enc:")
    member.refresh_from_db()
    cast.owner.refresh_from_db()
    assert member.phone == NUMBER and cast.owner.phone == NUMBER


def test_an_empty_phone_stays_empty_and_filters_still_work(cast):
    assert raw("orgs_user", cast.town_officer.pk) == ""
    assert cast.town_officer.__class__.objects.filter(phone="").count() >= 6


def test_a_changed_key_is_a_clear_error_not_garbage(cast, settings):
    from tuijin.lib import fields

    cast.owner.phone = NUMBER
    cast.owner.save()
    settings.TUIJIN_FIELD_KEY = ["bm90LXRoZS1rZXktYnV0LTMyLWJ5dGVzLWxvbmctLS0="]
    with pytest.raises(ValueError, match="TUIJIN_FIELD_KEY"):
        fields.decrypt(raw("orgs_user", cast.owner.pk))


def test_a_second_key_lets_the_old_one_be_rotated_out(cast, settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TUIJIN_FIELD_KEY = [old]
    cast.owner.phone = NUMBER
    cast.owner.save()
    settings.TUIJIN_FIELD_KEY = [new, old]
    cast.owner.refresh_from_db()
    assert cast.owner.phone == NUMBER


def test_masking_keeps_the_first_three_and_last_four_digits():
    assert mask(NUMBER) == "138****1234"
    assert mask("0574-63012345") == "057******2345"
    assert mask("") == ""


# Who sees a task force member's number in full on a project of 匡堰镇 assigned to 自然资源和规划局.
FULL = {"office": True, "town": True, "department": True, "other_town": False, "owner": False, "leader": False}


@pytest.mark.parametrize("who", FULL)
def test_the_phone_tag_shows_full_numbers_only_to_those_who_need_them(cast, make_project, who):
    project = make_project()
    request = RequestFactory().get("/")
    request.user = cast.members[who]
    html = Template("{% load phones %}{% phone number project %}").render(
        Context({"request": request, "number": NUMBER, "project": project})
    )
    assert html == (NUMBER if FULL[who] else "138****1234")


def test_the_auditor_filters_the_log_and_sees_the_chain_intact(cast):
    admins = Admins(cast)
    log_security_event(SecurityEventKind.LOGIN_FAILED, username="kuangyan")
    log_security_event(SecurityEventKind.EXPORT, username="office", what="plan.xlsx")
    client = admins.client("auditor")
    page = client.get(reverse("orgs:security_log"), {"kind": "login_failed"}).content.decode()
    assert "校验链完整" in page
    assert "kuangyan" in page and "plan.xlsx" not in page
    page = client.get(reverse("orgs:security_log"), {"user": "office"}).content.decode()
    assert "plan.xlsx" in page


def test_the_log_page_reports_a_broken_chain(cast):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses the forgery itself")
    admins = Admins(cast)
    event = log_security_event(SecurityEventKind.LOGIN, username="office")
    SecurityEvent.objects.filter(pk=event.pk).update(username="someone-else")
    page = admins.client("auditor").get(reverse("orgs:security_log")).content.decode()
    assert "校验链已断裂" in page and f"#{event.pk}" in page


def test_the_log_export_is_a_workbook_and_is_itself_logged(cast):
    admins = Admins(cast)
    log_security_event(SecurityEventKind.LOGIN_FAILED, username="kuangyan", note="=HYPERLINK(\"x\")")
    response = admins.client("auditor").get(reverse("orgs:security_log_export"), {"kind": "login_failed"})
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "事件", "用户名")
    assert rows[1][1] == "登录失败" and rows[1][2] == "kuangyan"
    assert not str(rows[1][4]).startswith("=")
    export = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).latest("pk")
    assert export.username == "auditor" and export.detail["rows"] == 1


def test_the_change_history_export_is_logged(cast, make_project):
    admins = Admins(cast)
    make_project()
    client = admins.client("auditor")
    assert client.get(reverse("orgs:history")).status_code == 200
    response = client.get(reverse("orgs:history_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT, username="auditor").exists()


def test_log_export_records_who_what_and_how_many(cast):
    request = RequestFactory().get("/ledger/export/")
    request.user = cast.office
    event = log_export(request, "annual-plan.xlsx", 42)
    assert (event.kind, event.username, event.detail["what"], event.detail["rows"]) == ("export", "office", "annual-plan.xlsx", 42)


def test_pruning_keeps_the_security_log(cast):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        old = log_security_event(SecurityEventKind.LOGIN, username="office")
    with time_machine.travel(dt.datetime(2027, 6, 1, tzinfo=dt.UTC)):
        call_command("prune-sessions")
    assert SecurityEvent.objects.filter(pk=old.pk).exists()


def test_the_log_page_keeps_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    admins = Admins(cast)
    for n in range(60):
        log_security_event(SecurityEventKind.LOGIN, username=f"u{n}")
    client = admins.client("auditor")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("orgs:security_log")).status_code == 200


@pytest.mark.parametrize("who", FULL)
def test_the_project_page_masks_task_force_phones_for_roles_that_do_not_need_them(cast, make_project, who):
    project = make_project()
    TaskForceMember.objects.create(project=project, name="张三", duty="联络员", phone=NUMBER)
    page = cast.client(who).get(project.get_absolute_url()).content.decode()
    if FULL[who]:
        assert NUMBER in page
    else:
        assert "138****1234" in page and NUMBER not in page
