"""Setting up companies and rules, computing shares and distributing income, through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from tuijin.clusters import services
from tuijin.clusters.choices import AllocationMethod, ContributionKind, DistributionMethod, ShareholderKind
from tuijin.clusters.models import AllocationRule, Village
from tuijin.lib.errors import PermissionDenied, ServiceError

XINPU_SHARES = [Decimal("31.4326"), Decimal("26.0355"), Decimal("19.5745"), Decimal("14.1773"), Decimal("8.7801")]


def percents(allocation):
    return [line.percent for line in allocation.lines.order_by("order")]


def test_the_xinpu_company_gets_the_hand_computed_shares(cast, xinpu_rule):
    allocation = services.allocation_compute(rule=xinpu_rule, by=cast.office)
    assert percents(allocation) == XINPU_SHARES
    first = allocation.lines.order_by("order").first()
    assert first.exact == "1108/3525"  # 0.5·6/23.5 + 0.4·400/1000 + 0.1·2400/9000
    assert [(t["key"], t["x"], t["total"], t["weight"], t["percent"]) for t in first.explanation] == [
        ("land", "6", "23.5", "0.5", "12.765957"),
        ("cash", "400", "1000", "0.4", "16.000000"),
        ("population", "2400", "9000", "0.1", "2.666667"),
    ]


def test_it_refuses_a_rule_whose_weights_do_not_add_up_to_one(cast, xinpu):
    with pytest.raises(ServiceError) as exc:
        services.rule_create(company=xinpu, method=AllocationMethod.WEIGHTED,
                             weights={"land": Decimal("0.5"), "cash": Decimal("0.4")},
                             effective_from=dt.date(2025, 1, 1), approved_by="股东会", by=cast.office)
    assert exc.value.message_dict["weights"] == ["各要素权重合计为0.9，须恰好等于1。"]
    assert not AllocationRule.objects.exists()


def test_rule_versions_are_kept_and_numbered(cast, xinpu, xinpu_rule):
    second = services.rule_create(company=xinpu, method=AllocationMethod.CAPITAL, effective_from=dt.date(2026, 1, 1),
                                  approved_by="股东会", by=cast.office)
    assert (xinpu_rule.version, second.version) == (1, 2)
    xinpu_rule.refresh_from_db()
    assert xinpu_rule.weights == {"land": "0.5", "cash": "0.4", "population": "0.1"}


def test_the_allocation_in_force_follows_the_effective_date(cast, xinpu, xinpu_rule):
    first = services.allocation_compute(rule=xinpu_rule, by=cast.office)
    later = services.rule_create(company=xinpu, method=AllocationMethod.CAPITAL, effective_from=dt.date(2026, 1, 1),
                                 approved_by="股东会", by=cast.office)
    second = services.allocation_compute(rule=later, by=cast.office)
    assert services.current_allocation(xinpu, dt.date(2025, 12, 31)) == first
    assert services.current_allocation(xinpu, dt.date(2026, 6, 30)) == second


def test_pure_capital_pro_rata_counts_cash_and_assets(cast, xinpu):
    holder = xinpu.shareholders.get(name="浦东村股份经济合作社")
    services.contribution_set(shareholder=holder, kind=ContributionKind.ASSETS, quantity=Decimal(250), by=cast.office)
    rule = services.rule_create(company=xinpu, method=AllocationMethod.CAPITAL, effective_from=dt.date(2025, 1, 1),
                                approved_by="股东会", by=cast.office)
    # capital: 400, 300, 200, 100, 250 of 1250 → 32, 24, 16, 8, 20 %
    assert percents(services.allocation_compute(rule=rule, by=cast.office)) == [
        Decimal(32), Decimal(24), Decimal(16), Decimal(8), Decimal(20)]


def test_land_valued_as_equity_like_gutian(cast, kuangyan_south):
    # Gutian: 15 亩 valued at 120万 counted as the village's equity, beside two cash investors.
    company = services.company_create(cluster=kuangyan_south, name="强村公司", by=cast.office)
    village = kuangyan_south.villages.get(name="倡隆村")
    land = services.shareholder_add(company=company, name="倡隆村股份经济合作社", kind=ShareholderKind.VILLAGE,
                                    village=village, by=cast.office)
    services.contribution_set(shareholder=land, kind=ContributionKind.LAND, quantity=Decimal(15),
                              valuation=Decimal(120), by=cast.office)
    platform = services.shareholder_add(company=company, name="镇农业服务中心", kind=ShareholderKind.TOWN, by=cast.office)
    services.contribution_set(shareholder=platform, kind=ContributionKind.CASH, quantity=Decimal(200), by=cast.office)
    investor = services.shareholder_add(company=company, name="社会投资方", kind=ShareholderKind.THIRD_PARTY, by=cast.office)
    services.contribution_set(shareholder=investor, kind=ContributionKind.CASH, quantity=Decimal(80), by=cast.office)
    rule = services.rule_create(company=company, method=AllocationMethod.LAND_EQUITY, effective_from=dt.date(2025, 1, 1),
                                approved_by="股东会", guaranteed_rate=Decimal(5), by=cast.office)
    allocation = services.allocation_compute(rule=rule, by=cast.office)
    # 120 / 400 = 30 %, 200 / 400 = 50 %, 80 / 400 = 20 %
    assert percents(allocation) == [Decimal(30), Decimal(50), Decimal(20)]
    services.company_income_record(company=company, year=2025, operating_income=Decimal(50), distributable=Decimal(40),
                                   by=cast.office)
    distribution = services.distribution_compute(company=company, year=2025, method=DistributionMethod.GUARANTEED_FIRST,
                                                 by=cast.office)
    # guarantees 5 %: 6, 10, 4 (20); the other 20 by share: 6, 10, 4 → 12, 20, 8
    assert [(line.guaranteed, line.total) for line in distribution.lines.order_by("order")] == [
        (Decimal(6), Decimal(12)), (Decimal(10), Decimal(20)), (Decimal(4), Decimal(8))]


def test_land_equity_refuses_land_without_a_valuation(cast, xinpu):
    holder = xinpu.shareholders.first()
    services.contribution_set(shareholder=holder, kind=ContributionKind.LAND, quantity=Decimal(6), valuation=None,
                              by=cast.office)
    rule = services.rule_create(company=xinpu, method=AllocationMethod.LAND_EQUITY, effective_from=dt.date(2025, 1, 1),
                                approved_by="股东会", by=cast.office)
    with pytest.raises(ServiceError, match="新东村股份经济合作社的土地尚未作价"):
        services.allocation_compute(rule=rule, by=cast.office)


def test_fixed_cash_plus_population_like_anji(cast, kuangyan_south):
    # Anji in small: three villages put in 60 each, a third party 90, and 60 is apportioned by population.
    company = services.company_create(cluster=kuangyan_south, name="共富实业", by=cast.office)
    villages = list(kuangyan_south.villages.order_by("order"))
    for village, population in zip(villages, [1000, 2000, 3000], strict=True):
        holder = services.shareholder_add(company=company, name=village.name, kind=ShareholderKind.VILLAGE,
                                          village=village, by=cast.office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.CASH, quantity=Decimal(60), by=cast.office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.POPULATION, quantity=Decimal(population),
                                  by=cast.office)
    third = services.shareholder_add(company=company, name="投资方", kind=ShareholderKind.THIRD_PARTY, by=cast.office)
    services.contribution_set(shareholder=third, kind=ContributionKind.CASH, quantity=Decimal(90), by=cast.office)
    rule = services.rule_create(company=company, method=AllocationMethod.FIXED_POPULATION, population_pool=Decimal(60),
                                effective_from=dt.date(2025, 1, 1), approved_by="股东会", by=cast.office)
    allocation = services.allocation_compute(rule=rule, by=cast.office)
    # capital 70, 80, 90, 90 of 330; 27.2727|27 twice: the earlier shareholder gets the last unit.
    assert percents(allocation) == [Decimal("21.2121"), Decimal("24.2424"), Decimal("27.2728"), Decimal("27.2727")]
    assert sum(percents(allocation)) == 100


def test_a_single_shareholder_company_holds_everything(cast, kuangyan_south):
    company = services.company_create(cluster=kuangyan_south, name="独资公司", by=cast.office)
    village = kuangyan_south.villages.first()
    holder = services.shareholder_add(company=company, name="倡隆村", kind=ShareholderKind.VILLAGE, village=village,
                                      by=cast.office)
    services.contribution_set(shareholder=holder, kind=ContributionKind.CASH, quantity=Decimal(10), by=cast.office)
    rule = services.rule_create(company=company, method=AllocationMethod.CAPITAL, effective_from=dt.date(2025, 1, 1),
                                approved_by="股东会", by=cast.office)
    assert percents(services.allocation_compute(rule=rule, by=cast.office)) == [Decimal(100)]


def test_shapley_rule_of_the_xufu_villages(cast):
    town = cast.other_town
    villages = [Village.objects.create(town=town, name=n) for n in ("徐福村", "田央村", "筋竹村")]
    cluster = services.cluster_create(town=town, name="徐福片区", party_committee="徐福片区联合党委", villages=villages,
                                      by=cast.office)
    company = services.company_create(cluster=cluster, name="徐福强村公司", by=cast.office)
    x, t, j = (services.shareholder_add(company=company, name=v.name, kind=ShareholderKind.VILLAGE, village=v,
                                        by=cast.office).pk for v in villages)
    rule = services.rule_create(company=company, method=AllocationMethod.SHAPLEY, effective_from=dt.date(2025, 1, 1),
                                approved_by="成员代表大会", by=cast.office)
    incomes = {frozenset({x}): 300, frozenset({t}): 120, frozenset({j}): 80, frozenset({x, t}): 520,
               frozenset({x, j}): 440, frozenset({t, j}): 240}
    services.coalition_incomes_set(rule=rule, incomes={k: Decimal(v) for k, v in incomes.items()}, by=cast.office)
    with pytest.raises(ServiceError, match="7个联盟中有1个缺少收益数据"):
        services.allocation_compute(rule=rule, by=cast.office)
    incomes[frozenset({x, t, j})] = 820
    services.coalition_incomes_set(rule=rule, incomes={k: Decimal(v) for k, v in incomes.items()}, by=cast.office)
    allocation = services.allocation_compute(rule=rule, by=cast.office)
    assert percents(allocation) == [Decimal("51.2195"), Decimal("28.0488"), Decimal("20.7317")]
    assert [line.exact for line in allocation.lines.order_by("order")] == ["21/41", "23/82", "17/82"]


def test_distribution_by_share_of_the_xinpu_220_wan(cast, xinpu, xinpu_rule):
    services.allocation_compute(rule=xinpu_rule, by=cast.office)
    services.company_income_record(company=xinpu, year=2025, operating_income=Decimal(265), distributable=Decimal(220),
                                   by=cast.office)
    distribution = services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.BY_SHARE,
                                                 by=cast.office)
    totals = [line.total for line in distribution.lines.order_by("order")]
    assert totals == [Decimal("69.1517"), Decimal("57.2781"), Decimal("43.0639"), Decimal("31.1901"), Decimal("19.3162")]
    assert sum(totals) == Decimal(220)


def test_guaranteed_five_percent_first_for_xinpu(cast, xinpu, xinpu_rule):
    services.allocation_compute(rule=xinpu_rule, by=cast.office)
    services.company_income_record(company=xinpu, year=2025, operating_income=Decimal(265), distributable=Decimal(220),
                                   by=cast.office)
    distribution = services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.GUARANTEED_FIRST,
                                                 by=cast.office)
    lines = list(distribution.lines.order_by("order"))
    assert [line.guaranteed for line in lines] == [Decimal(29), Decimal("23.25"), Decimal("16.75"), Decimal(11),
                                                   Decimal("5.25")]
    assert [line.total for line in lines] == [Decimal("71.3554"), Decimal("58.3328"), Decimal("43.1267"),
                                              Decimal("30.1039"), Decimal("17.0812")]
    assert distribution.guaranteed_rate == 5 and distribution.guarantees_covered


def test_equal_split_needs_no_shares(cast, xinpu):
    distribution = services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.EQUAL,
                                                 amount=Decimal(100), by=cast.office)
    assert [line.total for line in distribution.lines.order_by("order")] == [Decimal(20)] * 5


def test_it_refuses_to_distribute_by_share_before_shares_are_computed(cast, xinpu):
    with pytest.raises(ServiceError, match="按股分配前须先核算股份"):
        services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.BY_SHARE,
                                      amount=Decimal(10), by=cast.office)


def test_distributing_again_replaces_the_year(cast, xinpu):
    services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.EQUAL, amount=Decimal(100),
                                  by=cast.office)
    again = services.distribution_compute(company=xinpu, year=2025, method=DistributionMethod.EQUAL,
                                          amount=Decimal(50), by=cast.office)
    assert xinpu.distributions.count() == 1 and again.lines.count() == 5


@pytest.mark.parametrize("who", ["town_officer", "other_town_officer", "department_officer", "owner", "leader"])
def test_only_the_office_changes_companies(cast, xinpu, who):
    with pytest.raises(PermissionDenied):
        services.rule_create(company=xinpu, method=AllocationMethod.CAPITAL, effective_from=dt.date(2025, 1, 1),
                             approved_by="股东会", by=getattr(cast, who))


def test_a_lead_village_must_be_a_member(cast):
    inside = Village.objects.create(town=cast.town, name="倡隆村")
    outside = Village.objects.create(town=cast.town, name="别村")
    with pytest.raises(ServiceError, match="牵头村须为片区成员村"):
        services.cluster_create(town=cast.town, name="片区", party_committee="联合党委", villages=[inside],
                                lead_village=outside, by=cast.office)


def test_a_village_of_another_town_cannot_join(cast):
    stranger = Village.objects.create(town=cast.other_town, name="徐福村")
    with pytest.raises(ServiceError, match="别村|徐福村不属于匡堰镇"):
        services.cluster_create(town=cast.town, name="片区", party_committee="联合党委", villages=[stranger], by=cast.office)


def test_a_project_belongs_to_one_cluster_only(cast, kuangyan_south, xinpu_cluster, make_project):
    project = make_project()
    services.cluster_project_link(cluster=kuangyan_south, project=project, by=cast.office)
    with pytest.raises(ServiceError, match="已是新浦东部片区的项目|已是匡堰南部片区的项目"):
        services.cluster_project_link(cluster=xinpu_cluster, project=project, by=cast.office)
