"""The project office's round: import a town's ledger through the upload page, admit one of its
projects to the five-year reserve (submission, first review, final review), run the towns'
horse race and issue the month's supervision bulletin as a Word file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import time_machine
from docx import Document
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.race.conftest import world  # noqa: F401  (the towns' race: a hand-computable county)
from tuijin.ledger.models import LedgerImport
from tuijin.orgs.security import SecurityEvent, SecurityEventKind
from tuijin.projects.choices import EntryStatus, LibraryKind
from tuijin.projects.models import EntryEvent, LibraryEntry, Project
from tuijin.race.choices import SnapshotStatus
from tuijin.race.models import Snapshot
from tuijin.supervision.models import Bulletin

from .conftest import JOURNEY

pytestmark = JOURNEY

#: The two projects of the ledger, as 匡堰镇 sends it in: title, unit line, a section row, a total.
LEDGER = [
    ["1", "匡堰智能家电产业园二期", "新建智能家电厂房8万平方米及配套仓储", "2026-2028", "52,000", 6000,
     "宁波测试电器有限公司", "匡堰镇", "自然资源和规划局"],
    ["2", "匡堰新材料研发中心", "研发楼3万平方米", "2026.3-2027.12", "0.6亿元", 1500,
     "宁波测试电器有限公司", "匡堰镇", "经信局"],
]


def ledger_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2026年计划"
    ws.append(["2026年匡堰镇重大项目计划表"])
    ws.append(["", "", "", "", "", "", "", "", "单位：万元"])
    ws.append(["序号", "项目名称", "建设内容及规模", "建设起止年限", "总投资（万元）", "2026年计划投资（万元）",
               "业主单位", "属地", "责任单位"])
    ws.append(["一、产业项目（2项）", "", "", "", 58000, 7500])
    for row in LEDGER:
        ws.append(row)
    ws.append(["", "合计", "", "", 58000, 7500])
    ws.merge_cells("A1:I1")
    wb.save(path)
    return path


@pytest.fixture
def clock():
    """3 November 2026: October is over, the bulletin for it is due."""
    with time_machine.travel("2026-11-03 09:30 +0800"):
        yield


def test_the_office_imports_admits_races_and_issues_the_bulletin(browsing, cast, clock, world, tmp_path):  # noqa: F811
    office = browsing.sign_in("office")

    # 1. The ledger: upload, check the preview, confirm.
    browsing.menu(office, "台账导入")
    office.get_by_label("台账文件").set_input_files(ledger_workbook(tmp_path / "匡堰镇2026年计划表.xlsx"))
    office.get_by_label("计划年度").fill("2026")
    office.get_by_label("同时纳入项目库").select_option(label="否，仅登记项目")
    office.get_by_role("button", name="上传并检查").click()
    expect(office.get_by_role("heading", name="匡堰镇2026年计划表.xlsx")).to_be_visible()
    expect(office.locator(".msg-info")).to_contain_text("尚未写入任何数据")
    expect(office.locator("main")).to_contain_text("匡堰智能家电产业园二期")
    assert not Project.objects.filter(name__in=[r[1] for r in LEDGER]).exists()
    office.get_by_role("button", name="导入 2 项变更").click()
    expect(office.locator(".msg-success")).to_contain_text("已导入：新建 2 项")
    record = LedgerImport.objects.get()
    assert (record.status, record.created, record.errors, record.uploaded_by) == ("done", 2, 0, cast.office)
    park = Project.objects.get(name="匡堰智能家电产业园二期")
    assert (park.town, park.owner, park.total_investment) == (cast.town, cast.enterprise, 52000)
    assert park.category.name == "产业" and park.content.startswith("新建智能家电厂房")

    # 2. The imported project goes to the five-year reserve: submission from its page ...
    office.get_by_role("link", name="匡堰智能家电产业园二期").click()
    office.locator(".tabs").get_by_role("link", name="计划").click()
    office.get_by_role("link", name="申报入五年储备库").click()
    expect(office.locator(".msg-success")).to_contain_text("符合")  # the gate: 52,000 万元 ≥ 5,000 for 产业
    office.get_by_label("来源").fill("镇街道谋划")
    office.get_by_role("button", name="提交审核").click()
    expect(office.locator(".msg-success").first).to_contain_text("等待审核")
    entry = LibraryEntry.objects.get(project=park)
    assert (entry.library.kind, entry.status, entry.source) == (LibraryKind.RESERVE, EntryStatus.SUBMITTED, "镇街道谋划")

    # ... then first and final review in the queue (the row is redrawn in place).
    browsing.menu(office, "审核队列")
    row = office.get_by_role("row").filter(has=office.get_by_role("link", name=park.name))
    row.get_by_role("button", name="初审通过").click()
    row.get_by_role("button", name="终审通过，入库").click()
    expect(row).to_contain_text("已入库")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED and entry.admitted_at is not None
    assert list(EntryEvent.objects.filter(entry=entry).order_by("at", "pk").values_list("to_status", flat=True)) == [
        EntryStatus.SUBMITTED, EntryStatus.FIRST_REVIEWED, EntryStatus.ADMITTED]

    # 3. The towns' horse race for the third quarter: compute, check, publish.
    browsing.menu(office, "赛马比拼")
    office.locator(".scheme-tabs").get_by_role("link", name="镇街道赛马").click()
    office.get_by_label("计算期间").fill("2026-Q3")
    office.get_by_role("button", name="计算", exact=True).click()
    expect(office.locator(".msg-success")).to_contain_text("2026-Q3")
    board = office.locator("table.board tbody tr")
    expect(board).to_have_count(2)
    expect(board.first).to_contain_text("龙山")
    expect(board.first.locator(".total")).to_have_text("30.00")
    expect(board.nth(1).locator(".total")).to_have_text("27.00")
    office.get_by_role("button", name="发布", exact=True).click()
    expect(office.locator(".msg-success")).to_contain_text("已发布2026-Q3")
    snapshot = Snapshot.objects.get()
    assert (snapshot.period, snapshot.status) == ("2026-Q3", SnapshotStatus.PUBLISHED)
    assert [r.unit.short_name for r in snapshot.rows.order_by("rank")] == ["龙山", "匡堰"]

    # 4. October's supervision bulletin: make it, download the Word file, read it.
    browsing.menu(office, "督查通报")
    office.get_by_placeholder("2026-10").fill("2026-10")
    office.get_by_role("button", name="生成通报").click()
    expect(office.locator(".msg-success")).to_contain_text("已生成通报")
    bulletin = Bulletin.objects.get()
    assert (bulletin.period, bulletin.made_by) == ("2026-10", cast.office)
    row = office.get_by_role("row").filter(has_text=bulletin.number)
    with office.expect_download() as download:
        row.get_by_role("link", name="下载Word").click()
    assert download.value.suggested_filename == "督查通报-2026-10.docx"
    saved = tmp_path / "bulletin.docx"
    download.value.save_as(saved)
    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert bulletin.number in text and "2026年10月" in text and "督查通报" in text
    exports = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT, username="office")
    assert [e.detail["what"] for e in exports] == ["督查通报-2026-10.docx"]
    browsing.shot(office, "office-bulletin")
