"""81 clusters with 211 cluster projects across Cixi's towns, as in the seed article, among
them 匡堰镇's southern cluster (倡隆, 乾炳, 岗墩), 龙山镇's 徐福 cluster (徐福, 田央, 筋竹, 16
projects) and 新浦镇's eastern cluster with its five-village project development company.

Village names other than the six the article names are made up for the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.core.demo import DemoContext
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit
from tuijin.projects.choices import Level, Nature, Stage
from tuijin.projects.models import Category, Project

from . import services
from .choices import AllocationMethod, ContributionKind, DistributionMethod, ShareholderKind
from .models import Cluster, ClusterProject, Village, VillageIncome

CLUSTER_COUNT, PROJECT_COUNT = 81, 211
AREAS = ["东部片区", "西部片区", "南部片区", "北部片区", "中部片区", "沿山片区", "滨海片区", "沿河片区"]
SYLLABLES = "东西南北上下前后新老大小高低长永兴和平安宁福寿康乐胜利丰收富民华光明山海塘湾桥浦塔林溪泉岙岭"
ENDINGS = ["村", "村", "村", "桥村", "塘村", "浦村", "岙村", "山村"]
XINPU_EAST = [  # name, land 亩, cash 万元, population
    ("新东村", "6.0", "400", 2400), ("六塘村", "5.5", "300", 2100), ("五塘村", "4.5", "200", 1800),
    ("高王村", "4.0", "100", 1500), ("浦东村", "3.5", "0", 1200),
]
XUFU_PROJECTS = [
    "慈溪特色农产品（小家电）展示区", "徐福文化园提升工程", "田央村共富工坊", "筋竹村精品民宿集群",
    "徐福片区游客服务中心", "片区农产品冷链仓储中心", "达蓬山环线绿道", "田央村高标准农田",
    "筋竹水库生态修复", "徐福片区数字乡村平台", "片区标准厂房（一期）", "片区标准厂房（二期）",
    "田央村农文旅综合体", "筋竹村竹林经济示范基地", "徐福村老街有机更新", "片区污水管网提标改造",
]
KUANGYAN_SOUTH_PROJECTS = [
    "瓷韵倡隆越窑青瓷文化街区", "梅味乾炳杨梅产业园", "茶香岗墩茶园提升工程", "南部片区高山露营基地",
    "“樟树下”艺术村落", "南部片区山顶精品民宿",
]
XINPU_EAST_PROJECTS = ["东部片区智能家电配套项目（一期）", "东部片区汽车配件项目（二期）", "东部片区标准厂房", "东部片区共富工坊"]
GENERIC_PROJECTS = [
    "{v}共富工坊", "{v}高标准农田建设", "{v}美丽庭院提升", "{a}农文旅融合项目", "{a}标准厂房", "{v}村级物业用房",
    "{a}农产品加工中心", "{v}强村富民光伏项目", "{a}乡村振兴示范带", "{v}民宿集聚区", "{a}数字乡村平台",
]


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    year = ctx.year
    office = ctx.users["office"]
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("order"))
    farm = Category.objects.get(name="农业农村")
    industry = Category.objects.get(name="产业")
    department = Unit.objects.get(short_name="农业农村局")
    by_short = {t.short_name: t for t in towns}

    # Clusters per town: 81 over the 14 towns, the three named ones first.
    plan: dict[str, int] = {t.short_name: CLUSTER_COUNT // len(towns) for t in towns}
    for t in towns[: CLUSTER_COUNT - sum(plan.values())]:
        plan[t.short_name] += 1
    named = {
        "匡堰": ("南部片区", ["倡隆村", "乾炳村", "岗墩村"], "匡堰镇南部片区中心村联合党委",
                 "瓷韵倡隆、梅味乾炳、茶香岗墩",
                 "结合镇域特色和三村村庄规划，编制片区中心村整体发展规划，串联高山露营基地、山顶精品民宿、山脚特色农家乐等项目，"
                 "联合打造“全域秀美乡村”旅游线路，建设“樟树下”艺术村落，推动三村资源共享、组团发展。", None),
        "龙山": ("徐福片区", ["徐福村", "田央村", "筋竹村"], "龙山镇徐福片区联合党委", "党建合作、资源共享、发展互惠",
                 "实施徐福片区组团发展新模式，启动慈溪特色农产品（小家电）展示区等16个项目的开发建设，以项目建设为引擎，"
                 "推动片区高质量发展；项目完工后预计每年为片区增收800万元以上。", Decimal(800)),
        "新浦": ("东部片区", [v[0] for v in XINPU_EAST], "新浦镇东部片区联合党委", "五村共同出资、要素折股",
                 "东部片区5个村共同出资组建项目开发公司，按投入土地、资金等要素权重占比分配股份，引入智能家电、汽车配件等项目；"
                 "一、二期项目用地合计23.5亩，一期拟建厂房1.5万平方米，预计每年为片区带来220万元收入。", Decimal(220)),
    }
    villages_by_town: dict[int, list[Village]] = {}
    cluster_specs = []  # (town, name, village names, committee, theme, plan, expected)
    for town in towns:
        used: set[str] = set()
        specs = []
        if town.short_name in named:
            name, names, committee, theme, text, expected = named[town.short_name]
            used.update(names)
            specs.append((name, names, committee, theme, text, expected))
        areas = [a for a in AREAS if not specs or a != specs[0][0]]
        for i in range(plan[town.short_name] - len(specs)):
            names = []
            for _n in range(rng.randint(2, 5)):
                while True:
                    candidate = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(ENDINGS)
                    if candidate not in used and candidate[0] != candidate[1]:
                        break
                used.add(candidate)
                names.append(candidate)
            area = areas[i % len(areas)] if i < len(areas) else f"{areas[i % len(areas)][:2]}{'二三'[i // len(areas) - 1]}片区"
            specs.append((area, names, f"{town.short_name}镇{area}联合党委", "", "", None))
        cluster_specs.extend((town, *s) for s in specs)
        first = named[town.short_name][1] if town.short_name in named else []
        villages = [
            Village(town=town, name=n, population=rng.randint(900, 4200), order=k, is_demo=True)
            for k, n in enumerate(sorted(used, key=lambda x: (first.index(x) if x in first else len(first), x)))
        ]
        villages_by_town[town.pk] = villages
    for name, _land, _cash, population in XINPU_EAST:
        for v in villages_by_town[by_short["新浦"].pk]:
            if v.name == name:
                v.population = population
    Village.objects.bulk_create([v for vs in villages_by_town.values() for v in vs])
    lookup = {(v.town_id, v.name): v for vs in villages_by_town.values() for v in vs}

    clusters = []
    for town, name, names, committee, theme, text, expected in cluster_specs:
        members = [lookup[(town.pk, n)] for n in names]
        clusters.append(Cluster(
            town=town, name=name, party_committee=committee, theme=theme, plan=text, expected_income=expected,
            lead_village=members[0], established=dt.date(year - rng.randint(1, 3), rng.randint(1, 12), 1), is_demo=True,
        ))
    Cluster.objects.bulk_create(clusters)
    through = Cluster.villages.through
    through.objects.bulk_create([
        through(cluster_id=c.pk, village_id=lookup[(spec[0].pk, n)].pk)
        for c, spec in zip(clusters, cluster_specs, strict=True) for n in spec[2]
    ])
    members_of = {c.pk: [lookup[(spec[0].pk, n)] for n in spec[2]] for c, spec in zip(clusters, cluster_specs, strict=True)}
    special = {(c.town.short_name, c.name): c for c in clusters if c.town.short_name in named and c.name == named[c.town.short_name][0]}

    # Projects: the named clusters' own, then the rest spread so the county counts 211.
    wanted = []  # (cluster, name, village, category, expected income)
    for key, names in ((("龙山", "徐福片区"), XUFU_PROJECTS), (("匡堰", "南部片区"), KUANGYAN_SOUTH_PROJECTS),
                       (("新浦", "东部片区"), XINPU_EAST_PROJECTS)):
        cluster = special[key]
        members = members_of[cluster.pk]
        for i, name in enumerate(names):
            village = next((v for v in members if v.name[:2] in name), members[i % len(members)])
            category = industry if any(w in name for w in ("厂房", "家电", "配件")) else farm
            wanted.append((cluster, name, village, category, Decimal(rng.randint(20, 90))))
    others = [c for c in clusters if c not in special.values()]
    remaining = PROJECT_COUNT - len(wanted)
    counts = [1] * len(others)
    for _n in range(remaining - len(others)):
        counts[rng.randrange(len(others))] += 1
    for cluster, count in zip(others, counts, strict=True):
        members = members_of[cluster.pk]
        seen = set()
        for _n in range(count):
            while True:
                village = rng.choice(members)
                name = rng.choice(GENERIC_PROJECTS).format(v=village.name, a=f"{cluster.town.short_name}{cluster.name}")
                if name not in seen:
                    break
            seen.add(name)
            wanted.append((cluster, name, village, industry if "厂房" in name else farm,
                           Decimal(rng.randint(5, 60)) if rng.random() < 0.7 else None))
    stages = [Stage.PREPARATION, Stage.STARTED, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING]
    projects = []
    for n, (cluster, name, village, category, _income) in enumerate(wanted, start=1):
        stage = rng.choices(stages, [25, 15, 35, 10, 15])[0]
        start = year - rng.randint(0, 2) if stage != Stage.PREPARATION else year + rng.randint(0, 1)
        projects.append(Project(
            # A prefix of its own keeps these out of the registry's TJ<year>-NNNNN sequence.
            code=f"TJC{year}-{n:04d}", name=name, owner=cluster.town, town=cluster.town, department=department,
            category=category, nature=Nature.GOVERNMENT, level=Level.ORDINARY,
            content=f"{cluster.town.name}{cluster.name}组团发展项目，由{village.name}承接实施。",
            total_investment=Decimal(rng.randint(8, 300) * 10), start_year=start, end_year=start + rng.randint(0, 2),
            address=f"{cluster.town.name}{village.name}", land_area=Decimal(rng.randint(2, 60)), stage=stage,
            is_demo=True, created_by=office,
        ))
    Project.objects.bulk_create(projects)
    ClusterProject.objects.bulk_create([
        ClusterProject(cluster=cluster, project=project, village=village, expected_income=income)
        for (cluster, _name, village, _category, income), project in zip(wanted, projects, strict=True)
    ])

    # Collective operating income of every member village, three years; 匡堰南部 grew over 20%.
    incomes = []
    south = {v.pk for v in members_of[special[("匡堰", "南部片区")].pk]}
    for vs in villages_by_town.values():
        for village in vs:
            value = Decimal(rng.randint(60, 400))
            for y in (year - 3, year - 2, year - 1):
                incomes.append(VillageIncome(village=village, year=y, operating_income=value))
                rate = Decimal(rng.randint(21, 27)) if village.pk in south else Decimal(rng.randint(-5, 18))
                value = (value * (1 + rate / 100)).quantize(Decimal("0.01"))
    VillageIncome.objects.bulk_create(incomes)

    _xinpu_company(ctx, special[("新浦", "东部片区")], members_of)
    _xufu_company(ctx, special[("龙山", "徐福片区")], members_of)
    _kuangyan_company(ctx, special[("匡堰", "南部片区")], members_of)
    ctx.data["clusters"] = {"xinpu": special[("新浦", "东部片区")], "xufu": special[("龙山", "徐福片区")],
                            "kuangyan_south": special[("匡堰", "南部片区")]}


def _xinpu_company(ctx, cluster, members_of) -> None:
    """The seed's example: five villages fund a project development company; shares by the
    weighted proportion of land, funds and population; 220万 a year to distribute."""
    office, year = ctx.users["office"], ctx.year
    company = services.company_create(
        cluster=cluster, name="慈溪市新浦镇东部片区项目开发有限公司", registered_capital=Decimal(1000),
        established=dt.date(year - 1, 3, 18), legal_representative="杨建华",
        business_scope="片区一、二期项目用地合计23.5亩，一期建设标准厂房1.5万平方米，引入智能家电、汽车配件项目，预计每年为片区带来收入220万元。",
        is_demo=True, by=office,
    )
    villages = {v.name: v for v in members_of[cluster.pk]}
    for name, land, cash, population in XINPU_EAST:
        holder = services.shareholder_add(company=company, name=f"{name}股份经济合作社", kind=ShareholderKind.VILLAGE,
                                          village=villages[name], by=office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.LAND, quantity=Decimal(land),
                                  valuation=Decimal(land) * 30, by=office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.CASH, quantity=Decimal(cash), by=office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.POPULATION, quantity=Decimal(population), by=office)
    rule = services.rule_create(
        company=company, method=AllocationMethod.WEIGHTED,
        weights={"land": Decimal("0.5"), "cash": Decimal("0.4"), "population": Decimal("0.1")},
        guaranteed_rate=Decimal(5), effective_from=dt.date(year - 1, 4, 1), approved_by="东部片区五村股东代表大会",
        approved_on=dt.date(year - 1, 3, 25), document_number="新浦东片股〔%s〕1号" % (year - 1), by=office,
    )
    services.allocation_compute(rule=rule, by=office)
    services.company_income_record(company=company, year=year - 1, operating_income=Decimal(265),
                                   distributable=Decimal(220), note="一期厂房租金及物业收入", by=office)
    services.distribution_compute(company=company, year=year - 1, method=DistributionMethod.BY_SHARE, by=office)


def _xufu_company(ctx, cluster, members_of) -> None:
    """Enclave pooling: the three villages know what each coalition would earn; Shapley shares."""
    office, year = ctx.users["office"], ctx.year
    company = services.company_create(
        cluster=cluster, name="慈溪市龙山镇徐福片区强村发展有限公司", registered_capital=Decimal(1500),
        established=dt.date(year - 2, 6, 1), legal_representative="徐国良",
        business_scope="徐福、田央、筋竹三村“飞地抱团”，统一建设、统一经营片区物业和展示区，收益按股分配。",
        is_demo=True, by=office,
    )
    villages = {v.name: v for v in members_of[cluster.pk]}
    holders = {}
    for name, cash in (("徐福村", 700), ("田央村", 450), ("筋竹村", 350)):
        holders[name] = services.shareholder_add(company=company, name=f"{name}股份经济合作社",
                                                 kind=ShareholderKind.VILLAGE, village=villages[name], by=office)
        services.contribution_set(shareholder=holders[name], kind=ContributionKind.CASH, quantity=Decimal(cash), by=office)
    x, t, j = (holders[n].pk for n in ("徐福村", "田央村", "筋竹村"))
    rule = services.rule_create(company=company, method=AllocationMethod.SHAPLEY, effective_from=dt.date(year - 2, 1, 1),
                                approved_by="徐福片区三村成员代表大会", approved_on=dt.date(year - 2, 12, 20),
                                document_number="龙徐片〔%s〕3号" % (year - 2), by=office)
    incomes = {frozenset({x}): 300, frozenset({t}): 120, frozenset({j}): 80, frozenset({x, t}): 520,
               frozenset({x, j}): 440, frozenset({t, j}): 240, frozenset({x, t, j}): 820}
    services.coalition_incomes_set(rule=rule, incomes={k: Decimal(v) for k, v in incomes.items()}, by=office)
    services.allocation_compute(rule=rule, by=office)
    for y, income, distributable in ((year - 2, 690, 560), (year - 1, 842, 700)):
        services.company_income_record(company=company, year=y, operating_income=Decimal(income),
                                       distributable=Decimal(distributable), by=office)
        services.distribution_compute(company=company, year=y, method=DistributionMethod.BY_SHARE, by=office)


def _kuangyan_company(ctx, cluster, members_of) -> None:
    """Three villages' collectives and the town's agricultural service centre; land counted as
    equity at its valuation, a 5% guaranteed dividend first."""
    office, year = ctx.users["office"], ctx.year
    company = services.company_create(
        cluster=cluster, name="慈溪市匡堰镇忆山文旅发展有限公司", registered_capital=Decimal(800),
        established=dt.date(year - 2, 9, 1), legal_representative="孙立平",
        business_scope="运营南部片区高山露营基地、山顶精品民宿和“全域秀美乡村”旅游线路。", is_demo=True, by=office,
    )
    villages = {v.name: v for v in members_of[cluster.pk]}
    for name, land, value, cash in (("倡隆村", 8, 96, 120), ("乾炳村", 10, 120, 80), ("岗墩村", 12, 144, 60)):
        holder = services.shareholder_add(company=company, name=f"{name}股份经济合作社", kind=ShareholderKind.VILLAGE,
                                          village=villages[name], by=office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.LAND, quantity=Decimal(land),
                                  valuation=Decimal(value), by=office)
        services.contribution_set(shareholder=holder, kind=ContributionKind.CASH, quantity=Decimal(cash), by=office)
    platform = services.shareholder_add(company=company, name="匡堰镇农业服务中心", kind=ShareholderKind.TOWN, by=office)
    services.contribution_set(shareholder=platform, kind=ContributionKind.CASH, quantity=Decimal(180), by=office)
    rule = services.rule_create(company=company, method=AllocationMethod.LAND_EQUITY, guaranteed_rate=Decimal(5),
                                effective_from=dt.date(year - 2, 10, 1), approved_by="忆山文旅股东会",
                                approved_on=dt.date(year - 2, 9, 20), by=office)
    services.allocation_compute(rule=rule, by=office)
    services.company_income_record(company=company, year=year - 1, operating_income=Decimal(156),
                                   distributable=Decimal(120), by=office)
    services.distribution_compute(company=company, year=year - 1, method=DistributionMethod.GUARANTEED_FIRST, by=office)
