import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tuijin.breakthroughs.models import Lead
from tuijin.breakthroughs.selectors import attraction as selectors
from tuijin.breakthroughs.services.attraction import lead_advance, lead_convert, lead_create
from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.projects.choices import EntryStatus, LibraryKind
from tuijin.projects.models import Category, LibraryEntry, NodeTemplate, Project

D = Decimal
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)):
        yield


def _lead(cast, *, by=None, town=None, amount=20000, name="测试招商项目", chain=None, **kw):
    return lead_create(
        by=by or cast.office, name=name, investor="上海测试投资有限公司", source="fair", intended_amount=D(amount),
        town=town or cast.town, responsible_unit=town or cast.town, first_contact_on=dt.date(2026, 1, 5),
        industry_chain=chain, **kw,
    )


def _walk(lead, by, *stages, start=dt.date(2026, 2, 1)):
    for i, stage in enumerate(stages):
        lead = lead_advance(lead=lead, to_stage=stage, on=start + dt.timedelta(days=30 * i), by=by)
    return lead


def _convert(lead, by):
    return lead_convert(
        lead=lead, by=by, category=Category.objects.get(name="产业"), nature="enterprise", start_year=2027,
        end_year=2028, template=NodeTemplate.objects.get(name="企业投资项目"), content="新建智能装备生产线",
    )


def test_a_lead_moves_forward_only_and_keeps_its_history(cast):
    lead = _walk(_lead(cast), cast.office, "negotiation", "signed")
    assert lead.signed_on == dt.date(2026, 3, 3)
    assert [c.to_stage for c in lead.stage_changes.all()] == ["lead", "negotiation", "signed"]
    with pytest.raises(ServiceError):
        lead_advance(lead=lead, to_stage="negotiation", by=cast.office)
    with pytest.raises(ServiceError):
        lead_advance(lead=lead, to_stage="registered", on=dt.date(2026, 12, 1), by=cast.office)  # future


def test_a_signed_lead_becomes_a_reserve_project_linked_both_ways(cast):
    lead = _walk(_lead(cast, name="杭湾智能装备项目"), cast.office, "signed")
    project = _convert(lead, cast.town_officer)
    lead.refresh_from_db()
    assert lead.project == project
    assert project.attraction_lead == lead
    assert project.town == cast.town
    assert project.total_investment == D(20000)
    assert project.owner.name == "上海测试投资有限公司"
    entry = LibraryEntry.objects.get(project=project)
    assert entry.library.kind == LibraryKind.RESERVE
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.source == "招商引资"


def test_a_lead_converts_only_once(cast):
    lead = _walk(_lead(cast), cast.office, "signed")
    _convert(lead, cast.office)
    with pytest.raises(ServiceError):
        _convert(lead, cast.office)
    assert Project.objects.filter(name="测试招商项目").count() == 1


def test_an_unsigned_lead_does_not_convert(cast):
    lead = _walk(_lead(cast), cast.office, "negotiation")
    with pytest.raises(ServiceError):
        _convert(lead, cast.office)
    assert not Project.objects.exists()


def test_a_failed_gate_leaves_no_half_made_project(cast):
    lead = _walk(_lead(cast, amount=100), cast.office, "signed")  # 产业 needs 5000万元 for the reserve
    with pytest.raises(ServiceError):
        _convert(lead, cast.office)
    assert not Project.objects.exists()
    lead.refresh_from_db()
    assert lead.project is None


@pytest.mark.parametrize(("who", "allowed"), [("office", True), ("town", True), ("other_town", False),
                                              ("department", False), ("leader", False), ("owner", False)])
def test_who_may_convert_a_lead(cast, who, allowed):
    lead = _walk(_lead(cast), cast.office, "signed")
    if allowed:
        assert _convert(lead, cast.members[who]).pk
    else:
        with pytest.raises(PermissionDenied):
            _convert(lead, cast.members[who])


def test_a_department_edits_the_leads_it_is_responsible_for(cast):
    lead = _lead(cast, by=cast.office)
    with pytest.raises(PermissionDenied):
        lead_advance(lead=lead, to_stage="negotiation", by=cast.department_officer)
    Lead.objects.filter(pk=lead.pk).update(responsible_unit=cast.department)
    assert lead_advance(lead=lead, to_stage="negotiation", by=cast.department_officer).stage == "negotiation"


def test_funnel_and_conversion_per_town(cast):
    for stages in ([], ["negotiation"], ["negotiation", "signed"], ["negotiation", "signed", "registered", "land", "started"]):
        _walk(_lead(cast), cast.office, *stages)
    _walk(_lead(cast, town=cast.other_town), cast.office, "negotiation", "signed")
    funnel = {s["stage"]: s for s in selectors.funnel()}
    assert funnel["lead"]["reached"] == 5
    assert funnel["signed"]["reached"] == 3
    assert funnel["started"]["reached"] == 1
    assert funnel["signed"]["from_previous"] == D("75.0")  # 3 of the 4 in negotiation
    towns = {t["name"]: t for t in selectors.by_town()}
    assert towns["匡堰镇"]["total"] == 4
    assert towns["匡堰镇"]["sign_rate"] == D("50.0")
    assert towns["匡堰镇"]["start_rate"] == D("50.0")
    assert towns["龙山镇"]["sign_rate"] == D("100.0")


def test_big_projects_and_the_ageing_of_signed_leads(cast):
    _walk(_lead(cast, amount=10000, name="一亿项目"), cast.office, "signed", start=dt.date(2026, 8, 1))
    _walk(_lead(cast, amount=9999, name="不足一亿"), cast.office, "signed", start=dt.date(2026, 2, 1))
    _walk(_lead(cast, amount=50000, name="已开工"), cast.office, "signed", "started", start=dt.date(2026, 1, 10))
    assert [lead.name for lead in selectors.big_leads()] == ["已开工", "一亿项目"]
    buckets = selectors.ageing(dt.date(2026, 9, 1))
    assert [b["count"] for b in buckets] == [1, 0, 1, 0]  # 31 days and 212 days since signing


def test_the_lead_page_converts_a_lead(cast):
    lead = _walk(_lead(cast), cast.office, "signed")
    client = cast.client("town")
    page = client.get(f"/breakthroughs/leads/{lead.pk}/")
    assert "convert-category" in page.content.decode()
    response = client.post(f"/breakthroughs/leads/{lead.pk}/", {
        "action": "convert", "convert-category": Category.objects.get(name="产业").pk, "convert-nature": "enterprise",
        "convert-total_investment": "2亿", "convert-start_year": 2027, "convert-end_year": 2028,
        "convert-template": NodeTemplate.objects.get(name="企业投资项目").pk, "convert-content": "新建厂房",
    })
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.project.total_investment == D(20000)
    page = client.get(f"/breakthroughs/leads/{lead.pk}/")
    assert lead.project.code in page.content.decode()
    assert "convert-category" not in page.content.decode()


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 200), ("town", 200), ("department", 200),
                                             ("owner", 403), ("anonymous", 302)])
def test_lead_pages_for_the_cast(cast, who, status, django_assert_max_num_queries):
    for i in range(4):
        _walk(_lead(cast, name=f"线索{i}"), cast.office, "negotiation", "signed")
    client = cast.client(who)
    with django_assert_max_num_queries(12):
        assert client.get("/breakthroughs/leads/").status_code == status
    assert client.get("/breakthroughs/leads/funnel/").status_code == status
