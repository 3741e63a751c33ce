"""Reference data a county starts with: categories, industry chains, the node catalogue,
node templates by project kind and default gate criteria. The project office changes them
afterwards in the settings pages."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from .choices import LibraryKind, Stage
from .models import Category, GateCriterion, IndustryChain, NodeTemplate, NodeType, TemplateNode
from .models.lifecycle import ResponsibleParty as R

CATEGORIES = ["产业", "基础设施", "社会民生", "生态环保", "农业农村", "城市更新"]
CHAINS = ["智能家电", "高端轴承", "汽车零部件", "新材料", "生命健康", "数字经济", "新能源"]

# code, name, stage, gates stage, approval item, default days
NODE_TYPES = [
    ("signing", "签约", Stage.IDEA, "", False, 30),
    ("proposal", "项目建议书", Stage.IDEA, Stage.PREPARATION, True, 45),
    ("approval", "立项/备案", Stage.PREPARATION, Stage.STARTED, True, 20),
    ("land-pre", "用地预审与选址", Stage.PREPARATION, "", True, 30),
    ("land", "供地", Stage.PREPARATION, Stage.STARTED, False, 60),
    ("energy", "节能审查", Stage.PREPARATION, Stage.STARTED, True, 20),
    ("eia", "环评", Stage.PREPARATION, Stage.STARTED, True, 30),
    ("planning", "规划许可", Stage.PREPARATION, Stage.STARTED, True, 20),
    ("construction-permit", "施工许可", Stage.PREPARATION, Stage.STARTED, True, 15),
    ("start", "开工", Stage.STARTED, Stage.CONSTRUCTION, False, 30),
    ("registration", "入统", Stage.STARTED, "", False, 60),
    ("acceptance", "竣工验收", Stage.CONSTRUCTION, Stage.COMPLETED, True, 60),
    ("operation", "投产", Stage.COMPLETED, Stage.OPERATING, False, 90),
    ("post-review", "后评价", Stage.OPERATING, Stage.REVIEW, False, 180),
]

# template name, nature, [(node code, days, [predecessor codes], responsible)]
TEMPLATES = [
    (
        "企业投资项目",
        "enterprise",
        [
            ("signing", 30, [], R.TOWN),
            ("approval", 20, ["signing"], R.OWNER),
            ("land-pre", 30, ["signing"], R.DEPARTMENT),
            ("land", 60, ["land-pre"], R.DEPARTMENT),
            ("energy", 20, ["approval"], R.DEPARTMENT),
            ("eia", 30, ["approval"], R.DEPARTMENT),
            ("planning", 20, ["land"], R.DEPARTMENT),
            ("construction-permit", 15, ["planning", "energy", "eia"], R.DEPARTMENT),
            ("start", 30, ["construction-permit"], R.OWNER),
            ("registration", 60, ["start"], R.TOWN),
            ("acceptance", 540, ["start"], R.DEPARTMENT),
            ("operation", 90, ["acceptance"], R.OWNER),
        ],
    ),
    (
        "政府投资项目",
        "government",
        [
            ("proposal", 45, [], R.OWNER),
            ("approval", 30, ["proposal"], R.DEPARTMENT),
            ("land-pre", 30, ["proposal"], R.DEPARTMENT),
            ("eia", 30, ["approval"], R.DEPARTMENT),
            ("planning", 20, ["land-pre", "approval"], R.DEPARTMENT),
            ("construction-permit", 15, ["planning", "eia"], R.DEPARTMENT),
            ("start", 30, ["construction-permit"], R.OWNER),
            ("registration", 60, ["start"], R.TOWN),
            ("acceptance", 720, ["start"], R.DEPARTMENT),
            ("operation", 60, ["acceptance"], R.OWNER),
            ("post-review", 365, ["operation"], R.DEPARTMENT),
        ],
    ),
    (
        "工业技改项目",
        "",
        [
            ("approval", 15, [], R.OWNER),
            ("energy", 20, ["approval"], R.DEPARTMENT),
            ("construction-permit", 15, ["energy"], R.DEPARTMENT),
            ("start", 20, ["construction-permit"], R.OWNER),
            ("registration", 60, ["start"], R.TOWN),
            ("acceptance", 270, ["start"], R.DEPARTMENT),
            ("operation", 60, ["acceptance"], R.OWNER),
        ],
    ),
]


@transaction.atomic
def load_reference_data() -> None:
    """Create the default catalogue; existing entries are left as the office set them."""
    for i, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"order": i})
    for i, name in enumerate(CHAINS):
        IndustryChain.objects.get_or_create(name=name, defaults={"order": i})
    types = {}
    for i, (code, name, stage, gates, approval, days) in enumerate(NODE_TYPES):
        types[code], _ = NodeType.objects.get_or_create(
            code=code,
            defaults={"name": name, "stage": stage, "gates_stage": gates, "is_approval": approval, "default_days": days, "order": i},
        )
    for name, nature, items in TEMPLATES:
        template, created = NodeTemplate.objects.get_or_create(name=name, defaults={"nature": nature})
        if not created:
            continue
        made = {}
        for order, (code, days, preds, responsible) in enumerate(items):
            made[code] = TemplateNode.objects.create(
                template=template, node_type=types[code], order=order, time_limit_days=days, responsible=responsible
            )
            made[code].predecessors.set([made[p] for p in preds])
    if not GateCriterion.objects.exists():
        # Thresholds as in practice: industry ≥ 5000万, everything else ≥ 3000万 (domain-practice §2.1).
        GateCriterion.objects.create(library_kind=LibraryKind.RESERVE, min_total_investment=Decimal(3000), required_fields=["content"])
        industry = Category.objects.get(name="产业")
        GateCriterion.objects.create(library_kind=LibraryKind.RESERVE, category=industry, min_total_investment=Decimal(5000))
        GateCriterion.objects.create(library_kind=LibraryKind.ROLLING, required_fields=["content", "address", "land_area"])
        annual = GateCriterion.objects.create(library_kind=LibraryKind.ANNUAL, required_fields=["national_code"])
        annual.required_nodes.set([types["approval"]])
