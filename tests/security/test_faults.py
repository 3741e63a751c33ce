"""Faults of the services Tuijin leans on: PostgreSQL restarted during use, Redis (the Celery
broker) down. Each ends in a clear message to the user and consistent data.

The database tests kill the application's connection the way a restart does — the server ends
it — with ``pg_terminate_backend`` from a second connection; the shared server itself is never
restarted. They need PostgreSQL; the middleware's own behaviour is also tested on SQLite with
a simulated error.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
import wsgiref.util
from decimal import Decimal

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.race.conftest import add_plan
from tests.reporting.conftest import jpeg_bytes
from tests.security.forms import form_data
from tuijin.lib import tasks
from tuijin.projects.models import Project
from tuijin.projects.services import registry
from tuijin.reporting import services as reporting
from tuijin.reporting.models import MonthlyReport, ReportEvent, ReportPhoto

postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: a server-side connection to terminate (the SQLite tests simulate the error)",
)

CHINESE_PAGE = ("数据库暂时无法访问", "您的修改未保存")
ENGLISH_PAGE = ("The database was briefly unavailable", "Your change was not saved.")


# ---------------------------------------------------------------- helpers


def _app_backend_pid() -> int:
    """The server process behind the application's connection (opened if need be)."""
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _terminate(pid: int) -> None:
    """What a restart does to a connection: the server ends it. Sent from a second connection,
    waiting (up to 5 s) until the backend is gone."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"] or None,
              "host": db["HOST"] or None, "port": db["PORT"] or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as other:
        ended = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
    assert ended, f"backend {pid} was not terminated"


def _wsgi_get(path: str, client: Client) -> tuple[int, str]:
    """GET ``path`` through Django's WSGI handler as gunicorn calls it, with the signed-in
    session of ``client``. Unlike the test client, this sends request_started and
    request_finished, where Django checks, reuses and closes database connections."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items()),
        "wsgi.input": io.BytesIO(),
    }
    wsgiref.util.setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = int(status.split()[0])

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response).decode()
    finally:
        response.close()  # request_finished: close_old_connections()
    return started["status"], body


def _killing(pid_holder: dict, real):
    """Wrap a step of a service: let it run, then have the server end the connection, so the
    next step of the same transaction meets a dead connection."""

    def step(*args, **kwargs):
        result = real(*args, **kwargs)
        _terminate(_app_backend_pid())
        pid_holder["killed"] = True
        return result

    return step


# ---------------------------------------------------------------- PostgreSQL restarted between requests


def test_persistent_connections_are_checked_before_reuse(tmp_path):
    """With DATABASE_URL (production), connections are kept between requests and checked
    before reuse, so a restarted server costs a reconnect, not a failed page."""
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tuijin.settings'; django.setup(); "
            "from django.conf import settings; db = settings.DATABASES['default']; "
            "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TUIJIN_TESTING", "PYTEST_CURRENT_TEST")}
    env |= {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "TUIJIN_SECRET_KEY": "x" * 50, "TUIJIN_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    max_age, checks = result.stdout.split()
    assert int(max_age) > 0 and checks == "True"


@postgres
@pytest.mark.django_db(transaction=True)
def test_after_the_connection_is_killed_between_requests_the_next_page_works(cast, make_project):
    project = make_project(name="匡堰智能家电产业园项目")
    office = cast.client("office")
    status, body = _wsgi_get(project.get_absolute_url(), office)
    assert status == 200 and "匡堰智能家电产业园项目" in body
    before = _app_backend_pid()  # kept for the next request (CONN_MAX_AGE)
    _terminate(before)
    status, body = _wsgi_get(project.get_absolute_url(), office)
    assert status == 200, body[:500]
    assert "匡堰智能家电产业园项目" in body
    assert _app_backend_pid() != before  # the health check found the dead connection and reconnected


@postgres
@pytest.mark.django_db(transaction=True)
def test_without_health_checks_one_request_would_get_the_503_page_then_it_recovers(cast, make_project):
    """Why CONN_HEALTH_CHECKS is on: without it the first request after a restart uses the dead
    connection. It still ends in the clear 503 page (not a bare server error), and the broken
    connection is dropped at the end of that request."""
    project = make_project()
    office = cast.client("office")
    assert _wsgi_get(project.get_absolute_url(), office)[0] == 200
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        connection.close()
        assert _wsgi_get(project.get_absolute_url(), office)[0] == 200
        assert not connection.health_check_enabled
        _terminate(_app_backend_pid())
        status, body = _wsgi_get(project.get_absolute_url(), office)
        assert status == 503 and "数据库暂时无法访问" in body and "页面未能打开" in body
        assert _wsgi_get(project.get_absolute_url(), office)[0] == 200
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()


# ---------------------------------------------------------------- PostgreSQL restarted in the middle of a change


def _edit_project_while_the_database_goes(cast, make_project, monkeypatch, client):
    project = make_project(name="原名称", address="匡堰镇工业园区")
    url = reverse("projects:edit", args=[project.pk])
    data = form_data(client.get(url), "edit_version")
    data.update(name="新名称", address="匡堰镇工业园区二号地块")
    killed = {}
    # Step one (claiming the edit version, an UPDATE) runs; the connection dies before the save.
    monkeypatch.setattr(registry, "claim_version", _killing(killed, registry.claim_version))
    changes_before = _change_history_count(project)
    response = client.post(url, data)
    assert killed, "the service did not reach the step that kills the connection"
    return project, response, changes_before


def _change_history_count(project) -> int:
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(project).count()


def _project_unchanged(project, changes_before) -> None:
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.address, stored.edit_version) == ("原名称", "匡堰镇工业园区", 1)
    assert _change_history_count(project) == changes_before


@postgres
@pytest.mark.django_db(transaction=True)
def test_a_project_edit_cut_off_by_the_database_says_it_was_not_saved_and_saves_nothing(cast, make_project, monkeypatch):
    client = cast.client("town")
    project, response, changes_before = _edit_project_while_the_database_goes(cast, make_project, monkeypatch, client)
    assert response.status_code == 503
    assert response["Retry-After"]
    text = response.content.decode()
    for words in CHINESE_PAGE:
        assert words in text
    _project_unchanged(project, changes_before)
    monkeypatch.undo()
    # The database is back: the same form, sent again, saves.
    url = reverse("projects:edit", args=[project.pk])
    data = {**form_data(client.get(url), "edit_version"), "name": "新名称"}
    assert client.post(url, data).status_code == 302
    assert Project.objects.get(pk=project.pk).name == "新名称"


@postgres
@pytest.mark.django_db(transaction=True)
def test_the_503_page_speaks_english_to_a_user_who_chose_english(cast, make_project, monkeypatch):
    client = cast.client("town")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    project, response, changes_before = _edit_project_while_the_database_goes(cast, make_project, monkeypatch, client)
    assert response.status_code == 503
    text = response.content.decode()
    for words in ENGLISH_PAGE:
        assert words in text
    assert "数据库" not in text
    _project_unchanged(project, changes_before)


@postgres
@pytest.mark.django_db(transaction=True)
def test_an_api_change_cut_off_by_the_database_gets_json_503_and_saves_nothing(cast, make_project, monkeypatch):
    project = make_project(name="原名称", address="匡堰镇工业园区")
    changes_before = _change_history_count(project)
    killed = {}
    monkeypatch.setattr(registry, "claim_version", _killing(killed, registry.claim_version))
    client = cast.client("office")
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "新名称", "address": "别处"},
                            content_type="application/json")
    assert killed
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "未保存" in body["detail"]
    _project_unchanged(project, changes_before)


@postgres
@pytest.mark.django_db(transaction=True)
def test_a_report_filing_cut_off_by_the_database_files_nothing(cast, make_project, monkeypatch, settings, tmp_path):
    """The report is saved, its history event written, then the connection dies while the
    photo is added: the whole filing is rolled back, no report, event, photo or file is left."""
    settings.MEDIA_ROOT = tmp_path
    project = make_project()
    add_plan(project, 1200, monthly=100)
    with time_machine.travel("2026-11-03 10:00 +0800", tick=True):
        reporting.period_open(year=2026, month=10, by=cast.office)
        report = MonthlyReport.objects.get(project=project, year=2026, month=10)
        owner = cast.client("owner")
        url = reverse("reporting:report", args=[report.pk])
        data = form_data(owner.get(url), "amount")
        data.update(amount="120", progress="主体结构施工至三层", action="submit",
                    photos=SimpleUploadedFile("site.jpg", jpeg_bytes(), "image/jpeg"))
        killed = {}
        real_photo_add = reporting.photo_add

        def photo_add(**kwargs):
            _terminate(_app_backend_pid())
            killed["killed"] = True
            return real_photo_add(**kwargs)

        monkeypatch.setattr(reporting, "photo_add", photo_add)
        response = owner.post(url, data)
    assert killed
    assert response.status_code == 503
    text = response.content.decode()
    for words in CHINESE_PAGE:
        assert words in text
    report.refresh_from_db()
    assert report.status == "draft" and report.amount in (None, Decimal(0)) and report.submitted_at is None
    assert not ReportEvent.objects.filter(report=report).exists()
    assert not ReportPhoto.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()], "a file was left in storage"


# ---------------------------------------------------------------- the 503 answer itself (any database)


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_database_error_in_a_view_gives_the_503_page_in_chinese(cast, make_project, monkeypatch):
    project = make_project()
    client = cast.client("office")
    url = reverse("projects:edit", args=[project.pk])
    data = form_data(client.get(url), "edit_version")
    monkeypatch.setattr(registry, "project_update", _database_gone)
    response = client.post(url, {**data, "name": "新名称"})
    assert response.status_code == 503
    assert response["Retry-After"] and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    for words in CHINESE_PAGE:
        assert words in text
    assert '<html lang="zh-hans">' in text


@pytest.mark.django_db
def test_a_database_error_in_a_view_gives_the_503_page_in_english_with_the_cookie(cast, make_project, monkeypatch):
    project = make_project()
    client = cast.client("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("projects:edit", args=[project.pk])
    data = form_data(client.get(url), "edit_version")
    monkeypatch.setattr(registry, "project_update", _database_gone)
    text = client.post(url, {**data, "name": "新名称"}).content.decode()
    for words in ENGLISH_PAGE:
        assert words in text


@pytest.mark.django_db
def test_a_database_error_in_the_api_gives_json(cast, make_project, monkeypatch):
    project = make_project()
    monkeypatch.setattr(registry, "project_update", _database_gone)
    response = cast.client("office").patch(f"/api/v1/projects/{project.pk}/", {"name": "新名称"},
                                           content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "数据库暂时无法访问，您的修改未保存。请稍候再试。", "code": "database_unavailable",
    }


@pytest.mark.django_db
def test_a_database_error_before_the_view_also_gives_the_503_page(cast, make_project, monkeypatch):
    """The database is down when the request starts: loading the session (in a middleware,
    before any view) fails. The answer is the same page, not a bare server error."""
    project = make_project()
    client = cast.client("office")
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", _database_gone)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 503
    text = response.content.decode()
    assert "数据库暂时无法访问" in text and "页面未能打开" in text


@pytest.mark.django_db
def test_other_errors_are_not_dressed_up_as_a_database_outage(cast, make_project, monkeypatch):
    project = make_project()
    client = cast.client("office")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(registry, "project_update", broken)
    url = reverse("projects:edit", args=[project.pk])
    data = form_data(client.get(url), "edit_version")
    with pytest.raises(RuntimeError):
        client.post(url, {**data, "name": "新名称"})


# ---------------------------------------------------------------- Redis (the broker) down

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


def _use_broker(app, url: str) -> None:
    """Change the broker of the running app: forget its connection and producer pools."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def broker(settings):
    """Point Celery at a broker (default: one that cannot be reached), as with TUIJIN_BROKER_URL set."""
    from tuijin.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def use(url: str = UNREACHABLE_BROKER):
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        app.conf.task_always_eager = False
        _use_broker(app, url)
        tasks.broker_reset()
        return app

    yield use
    _use_broker(app, saved[0] or "")
    app.conf.broker_url, app.conf.task_always_eager = saved
    tasks.broker_reset()


@pytest.mark.django_db
def test_with_the_broker_down_a_ledger_import_still_happens(cast, broker, settings, tmp_path, caplog):
    from tests.ledger.test_pages import upload
    from tests.ledger.workbooks import plan_workbook
    from tuijin.ledger.models import LedgerImport

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    broker()
    client = cast.client("office")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="tuijin.lib.tasks"):
        response = upload(client, plan_workbook(tmp_path / "计划表.xlsx"))
        record = LedgerImport.objects.get()
        assert response.status_code == 302 and record.status == "previewed"
        client.post(reverse("ledger:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.created, Project.objects.count()) == ("done", 4, 4), list(record.rows.exclude(errors=[]).values_list("row", "errors"))
    assert time.monotonic() - started < 20
    assert any("broker" in r.getMessage() and "ledger_import_task" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_with_the_broker_down_a_webhook_is_still_delivered(cast, make_project, broker, django_capture_on_commit_callbacks):
    from tests.opendata.test_webhooks import Receiver, _admit
    from tuijin.opendata.choices import DeliveryStatus
    from tuijin.opendata.models import WebhookDelivery
    from tuijin.opendata.services import webhooks

    receiver = Receiver()
    try:
        webhooks.subscription_create(by=cast.office, name="市项目平台", url=receiver.url, events=["project.admitted"])
        project = make_project()
        broker()
        with django_capture_on_commit_callbacks(execute=True):
            _admit(project, cast.office)
    finally:
        receiver.close()
    assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["X-Tuijin-Event"] == "project.admitted"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


@pytest.mark.django_db
def test_with_the_broker_down_a_notice_is_still_mailed(cast, make_project, broker, django_capture_on_commit_callbacks):
    from tuijin.consultation.choices import ProblemCategory, Urgency
    from tuijin.consultation.models import Notice
    from tuijin.consultation.services.problems import problem_raise

    cast.department_officer.email = "zrzy@example.cn"
    cast.department_officer.save()
    project = make_project()
    broker()
    with django_capture_on_commit_callbacks(execute=True):
        problem_raise(project=project, by=cast.office, title="用地指标缺口12亩", category=ProblemCategory.LAND,
                      description="二期用地指标不足，需市级统筹调剂。", urgency=Urgency.NORMAL)
    assert Notice.objects.filter(unit=cast.department).count() == 1
    assert [m.to for m in mail.outbox] == [["zrzy@example.cn"]]


@pytest.mark.django_db
def test_with_the_broker_down_the_action_is_not_slowed_by_retries(broker, monkeypatch):
    """One failed send costs one short attempt; for a while after it, tasks run here at once
    without trying the broker again."""
    from tuijin.consultation.tasks import deliver_notice

    app = broker()
    task = app.tasks[deliver_notice.name]
    sends = []
    real = task.apply_async

    def counting(*args, **kwargs):
        sends.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(task, "apply_async", counting)
    started = time.monotonic()
    assert tasks.enqueue(task, 0) is False  # no such notice: runs here and does nothing
    assert tasks.enqueue(task, 0) is False
    assert time.monotonic() - started < 5
    assert len(sends) == 1
    assert app.conf.broker_url == UNREACHABLE_BROKER


@pytest.mark.django_db
def test_a_failing_task_run_here_is_logged_and_does_not_fail_the_action(broker, caplog):
    from tuijin.ledger.tasks import ledger_import_task

    broker()
    with caplog.at_level(logging.WARNING, logger="tuijin.lib.tasks"):
        assert tasks.enqueue(ledger_import_task, 999999, True) is False  # no such import: the task raises
    assert any(r.levelno == logging.ERROR and "DoesNotExist" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_reachable_broker_takes_the_task_and_nothing_runs_here(broker, monkeypatch):
    from tuijin.consultation.tasks import deliver_notice

    app = broker("memory://")
    task = app.tasks[deliver_notice.name]
    ran = []
    monkeypatch.setattr(task, "run", lambda *args: ran.append(args))
    assert tasks.enqueue(task, 1) is True
    assert ran == []
