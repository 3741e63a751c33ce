import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from tuijin.consultation.models import Notice, WebhookDelivery, WebhookEndpoint
from tuijin.consultation.services import notices

pytestmark = pytest.mark.django_db(transaction=True)


class Robot(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    Robot.received = []
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send?access_token=abc"
    server.shutdown()


def test_a_notice_reaches_the_chat_robot_signed_dingtalk_style(cast, raise_problem, robot):
    secret = "SECxyz"
    WebhookEndpoint.objects.create(name="项目办群", url=robot, secret=secret)
    WebhookEndpoint.objects.create(name="只要销号", url=robot, secret=secret, kinds=["closed"])
    problem = raise_problem(by=cast.owner)  # assigned to the owner itself: no notice
    assert Robot.received == []
    from tuijin.consultation.services.problems import problem_escalate

    problem_escalate(problem=problem, by=cast.owner, reason="需镇协调")
    assert len(Robot.received) == 2  # escalated: to the town and to the raiser, one endpoint wants it
    path, headers, body = Robot.received[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    assert query["access_token"] == ["abc"]
    assert headers["X-Tuijin-Signature"] == hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    message = json.loads(body)
    assert message["msgtype"] == "text"
    assert problem.number in message["text"]["content"]
    deliveries = WebhookDelivery.objects.all()
    assert deliveries.count() == 2 and all(d.ok and d.status_code == 200 for d in deliveries)


def test_a_failed_delivery_is_logged_and_does_not_stop_the_work(cast, raise_problem, monkeypatch):
    WebhookEndpoint.objects.create(name="坏地址", url="http://127.0.0.1:9/none", secret="s")

    def refuse(request):
        raise OSError("connection refused")

    monkeypatch.setattr(notices, "_transport", refuse)
    problem = raise_problem()
    from tuijin.consultation.services.problems import problem_escalate

    problem_escalate(problem=problem, by=cast.town_officer, reason="需部门")
    delivery = WebhookDelivery.objects.get(notice__unit=cast.department)
    assert not delivery.ok and "connection refused" in delivery.error


def test_the_responsible_units_users_get_an_email(cast, raise_problem):
    cast.department_officer.email = "zrzy@example.cn"
    cast.department_officer.save()
    raise_problem(by=cast.department_officer)  # raised by the department, at the department: no mail to itself
    assert mail.outbox == []
    raise_problem(by=cast.office)
    assert [m.to for m in mail.outbox] == [["zrzy@example.cn"]]
    assert "用地指标缺口12亩" in mail.outbox[0].subject
    assert Notice.objects.filter(unit=cast.department).count() == 1


def test_near_deadlines_are_reminded_once(cast, raise_problem):
    import datetime as dt

    import time_machine

    from tuijin.consultation.services.problems import problems_remind_near_deadline

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        problem = raise_problem()
    assert problems_remind_near_deadline(today=dt.date(2026, 3, 5)) == []
    assert problems_remind_near_deadline(today=dt.date(2026, 3, 7)) == [problem]
    assert problems_remind_near_deadline(today=dt.date(2026, 3, 8)) == []
    assert Notice.objects.filter(kind="near_deadline", unit=cast.town).count() == 1
