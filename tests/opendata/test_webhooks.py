"""Webhooks: events published on commit, signed payloads, retries with backoff, the
delivery log and the office's pages."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tuijin.lib.errors import PermissionDenied
from tuijin.opendata.choices import DeliveryStatus
from tuijin.opendata.events import publish
from tuijin.opendata.models import WebhookDelivery, WebhookSubscription
from tuijin.opendata.services import webhooks
from tuijin.projects.choices import EntryStatus, LibraryKind
from tuijin.projects.models import LibraryEntry
from tuijin.projects.services.libraries import (
    entry_final_review,
    entry_first_review,
    entry_submit,
    library_for,
)

from .conftest import ROLES


class Receiver:
    """A local HTTP endpoint that records what it gets and answers with the next status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def subscription(cast, receiver):
    return webhooks.subscription_create(
        by=cast.office, name="市项目平台", url=receiver.url, events=["project.admitted", "node.done", "report.confirmed"]
    )


def _admit(project, office):
    entry = entry_submit(project=project, library=library_for(LibraryKind.RESERVE, 2026), by=office)
    entry_first_review(entry=entry, by=office)
    return entry_final_review(entry=entry, by=office)


def test_admitting_a_project_sends_a_signed_event(cast, make_project, subscription, receiver, django_capture_on_commit_callbacks):
    project = make_project()
    with django_capture_on_commit_callbacks(execute=True):
        _admit(project, cast.office)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["X-Tuijin-Event"] == "project.admitted"
    assert webhooks.verify(subscription.secret, int(headers["X-Tuijin-Timestamp"]), request["body"],
                           headers["X-Tuijin-Signature"])
    assert not webhooks.verify("another-secret", int(headers["X-Tuijin-Timestamp"]), request["body"],
                               headers["X-Tuijin-Signature"])
    body = json.loads(request["body"])
    assert body["event"] == "project.admitted"
    assert body["data"]["project"]["code"] == project.code
    assert body["data"]["library"]["kind"] == "reserve"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert headers["X-Tuijin-Delivery"] == str(delivery.uuid)


def test_an_old_timestamp_fails_verification(subscription):
    body = b'{"event":"x"}'
    signature = webhooks.sign(subscription.secret, 1_000_000, body)
    assert webhooks.verify(subscription.secret, 1_000_000, body, signature, now=1_000_100)
    assert not webhooks.verify(subscription.secret, 1_000_000, body, signature, now=1_000_000 + 3600)


def test_no_event_is_sent_when_the_transaction_rolls_back(cast, make_project, subscription, receiver, django_capture_on_commit_callbacks):
    from django.db import transaction

    project = make_project()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _admit(project, cast.office)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_events_a_subscription_did_not_choose_are_not_sent(cast, make_project, receiver, django_capture_on_commit_callbacks):
    webhooks.subscription_create(by=cast.office, name="只要月报", url=receiver.url, events=["report.confirmed"])
    with django_capture_on_commit_callbacks(execute=True):
        _admit(make_project(), cast.office)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_retried_with_exponential_backoff(subscription, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [500, 503, 200]
    start = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            publish("node.done", {"node": "开工"})
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        assert delivery.response_code == 500
        assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)
        assert webhooks.deliver_due() == {"sent": 0, "retrying": 0, "failed": 0}  # not due yet
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        call_command("deliver-webhooks")
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.response_code == 503
        assert delivery.next_attempt_at == start + dt.timedelta(minutes=3)  # then 2 minutes
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        assert webhooks.deliver_due() == {"sent": 1, "retrying": 0, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert len({r["headers"]["X-Tuijin-Delivery"] for r in receiver.requests}) == 1  # same id on retries


def test_a_delivery_gives_up_after_the_last_attempt(subscription, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [500] * webhooks.MAX_ATTEMPTS
    start = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        publish("node.done", {"node": "开工"})
    later = start
    for attempt in range(1, webhooks.MAX_ATTEMPTS):
        later += webhooks.backoff(attempt)
        with time_machine.travel(later, tick=False):
            webhooks.deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS and delivery.next_attempt_at is None
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS


def test_an_unreachable_receiver_is_logged_and_retried(cast, django_capture_on_commit_callbacks):
    webhooks.subscription_create(by=cast.office, name="关机的系统", url="http://127.0.0.1:9/hook", events=["node.done"])
    with django_capture_on_commit_callbacks(execute=True):
        publish("node.done", {"node": "开工"})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code is None
    assert delivery.error and delivery.next_attempt_at > timezone.now()


def test_the_office_can_send_a_failed_delivery_again(cast, subscription, receiver):
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="node.done", payload={"x": 1},
                                              status=DeliveryStatus.FAILED, attempts=6)
    answer = cast.client("office").post(f"/opendata/webhooks/deliveries/{delivery.pk}/retry/")
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def test_a_confirmed_monthly_report_is_an_event(cast, make_project, subscription, receiver, django_capture_on_commit_callbacks):
    from tuijin.reporting.models import MonthlyReport, ReportingPeriod

    project = make_project()
    period = ReportingPeriod.objects.create(year=2026, month=5, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 5))
    report = MonthlyReport.objects.create(period=period, project=project, year=2026, month=5, status="verified")
    with django_capture_on_commit_callbacks(execute=True):
        report.status = "confirmed"
        report.save()
        report.save()  # saving again is not a second confirmation
    assert [r["headers"]["X-Tuijin-Event"] for r in receiver.requests] == ["report.confirmed"]


def test_only_the_office_manages_subscriptions(cast):
    with pytest.raises(PermissionDenied):
        webhooks.subscription_create(by=cast.town_officer, name="x", url="https://example.org/", events=["node.done"])


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", ["/opendata/webhooks/", "/opendata/webhooks/deliveries/", "/opendata/tokens/"])
def test_only_the_office_opens_the_webhook_and_token_pages(cast, who, url):
    answer = cast.client(who).get(url)
    if who == "office":
        assert answer.status_code == 200
    elif who == "anonymous":
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    else:
        assert answer.status_code == 403


def test_the_office_subscribes_a_url_with_field_errors_shown(cast):
    client = cast.client("office")
    answer = client.post("/opendata/webhooks/", {"name": "测试", "url": "ftp://example.org/x", "events": []})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "has-error" in page and not WebhookSubscription.objects.exists()
    answer = client.post(
        "/opendata/webhooks/", {"name": "市平台", "url": "https://example.org/hook", "events": ["light.red", "order.issued"], "is_active": "on"}
    )
    assert answer.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["light.red", "order.issued"] and len(subscription.secret) >= 40
    page = client.get(answer["Location"]).content.decode()
    assert subscription.secret in page


def test_the_delivery_log_lists_and_filters(cast, subscription, django_assert_max_num_queries):
    for i in range(30):
        WebhookDelivery.objects.create(subscription=subscription, event="node.done", payload={"i": i},
                                       status=DeliveryStatus.FAILED if i % 3 == 0 else DeliveryStatus.SUCCEEDED)
    client = cast.client("office")
    with django_assert_max_num_queries(12):
        page = client.get("/opendata/webhooks/deliveries/", {"status": "failed"}).content.decode()
    assert page.count("/retry/") == 10


def test_the_library_entry_event_fires_only_on_admission(cast, make_project, subscription, receiver, django_capture_on_commit_callbacks):
    project = make_project()
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_submit(project=project, library=library_for(LibraryKind.RESERVE, 2026), by=cast.office)
        entry_first_review(entry=entry, by=cast.office)
    assert receiver.requests == []
    assert LibraryEntry.objects.get().status == EntryStatus.FIRST_REVIEWED


def test_a_scan_announces_each_new_red_light_once(cast, make_project, receiver, django_capture_on_commit_callbacks):
    """Scans write lights in bulk; the scan run that follows them announces the red ones."""
    from tuijin.supervision.models import Light, ScanRun

    webhooks.subscription_create(by=cast.office, name="督查室", url=receiver.url, events=["light.red"])
    project = make_project()
    today = timezone.localdate()

    def scan(colour, rule):
        Light.objects.bulk_create([Light(project=project, town=cast.town, rule=rule, colour=colour, reason="落后序时进度",
                                         first_seen=today, last_seen=today)])
        ScanRun.objects.create(day=today, started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        scan("red", "behind_schedule")
        scan("yellow", "no_report")  # a second scan the same day: the red light is not announced again
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["event"] for e in events] == ["light.red"]
    assert events[0]["data"]["light"]["rule"] == "behind_schedule"
    assert events[0]["data"]["project"]["code"] == project.code
