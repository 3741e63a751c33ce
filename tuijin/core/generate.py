"""A reproducible synthetic province for benchmarks: `tuijin generate --projects N --years Y`.

Writes, in bulk (COPY on PostgreSQL): territorial units and owners, projects across the
libraries and stages, their library entries, the annual plan with its monthly split, node
chains with progress, and Y years of monthly reports. Apps above add their own rows
(problems, lights, leads …) through ``tuijin/<app>/generate.py`` with ``generate(ctx)``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tuijin.lib.bulk import analyze, bulk_insert, next_id, reset_sequence
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit
from tuijin.orgs.reference import load_units
from tuijin.projects.choices import EntryStatus, LibraryKind, Nature, NodeStatus, PlanCategory, Stage
from tuijin.projects.models import (
    Category,
    LibraryEntry,
    Node,
    NodeTemplate,
    PlanEntry,
    Project,
)
from tuijin.projects.reference import load_reference_data
from tuijin.projects.services.libraries import library_for, working_version
from tuijin.projects.services.split import split_values
from tuijin.projects.signals import plan_lines_changed

SEASON = [4, 3, 7, 8, 9, 11, 8, 8, 10, 9, 10, 13]
STAGES = [
    (Stage.IDEA, LibraryKind.RESERVE, None, 25),
    (Stage.PREPARATION, LibraryKind.ROLLING, None, 20),
    (Stage.PREPARATION, LibraryKind.ANNUAL, PlanCategory.NEW, 10),
    (Stage.STARTED, LibraryKind.ANNUAL, PlanCategory.NEW, 8),
    (Stage.CONSTRUCTION, LibraryKind.ANNUAL, PlanCategory.CONTINUING, 30),
    (Stage.CONSTRUCTION, LibraryKind.ANNUAL, PlanCategory.COMPLETING, 5),
    (Stage.OPERATING, "", None, 2),
]


@dataclass
class GenerateContext:
    rng: random.Random
    today: dt.date
    years: int
    project_ids: list[int] = field(default_factory=list)
    annual_ids: list[int] = field(default_factory=list)
    towns: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: the synthetic project office's user (author of generated problems, leads, events)
    office_id: int | None = None
    #: projects that have started (stage 开工 or later): the ones that report monthly
    started_ids: list[int] = field(default_factory=list)
    #: project id → (town id, total investment, start year)
    facts: dict[int, tuple[int, Decimal, int]] = field(default_factory=dict)


def generate(*, projects: int, years: int = 5, seed: int = 2026, today: dt.date | None = None, progress=None) -> GenerateContext:
    ctx = GenerateContext(rng=random.Random(seed), today=today or timezone.localdate(), years=years)
    say = progress or (lambda message: None)
    with transaction.atomic():
        load_units()
        load_reference_data()
        _units(ctx, projects)
        say(f"units: {len(ctx.towns)} towns")
        _projects(ctx, projects)
        say(f"projects: {projects}, nodes: {ctx.counts['nodes']}")
        _plan(ctx)
        say(f"plan entries: {ctx.counts['plan_entries']}")
        for config in apps.get_app_configs():
            if config.name.startswith("tuijin.") and config.name not in ("tuijin.core",):
                try:
                    module = importlib.import_module(f"{config.name}.generate")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.generate":
                        raise
                    continue
                module.generate(ctx)
                say(f"{config.label}: done")
    analyze()  # fresh planner statistics for what was just loaded
    return ctx



def _units(ctx: GenerateContext, projects: int) -> None:
    """A province has ~90 counties of ~20 towns: one town per ~50 projects, at least Cixi's."""
    towns = list(Unit.objects.territorial().values_list("pk", flat=True))
    wanted = max(len(towns), projects // 50)
    start = next_id(Unit)
    rows = []
    for i in range(len(towns), wanted):
        rows.append({"id": start + len(rows), "name": f"合成{i // 20 + 1:03d}县第{i % 20 + 1:02d}镇", "short_name": f"合成{i}",
                     "kind": UnitKind.TOWN, "code": "", "aliases": [], "order": i, "is_active": True, "is_demo": True})
    owners = max(20, projects // 20)
    for i in range(owners):
        rows.append({"id": start + len(rows), "name": f"合成业主{i:05d}有限公司", "short_name": f"业主{i:05d}",
                     "kind": UnitKind.ENTERPRISE, "code": "", "aliases": [], "order": i, "is_active": True, "is_demo": True})
    bulk_insert(Unit, rows, with_pk=True)
    reset_sequence(Unit)
    ctx.towns = list(Unit.objects.territorial().values_list("pk", flat=True))
    ctx.counts["owners"] = owners
    from tuijin.orgs.choices import Role
    from tuijin.orgs.models import User

    office = Unit.objects.filter(short_name="发改局").first() or Unit.objects.filter(kind=UnitKind.COUNTY).first()
    user, _ = User.objects.get_or_create(
        username="synthetic-office",
        defaults={"role": Role.OFFICE, "full_name": "合成项目办", "unit": office, "is_demo": True},
    )
    ctx.office_id = user.pk


def _projects(ctx: GenerateContext, count: int) -> None:
    rng = ctx.rng
    year = ctx.today.year
    categories = list(Category.objects.values_list("pk", flat=True))
    departments = list(Unit.objects.departments().values_list("pk", flat=True))
    owners = list(Unit.objects.filter(kind=UnitKind.ENTERPRISE).values_list("pk", flat=True))
    template = NodeTemplate.objects.get(name="企业投资项目")
    items = list(template.items.select_related("node_type").order_by("order"))
    profiles = [p[:3] for p in STAGES]
    weights = [p[3] for p in STAGES]
    first = next_id(Project)
    first_node = next_id(Node)
    libraries = {k: library_for(k, year) for k in LibraryKind.values}
    now = timezone.now()
    projects, entries, nodes = [], [], []
    for i in range(count):
        pid = first + i
        stage, library, plan_category = rng.choices(profiles, weights)[0]
        start_year = year - rng.randint(0, 3) if Stage.order(stage) >= Stage.order(Stage.STARTED) else year + rng.randint(0, 3)
        total = Decimal(rng.randint(30, 50000) * 100)
        projects.append({
            "id": pid, "code": f"GEN{pid:08d}", "national_code": "", "name": f"合成项目{pid:07d}",
            "owner_id": rng.choice(owners), "town_id": rng.choice(ctx.towns), "department_id": rng.choice(departments),
            "category_id": rng.choice(categories), "nature": Nature.ENTERPRISE, "level": "city",
            "total_investment": total, "start_year": start_year, "end_year": start_year + rng.randint(1, 4),
            "stage": stage, "status": "active", "library": library, "template_id": template.pk, "is_disclosed": True,
            "is_demo": True, "created_at": now, "updated_at": now,
        })
        if library:
            entries.append({"library_id": libraries[library].pk, "project_id": pid, "status": EntryStatus.ADMITTED,
                            "submitted_at": now, "admitted_at": now, "updated_at": now})
            if plan_category:
                ctx.annual_ids.append(pid)
        ctx.project_ids.append(pid)
        ctx.facts[pid] = (projects[-1]["town_id"], total, start_year)
        if Stage.order(stage) >= Stage.order(Stage.STARTED):
            ctx.started_ids.append(pid)
        begin = dt.date(start_year, 1, 1) - dt.timedelta(days=240)
        for item in items:
            planned = begin + dt.timedelta(days=item.time_limit_days * (item.order + 1) // 2)
            passed = Stage.order(item.node_type.gates_stage or item.node_type.stage) <= Stage.order(stage)
            overdue = not passed and planned < ctx.today and rng.random() < 0.2
            if not passed and planned < ctx.today and not overdue:
                planned = ctx.today + dt.timedelta(days=rng.randint(5, 200))
            nodes.append({
                "id": first_node + len(nodes), "project_id": pid, "node_type_id": item.node_type_id, "order": item.order,
                "status": NodeStatus.DONE if passed else NodeStatus.PENDING, "planned_date": planned, "due_date": planned,
                "actual_date": planned if passed else None, "responsible_unit_id": None, "is_overdue": overdue,
            })
    bulk_insert(Project, projects, with_pk=True)
    reset_sequence(Project)
    bulk_insert(LibraryEntry, entries)
    bulk_insert(Node, nodes, with_pk=True)
    reset_sequence(Node)
    ctx.counts["nodes"] = len(nodes)
    ctx.counts["projects"] = count


def _plan(ctx: GenerateContext) -> None:
    rng = ctx.rng
    year = ctx.today.year
    version = working_version(year)
    annual = library_for(LibraryKind.ANNUAL, year)
    entry_ids = dict(LibraryEntry.objects.filter(library=annual).values_list("project_id", "pk"))
    totals = dict(Project.objects.filter(pk__in=ctx.annual_ids).values_list("pk", "total_investment"))
    first = next_id(PlanEntry)
    plan_rows = []
    for i, pid in enumerate(ctx.annual_ids):
        planned = (totals[pid] / Decimal(rng.randint(2, 5))).quantize(Decimal(10))
        plan_rows.append({"id": first + i, "version_id": version.pk, "library_entry_id": entry_ids[pid], "project_id": pid,
                          "category": PlanCategory.CONTINUING, "planned_investment": planned,
                          "opening_cumulative": (totals[pid] - planned) / 2, "planned_start_month": None})
        share = planned / sum(SEASON)
        split = [(share * w).quantize(Decimal(1)) for w in SEASON]
        split[11] += planned - sum(split)
        plan_rows[-1].update(split_values(dict(enumerate(split, start=1))))
    bulk_insert(PlanEntry, plan_rows, with_pk=True)
    reset_sequence(PlanEntry)
    plan_lines_changed.send(sender=PlanEntry, entry_ids=None)  # the split was written with the lines
    ctx.counts["plan_entries"] = len(plan_rows)
