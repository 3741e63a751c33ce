"""Reads spanning several tables, for the pages: overview figures, library boards, a
project's history and its four lists (四张清单)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of, scope_projects

from .choices import REVIEW_QUEUE_STATUSES, LibraryKind, NodeStatus, Stage
from .models import LibraryEntry, Node, PlanEntry, PlanVersion, Project, TaskForceMember

ZERO = Decimal(0)


def visible_projects(user) -> QuerySet[Project]:
    return scope_projects(user, Project.objects.alive())


def my_projects_filter(user) -> tuple[str, int] | None:
    """The list filter naming 'my projects' for a role: (parameter, value), or None."""
    role = role_of(user)
    if role == Role.TOWN and user.unit_id:
        return "town", user.unit_id
    if role == Role.DEPARTMENT and user.unit_id:
        return "department", user.unit_id
    if role == Role.OWNER and user.unit_id:
        return "owner", user.unit_id
    if role == Role.LEADER:
        return "leader", user.pk
    return None


# ---------------------------------------------------------------- overview


@dataclass
class Overview:
    libraries: list[dict]
    stages: list[dict]
    total_count: int
    total_investment: Decimal
    plan_year: int
    plan_total: Decimal
    plan_count: int
    plan_adopted_total: Decimal | None
    overdue_nodes: int
    review_queue: int | None
    mine: list[Project] = field(default_factory=list)
    mine_filter: tuple[str, int] | None = None
    mine_count: int = 0


def overview(user) -> Overview:
    """Figures for the home page, within what ``user`` may see; 'mine' by role."""
    projects = visible_projects(user)
    mine_filter = my_projects_filter(user)
    scope = projects.filter(**{f"{mine_filter[0]}_id": mine_filter[1]}) if mine_filter else projects
    by_library = {
        row["library"]: row
        for row in scope.order_by().values("library").annotate(n=Count("pk"), total=Sum("total_investment"))
    }
    libraries = [
        {
            "kind": kind,
            "label": label,
            "count": by_library.get(kind, {}).get("n", 0),
            "total": by_library.get(kind, {}).get("total") or ZERO,
        }
        for kind, label in LibraryKind.choices
    ]
    by_stage = {row["stage"]: row["n"] for row in scope.order_by().values("stage").annotate(n=Count("pk"))}
    stages = [{"stage": s, "label": label, "count": by_stage.get(s, 0)} for s, label in Stage.choices]
    total_count = sum(r["n"] for r in by_library.values())
    total_investment = sum((r["total"] or ZERO for r in by_library.values()), ZERO)
    year = timezone.localdate().year
    versions = list(PlanVersion.objects.filter(year=year).order_by("number"))
    working = next((v for v in reversed(versions) if not v.is_frozen), versions[-1] if versions else None)
    adopted = next((v for v in versions if v.is_frozen), None)
    plan_totals = {
        row["version_id"]: row
        for row in PlanEntry.objects.filter(version__in=[v for v in (working, adopted) if v], project__in=scope)
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"), total=Sum("planned_investment"))
    }
    working_row = plan_totals.get(working.pk, {}) if working else {}
    overdue = Node.objects.filter(is_overdue=True, project__in=scope).count()
    review = None
    if role_of(user) == Role.OFFICE:
        review = LibraryEntry.objects.filter(status__in=REVIEW_QUEUE_STATUSES).count()
    result = Overview(
        libraries=libraries,
        stages=stages,
        total_count=total_count,
        total_investment=total_investment,
        plan_year=year,
        plan_total=working_row.get("total") or ZERO,
        plan_count=working_row.get("n", 0),
        plan_adopted_total=(plan_totals.get(adopted.pk, {}).get("total") or ZERO) if adopted else None,
        overdue_nodes=overdue,
        review_queue=review,
        mine_filter=mine_filter,
    )
    if mine_filter:
        result.mine = list(scope.with_related().order_by("-total_investment")[:8])
        result.mine_count = total_count
    return result


# ---------------------------------------------------------------- library boards


def board(user) -> list[dict]:
    """For each library: count and total investment by category and by stage, with the
    entries waiting for review."""
    projects = visible_projects(user).exclude(library="")
    by_category = defaultdict(list)
    for row in (
        projects.order_by("category__order")
        .values("library", "category_id", "category__name")
        .annotate(n=Count("pk"), total=Sum("total_investment"))
    ):
        by_category[row["library"]].append(row)
    by_stage = defaultdict(dict)
    for row in projects.order_by().values("library", "stage").annotate(n=Count("pk"), total=Sum("total_investment")):
        by_stage[row["library"]][row["stage"]] = row
    pending = defaultdict(int)
    for row in (
        LibraryEntry.objects.filter(
            status__in=REVIEW_QUEUE_STATUSES, library__is_current=True, project__in=visible_projects(user)
        )
        .order_by()
        .values("library__kind")
        .annotate(n=Count("pk"))
    ):
        pending[row["library__kind"]] = row["n"]
    cards = []
    for kind, label in LibraryKind.choices:
        categories = by_category.get(kind, [])
        stages = [
            {"stage": s, "label": slabel, **by_stage[kind][s]} for s, slabel in Stage.choices if s in by_stage[kind]
        ]
        cards.append(
            {
                "kind": kind,
                "label": label,
                "count": sum(r["n"] for r in categories),
                "total": sum((r["total"] or ZERO for r in categories), ZERO),
                "categories": categories,
                "stages": stages,
                "pending": pending[kind],
            }
        )
    return cards


def plan_versions(year: int, user) -> list[dict]:
    """The versions of a year's annual plan with their entry count and total."""
    versions = list(PlanVersion.objects.filter(year=year).select_related("frozen_by").order_by("number"))
    totals = {
        row["version_id"]: row
        for row in PlanEntry.objects.filter(version__year=year, project__in=visible_projects(user))
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"), total=Sum("planned_investment"))
    }
    return [
        {"version": v, "count": totals.get(v.pk, {}).get("n", 0), "total": totals.get(v.pk, {}).get("total") or ZERO}
        for v in versions
    ]


# ---------------------------------------------------------------- lifecycle


def blockers_by_stage(project: Project, nodes: list[Node]) -> dict[str, list[Node]]:
    """For every stage, the unfinished nodes that gate it or a stage before it — computed
    from the already-loaded node chain (services.lifecycle.stage_blockers does the same
    for one stage in the database)."""
    result = {}
    for target in Stage.values:
        order = Stage.order(target)
        result[target] = [
            n
            for n in nodes
            if n.node_type.gates_stage
            and Stage.order(n.node_type.gates_stage) <= order
            and n.status not in (NodeStatus.DONE, NodeStatus.SKIPPED)
        ]
    return result


# ---------------------------------------------------------------- four lists

#: Other apps add lines to the four lists (四张清单) shown on a project's page:
#: {"progress": [...], "problems": [...]}; each callable (project) -> list of (label, value, url or "").
FOUR_LISTS_HOOKS: dict[str, list[Callable[[Project], list[tuple[str, str, str]]]]] = {
    "tasks": [],
    "progress": [],
    "problems": [],
    "responsibilities": [],
}


def four_list_extras(project: Project) -> dict[str, list[tuple[str, str, str]]]:
    return {key: [line for hook in hooks for line in hook(project)] for key, hooks in FOUR_LISTS_HOOKS.items()}


# ---------------------------------------------------------------- history


@dataclass
class HistoryRow:
    entry: LogEntry
    object_label: str
    changes: list[tuple[str, str, str]]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.entry.action, self.entry.get_action_display()))


ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("added"),
    LogEntry.Action.UPDATE: gettext_lazy("changed"),
    LogEntry.Action.DELETE: gettext_lazy("removed"),
}
#: Bookkeeping fields not worth a line in the history.
HIDDEN_FIELDS = {"id", "order", "updated_at", "created_at"}


def _content_types(*models) -> dict:
    return ContentType.objects.get_for_models(*models)


def project_history(project: Project, limit: int = 300) -> list[HistoryRow]:
    """Every recorded change to the project, its plan entries (their monthly split too), nodes,
    library entries and task force: who, when, which field, before and after. A fixed number of
    queries whatever the length of the history."""
    types = _content_types(Project, PlanEntry, Node, LibraryEntry, TaskForceMember)
    pk = str(project.pk)
    query = (
        Q(content_type=types[Project], object_id=project.pk)
        | Q(content_type=types[PlanEntry], object_id__in=PlanEntry.objects.filter(project=project).values("pk"))
        | Q(content_type=types[Node], object_id__in=Node.objects.filter(project=project).values("pk"))
        | Q(content_type=types[LibraryEntry], object_id__in=LibraryEntry.objects.filter(project=project).values("pk"))
        | Q(content_type=types[TaskForceMember], object_id__in=TaskForceMember.objects.filter(project=project).values("pk"))
        # removed task force members no longer exist: find them by the project they belonged to
        | Q(content_type=types[TaskForceMember], action=LogEntry.Action.DELETE, changes__project__0=pk)
    )
    entries = list(
        LogEntry.objects.filter(query).select_related("actor", "content_type").order_by("-timestamp", "-pk")[:limit]
    )
    model_of = {ct.pk: model for model, ct in types.items()}
    # Resolve foreign-key values in one query per related model, not one per value.
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        model = model_of[entry.content_type_id]
        for name, values in (entry.changes or {}).items():
            fk = _fk(model, name)
            if fk is not None:
                wanted[fk.related_model].update(v for v in values if v not in (None, "None", ""))
    names: dict[type, dict[str, str]] = {}
    for related, keys in wanted.items():
        ids = [k for k in keys if str(k).isdigit()]
        names[related] = {str(obj.pk): str(obj) for obj in related._default_manager.filter(pk__in=ids)}
    rows = []
    for entry in entries:
        model = model_of[entry.content_type_id]
        changes = []
        for name, values in (entry.changes or {}).items():
            if name in HIDDEN_FIELDS or _derived(model, name):
                continue
            before, after = (list(values) + [None, None])[:2]
            label, before, after = _display(model, name, before, after, names)
            changes.append((label, before, after))
        rows.append(HistoryRow(entry, _object_label(model, entry), changes))
    return rows


def _field(model, name):
    """The model's field of a recorded change, or None for a field removed since."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _derived(model, name) -> bool:
    """A column the database computes from others (a plan line's running totals of its months):
    the months it follows are in the history already."""
    return bool(getattr(_field(model, name), "generated", False))


def _fk(model, name):
    field = _field(model, name)
    return field if getattr(field, "many_to_one", False) else None


def _display(model, name, before, after, names) -> tuple[str, str, str]:
    field = _field(model, name)
    if field is None:
        return name, _text(before), _text(after)
    label = str(getattr(field, "verbose_name", name))
    if getattr(field, "many_to_one", False):
        lookup = names.get(field.related_model, {})
        return label, lookup.get(str(before), _text(before)), lookup.get(str(after), _text(after))
    choices = dict(field.choices) if getattr(field, "choices", None) else None
    if choices:
        return label, str(choices.get(before, _text(before))), str(choices.get(after, _text(after)))
    if field.get_internal_type() == "DecimalField":
        return label, _number(before), _number(after)
    if field.get_internal_type() == "BooleanField":
        yes_no = {"True": "✓", "False": "✗", True: "✓", False: "✗"}
        return label, yes_no.get(before, _text(before)), yes_no.get(after, _text(after))
    return label, _text(before), _text(after)


def _number(value) -> str:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return _text(value)
    text = f"{number:,.4f}".rstrip("0").rstrip(".")
    return text


def _text(value) -> str:
    if value in (None, "None", ""):
        return "—"
    return str(value)


def _object_label(model, entry: LogEntry) -> str:
    if model is Project:
        return str(model._meta.verbose_name)
    return f"{model._meta.verbose_name} · {entry.object_repr}"
