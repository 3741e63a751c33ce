"""The bulletin read back from the .docx: its figures, lists and the 回头看."""

import datetime as dt
from io import BytesIO

import time_machine
from django.core.management import call_command
from docx import Document

from tuijin.projects.models import Node
from tuijin.race.periods import Period
from tuijin.supervision.bulletin import bulletin_build
from tuijin.supervision.services.scan import scan_run

from .conftest import start


def text_of(content: bytes) -> str:
    doc = Document(BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_bulletin_carries_totals_lists_and_last_months_yellow_list(plan_project, cast):
    plan_project(name="滞后工程", reports=dict.fromkeys(range(1, 10), "50"))  # 450 of 900 due → 37.5 points behind
    fixed = plan_project(name="已整改工程", reports=dict.fromkeys(range(1, 10), "100"))
    late = plan_project(name="迟开工项目", planned=0, category="new", start_month=8, monthly=None)
    Node.objects.filter(project=fixed, node_type__code="eia").update(due_date=dt.date(2026, 9, 20))
    with time_machine.travel("2026-09-30 20:00 +0800", tick=False):
        scan_run()  # 已整改工程 yellow at the end of September
    Node.objects.filter(project=fixed, node_type__code="eia").update(status="done", actual_date=dt.date(2026, 10, 3))
    start(late, dt.date(2026, 12, 1))  # not before October's end
    Node.objects.filter(project=late, node_type__code="start").update(status="pending", actual_date=None)
    with time_machine.travel("2026-10-31 20:00 +0800", tick=False):
        scan_run()
        data, content = bulletin_build(Period.parse("2026-10"), "慈发改督〔2026〕9号")
    text = text_of(content)
    assert "慈发改督〔2026〕9号" in text
    assert "关于2026年10月全市重大项目推进情况的督查通报" in text
    # totals: 1,350 万元 of a 2,400 万元 plan (3 projects, the new start has no plan money)
    assert "累计完成投资1,350万元" in text and "2,400万元" in text
    assert "应开工未开工1个" in text
    red_names = {lt.project.name for lt in data.red}
    assert "滞后工程" in red_names  # 37.5 points behind the schedule
    assert any("滞后工程" in line and "落后37.5个百分点" in line for line in text.splitlines())
    assert any("迟开工项目" in line and "应开工未开工" in line for line in text.splitlines())
    assert any("已整改工程" in line and "已整改销号" in line for line in text.splitlines())  # 回头看
    assert "六、上期黄灯项目“回头看”" in text


def test_the_command_writes_the_word_file(plan_project, tmp_path):
    plan_project(reports=dict.fromkeys(range(1, 10), "50"))
    with time_machine.travel("2026-10-31 20:00 +0800", tick=False):
        scan_run()
        call_command("bulletin", period="2026-10", output=str(tmp_path / "b.docx"))
    assert "督查通报" in text_of((tmp_path / "b.docx").read_bytes())
