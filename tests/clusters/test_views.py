"""Pages, forms and documents, as each member of the cast meets them."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tuijin.clusters import services
from tuijin.clusters.choices import DistributionMethod
from tuijin.clusters.models import (
    AllocationRule,
    Cluster,
    ClusterProject,
    Contribution,
    JointCompany,
    Village,
)

READERS_ALL = ["office", "leader"]


@pytest.fixture
def computed(cast, xinpu, xinpu_rule):
    services.allocation_compute(rule=xinpu_rule, by=cast.office)
    services.company_income_record(company=xinpu, year=2025, operating_income=Decimal(265), distributable=Decimal(220),
                                   by=cast.office)
    services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.BY_SHARE, by=cast.office)
    return xinpu


@pytest.mark.parametrize(("who", "status", "sees_xinpu", "sees_kuangyan"), [
    ("office", 200, True, True), ("leader", 200, True, True), ("town", 200, False, True),
    ("other_town", 200, False, False), ("department", 403, False, False), ("owner", 403, False, False),
])
def test_the_cluster_list_shows_each_role_its_clusters(cast, kuangyan_south, xinpu_cluster, who, status, sees_xinpu,
                                                       sees_kuangyan):
    response = cast.client(who).get(reverse("clusters:list"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert ("新浦镇东部片区联合党委" in page) is sees_xinpu
        assert ("匡堰镇南部片区中心村联合党委" in page) is sees_kuangyan


def test_anonymous_visitors_are_sent_to_the_login_page(cast, kuangyan_south):
    for url in (reverse("clusters:list"), kuangyan_south.get_absolute_url()):
        response = cast.client("anonymous").get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("town", 200), ("other_town", 403), ("department", 403), ("owner", 403),
])
def test_a_town_officer_sees_its_own_cluster_only(cast, kuangyan_south, who, status):
    assert cast.client(who).get(kuangyan_south.get_absolute_url()).status_code == status


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("town", 403), ("other_town", 403), ("department", 403), ("owner", 403),
])
def test_company_pages_and_documents_follow_the_cluster(cast, computed, who, status):
    client = cast.client(who)
    for name in ("company", "register_xlsx", "statement_docx"):
        assert client.get(reverse(f"clusters:{name}", args=[computed.pk])).status_code == status


@pytest.mark.parametrize("who", ["leader", "town", "other_town", "department", "owner"])
def test_only_the_office_opens_the_forms(cast, kuangyan_south, computed, who):
    client = cast.client(who)
    rule = computed.rules.first()
    holder = computed.shareholders.first()
    urls = [reverse("clusters:company_create", args=[kuangyan_south.pk]),
            reverse("clusters:shareholder_add", args=[computed.pk]),
            reverse("clusters:contributions", args=[computed.pk, holder.pk]),
            reverse("clusters:rule_create", args=[computed.pk]), reverse("clusters:income", args=[computed.pk]),
            reverse("clusters:distribute", args=[computed.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("clusters:compute", args=[computed.pk, rule.pk])).status_code == 403


def test_the_leader_reads_the_company_without_edit_buttons(cast, computed):
    page = cast.client("leader").get(computed.get_absolute_url()).content.decode()
    assert "31.4326" in page and "69.1517" in page
    assert "新增股东" not in page and "核算股份" not in page


def test_the_company_page_explains_each_share(cast, computed):
    page = cast.client("office").get(computed.get_absolute_url()).content.decode()
    assert "精确值 1108/3525" in page
    assert "12.765957" in page  # 0.5 · 6 / 23.5 in percentage points
    assert "最大余数法" in page
    assert "100.0000" in page


def test_the_cluster_page_shows_villages_projects_and_diagram(cast, kuangyan_south, make_project):
    project = make_project(name="梅味乾炳杨梅产业园")
    village = kuangyan_south.villages.get(name="乾炳村")
    services.cluster_project_link(cluster=kuangyan_south, project=project, village=village, by=cast.office)
    page = cast.client("town").get(kuangyan_south.get_absolute_url()).content.decode()
    assert "<svg" in page and "梅味乾炳杨梅产业园" in page and project.code in page
    assert page.count('class="village-node"') == 3


def test_the_list_takes_constant_queries(cast, kuangyan_south, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client("office")
    client.get(reverse("clusters:list"))  # warm caches of the navigation
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("clusters:list"))
    for n in range(12):
        villages = [Village.objects.create(town=cast.town, name=f"测试{n}村{k}") for k in range(3)]
        services.cluster_create(town=cast.town, name=f"测试片区{n}", party_committee="联合党委", villages=villages,
                                by=cast.office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("clusters:list"))
    assert response.content.decode().count("测试片区") == 12


def test_the_company_page_takes_constant_queries(cast, computed, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client("office")
    client.get(computed.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        client.get(computed.get_absolute_url())
    services.company_income_record(company=computed, year=2024, operating_income=Decimal(200),
                                   distributable=Decimal(150), by=cast.office)
    services.distribution_compute(company=computed, year=2024, method=DistributionMethod.EQUAL, by=cast.office)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(computed.get_absolute_url())


def test_the_office_sets_up_the_xinpu_company_in_the_browser(cast, xinpu_cluster):
    client = cast.client("office")
    response = client.post(reverse("clusters:company_create", args=[xinpu_cluster.pk]),
                           {"name": "新浦镇东部片区项目开发有限公司", "registered_capital": "1000万"})
    company = JointCompany.objects.get()
    assert response["Location"] == company.get_absolute_url()
    assert company.registered_capital == Decimal(1000)
    rows = [("新东村", "6", "180", "400", "2400"), ("六塘村", "5.5", "165", "300", "2100"),
            ("五塘村", "4.5", "135", "200", "1800"), ("高王村", "4", "120", "100", "1500"), ("浦东村", "3.5", "105", "", "1200")]
    for name, land, valuation, cash, population in rows:
        village = xinpu_cluster.villages.get(name=name)
        response = client.post(reverse("clusters:shareholder_add", args=[company.pk]),
                               {"kind": "village", "village": village.pk, "name": ""})
        holder = company.shareholders.get(village=village)
        assert holder.name == f"{name}股份经济合作社"
        assert response["Location"] == reverse("clusters:contributions", args=[company.pk, holder.pk])
        client.post(response["Location"], {"land": land, "land_valuation": valuation, "cash": cash,
                                           "population": population})
    assert Contribution.objects.filter(shareholder__company=company).count() == 14  # 浦东 put in no cash
    # Weights that do not add up to one are refused on the form.
    response = client.post(reverse("clusters:rule_create", args=[company.pk]), {
        "method": "weighted", "weight_land": "0.5", "weight_cash": "0.4", "weight_population": "0.2",
        "rounding_places": "4", "effective_from": "2025-04-01", "approved_by": "东部片区五村股东代表大会"})
    assert response.status_code == 200 and "各要素权重合计为1.1，须恰好等于1。" in response.content.decode()
    assert not AllocationRule.objects.exists()
    client.post(reverse("clusters:rule_create", args=[company.pk]), {
        "method": "weighted", "weight_land": "0.5", "weight_cash": "0.4", "weight_population": "0.1",
        "rounding_places": "4", "effective_from": "2025-04-01", "approved_by": "东部片区五村股东代表大会",
        "document_number": "新浦东片股〔2025〕1号"})
    rule = AllocationRule.objects.get()
    client.post(reverse("clusters:compute", args=[company.pk, rule.pk]))
    client.post(reverse("clusters:income", args=[company.pk]),
                {"year": "2025", "operating_income": "265", "distributable": "220万元"})
    response = client.post(reverse("clusters:distribute", args=[company.pk]), {"year": "2025", "method": "by_share"})
    assert response.status_code == 302
    page = client.get(company.get_absolute_url()).content.decode()
    for figure in ("31.4326", "26.0355", "19.5745", "14.1773", "8.7801", "69.1517", "19.3162"):
        assert figure in page
    register = load_workbook(io.BytesIO(client.get(reverse("clusters:register_xlsx", args=[company.pk])).content))
    assert register.active["A1"].value == "新浦镇东部片区项目开发有限公司股东名册"
    statement = Document(io.BytesIO(client.get(reverse("clusters:statement_docx", args=[company.pk])).content))
    assert "关于新浦镇东部片区项目开发有限公司股份分配方案的说明" in statement.paragraphs[0].text


def test_form_errors_are_shown_by_the_field(cast, computed):
    holder = computed.shareholders.first()
    response = cast.client("office").post(reverse("clusters:contributions", args=[computed.pk, holder.pk]),
                                          {"land": "-1", "cash": "约300"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="field has-error') == 2


def test_the_share_register_reads_back(cast, computed):
    response = cast.client("office").get(reverse("clusters:register_xlsx", args=[computed.pk]))
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["股东名册"]
    assert sheet["A1"].value == "新浦镇东部片区项目开发有限公司股东名册"
    heads = [c.value for c in sheet[3]]
    assert heads == ["序号", "股东", "股东类型", "村", "土地（亩）", "土地作价（万元）", "现金（万元）", "人口（人）",
                     "持股比例（%）", "精确份额"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=9)]
    assert rows[0][:4] == [1, "新东村股份经济合作社", "村集体经济组织", "新东村"]
    assert [r[8] for r in rows[:5]] == [31.4326, 26.0355, 19.5745, 14.1773, 8.7801]
    assert rows[5][1] == "合计" and rows[5][4] == 23.5 and rows[5][8] == pytest.approx(100)
    assert sheet["A3"].fill.fgColor.rgb.endswith("1D4E89") and sheet["A1"].font.bold
    assert "最大余数法" in sheet.cell(row=11, column=1).value
    explained = book["股份计算明细"]
    assert [c.value for c in explained[3]][1:6] == ["土地（亩）", "6", "23.5", "0.5", "12.765957"]


def test_the_allocation_statement_reads_back(cast, computed):
    response = cast.client("leader").get(reverse("clusters:statement_docx", args=[computed.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "关于新浦镇东部片区项目开发有限公司股份分配方案的说明"
    assert doc.paragraphs[0].runs[0].font.size.pt == 22
    for heading in ("一、基本情况", "二、股份分配规则", "三、股份分配结果", "四、收益分配", "以上方案，提请股东会审议。"):
        assert heading in text
    assert "东部片区五村股东代表大会" in text and "最大余数法" in text
    shares_table, explanation_table, payout_table = doc.tables
    assert [row.cells[2].text for row in shares_table.rows] == [
        "持股比例（%）", "31.4326", "26.0355", "19.5745", "14.1773", "8.7801", "100.0000"]
    assert [row.cells[4].text for row in payout_table.rows][1:] == [
        "69.1517", "57.2781", "43.0639", "31.1901", "19.3162", "220.0000"]
    assert explanation_table.rows[2].cells[1].text == "土地（亩）"
    assert doc.sections[0].top_margin.cm == pytest.approx(3.7, abs=0.01)


def test_the_office_marks_a_project_as_a_cluster_project(cast, kuangyan_south, make_project):
    project = make_project()
    village = kuangyan_south.villages.get(name="岗墩村")
    response = cast.client("office").post(reverse("clusters:link_project", args=[kuangyan_south.pk]),
                                          {"code": project.code, "village": village.pk, "expected_income": "30"})
    assert response.status_code == 302
    link = ClusterProject.objects.get(project=project)
    assert (link.cluster, link.village, link.expected_income) == (kuangyan_south, village, Decimal(30))


def test_the_project_tab_names_the_cluster(cast, kuangyan_south, make_project, rf):
    from tuijin.clusters.views import project_tab

    project = make_project()
    services.cluster_project_link(cluster=kuangyan_south, project=project, by=cast.office)
    request = rf.get("/")
    request.user = cast.town_officer
    assert "匡堰镇南部片区中心村联合党委" in project_tab(request, project)
    request.user = cast.other_town_officer
    html = project_tab(request, project)
    assert "匡堰南部片区" in html and "联合党委" not in html


def test_the_demo_has_81_clusters_and_211_projects(cast, db):
    import datetime as dt
    import random

    from tuijin.clusters import demo
    from tuijin.core.demo import DemoContext

    ctx = DemoContext(rng=random.Random(1335), today=dt.date(2026, 6, 30), users={"office": cast.office})
    demo.load(ctx)
    assert Cluster.objects.count() == 81 and ClusterProject.objects.count() == 211
    xufu = Cluster.objects.get(town__short_name="龙山", name="徐福片区")
    assert sorted(v.name for v in xufu.villages.all()) == sorted(["徐福村", "田央村", "筋竹村"])
    assert xufu.links.count() == 16
    south = Cluster.objects.get(town__short_name="匡堰", name="南部片区")
    assert [v.name for v in south.villages.order_by("order")] == ["倡隆村", "乾炳村", "岗墩村"]
    from tuijin.clusters.selectors import collective_income_by_year, growth

    assert growth(collective_income_by_year([south])[south.pk], 2025) > 20
    company = JointCompany.objects.get(cluster__town__short_name="新浦")
    assert company.shareholders.count() == 5
    land = Contribution.objects.filter(shareholder__company=company, kind="land")
    assert sum(c.quantity for c in land) == Decimal("23.5")
    assert company.distributions.get().amount == Decimal(220)
