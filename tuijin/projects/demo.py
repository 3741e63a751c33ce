"""About 600 plausible Cixi projects across the libraries and stages, with node progress,
the three libraries, the frozen start-of-year plan and its adjusted version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tuijin.core.demo import DemoContext
from tuijin.lib.bulk import bulk_save
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit

from .choices import EntryAction, EntryStatus, Level, LibraryKind, Nature, NodeStatus, PlanCategory, Stage
from .models import (
    Category,
    EntryEvent,
    IndustryChain,
    LibraryEntry,
    NodeTemplate,
    PlanEntry,
    Project,
    StageChange,
    TaskForceMember,
)
from .reference import load_reference_data
from .services.libraries import even_split, library_for, plan_freeze, working_version
from .services.lifecycle import nodes_instantiate
from .services.split import split_values
from .signals import plan_lines_changed

PRODUCTS = {
    "智能家电": ["智能厨电", "洗碗机", "空气净化器", "小家电", "智能马桶", "新风系统"],
    "高端轴承": ["精密轴承", "汽车轮毂轴承", "风电轴承", "机器人减速器轴承"],
    "汽车零部件": ["新能源汽车电机", "汽车线束", "热管理系统", "汽车座椅骨架"],
    "新材料": ["高性能膜材料", "碳纤维复合材料", "电子级化学品", "光学薄膜"],
    "生命健康": ["医疗器械", "生物医药原料", "康复辅具"],
    "数字经济": ["工业互联网平台", "智能传感器", "数据中心"],
    "新能源": ["光伏组件", "储能电池", "氢能装备"],
}
PLACES_INFRA = ["潮塘江", "三北大街", "新城大道", "开发大道", "北三环", "环城南路", "慈东大道", "明州大道"]
RIVERS = ["潮塘江", "四灶浦", "淞浦江", "东横河", "漾山河", "周家路江"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕志刚晓东立新红梅"


CHAIN_BY_KEYWORD = [
    ("轴承", "高端轴承"), ("机械", "高端轴承"), ("汽车", "汽车零部件"), ("材料", "新材料"), ("新材", "新材料"),
    ("生物", "生命健康"), ("医药", "生命健康"), ("食品", "生命健康"), ("新能源", "新能源"), ("光电", "新能源"),
    ("电器", "智能家电"), ("家电", "智能家电"), ("厨电", "智能家电"), ("电子", "数字经济"), ("数智", "数字经济"),
    ("智能", "数字经济"),
]


def chain_of(owner, chains):
    """An enterprise's industry chain follows its trade, so its project names make sense."""
    for keyword, chain in CHAIN_BY_KEYWORD:
        if keyword in owner.name:
            return chains[chain]
    return None


def _name(ctx, town_short: str, category: str, chain: str | None, owner) -> str:
    rng = ctx.rng
    if category == "产业":
        product = rng.choice(PRODUCTS[chain])
        form = rng.choice(["年产{n}万台（套）{p}项目", "{p}智能制造基地建设项目", "{p}数字化车间技改项目", "{p}产业化项目（{k}期）"])
        company = owner.short_name
        return company + form.format(n=rng.choice([10, 20, 50, 100, 200, 300]), p=product, k=rng.choice("一二三"))
    if category == "基础设施":
        return rng.choice(
            [
                f"{rng.choice(PLACES_INFRA)}（{town_short}段）改建工程",
                f"{town_short}污水管网提标改造工程",
                f"{town_short}220千伏输变电工程",
                f"{rng.choice(PLACES_INFRA)}快速路工程（{rng.choice('一二三')}标段）",
                f"{town_short}供水管网改造工程",
            ]
        )
    if category == "社会民生":
        return rng.choice(
            [
                f"{town_short}中心幼儿园新建工程",
                f"{town_short}卫生院迁建工程",
                f"{town_short}安置小区（{rng.choice('一二三四')}期）",
                f"{town_short}初级中学扩建工程",
                f"{town_short}居家养老服务中心",
                f"{town_short}文体中心建设工程",
            ]
        )
    if category == "生态环保":
        return rng.choice(
            [
                f"{rng.choice(RIVERS)}（{town_short}段）综合整治工程",
                f"{town_short}生活垃圾分类处理中心",
                f"{town_short}海塘安澜提标工程",
                f"{town_short}美丽河湖建设工程",
            ]
        )
    if category == "农业农村":
        return rng.choice(
            [
                f"{town_short}高标准农田建设项目",
                f"{town_short}现代农业园区提升工程",
                f"{town_short}未来乡村建设项目",
                f"{town_short}农产品冷链物流中心",
            ]
        )
    return rng.choice(
        [f"{town_short}城中村改造项目", f"{town_short}老旧小区改造工程", f"{town_short}老街有机更新项目", f"{town_short}商业综合体项目"]
    )


def _amount(rng, low: int, high: int) -> Decimal:
    """A log-uniform amount in 万元 rounded like ledgers round it."""
    value = 10 ** rng.uniform(len(str(low)) - 1 + (low / 10 ** (len(str(low)) - 1) - 1) / 9, len(str(high)) - 1)
    value = max(low, min(high, value))
    step = 100 if value > 10000 else 10
    return Decimal(int(value // step * step))


# stage → (library, plan category or None), weights
PROFILE = [
    (Stage.IDEA, LibraryKind.RESERVE, None, 150),
    (Stage.PREPARATION, LibraryKind.RESERVE, None, 40),
    (Stage.PREPARATION, LibraryKind.ROLLING, None, 90),
    (Stage.PREPARATION, LibraryKind.ANNUAL, PlanCategory.PREPARATION, 30),
    (Stage.PREPARATION, LibraryKind.ANNUAL, PlanCategory.READY, 25),
    (Stage.PREPARATION, LibraryKind.ANNUAL, PlanCategory.NEW, 35),
    (Stage.STARTED, LibraryKind.ANNUAL, PlanCategory.NEW, 45),
    (Stage.CONSTRUCTION, LibraryKind.ANNUAL, PlanCategory.CONTINUING, 120),
    (Stage.CONSTRUCTION, LibraryKind.ANNUAL, PlanCategory.COMPLETING, 30),
    (Stage.COMPLETED, LibraryKind.ANNUAL, PlanCategory.COMPLETING, 15),
    (Stage.OPERATING, "", None, 20),
]


def load(ctx: DemoContext) -> None:
    load_reference_data()
    rng = ctx.rng
    year = ctx.year
    today = ctx.today
    categories = {c.name: c for c in Category.objects.all()}
    chains = list(IndustryChain.objects.all())
    chains_by_name = {c.name: c for c in chains}
    templates = {t.name: t for t in NodeTemplate.objects.all()}
    towns = list(Unit.objects.filter(kind__in=[UnitKind.STREET, UnitKind.TOWN, UnitKind.AREA]))
    departments = {u.short_name: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    soes = list(Unit.objects.filter(kind=UnitKind.SOE))
    enterprises = ctx.data["enterprises"]
    leaders = [ctx.users["leader"], ctx.users["leader2"]]
    office = ctx.users["office"]
    dept_for = {
        "产业": "经信局", "基础设施": "交通运输局", "社会民生": "住建局", "生态环保": "生态环境局",
        "农业农村": "农业农村局", "城市更新": "住建局",
    }
    category_weights = [("产业", 45), ("基础设施", 18), ("社会民生", 14), ("生态环保", 8), ("农业农村", 8), ("城市更新", 7)]
    libraries = {kind: library_for(kind, year) for kind in LibraryKind.values}
    version = working_version(year)
    profile_choices = [p[:3] for p in PROFILE]
    profile_weights = [p[3] for p in PROFILE]
    owner_user_unit = ctx.users["owner"].unit
    plan_rows = []
    seq = 0
    names_seen: dict[str, int] = {}
    for i in range(600):
        stage, library_kind, plan_category = rng.choices(profile_choices, profile_weights)[0]
        category_name = rng.choices([c for c, _ in category_weights], [w for _, w in category_weights])[0]
        town = rng.choice(towns)
        if category_name == "产业":
            nature = Nature.ENTERPRISE
            # the demo owner gets a handful of projects in its own town
            owner = owner_user_unit if i % 40 == 0 else rng.choice(enterprises)
            chain = chain_of(owner, chains_by_name) or rng.choice(chains)
            total = _amount(rng, 5000, 800000)
            template = templates["工业技改项目"] if rng.random() < 0.25 else templates["企业投资项目"]
        else:
            nature = Nature.PPP if rng.random() < 0.06 else Nature.GOVERNMENT
            owner = rng.choice(soes) if rng.random() < 0.6 else town
            chain = None
            total = _amount(rng, 3000, 300000)
            template = templates["政府投资项目"]
        if i % 40 == 0:
            town = ctx.units["匡堰"] if i % 80 == 0 else ctx.units["龙山"]
        duration = 1 + min(4, int(total / 60000) + rng.randint(0, 2))
        if stage in (Stage.IDEA,):
            start_year = year + rng.randint(1, 4)
        elif stage == Stage.PREPARATION:
            start_year = year if library_kind == LibraryKind.ANNUAL else year + rng.randint(1, 2)
        elif stage == Stage.STARTED:
            start_year = year
        elif plan_category == PlanCategory.COMPLETING:
            start_year = year - duration + 1
        elif stage in (Stage.COMPLETED, Stage.OPERATING):
            start_year = year - duration - rng.randint(0, 2)
        else:
            start_year = year - rng.randint(1, 3)
        end_year = start_year + duration - 1
        if plan_category == PlanCategory.CONTINUING:
            end_year = max(end_year, year + 1)
        if plan_category == PlanCategory.COMPLETING:
            end_year = year
        seq += 1  # noqa: SIM113  (the sequence number of the project code, kept beside the loop's own index)
        level = rng.choices([Level.PROVINCIAL, Level.NINGBO, Level.CITY], [6, 20, 74])[0]
        if total > 300000:
            level = Level.PROVINCIAL
        name = _name(ctx, town.short_name, category_name, chain and chain.name, owner)
        for _attempt in range(6):  # a ledger does not list the same name twice: draw again
            if name not in names_seen:
                break
            name = _name(ctx, town.short_name, category_name, chain and chain.name, owner)
        used = names_seen.get(name, 0)
        names_seen[name] = used + 1
        if used:
            name = f"{name}（{town.short_name}{'东西南北中'[min(used - 1, 4)]}片）"
        has_code = stage != Stage.IDEA or rng.random() < 0.2
        project = Project(
            code=f"TJ{start_year if start_year <= year else year}-{seq:05d}",
            national_code=(
                f"{str(start_year - 1)[2:]}{rng.randint(1, 12):02d}-330282-{rng.choice(['04', '07', '89', '44'])}-"
                f"{rng.choice(['01', '02', '03'])}-{100000 + seq * 7 + rng.randint(0, 6):06d}"
                if has_code
                else ""
            ),
            name=name,
            owner=owner,
            town=town,
            department=departments[dept_for[category_name]],
            leader=rng.choice(leaders) if total > 50000 or rng.random() < 0.3 else None,
            category=categories[category_name],
            industry_chain=chain,
            nature=nature,
            level=level,
            content=_content(rng, category_name, total),
            total_investment=total,
            start_year=start_year,
            end_year=end_year,
            address=f"{town.name}{rng.choice(['工业园区', '中心区', '滨海片区', '北部片区', '南部片区'])}",
            latitude=Decimal("30.17") + Decimal(rng.randint(-900, 900)) / 10000,
            longitude=Decimal("121.27") + Decimal(rng.randint(-2000, 2000)) / 10000,
            land_area=Decimal(rng.randint(5, 400)) if stage != Stage.IDEA or rng.random() < 0.5 else None,
            stage=stage,
            library=library_kind,
            template=template,
            is_demo=True,
            created_by=office,
        )
        project.save()
        nodes_instantiate(project=project, start=dt.date(start_year, 1, 1) - dt.timedelta(days=240))
        _progress_nodes(rng, project, today)
        _task_force(rng, project)
        _libraries(ctx, project, library_kind, libraries, office)
        if library_kind == LibraryKind.ANNUAL:
            plan_rows.append((project, plan_category, total, start_year))
    _plan(ctx, version, libraries[LibraryKind.ANNUAL], plan_rows)
    ctx.data["plan_year"] = year


def _content(rng, category: str, total: Decimal) -> str:
    area = rng.randint(2, 30) * 1000
    if category == "产业":
        return f"新建厂房及配套用房约{area}平方米，购置先进生产设备{rng.randint(50, 400)}台（套），建成后形成规模化产能。"
    if category == "基础设施":
        return f"道路及管网全长约{rng.randint(2, 18)}公里，同步实施排水、照明、绿化等配套工程。"
    if category == "社会民生":
        return f"总建筑面积约{area}平方米，含主体建筑、地下室及室外配套。"
    if category == "生态环保":
        return f"整治河道{rng.randint(3, 20)}公里，建设生态护岸、截污纳管及沿线绿道。"
    if category == "农业农村":
        return f"建设高标准农田{rng.randint(1, 10)}千亩，配套灌排、机耕路及数字化管理设施。"
    return f"改造建筑面积约{area}平方米，完善公共服务配套。"


def _progress_nodes(rng, project: Project, today: dt.date) -> None:
    """Mark the nodes done that a project at its stage has passed, with real-looking dates."""
    stage_rank = Stage.order(project.stage)
    nodes = list(project.nodes.select_related("node_type").order_by("order"))
    changed = []
    for node in nodes:
        gate = node.node_type.gates_stage or node.node_type.stage
        needed_by = Stage.order(gate)
        done = needed_by <= stage_rank
        if project.stage == Stage.PREPARATION and node.node_type.stage == Stage.PREPARATION:
            done = rng.random() < 0.55
        if project.stage == Stage.IDEA and node.node_type.stage == Stage.IDEA:
            done = rng.random() < 0.3
        if node.node_type.code == "registration" and project.stage == Stage.STARTED:
            done = rng.random() < 0.5
        if done:
            actual = min(node.planned_date + dt.timedelta(days=rng.randint(-20, 25)), today - dt.timedelta(days=1))
            node.status = NodeStatus.DONE
            node.actual_date = actual
            if node.node_type.is_approval:
                node.document_number = f"慈{node.node_type.name[:2]}〔{actual.year}〕{rng.randint(1, 400)}号"
        else:
            if node.due_date and node.due_date < today and rng.random() < 0.85:
                # most late nodes have been re-planned; the rest stay overdue
                node.planned_date = node.due_date = today + dt.timedelta(days=rng.randint(10, 150))
            if node.planned_date and node.planned_date <= today + dt.timedelta(days=60) and rng.random() < 0.5:
                node.status = NodeStatus.IN_PROGRESS
        node.is_overdue = not node.is_finished and node.due_date is not None and node.due_date < today
        changed.append(node)
    bulk_save(changed, ["status", "actual_date", "document_number", "is_overdue", "planned_date", "due_date"])
    if stage_rank > 0:
        StageChange.objects.create(project=project, from_stage=Stage.IDEA, to_stage=project.stage, by=project.created_by,
                                   reason="演示数据：历史阶段")


def _task_force(rng, project: Project) -> None:
    members = [("专班组长", project.department), ("业主联系人", project.owner), ("属地联络员", project.town)]
    TaskForceMember.objects.bulk_create(
        [
            TaskForceMember(
                project=project,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                unit=unit,
                duty=duty,
                phone=f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}",
                order=i,
            )
            for i, (duty, unit) in enumerate(members)
        ]
    )


def _libraries(ctx, project: Project, kind: str, libraries, office) -> None:
    """The project's path through the libraries up to where it now stands."""
    if not kind:
        return
    path = [LibraryKind.RESERVE, LibraryKind.ROLLING, LibraryKind.ANNUAL]
    path = path[: path.index(kind) + 1]
    now = timezone.now()
    rng = ctx.rng
    for level in path:
        top = level == kind
        status = EntryStatus.ADMITTED if top else EntryStatus.PROMOTED
        if top and level == LibraryKind.RESERVE and project.stage == Stage.IDEA:
            status = rng.choices(
                [EntryStatus.ADMITTED, EntryStatus.SUBMITTED, EntryStatus.FIRST_REVIEWED, EntryStatus.RETURNED], [80, 10, 6, 4]
            )[0]
        entry = LibraryEntry.objects.create(
            library=libraries[level], project=project, status=status,
            source=rng.choice(["镇街道谋划", "部门谋划", "招商引资", "党校集中谋划"]) if level == LibraryKind.RESERVE else "",
            submitted_at=now, admitted_at=now if status in (EntryStatus.ADMITTED, EntryStatus.PROMOTED) else None,
            reason="请补充用地预审意见" if status == EntryStatus.RETURNED else "",
        )
        events = [EntryEvent(entry=entry, action=EntryAction.SUBMIT, to_status=EntryStatus.SUBMITTED, by=office)]
        if status in (EntryStatus.ADMITTED, EntryStatus.PROMOTED, EntryStatus.FIRST_REVIEWED):
            events.append(EntryEvent(entry=entry, action=EntryAction.FIRST_REVIEW, from_status=EntryStatus.SUBMITTED,
                                     to_status=EntryStatus.FIRST_REVIEWED, by=office))
        if status in (EntryStatus.ADMITTED, EntryStatus.PROMOTED):
            events.append(EntryEvent(entry=entry, action=EntryAction.FINAL_REVIEW, from_status=EntryStatus.FIRST_REVIEWED,
                                     to_status=EntryStatus.ADMITTED, by=office))
        if status == EntryStatus.RETURNED:
            events.append(EntryEvent(entry=entry, action=EntryAction.RETURN, from_status=EntryStatus.SUBMITTED,
                                     to_status=EntryStatus.RETURNED, by=office, reason=entry.reason))
        EntryEvent.objects.bulk_create(events)
    if project.library and LibraryEntry.objects.filter(project=project, status=EntryStatus.ADMITTED).count() == 0:
        project.library = ""
        project.save(update_fields=["library"])


def _plan(ctx, version, library, rows) -> None:
    """The annual plan: adopted (frozen) at the start of the year, then adjusted."""
    rng = ctx.rng
    year = ctx.year
    written = []
    for project, category, total, start_year in rows:
        years_left = max(1, project.end_year - max(start_year, year) + 1)
        elapsed = max(0, year - start_year)
        opening = (total * Decimal(elapsed) / Decimal(elapsed + years_left) * Decimal(rng.uniform(0.8, 1.0))).quantize(Decimal(1))
        planned = ((total - opening) / years_left * Decimal(rng.uniform(0.8, 1.2))).quantize(Decimal(10))
        planned = max(Decimal(100), min(planned, total - opening)) if total > opening else Decimal(0)
        if category in (PlanCategory.PREPARATION,):
            planned = Decimal(0)
        start_month = rng.randint(2, 9) if category in (PlanCategory.NEW, PlanCategory.READY) else None
        entry = PlanEntry.objects.create(
            version=version,
            library_entry=LibraryEntry.objects.get(project=project, library=library),
            project=project,
            category=category,
            planned_investment=planned,
            opening_cumulative=opening,
            progress_target=_target(rng, category),
            planned_start_month=start_month,
            planned_completion=f"{project.end_year}-{rng.randint(6, 12):02d}",
            **split_values(_seasonal_split(planned, start_month or 1)),
        )
        written.append(entry.pk)
    plan_lines_changed.send(sender=PlanEntry, entry_ids=written)
    plan_freeze(year=year, by=ctx.users["office"])
    # Mid-year adjustment: some plans cut, some raised.
    adjusted = list(PlanEntry.objects.filter(version__year=year, version__is_frozen=False).order_by("pk"))
    adjusted = rng.sample(adjusted, min(25, len(adjusted)))
    for entry in adjusted:
        factor = Decimal(rng.choice(["0.6", "0.8", "1.2", "1.5"]))
        new_total = (entry.planned_investment * factor).quantize(Decimal(10))
        entry.planned_investment = new_total
        entry.note = "年中调整"
        for name, amount in split_values(_seasonal_split(new_total, entry.planned_start_month or 1)).items():
            setattr(entry, name, amount)
        entry.save()
    plan_lines_changed.send(sender=PlanEntry, entry_ids=[entry.pk for entry in adjusted])


def _seasonal_split(total: Decimal, first_month: int) -> dict[int, Decimal]:
    """A split with the construction season's shape (slow in the Spring Festival, strong in Q2–Q4)."""
    weights = {1: 4, 2: 3, 3: 7, 4: 8, 5: 9, 6: 11, 7: 8, 8: 8, 9: 10, 10: 9, 11: 10, 12: 13}
    months = list(range(first_month, 13))
    weight_sum = sum(weights[m] for m in months)
    split = {m: (total * weights[m] / weight_sum).quantize(Decimal(1)) for m in months}
    split[12] += total - sum(split.values())
    if split[12] < 0:
        return even_split(total, first_month)
    return split


def _target(rng, category: str) -> str:
    return {
        PlanCategory.NEW: rng.choice(["开工建设，完成基础工程", "主体结构开工", "完成桩基及地下室施工"]),
        PlanCategory.CONTINUING: rng.choice(["主体结顶", "完成主体工程70%", "设备安装调试", "完成路基及管网"]),
        PlanCategory.COMPLETING: rng.choice(["竣工验收", "完工并投入使用", "竣工投产"]),
        PlanCategory.READY: "完成前期手续，具备开工条件",
        PlanCategory.PREPARATION: rng.choice(["完成可研批复", "完成用地预审", "完成立项及环评"]),
    }[category]
