"""Clusters for the tests: 匡堰镇's southern cluster (the cast's town officer's own) and 新浦镇's
eastern cluster with the seed's five-village company, as worked by hand in docs/clusters.md."""

import datetime as dt
from decimal import Decimal

import pytest

from tuijin.clusters import services
from tuijin.clusters.choices import AllocationMethod, ContributionKind, ShareholderKind
from tuijin.clusters.models import Village

XINPU = [("新东村", "6.0", "400", 2400), ("六塘村", "5.5", "300", 2100), ("五塘村", "4.5", "200", 1800),
         ("高王村", "4.0", "100", 1500), ("浦东村", "3.5", "0", 1200)]


@pytest.fixture
def kuangyan_south(cast):
    villages = [Village.objects.create(town=cast.town, name=n, order=i) for i, n in enumerate(["倡隆村", "乾炳村", "岗墩村"])]
    return services.cluster_create(town=cast.town, name="南部片区", party_committee="匡堰镇南部片区中心村联合党委",
                                   villages=villages, lead_village=villages[0], by=cast.office)


@pytest.fixture
def xinpu_cluster(cast):
    town = cast.units["新浦"]
    villages = [Village.objects.create(town=town, name=n, population=p, order=i) for i, (n, _l, _c, p) in enumerate(XINPU)]
    return services.cluster_create(town=town, name="东部片区", party_committee="新浦镇东部片区联合党委",
                                   villages=villages, lead_village=villages[0], by=cast.office)


@pytest.fixture
def xinpu(cast, xinpu_cluster):
    """The five-village company with its contributions (no rule yet)."""
    company = services.company_create(cluster=xinpu_cluster, name="新浦镇东部片区项目开发有限公司",
                                      registered_capital=Decimal(1000), by=cast.office)
    villages = {v.name: v for v in xinpu_cluster.villages.all()}
    for name, land, cash, population in XINPU:
        holder = services.shareholder_add(company=company, name=f"{name}股份经济合作社", kind=ShareholderKind.VILLAGE,
                                          village=villages[name], by=cast.office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.LAND, quantity=Decimal(land),
                                  valuation=Decimal(land) * 30, by=cast.office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.CASH, quantity=Decimal(cash), by=cast.office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.POPULATION, quantity=Decimal(population),
                                  by=cast.office)
    return company


@pytest.fixture
def xinpu_rule(cast, xinpu):
    return services.rule_create(
        company=xinpu, method=AllocationMethod.WEIGHTED,
        weights={"land": Decimal("0.5"), "cash": Decimal("0.4"), "population": Decimal("0.1")}, guaranteed_rate=Decimal(5),
        effective_from=dt.date(2025, 4, 1), approved_by="东部片区五村股东代表大会", by=cast.office,
    )
