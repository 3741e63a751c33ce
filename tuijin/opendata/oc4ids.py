"""The OC4IDS 0.9.5 project package of the disclosed projects.

One mapping serves the export command, /public/oc4ids.json and the public pages, so the
three always show the same facts (see docs/api.md for the field-by-field mapping). Nothing
internal is published: no people, phone numbers, task force, problems, lights or leaders.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Prefetch
from django.utils import timezone, translation

from tuijin.lib.bulk import chunks
from tuijin.lib.config import env
from tuijin.projects.choices import NodeStatus, ProjectStatus, Stage
from tuijin.projects.models import Node, NodeType, PlanEntry, Project, ProjectDocument, StageChange

from .selectors import PUBLIC_DOCUMENT_KINDS, disclosed_projects

OC4IDS_VERSION = "0.9"
SCHEMA_VERSION = "0.9.5"
TZ = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
PACKAGE_LANGUAGE = "zh-hans"

PREFIX = env(
    "TUIJIN_OC4IDS_PREFIX",
    "oc4ids-tuijin",
    help="Registered OC4IDS project identifier prefix (oc4ids-xxxxxx) of the publisher; "
    "project ids in the open-data package start with it.",
)
PUBLISHER = env(
    "TUIJIN_PUBLISHER_NAME",
    "",
    help="Publisher of the open data, e.g. 慈溪市发展和改革局. Default: the county name + 发展和改革局.",
)

#: Lifecycle stage → OC4IDS projectStatus (closed codelist).
STATUS = {
    Stage.IDEA: "identification",
    Stage.PREPARATION: "preparation",
    Stage.STARTED: "implementation",
    Stage.CONSTRUCTION: "implementation",
    Stage.COMPLETED: "completion",
    Stage.OPERATING: "maintenance",
    Stage.REVIEW: "maintenance",
}
#: Lifecycle stage → the OC4IDS period it falls in.
PERIOD = {
    Stage.IDEA: "identificationPeriod",
    Stage.PREPARATION: "preparationPeriod",
    Stage.STARTED: "implementationPeriod",
    Stage.CONSTRUCTION: "implementationPeriod",
    Stage.COMPLETED: "completionPeriod",
    Stage.OPERATING: "maintenancePeriod",
    Stage.REVIEW: "maintenancePeriod",
}
#: Node type code → OC4IDS milestoneCode.
MILESTONE_CODE = {
    "approval": "projectApproval",
    "start": "commencement",
    "acceptance": "completion",
    "operation": "commissioning",
}
#: Project document kind → OC4IDS documentType.
DOCUMENT_TYPE = {
    "proposal": "projectPlan",
    "feasibility": "feasibilityStudy",
    "approval": "budgetApproval",
    "land": "landAndSettlementImpact",
    "photo": "physicalProgressReport",
}
#: Category → OC4IDS projectSector, refined by words in the project's name.
SECTOR_BY_CATEGORY = {
    "产业": "economy",
    "基础设施": "transport",
    "社会民生": "governance",
    "生态环保": "naturalResources",
    "农业农村": "economy",
    "城市更新": "socialHousing",
}
SECTOR_BY_WORD = [
    (("学校", "中学", "小学", "幼儿园", "学院", "教育"), "education"),
    (("医院", "卫生", "康养", "医疗"), "health"),
    (("光伏", "风电", "储能"), "energy.solar"),
    (("输变电", "变电站", "电网", "能源"), "energy"),
    (("污水", "供水", "水厂", "管网", "垃圾"), "waterAndWaste"),
    (("海塘", "堤防", "防洪", "排涝", "闸"), "naturalResources.floodProtection"),
    (("公路", "大道", "路", "桥", "隧道"), "transport.road"),
    (("轨道", "铁路"), "transport.rail"),
    (("文化", "体育", "图书馆", "博物馆", "公园"), "cultureSportsAndRecreation"),
    (("安置", "保障房", "住房", "人才房"), "socialHousing"),
    (("5G", "数据中心", "通信"), "communications"),
]


def _at(day: dt.date | dt.datetime | None) -> str | None:
    """An OC4IDS date-time: dates at midnight Asia/Shanghai, datetimes in Asia/Shanghai."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return timezone.localtime(day, TZ).replace(microsecond=0).isoformat()
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ).isoformat()


def _end_of(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=TZ).isoformat()


def _yuan(wan: Decimal | None) -> dict | None:
    """OC4IDS amounts are in the currency's unit: 万元 × 10,000 = yuan (exact: 4 places)."""
    if wan is None:
        return None
    yuan = (Decimal(wan) * 10000).quantize(Decimal(1))
    return {"amount": int(yuan), "currency": CURRENCY}


@functools.cache
def _month_period(year: int, month: int) -> dict:
    """A month as an OC4IDS period. The same few dozen months recur in every release, so each
    is made once and the dict shared: nothing writes to it (``_drop_empty`` builds new dicts)."""
    last = calendar.monthrange(year, month)[1]
    return {"startDate": _at(dt.date(year, month, 1)), "endDate": _end_of(dt.date(year, month, last))}


def _year_period(start: int, end: int) -> dict:
    return {"startDate": _at(dt.date(start, 1, 1)), "endDate": _end_of(dt.date(end, 12, 31))}


def _drop_empty(value: Any) -> Any:
    """OC4IDS forbids empty strings, arrays and objects (minLength/minItems/minProperties).
    A release holds tens of thousands of values: only containers are walked into, and a value
    is tested for emptiness by its type, not compared with each kind of empty value."""
    if isinstance(value, dict):
        pairs = ((k, _drop_empty(v) if isinstance(v, _CONTAINERS) else v) for k, v in value.items())
        return {k: v for k, v in pairs if v is not None and not (isinstance(v, _SIZED) and not v)}
    if isinstance(value, list):
        items = (_drop_empty(v) if isinstance(v, _CONTAINERS) else v for v in value)
        return [v for v in items if v is not None and not (isinstance(v, _SIZED) and not v)]
    return value


_CONTAINERS = (dict, list)
_SIZED = (str, dict, list)


def publisher_name() -> str:
    return PUBLISHER or f"{settings.TUIJIN_COUNTY_NAME}发展和改革局"


def project_id(project: Project) -> str:
    return f"{PREFIX}-{project.code}"


def sector_of(project: Project) -> str:
    for words, code in SECTOR_BY_WORD:
        if any(w in project.name for w in words):
            return code
    return SECTOR_BY_CATEGORY.get(project.category.name, "economy")


def _periods(project: Project, changes: list[StageChange], today: dt.date) -> dict:
    """Each OC4IDS stage period from the stage changes: it starts when the project first
    entered a stage of that period and ends when it moved on to a later one."""
    timeline: list[tuple[str, dt.datetime]] = []
    first = changes[0].from_stage if changes else project.stage
    timeline.append((first, project.created_at))
    for change in changes:
        timeline.append((change.to_stage, change.at))
    periods: dict[str, dict] = {}
    for i, (stage, start) in enumerate(timeline):
        key = PERIOD[Stage(stage)]
        period = periods.setdefault(key, {"startDate": start})
        period.setdefault("startDate", start)
        later = [at for s, at in timeline[i + 1 :] if PERIOD[Stage(s)] != key]
        period["endDate"] = later[0] if later else None
    result = {}
    for key, period in periods.items():
        start, end = period["startDate"], period["endDate"]
        out = {"startDate": _at(start)}
        if end is not None and end >= start:
            out["endDate"] = _at(end)
            out["durationInDays"] = (timezone.localtime(end, TZ).date() - timezone.localtime(start, TZ).date()).days
        result[key] = out
    return result


def nodes_of(project_ids: list[int]) -> dict[int, list]:
    """Each project's lifecycle nodes in their order, as named tuples with their ``node_type``
    (the county's few dozen node types, read once): a package reads a dozen nodes per project,
    and two model instances per node were most of its time."""
    types = NodeType.objects.in_bulk()
    out: dict[int, list] = defaultdict(list)
    rows = (
        Node.objects.filter(project_id__in=project_ids)
        .order_by("order", "pk")
        .values_list("project_id", "node_type_id", "status", "due_date", "planned_date", "actual_date",
                     "document_number", named=True)
    )
    for row in rows:
        out[row.project_id].append((types[row.node_type_id], row))
    return out


def _milestones(nodes: Iterable[tuple], today: dt.date) -> list[dict]:
    items = []
    for node_type, node in nodes:
        if node.status == NodeStatus.SKIPPED:
            continue
        code = node_type.code
        due = node.due_date or node.planned_date
        if node.status == NodeStatus.DONE:
            status = "met"
        elif due and due < today:
            status = "notMet"
        else:
            status = "scheduled"
        if node_type.is_approval:
            kind = "approval"
        elif node_type.stage in (Stage.IDEA, Stage.PREPARATION):
            kind = "preProcurement"
        else:
            kind = "delivery"
        description = f"批复文号：{node.document_number}" if node.document_number else ""
        items.append(
            {
                "id": code,
                "title": node_type.name,
                "type": kind,
                "code": MILESTONE_CODE.get(code),
                "description": description,
                "dueDate": _at(due),
                "dateMet": _at(node.actual_date) if node.status == NodeStatus.DONE else None,
                "status": status,
            }
        )
    return items


def _latest_plan_entries(plan_entries: Iterable[PlanEntry]) -> list[PlanEntry]:
    """The newest version's line of each plan year."""
    best: dict[int, PlanEntry] = {}
    for entry in plan_entries:
        year = entry.version.year
        if year not in best or entry.version.number > best[year].version.number:
            best[year] = entry
    return [best[y] for y in sorted(best)]


def _reporting_model():
    """MonthlyReport when the reporting app is installed (imported lazily: opendata sits
    above it and must work without it)."""
    try:
        return apps.get_model("reporting", "MonthlyReport")
    except LookupError:
        return None


def confirmed_reports(project_ids: list[int]) -> dict[int, list]:
    """Confirmed monthly reports per project, oldest first. Drafts and reports still under
    verification are internal."""
    model = _reporting_model()
    out: dict[int, list] = defaultdict(list)
    if model is None or not project_ids:
        return out
    # "confirmed" is ReportStatus.CONFIRMED of the reporting app: the last step of verification.
    rows = model.objects.filter(project_id__in=project_ids, status="confirmed").order_by("year", "month")
    # Named tuples, not model instances: a province's package reads millions of reports.
    for report in rows.values_list("project_id", "year", "month", "amount", "progress", named=True):
        out[report.project_id].append(report)
    return out


def _funds(project_ids: list[int]) -> dict[int, list[dict]]:
    """Funding sources from the breakthroughs app when it has them (see its FundSource)."""
    from . import extensions

    return extensions.finance_for(project_ids)


def _metrics(reports: list) -> list[dict]:
    if not reports:
        return []
    money = []
    physical = []
    cumulative = Decimal(0)
    for r in reports:
        cumulative += r.amount
        oid = f"{r.year}-{r.month:02d}"
        money.append(
            {
                "id": oid,
                "period": _month_period(r.year, r.month),
                "value": _yuan(r.amount),
                "notes": f"本月完成投资 {r.amount:,.2f} 万元；累计 {cumulative:,.2f} 万元",
            }
        )
        if r.progress.strip():
            physical.append({"id": oid, "period": _month_period(r.year, r.month), "measure": r.progress.strip()})
    metrics = [{"id": "financialProgress", "title": "月度完成投资", "observations": money}]
    if physical:
        metrics.append({"id": "physicalProgress", "title": "月度形象进度", "observations": physical})
    return metrics


def _forecasts(plan: PlanEntry | None) -> list[dict]:
    if plan is None:
        return []
    year = plan.version.year
    months = [
        {"id": f"{year}-{month:02d}", "period": _month_period(year, month), "value": _yuan(amount)}
        for month, amount in plan.months().items()
    ]
    forecasts = []
    if months:
        forecasts.append({"id": "financialProgress", "title": f"{year}年计划投资（按月）", "observations": months})
    if plan.progress_target:
        forecasts.append(
            {
                "id": "physicalProgress",
                "title": f"{year}年形象进度目标",
                "observations": [{"id": str(year), "period": _year_period(year, year), "measure": plan.progress_target}],
            }
        )
    return forecasts


def _party(unit, roles: list[str]) -> dict:
    return {"id": f"unit-{unit.pk}", "name": unit.name, "roles": roles}


def _parties(project: Project, funders: list[dict]) -> list[dict]:
    parties: dict[int, dict] = {}

    def add(unit, role):
        if unit is None:
            return
        party = parties.setdefault(unit.pk, _party(unit, []))
        if role not in party["roles"]:
            party["roles"].append(role)

    add(project.owner, "publicAuthority")
    add(project.town, "administrativeEntity")
    add(project.department, "reviewBody")
    result = list(parties.values())
    for funder in funders:
        party = funder.get("party")
        if party and all(p["id"] != party["id"] for p in result):
            result.append({"id": party["id"], "name": party["name"], "roles": ["funder"]})
    if project.town:
        for party in result:
            if party["id"] == f"unit-{project.town_id}":
                party["address"] = {"region": settings.TUIJIN_COUNTY_NAME, "countryName": "中国"}
    return result


def _location(project: Project) -> list[dict]:
    if not (project.address or project.latitude is not None):
        return []
    location: dict[str, Any] = {"id": "1", "description": project.address}
    if project.latitude is not None and project.longitude is not None:
        location["geometry"] = {"type": "Point", "coordinates": [float(project.longitude), float(project.latitude)]}
    location["address"] = {
        "streetAddress": project.address,
        "locality": project.town.name if project.town else "",
        "region": settings.TUIJIN_COUNTY_NAME,
        "countryName": "中国",
    }
    return [location]


def _documents(project: Project, base_url: str) -> list[dict]:
    from django.urls import reverse

    docs = []
    for doc in project.documents.all():
        docs.append(
            {
                "id": str(doc.pk),
                "documentType": DOCUMENT_TYPE.get(doc.kind),
                "title": doc.title,
                "url": base_url + reverse("opendata:public_document", args=[project.pk, doc.pk]),
                "datePublished": _at(doc.uploaded_at),
                "language": "zh",
            }
        )
    return docs


def project_release(
    project: Project, *, base_url: str, today: dt.date, reports: list | None = None, funds: list[dict] | None = None,
    nodes: list | None = None,
) -> dict:
    """One project in OC4IDS form. Expects the prefetches of :func:`package_queryset`, and its
    nodes from :func:`nodes_of`."""
    changes = list(project.stage_changes.all())
    plan_entries = _latest_plan_entries(project.plan_entries.all())
    current_plan = next((p for p in reversed(plan_entries) if p.version.year == today.year), None)
    funds = funds or []
    status = "cancelled" if project.status == ProjectStatus.WITHDRAWN else STATUS[Stage(project.stage)]
    identifiers = [{"id": project.code, "scheme": "TUIJIN"}]
    if project.national_code:
        identifiers.append({"id": project.national_code, "scheme": "CN-TZXM"})
    budget: dict[str, Any] = {
        "description": f"总投资 {project.total_investment:,.2f} 万元（{project.get_nature_display()}）",
        "amount": _yuan(project.total_investment),
    }
    breakdown = [
        {
            "id": str(p.version.year),
            "description": f"{p.version.year}年度计划投资（{p.get_category_display()}）",
            "amount": _yuan(p.planned_investment),
            "period": _year_period(p.version.year, p.version.year),
            "approvalDate": _at(p.version.frozen_at) if p.version.is_frozen else None,
        }
        for p in plan_entries
    ]
    if breakdown:
        budget["budgetBreakdowns"] = [{"id": "annual-plan", "description": "年度计划投资", "budgetBreakdown": breakdown}]
    finance = [f["finance"] for f in funds if f.get("finance")]
    if finance:
        budget["finance"] = finance
    release: dict[str, Any] = {
        "id": project_id(project),
        "updated": _at(project.updated_at),
        "language": "zh",
        "identifiers": identifiers,
        "title": project.name,
        "description": project.content,
        "status": status,
        "type": "construction",
        "sector": [sector_of(project)],
        "publicAuthority": {"id": f"unit-{project.owner_id}", "name": project.owner.name},
        "parties": _parties(project, funds),
        "locations": _location(project),
        "budget": budget,
        "period": _year_period(project.start_year, project.end_year),
        "milestones": _milestones(nodes or [], today),
        "metrics": _metrics(reports or []),
        "forecasts": _forecasts(current_plan),
        "documents": _documents(project, base_url),
    }
    release.update(_periods(project, changes, today))
    if project.stage in (Stage.COMPLETED, Stage.OPERATING, Stage.REVIEW):
        done = next((c.at for c in reversed(changes) if c.to_stage == Stage.COMPLETED), None)
        total = sum((r.amount for r in (reports or [])), Decimal(0))
        release["completion"] = {
            "endDate": _at(done),
            "finalValue": _yuan(total) if reports else None,
            "finalValueDetails": "按已确认月报累计完成投资" if reports else None,
        }
    return _drop_empty(release)


def package_queryset(queryset=None):
    queryset = disclosed_projects() if queryset is None else queryset
    return queryset.select_related("owner", "town", "department", "category").prefetch_related(
        Prefetch("stage_changes", queryset=StageChange.objects.order_by("at", "pk")),
        Prefetch("plan_entries", queryset=PlanEntry.objects.select_related("version")),
        Prefetch(
            "documents",
            queryset=ProjectDocument.objects.filter(deleted_at__isnull=True, kind__in=PUBLIC_DOCUMENT_KINDS).order_by("pk"),
        ),
    )


def build_releases(projects: list[Project], *, base_url: str, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    ids = [p.pk for p in projects]
    reports = confirmed_reports(ids)
    nodes = nodes_of(ids)
    # The package is published in Chinese ("language": "zh"), whatever the reader's browser says.
    with translation.override(PACKAGE_LANGUAGE):
        funds = _funds(ids)
        return [
            project_release(p, base_url=base_url, today=today, reports=reports.get(p.pk), funds=funds.get(p.pk),
                            nodes=nodes.get(p.pk))
            for p in projects
        ]


#: Projects built per batch: memory stays flat and the prefetch queries' IN lists stay short.
BATCH = 500


def iter_releases(*, base_url: str, queryset=None, today: dt.date | None = None, batch: int = BATCH):
    """The releases of the package, in project-number order, built ``batch`` projects at a time."""
    queryset = disclosed_projects() if queryset is None else queryset
    ids = list(queryset.order_by("code").values_list("pk", flat=True))
    for chunk in chunks(ids, batch):
        projects = list(package_queryset(Project.objects.filter(pk__in=chunk)).order_by("code"))
        yield from build_releases(projects, base_url=base_url, today=today)


def package_metadata(*, base_url: str, queryset=None) -> dict:
    """Everything of the package but its projects."""
    from django.urls import reverse

    queryset = disclosed_projects() if queryset is None else queryset
    published = queryset.aggregate(last=Max("updated_at"))["last"] or timezone.now()
    return {
        "uri": base_url + reverse("opendata:oc4ids"),
        "publishedDate": _at(published),
        "publisher": {"name": publisher_name()},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": base_url + reverse("opendata:public_list"),
        "version": OC4IDS_VERSION,
    }


def build_package(*, base_url: str, queryset=None, today: dt.date | None = None) -> dict:
    """The whole package as one dict (a project's own package, tests). ``base_url`` (scheme and
    host) makes the URIs absolute. For every disclosed project use :func:`stream_package`."""
    return {
        **package_metadata(base_url=base_url, queryset=queryset),
        "projects": list(iter_releases(base_url=base_url, queryset=queryset, today=today)),
    }


def to_json(value) -> str:
    """Compact JSON, as published. With an indent, json falls back to its pure-Python encoder,
    which took a third of the package's time."""
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))


def stream_package(*, base_url: str, queryset=None, today: dt.date | None = None):
    """The package as JSON text in pieces, one release at a time: what /public/oc4ids.json and
    ``tuijin export-oc4ids`` send, in memory that does not grow with the number of projects."""
    head = to_json(package_metadata(base_url=base_url, queryset=queryset))
    yield head[:-1] + ',"projects":['
    for i, release in enumerate(iter_releases(base_url=base_url, queryset=queryset, today=today)):
        yield ("," if i else "") + to_json(release)
    yield "]}"
