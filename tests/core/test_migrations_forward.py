"""Migrations carry an older database forward.

The test migrates the test database back to an earlier state with Django's MigrationExecutor,
writes rows there with the historical models of that state (as the older release would have),
migrates forward — with a stop on the way to write more — to the latest state and reads the rows
with the current models and a page. Runs on SQLite and PostgreSQL; on PostgreSQL the security
log's trigger (orgs 0002) is dropped on the way back and must refuse changes again at the end.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from tests.migrating import a_project, back_to, empty_database, latest, migrate_to  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_database")]

OWNER_PHONE = "13805740001"
MEMBER_PHONE = "13905740002"

#: The oldest state kept: before the security log (orgs 0001, so the supervision app, which needs
#: orgs 0002, is not installed yet), phone encryption, the three administrators, optimistic
#: locking and the stored yearly investment totals. Every later migration has rows to carry.
OLDEST = [
    ("orgs", "0001_initial"),
    ("supervision", None),
    ("projects", "0002_library_standard_names"),
    ("reporting", "0004_covering_index"),
    ("opendata", "0001_initial"),
]

#: A stop on the way: the security log exists (with its PostgreSQL trigger), the rest as before.
MIDDLE = [("orgs", "0002_security_log")]


def _write_old_rows(apps) -> dict:
    """What the older release held: a town, an enterprise, an office user with a phone number,
    a project with a task force member, a filed and a draft monthly report, a webhook."""
    User = apps.get_model("orgs", "User")
    TaskForceMember = apps.get_model("projects", "TaskForceMember")
    Period = apps.get_model("reporting", "ReportingPeriod")
    MonthlyReport = apps.get_model("reporting", "MonthlyReport")
    Subscription = apps.get_model("opendata", "WebhookSubscription")

    project = a_project(apps, content="新建厂房", address="匡堰镇工业园区")
    office = User.objects.create(username="office", password="!", role="office", unit_id=project.town_id,
                                 full_name="王晓岚", phone=OWNER_PHONE)
    project.created_by = office
    project.save(update_fields=["created_by"])
    TaskForceMember.objects.create(project=project, name="李建国", duty="专班长", phone=MEMBER_PHONE, order=1)
    for month, status, amount in ((9, "submitted", Decimal("80")), (10, "confirmed", Decimal("120.5")),
                                  (11, "draft", Decimal("999"))):
        period = Period.objects.create(year=2026, month=month, opens_on=dt.date(2026, month + 1, 1),
                                       closes_on=dt.date(2026, month + 1, 5))
        MonthlyReport.objects.create(project=project, period=period, year=2026, month=month, status=status,
                                     amount=amount, progress="主体结构施工")
    Subscription.objects.create(name="市项目平台", url="https://example.cn/hook", secret="s" * 32,
                                events=["project.admitted"], created_by=office)
    return {"project": project.pk, "office": office.pk}


def _write_security_event(apps, office_id: int) -> None:
    Event = apps.get_model("orgs", "SecurityEvent")
    # The hash as that release computed it (the current model's function over the same fields).
    from tuijin.orgs.security import SecurityEvent as CurrentEvent

    event = Event(kind="login", username="office", user_id_value=office_id, ip_address="10.0.0.8", detail={},
                  previous_hash="")
    event.hash = CurrentEvent.compute_hash(event)
    event.save()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608  (fixed names)
        return cursor.fetchone()[0]


def _read_with_current_models(ids: dict) -> None:
    from tuijin.opendata.models import WebhookSubscription
    from tuijin.orgs.models import User
    from tuijin.projects.models import Project, TaskForceMember
    from tuijin.reporting.models import MonthlyReport, ProjectYearInvestment

    office = User.objects.get(pk=ids["office"])
    assert office.phone == OWNER_PHONE and office.role == "office"
    assert _raw("orgs_user", "phone", office.pk) != OWNER_PHONE, "the phone number is still in clear text"
    project = Project.objects.select_related("owner", "town", "category").get(pk=ids["project"])
    assert (project.name, project.town.name, project.category.name) == ("匡堰智能家电产业园项目", "匡堰镇", "产业")
    assert project.total_investment == Decimal("50000") and project.edit_version == 1
    member = TaskForceMember.objects.get(project=project)
    assert member.phone == MEMBER_PHONE
    assert _raw("projects_taskforcemember", "phone", member.pk) != MEMBER_PHONE
    assert MonthlyReport.objects.filter(project=project).count() == 3
    assert MonthlyReport.objects.get(project=project, month=10).amount == Decimal("120.5")
    # The yearly totals were built from the filed reports, the draft left out.
    totals = ProjectYearInvestment.objects.get(project=project, year=2026)
    assert (totals.m9, totals.m10, totals.m11) == (Decimal("80"), Decimal("120.5"), Decimal("0"))
    assert WebhookSubscription.objects.get().events == ["project.admitted"]
    # And the pages read them: the project page, as the office user of the old release.
    client = Client()
    client.force_login(office)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert "匡堰智能家电产业园项目" in page.content.decode()


def _security_log_protected_again() -> None:
    """The log works after the migration, and on PostgreSQL the database refuses changes again."""
    from tuijin.orgs.security import SecurityEvent, log_security_event, verify_chain

    log_security_event("login", username="office")
    assert verify_chain() == []
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            SecurityEvent.objects.filter(kind="login").update(username="someone else")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM orgs_securityevent")


def test_an_older_database_migrates_forward_with_its_rows(back_to):  # noqa: F811
    apps = back_to(OLDEST)
    with pytest.raises(LookupError):
        apps.get_model("orgs", "SecurityEvent")
    assert "edit_version" not in {f.name for f in apps.get_model("projects", "Project")._meta.fields}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'orgs_securityevent_no_change'")
            assert cursor.fetchone()[0] == 0
    ids = _write_old_rows(apps)
    # A release in between wrote to the new security log.
    apps = migrate_to(MIDDLE)
    _write_security_event(apps, ids["office"])
    migrate_to(latest())
    _read_with_current_models(ids)
    _security_log_protected_again()
    from tuijin.orgs.security import SecurityEvent

    assert SecurityEvent.objects.filter(username="office", ip_address="10.0.0.8").exists()
