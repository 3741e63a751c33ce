import datetime as dt

import time_machine
from django.core.management import call_command

from tuijin.projects.models import Node
from tuijin.supervision.models import ScanRun


def test_the_scan_command_reports_what_it_did(plan_project, capsys):
    project = plan_project(monthly=None, category="preparation")
    Node.objects.filter(project=project, node_type__code="eia").update(due_date=dt.date(2026, 9, 1))
    with time_machine.travel("2026-10-10 09:00 +0800", tick=False):
        call_command("scan")
    out = capsys.readouterr().out
    assert "1 red" in out
    assert ScanRun.objects.get().open_red == 1


def test_the_scan_is_scheduled_nightly():
    from tuijin.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["supervision-scan"]["task"] == "tuijin.supervision.tasks.scan"
