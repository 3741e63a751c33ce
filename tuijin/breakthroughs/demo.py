"""Demo ledgers: funds for the annual-plan projects (with special-bond use plans), the
county's resource quotas with allocations and demand, and about 150 investment leads across
the funnel, some converted into reserve projects and some linked to projects under way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.core.demo import DemoContext
from tuijin.lib.bulk import bulk_save
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit
from tuijin.projects.choices import LibraryKind, Nature, NodeStatus, PlanCategory, Stage
from tuijin.projects.models import Category, IndustryChain, Node, NodeTemplate, PlanEntry, Project

from .choices import AllocationStatus, FundKind, LeadSource, LeadStage, ResourceKind
from .models import (
    BondUseMonth,
    FundSource,
    Lead,
    LeadStageChange,
    ResourceAllocation,
    ResourceDemand,
    ResourceQuota,
)
from .selectors.common import current_version_id
from .services.attraction import lead_convert

Q4 = Decimal("0.0001")


def _round(value: Decimal, step: int = 10) -> Decimal:
    return (value / step).quantize(Decimal(1)) * step


def load(ctx: DemoContext) -> None:
    _start_nodes(ctx)
    _funds(ctx)
    _resources(ctx)
    _leads(ctx)


# ------------------------------------------------------------------ starts


def _start_nodes(ctx: DemoContext) -> None:
    """New-start projects of the plan that have started carry the date of their 开工 node,
    around their planned start month, so the starts panel has real dates to measure."""
    rng = ctx.rng
    year = ctx.year
    entries = PlanEntry.objects.filter(
        version_id=current_version_id(year), category=PlanCategory.NEW, project__is_demo=True,
        project__stage__in=[Stage.STARTED, Stage.CONSTRUCTION],
    ).values_list("project_id", "planned_start_month")
    months = dict(entries)
    nodes = list(Node.objects.filter(project_id__in=months, node_type__code="start"))
    for node in nodes:
        month = months[node.project_id] or rng.randint(2, 9)
        planned = dt.date(year, month, 15)
        actual = planned + dt.timedelta(days=rng.choice([-12, -5, 0, 6, 14, 25, 40, 75]))
        node.planned_date = planned
        node.due_date = planned + dt.timedelta(days=30)
        node.actual_date = min(actual, ctx.today - dt.timedelta(days=1))
        node.status = NodeStatus.DONE
        node.is_overdue = False
    bulk_save(nodes, ["planned_date", "due_date", "actual_date", "status", "is_overdue"])


# ------------------------------------------------------------------ funds


def _funds(ctx: DemoContext) -> None:
    rng = ctx.rng
    year = ctx.year
    today = ctx.today
    entries = list(
        PlanEntry.objects.filter(version_id=current_version_id(year), project__is_demo=True)
        .select_related("project").order_by("pk")
    )
    sources: list[FundSource] = []
    bond_plans: list[tuple[int, Decimal, Decimal, int]] = []  # (index, approved, spent share, first month)
    for entry in entries:
        project = entry.project
        total = project.total_investment
        if project.nature == Nature.ENTERPRISE:
            kinds = [(FundKind.SELF_RAISED, Decimal("0.6"))]
            if rng.random() < 0.5:
                kinds.append((FundKind.BANK_LOAN, Decimal("0.3")))
            if rng.random() < 0.08:
                kinds.append((FundKind.ULTRA_LONG_BOND, Decimal("0.05")))
        else:
            kinds = [(FundKind.BUDGET, Decimal("0.3"))]
            if rng.random() < 0.45:
                kinds.append((FundKind.SPECIAL_BOND, Decimal("0.4")))
            if rng.random() < 0.18:
                kinds.append((FundKind.CENTRAL_BUDGET, Decimal("0.1")))
            if rng.random() < 0.12:
                kinds.append((FundKind.ULTRA_LONG_BOND, Decimal("0.15")))
            if rng.random() < 0.15:
                kinds.append((FundKind.POLICY_LOAN, Decimal("0.2")))
        for kind, share in kinds:
            applied = _round(total * share * Decimal(str(rng.uniform(0.7, 1.1))))
            if applied <= 0:
                continue
            approved_ratio = {FundKind.SELF_RAISED: 1.0, FundKind.BUDGET: rng.uniform(0.8, 1.0)}.get(kind, rng.uniform(0.5, 1.0))
            if kind in (FundKind.CENTRAL_BUDGET, FundKind.ULTRA_LONG_BOND) and rng.random() < 0.25:
                approved_ratio = 0.0  # still under review upstairs
            approved = _round(applied * Decimal(str(approved_ratio)))
            received = _round(approved * Decimal(str(rng.uniform(0.4, 1.0)))) if approved else Decimal(0)
            spent_share = Decimal(str(rng.uniform(0.3, 1.0)))
            spent = _round(received * spent_share) if received else Decimal(0)
            applied_on = dt.date(year, rng.randint(1, 4), rng.randint(1, 28))
            approved_on = applied_on + dt.timedelta(days=rng.randint(20, 120)) if approved else None
            if approved_on and approved_on >= today:
                approved_on = today - dt.timedelta(days=3)
            title = {
                FundKind.SPECIAL_BOND: f"{year}年第{rng.choice('一二三四')}批新增专项债券",
                FundKind.CENTRAL_BUDGET: f"{year}年中央预算内投资（{rng.choice(['第一批', '第二批'])}）",
                FundKind.ULTRA_LONG_BOND: f"{year}年超长期特别国债（{rng.choice(['“两重”建设', '“两新”设备更新'])}）",
                FundKind.POLICY_LOAN: rng.choice(["国家开发银行项目贷款", "农业发展银行项目贷款"]),
                FundKind.BANK_LOAN: rng.choice(["工商银行固定资产贷款", "宁波银行项目贷款", "农商银行技改贷款"]),
                FundKind.BUDGET: "市级财政预算安排",
                FundKind.SELF_RAISED: "企业自有资金",
            }[kind]
            if kind == FundKind.SPECIAL_BOND and approved:
                # some bonds lag their use plan badly
                spent_share = Decimal(str(rng.choice([0.95, 0.9, 0.85, 0.8, 0.5, 0.35])))
                received = approved
                bond_plans.append((len(sources), approved, spent_share, (approved_on or applied_on).month))
                spent = Decimal(0)
            sources.append(FundSource(
                project=project, kind=kind, year=year, title=title, applied=applied, approved=approved,
                received=received, spent=spent, applied_on=applied_on, approved_on=approved_on,
                received_on=approved_on + dt.timedelta(days=rng.randint(5, 30)) if received and approved_on else None,
                spent_as_of=today.replace(day=1) - dt.timedelta(days=1) if spent else None,
                document_number=f"慈财债〔{year}〕{rng.randint(1, 90)}号" if kind == FundKind.SPECIAL_BOND else "",
                is_demo=True,
            ))
    FundSource.objects.bulk_create(sources)
    months = []
    for index, approved, spent_share, first in bond_plans:
        source = sources[index]
        span = list(range(min(first + 1, 12), 13))
        per = _round(approved / len(span))
        plan = dict.fromkeys(span, per)
        plan[span[-1]] += approved - per * len(span)
        if plan[span[-1]] < 0:
            plan = {12: approved}
        to_date = sum((a for m, a in plan.items() if m <= ctx.today.month), Decimal(0))
        source.spent = min(source.received, _round(to_date * spent_share))
        source.spent_as_of = ctx.today
        months.extend(BondUseMonth(source=source, year=year, month=m, amount=a) for m, a in plan.items() if a)
    FundSource.objects.bulk_update([sources[i] for i, *_ in bond_plans], ["spent", "spent_as_of"])
    BondUseMonth.objects.bulk_create(months)


# ------------------------------------------------------------------ resources


QUOTAS = {ResourceKind.LAND: Decimal(3000), ResourceKind.ENERGY: Decimal(60000), ResourceKind.EMISSION: Decimal(420)}


def _resources(ctx: DemoContext) -> None:
    rng = ctx.rng
    year = ctx.year
    units = ctx.units
    managing = {ResourceKind.LAND: units.get("自然资源和规划局"), ResourceKind.ENERGY: None,
                ResourceKind.EMISSION: units.get("生态环境局")}
    quotas = {}
    for kind, amount in QUOTAS.items():
        quotas[kind] = ResourceQuota.objects.create(
            kind=kind, year=year, amount=amount, managing_unit=managing[kind], is_demo=True,
            note="年度下达指标" if kind == ResourceKind.LAND else "",
        )
        ResourceQuota.objects.create(kind=kind, year=year - 1, amount=amount * Decimal("0.9"),
                                     allocated=amount * Decimal("0.9") * Decimal("0.97"), managing_unit=managing[kind],
                                     is_demo=True)
    # Demand is recorded for this year's plan projects that still need elements secured.
    projects = list(
        Project.objects.filter(is_demo=True, stage__in=[Stage.PREPARATION, Stage.STARTED], library=LibraryKind.ANNUAL,
                               land_area__isnull=False).select_related("category").order_by("pk")
    )
    demands, allocations = [], []
    allocated = {kind: Decimal(0) for kind in QUOTAS}
    office = ctx.users["office"]
    for project in projects:
        industrial = project.category.name == "产业"
        needs = {ResourceKind.LAND: min(Decimal(project.land_area), Decimal(rng.randint(8, 120)))}
        if industrial:
            needs[ResourceKind.ENERGY] = Decimal(rng.randint(2, 60) * 50)
            if rng.random() < 0.4:
                needs[ResourceKind.EMISSION] = Decimal(rng.randint(1, 12))
        for kind, need in needs.items():
            demands.append(ResourceDemand(project=project, kind=kind, amount=need, is_demo=True))
            if project.stage == Stage.STARTED:
                share = Decimal(1)
            else:
                share = Decimal(str(rng.choice([0, 0, 0.5, 1, 1])))
            give = (need * share).quantize(Decimal(1))
            if give <= 0 or allocated[kind] + give > QUOTAS[kind] * Decimal("0.92"):
                continue
            allocated[kind] += give
            allocations.append(ResourceAllocation(
                quota=quotas[kind], project=project, kind=kind, amount=give,
                allocated_on=dt.date(year, rng.randint(1, max(1, ctx.today.month - 1)), rng.randint(1, 28)),
                document_number=f"慈{'自然资源' if kind == ResourceKind.LAND else '发改' if kind == ResourceKind.ENERGY else '环'}"
                                f"〔{year}〕{rng.randint(1, 300)}号",
                status=AllocationStatus.ACTIVE, by=office, is_demo=True,
            ))
    ResourceDemand.objects.bulk_create(demands)
    ResourceAllocation.objects.bulk_create(allocations)
    for kind, quota in quotas.items():
        quota.allocated = allocated[kind]
        quota.save(update_fields=["allocated"])


# ------------------------------------------------------------------ leads

INVESTORS = [
    ("上海", "上海澜芯半导体有限公司"), ("深圳", "深圳锐拓智能科技有限公司"), ("杭州", "杭州云驰数字科技有限公司"),
    ("苏州", "苏州精锐轴承装备有限公司"), ("德国", "德国博腾精密机械集团"), ("日本", "日本东和电装株式会社"),
    ("宁波", "宁波甬新材料科技有限公司"), ("合肥", "合肥储能动力有限公司"), ("北京", "北京中科医疗器械有限公司"),
    ("广州", "广州智家电器有限公司"), ("无锡", "无锡新能光伏科技有限公司"), ("台湾", "台湾鸿准精密工业有限公司"),
    ("上海", "上海临港汽车电子有限公司"), ("成都", "成都天府生物医药有限公司"), ("慈溪", "慈商回归投资有限公司"),
]
PRODUCTS = {
    "智能家电": ["高端厨电", "智能小家电", "新风净化设备"], "高端轴承": ["精密轴承", "机器人关节轴承"],
    "汽车零部件": ["新能源汽车电控", "一体化压铸件", "汽车热管理"], "新材料": ["电子级膜材料", "碳纤维复合材料"],
    "生命健康": ["高端医疗器械", "体外诊断试剂"], "数字经济": ["智能传感器", "工业软件"], "新能源": ["储能电池", "光伏组件"],
}
STAGE_WEIGHTS = [
    (LeadStage.LEAD, 38), (LeadStage.NEGOTIATION, 34), (LeadStage.SIGNED, 20), (LeadStage.REGISTERED, 14),
    (LeadStage.LAND, 12), (LeadStage.STARTED, 16), (LeadStage.PRODUCTION, 12),
]


def _brand(investor: str) -> str:
    """The trade name inside a company name: 上海澜芯半导体有限公司 → 澜芯."""
    for city in ("上海", "深圳", "杭州", "苏州", "德国", "日本", "宁波", "合肥", "北京", "广州", "无锡", "台湾", "成都", "慈商"):
        investor = investor.removeprefix(city)
    return investor[:2]


def _leads(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    chains = list(IndustryChain.objects.all())
    towns = list(Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.AREA, UnitKind.STREET]))
    commerce = ctx.units.get("商务局") or Unit.objects.filter(kind=UnitKind.DEPARTMENT).first()
    office = ctx.users["office"]
    running = list(
        Project.objects.filter(is_demo=True, category__name="产业",
                               stage__in=[Stage.STARTED, Stage.CONSTRUCTION, Stage.OPERATING]).order_by("pk")
    )
    rng.shuffle(running)
    leads, changes = [], []
    stages = [s for s, _ in STAGE_WEIGHTS]
    weights = [w for _, w in STAGE_WEIGHTS]
    for i in range(150):
        stage = rng.choices(stages, weights)[0]
        rank = LeadStage.order(stage)
        linked = running.pop() if rank >= LeadStage.order(LeadStage.STARTED) and running else None
        chain = (linked.industry_chain if linked else None) or rng.choice(chains)
        origin, investor = rng.choice(INVESTORS)
        town = linked.town if linked and linked.town else (ctx.units["匡堰"] if i % 12 == 0 else rng.choice(towns))
        amount = linked.total_investment if linked else Decimal(rng.choice([3000, 5000, 8000, 12000, 20000, 30000, 50000, 100000]))
        name = linked.name if linked else f"{_brand(investor)}{rng.choice(PRODUCTS[chain.name])}项目"
        # Dates: a few months per stage, ending at or before today.
        days_per = [rng.randint(20, 120) for _ in range(rank)]
        first = today - dt.timedelta(days=sum(days_per) + rng.randint(5, 60))
        dates = [first]
        for d in days_per:
            dates.append(dates[-1] + dt.timedelta(days=d))
        lead = Lead(
            name=name, investor=linked.owner.name if linked else investor, investor_origin=origin,
            source=rng.choice(LeadSource.values), industry_chain=chain, intended_amount=amount,
            responsible_unit=commerce if rng.random() < 0.35 else town, town=town, stage=stage,
            stage_since=dates[-1], first_contact_on=first,
            signed_on=dates[LeadStage.order(LeadStage.SIGNED)] if rank >= LeadStage.order(LeadStage.SIGNED) else None,
            started_on=dates[LeadStage.order(LeadStage.STARTED)] if rank >= LeadStage.order(LeadStage.STARTED) else None,
            contact=f"{rng.choice('王李张刘陈杨周吴')}总", project=linked, created_by=office, is_demo=True,
            note=f"意向用地约{rng.randint(20, 150)}亩，拟建设{rng.choice(PRODUCTS[chain.name])}生产线。",
        )
        leads.append((lead, dates))
    Lead.objects.bulk_create([lead for lead, _ in leads])
    for lead, dates in leads:
        previous = ""
        for s, on in zip(stages[: LeadStage.order(lead.stage) + 1], dates, strict=True):
            changes.append(LeadStageChange(lead=lead, from_stage=previous, to_stage=s, on=on, by=office))
            previous = s
    LeadStageChange.objects.bulk_create(changes)
    # Some recently signed leads have already become reserve projects.
    category = Category.objects.get(name="产业")
    template = NodeTemplate.objects.filter(name="企业投资项目").first()
    signed = [
        lead for lead, _ in leads
        if lead.stage in (LeadStage.REGISTERED, LeadStage.LAND) and lead.project_id is None and lead.intended_amount >= 5000
    ]
    for lead in signed[:9]:
        lead_convert(
            lead=lead, by=office, category=category, nature=Nature.ENTERPRISE, start_year=ctx.year + 1,
            end_year=ctx.year + 3, department=ctx.units.get("经信局"), template=template,
        )
    Project.objects.filter(attraction_lead__isnull=False, is_demo=False).update(is_demo=True)
