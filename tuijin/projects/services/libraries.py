"""The three libraries: gates, the entry workflow, the versioned annual plan and the roll-over."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.bulk import insert_select
from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.lib.locking import claim_version
from tuijin.orgs import policy

from ..choices import (
    REVIEW_QUEUE_STATUSES,
    EntryAction,
    EntryStatus,
    LibraryKind,
    NodeStatus,
    PlanCategory,
    Stage,
)
from ..models import (
    EntryEvent,
    GateCriterion,
    Library,
    LibraryEntry,
    PlanEntry,
    PlanVersion,
    Project,
)
from ..models.libraries import SPLIT_FIELDS
from ..signals import plan_lines_changed
from .split import split_values

logger = logging.getLogger(__name__)

#: The library a project must be admitted to before it can enter each library.
LOWER = {LibraryKind.ROLLING: LibraryKind.RESERVE, LibraryKind.ANNUAL: LibraryKind.ROLLING}
LIVE_STATUSES = (EntryStatus.ADMITTED, EntryStatus.WITHDRAWAL_REQUESTED)


# ---------------------------------------------------------------- libraries


def reserve_period(year: int) -> tuple[int, int]:
    """Five-year plan periods: 2021–2025, 2026–2030 …"""
    start = year - ((year - 2021) % 5)
    return start, start + 4


def library_for(kind: str, year: int) -> Library:
    """The library of ``kind`` covering ``year``, created on first use."""
    if kind == LibraryKind.RESERVE:
        start, end = reserve_period(year)
    elif kind == LibraryKind.ROLLING:
        start, end = year, year + 2
    else:
        start = end = year
    library, _created = Library.objects.get_or_create(kind=kind, start_year=start, defaults={"end_year": end})
    return library


def current_library(kind: str) -> Library:
    found = Library.objects.filter(kind=kind, is_current=True).order_by("-start_year").first()
    return found or library_for(kind, timezone.localdate().year)


# ---------------------------------------------------------------- gates


def gate_check(project: Project, library_kind: str) -> list[str]:
    """Everything ``project`` lacks to enter a library of ``library_kind``, in words."""
    missing: list[str] = []
    criteria = GateCriterion.objects.filter(library_kind=library_kind, is_active=True).prefetch_related(
        "required_nodes"
    )
    done = set(
        project.nodes.filter(status__in=[NodeStatus.DONE, NodeStatus.SKIPPED]).values_list("node_type_id", flat=True)
    )
    for criterion in criteria:
        if criterion.category_id and criterion.category_id != project.category_id:
            continue
        if criterion.min_total_investment is not None and project.total_investment < criterion.min_total_investment:
            missing.append(
                _("Total investment %(have)s万元 is below the threshold of %(need)s万元 for %(scope)s.")
                % {
                    "have": f"{project.total_investment:,.0f}",
                    "need": f"{criterion.min_total_investment:,.0f}",
                    "scope": criterion.category or _("this library"),
                }
            )
        for name in criterion.required_fields:
            try:
                model_field = Project._meta.get_field(name)
            except Exception:  # noqa: BLE001  (a misconfigured criterion must not break submission)
                logger.warning("Gate criterion %s names an unknown field %r", criterion.pk, name)
                continue
            if getattr(project, model_field.attname) in (None, ""):
                missing.append(_("%(field)s is not filled in.") % {"field": model_field.verbose_name})
        for node_type in criterion.required_nodes.all():
            if node_type.pk not in done:
                missing.append(_("The node %(node)s is not done.") % {"node": node_type.name})
    return missing


# ---------------------------------------------------------------- workflow


def _record(entry: LibraryEntry, action: str, by, reason: str, from_status: str) -> None:
    EntryEvent.objects.create(
        entry=entry, action=action, from_status=from_status, to_status=entry.status, by=by, reason=reason
    )


def _refresh_project_library(project: Project) -> None:
    """Keep Project.library = the highest library the project is live in."""
    kinds = set(
        LibraryEntry.objects.filter(project=project, status__in=LIVE_STATUSES, library__is_current=True).values_list(
            "library__kind", flat=True
        )
    )
    best = max(kinds, key=LibraryKind.rank) if kinds else ""
    if project.library != best:
        project.library = best
        project.save(update_fields=["library", "updated_at"])


@dataclass
class PlanData:
    """The annual-plan facts a project brings into the annual library."""

    category: str
    planned_investment: Decimal
    months: dict[int, Decimal] = field(default_factory=dict)
    progress_target: str = ""
    planned_start_month: int | None = None
    planned_completion: str = ""
    opening_cumulative: Decimal = Decimal(0)


def validate_months(plan: PlanData) -> None:
    if plan.category not in PlanCategory.values:
        raise ServiceError(_("Unknown plan category %(category)s.") % {"category": plan.category})
    if plan.planned_investment < 0:
        raise ServiceError(_("The annual planned investment cannot be negative."))
    if plan.months:
        bad = [m for m in plan.months if not 1 <= int(m) <= 12]
        if bad:
            raise ServiceError(_("Months run from 1 to 12, not %(month)s.") % {"month": bad[0]})
        if any(v < 0 for v in plan.months.values()):
            raise ServiceError(_("A monthly planned amount cannot be negative."))
        total = sum(plan.months.values(), Decimal(0))
        if total != plan.planned_investment:
            raise ServiceError(
                _("The monthly split adds up to %(split)s万元, not the annual plan of %(plan)s万元.")
                % {"split": f"{total:,.4f}".rstrip("0").rstrip("."), "plan": f"{plan.planned_investment:,.4f}".rstrip("0").rstrip(".")}
            )


def even_split(total: Decimal, first_month: int = 1) -> dict[int, Decimal]:
    """Spread ``total`` evenly over the months from ``first_month`` to December, exactly:
    the shares are rounded down to 0.0001, so December's remainder is never negative (a
    share rounded up made 0.0007 over twelve months end in December at −0.0004)."""
    months = list(range(first_month, 13))
    share = (total / len(months)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    split = dict.fromkeys(months, share)
    split[12] += total - share * len(months)
    return split


#: Relative weight of each month in a construction year: slow around the Spring Festival,
#: strong from the second quarter and at year-end.
SEASONAL_WEIGHTS = {1: 4, 2: 3, 3: 7, 4: 8, 5: 9, 6: 11, 7: 8, 8: 8, 9: 10, 10: 9, 11: 10, 12: 13}


def seasonal_split(total: Decimal, first_month: int = 1) -> dict[int, Decimal]:
    """Spread ``total`` over the months from ``first_month`` to December following the
    construction season (:data:`SEASONAL_WEIGHTS`), exactly: December takes the rounding."""
    months = list(range(first_month, 13))
    weight_sum = sum(SEASONAL_WEIGHTS[m] for m in months)
    split = {m: (total * SEASONAL_WEIGHTS[m] / weight_sum).quantize(Decimal("0.0001"), rounding=ROUND_DOWN) for m in months}
    split[12] += total - sum(split.values(), Decimal(0))
    if split[12] < 0:
        return even_split(total, first_month)
    return split


@transaction.atomic
def entry_submit(
    *, project: Project, library: Library, by, plan: PlanData | None = None, source: str = ""
) -> LibraryEntry:
    """Put a project forward for a library. It must be live in the library below, pass the
    gate criteria and, for the annual plan, bring its plan figures."""
    if not policy.can_submit_to_library(by, project):
        raise PermissionDenied(_("You may not submit %(project)s.") % {"project": project})
    if project.deleted_at or project.status == "withdrawn":
        raise ServiceError(_("%(project)s is withdrawn or deleted.") % {"project": project})
    lower = LOWER.get(library.kind)
    if lower and not LibraryEntry.objects.filter(
        project=project, library__kind=lower, status__in=LIVE_STATUSES + (EntryStatus.PROMOTED,)
    ).exists():
        raise ServiceError(
            _("%(project)s must first be admitted to the %(lower)s.")
            % {"project": project, "lower": LibraryKind(lower).label}
        )
    missing = gate_check(project, library.kind)
    if missing:
        raise ServiceError(
            _("%(project)s does not meet the gate of the %(library)s: %(missing)s")
            % {"project": project, "library": library.get_kind_display(), "missing": " ".join(missing)}
        )
    if library.kind == LibraryKind.ANNUAL:
        if plan is None:
            raise ServiceError(_("An annual plan entry needs its category and planned investment."))
        if not plan.months:
            plan.months = even_split(plan.planned_investment, plan.planned_start_month or 1)
        validate_months(plan)
    entry = LibraryEntry.objects.select_for_update().filter(library=library, project=project).first()
    previous = entry.status if entry else ""
    if entry and entry.status not in (EntryStatus.RETURNED,):
        raise ServiceError(
            _("%(project)s is already in the %(library)s (%(status)s).")
            % {"project": project, "library": library, "status": entry.get_status_display()}
        )
    if entry is None:
        entry = LibraryEntry(library=library, project=project)
    entry.status = EntryStatus.SUBMITTED
    entry.source = source or entry.source
    entry.submitted_at = timezone.now()
    if library.kind == LibraryKind.ANNUAL:
        entry.is_addition = PlanVersion.objects.filter(year=library.start_year, is_frozen=True).exists()
    entry.save()
    if library.kind == LibraryKind.ANNUAL and plan is not None:
        plan_entry_write(entry=entry, plan=plan)
    _record(entry, EntryAction.SUBMIT, by, "", previous)
    return entry


def _review_entry(entry: LibraryEntry, allowed: Iterable[str]) -> LibraryEntry:
    locked = LibraryEntry.objects.select_for_update().select_related("project", "library").get(pk=entry.pk)
    if locked.status not in allowed:
        raise ServiceError(
            _("%(project)s is not in the review queue for this step (it is %(status)s).")
            % {"project": locked.project, "status": locked.get_status_display()}
        )
    return locked


def _require_office(by) -> None:
    if not policy.can_review(by):
        raise PermissionDenied(_("Only the project office reviews library entries."))


@transaction.atomic
def entry_first_review(*, entry: LibraryEntry, by, reason: str = "") -> LibraryEntry:
    _require_office(by)
    entry = _review_entry(entry, [EntryStatus.SUBMITTED])
    entry.status = EntryStatus.FIRST_REVIEWED
    entry.save()
    _record(entry, EntryAction.FIRST_REVIEW, by, reason, EntryStatus.SUBMITTED)
    return entry


@transaction.atomic
def entry_final_review(*, entry: LibraryEntry, by, reason: str = "") -> LibraryEntry:
    """Admit the project. It leaves the library below (moved up)."""
    _require_office(by)
    entry = _review_entry(entry, [EntryStatus.FIRST_REVIEWED])
    missing = gate_check(entry.project, entry.library.kind)
    if missing:
        raise ServiceError(" ".join(missing))
    entry.status = EntryStatus.ADMITTED
    entry.admitted_at = timezone.now()
    entry.save()
    _record(entry, EntryAction.FINAL_REVIEW, by, reason, EntryStatus.FIRST_REVIEWED)
    lower = LOWER.get(entry.library.kind)
    if lower:
        for below in LibraryEntry.objects.filter(project=entry.project, library__kind=lower, status=EntryStatus.ADMITTED):
            below.status = EntryStatus.PROMOTED
            below.save()
            _record(below, EntryAction.PROMOTE, by, str(entry.library), EntryStatus.ADMITTED)
    _refresh_project_library(entry.project)
    return entry


@transaction.atomic
def entry_return(*, entry: LibraryEntry, by, reason: str) -> LibraryEntry:
    _require_office(by)
    if not reason.strip():
        raise ServiceError(_("Say why the entry is returned, so the submitter knows what to fix."))
    entry = _review_entry(entry, [EntryStatus.SUBMITTED, EntryStatus.FIRST_REVIEWED])
    previous = entry.status
    entry.status = EntryStatus.RETURNED
    entry.reason = reason
    entry.save()
    _record(entry, EntryAction.RETURN, by, reason, previous)
    return entry


@transaction.atomic
def withdrawal_request(*, entry: LibraryEntry, by, reason: str) -> LibraryEntry:
    if not policy.can_submit_to_library(by, entry.project):
        raise PermissionDenied(_("You may not request the withdrawal of %(project)s.") % {"project": entry.project})
    if not reason.strip():
        raise ServiceError(_("A withdrawal needs a reason."))
    entry = _review_entry(entry, [EntryStatus.ADMITTED])
    entry.status = EntryStatus.WITHDRAWAL_REQUESTED
    entry.reason = reason
    entry.save()
    _record(entry, EntryAction.REQUEST_WITHDRAWAL, by, reason, EntryStatus.ADMITTED)
    return entry


@transaction.atomic
def withdrawal_decide(*, entry: LibraryEntry, by, approve: bool, reason: str = "") -> LibraryEntry:
    _require_office(by)
    entry = _review_entry(entry, [EntryStatus.WITHDRAWAL_REQUESTED])
    entry.status = EntryStatus.WITHDRAWN if approve else EntryStatus.ADMITTED
    entry.reason = reason or entry.reason
    entry.save()
    action = EntryAction.APPROVE_WITHDRAWAL if approve else EntryAction.REJECT_WITHDRAWAL
    _record(entry, action, by, reason, EntryStatus.WITHDRAWAL_REQUESTED)
    _refresh_project_library(entry.project)
    return entry


@transaction.atomic
def entry_restore(*, entry: LibraryEntry, by, reason: str) -> LibraryEntry:
    """Bring a withdrawn project back (恢复); the gate is checked again."""
    _require_office(by)
    if not reason.strip():
        raise ServiceError(_("A restore needs a reason."))
    entry = _review_entry(entry, [EntryStatus.WITHDRAWN])
    missing = gate_check(entry.project, entry.library.kind)
    if missing:
        raise ServiceError(" ".join(missing))
    entry.status = EntryStatus.ADMITTED
    entry.reason = reason
    entry.save()
    _record(entry, EntryAction.RESTORE, by, reason, EntryStatus.WITHDRAWN)
    _refresh_project_library(entry.project)
    return entry


def review_queue():
    return LibraryEntry.objects.filter(status__in=REVIEW_QUEUE_STATUSES)


# ---------------------------------------------------------------- the annual plan


def working_version(year: int) -> PlanVersion:
    """The version of ``year``'s plan that is edited now (created on first use)."""
    version = PlanVersion.objects.filter(year=year, is_frozen=False).order_by("-number").first()
    if version:
        return version
    last = PlanVersion.objects.filter(year=year).order_by("-number").first()
    if last is None:
        return PlanVersion.objects.create(year=year, number=1)
    return PlanVersion.objects.create(year=year, number=last.number + 1)


def plan_entry_write(*, entry: LibraryEntry, plan: PlanData) -> PlanEntry:
    """Write a project's figures into the working version of its year's plan."""
    validate_months(plan)
    version = working_version(entry.library.start_year)
    plan_entry, _created = PlanEntry.objects.update_or_create(
        version=version,
        project=entry.project,
        defaults={
            "library_entry": entry,
            "category": plan.category,
            "planned_investment": plan.planned_investment,
            "opening_cumulative": plan.opening_cumulative,
            "progress_target": plan.progress_target,
            "planned_start_month": plan.planned_start_month,
            "planned_completion": plan.planned_completion,
            **split_values(plan.months),
        },
    )
    plan_lines_changed.send(sender=PlanEntry, entry_ids=[plan_entry.pk])
    return plan_entry


@transaction.atomic
def plan_entry_update(*, plan_entry: PlanEntry, by, plan: PlanData, expected_version: int | None = None) -> PlanEntry:
    """Adjust a line of the working plan. A form opened at an older ``expected_version`` than
    the line has now is refused with who changed it and when."""
    if plan_entry.version.is_frozen:
        raise ServiceError(
            _("%(version)s is frozen; adjustments go into the adjusted plan.") % {"version": plan_entry.version}
        )
    if not (policy.can_review(by) or policy.can_edit_project(by, plan_entry.project)):
        raise PermissionDenied(_("You may not change the plan of %(project)s.") % {"project": plan_entry.project})
    claim_version(
        plan_entry, expected_version,
        what=_("The %(year)s plan line of %(project)s") % {"year": plan_entry.version.year, "project": plan_entry.project},
    )
    return plan_entry_write(entry=plan_entry.library_entry, plan=plan)


@transaction.atomic
def plan_freeze(*, year: int, by, label: str = "") -> PlanVersion:
    """Adopt the working version as it stands (the start-of-year plan the first time) and
    open a new working version, a copy of it, for adjustments."""
    _require_office(by)
    version = working_version(year)
    version.is_frozen = True
    version.frozen_at = timezone.now()
    version.frozen_by = by
    version.label = label
    version.save()
    successor = PlanVersion.objects.create(year=year, number=version.number + 1)
    # The lines copied in the database, in one statement: a province's plan has 50,000 lines.
    copied = ("library_entry_id", "project_id", "category", "planned_investment", "opening_cumulative", "progress_target",
              "planned_start_month", "planned_completion", "note", *SPLIT_FIELDS)
    ids = insert_select(PlanEntry, version.entries.all(), {name: name for name in copied}, {"version_id": successor.pk})
    towns = PlanEntry.objects.filter(version=successor).order_by().values_list("project__town_id", flat=True).distinct()
    plan_lines_changed.send(sender=PlanEntry, entry_ids=ids, pairs={(successor.pk, town) for town in towns})
    return version


def plan_compare(year: int, left: PlanVersion, right: PlanVersion) -> list[dict]:
    """Rows comparing two versions of a year's plan, project by project."""
    def index(version):
        return {
            e.project_id: e
            for e in version.entries.select_related("project", "project__town").order_by("project__name")
        }

    a, b = index(left), index(right)
    rows = []
    for project_id in sorted(set(a) | set(b), key=lambda pid: (a.get(pid) or b.get(pid)).project.name):
        ea, eb = a.get(project_id), b.get(project_id)
        before = ea.planned_investment if ea else None
        after = eb.planned_investment if eb else None
        rows.append(
            {
                "project": (ea or eb).project,
                "before": before,
                "after": after,
                "delta": (after or 0) - (before or 0),
                "category_before": ea.get_category_display() if ea else "",
                "category_after": eb.get_category_display() if eb else "",
                "changed": before != after or (ea and eb and ea.category != eb.category),
            }
        )
    return rows


# ---------------------------------------------------------------- year-end roll-over

#: Functions returning {project_id: investment completed in ``year``}. The reporting app
#: registers the monthly reports here; without it nothing is known to be completed.
COMPLETED_IN_YEAR: list[Callable[[Iterable[int], int], dict[int, Decimal]]] = []


def completed_in_year(project_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    ids = list(project_ids)
    totals: dict[int, Decimal] = {}
    for source in COMPLETED_IN_YEAR:
        for pid, amount in source(ids, year).items():
            totals[pid] = totals.get(pid, Decimal(0)) + amount
    return totals


@dataclass
class RollLine:
    project: Project
    action: str
    reason: str


@dataclass
class RollReport:
    year: int
    lines: list[RollLine] = field(default_factory=list)
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)


class _DryRun(Exception):
    pass


def roll_year(*, year: int, by=None, dry_run: bool = False) -> RollReport:
    """Carry the continuing projects of ``year - 1`` into ``year``'s annual plan, freezing
    cumulative investment to last year-end as the opening balance, and advance the rolling
    window. Running it twice changes nothing the second time."""
    report = RollReport(year=year, dry_run=dry_run)
    try:
        with transaction.atomic():
            _roll(year, by, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _roll(year: int, by, report: RollReport) -> None:
    previous_version = (
        PlanVersion.objects.filter(year=year - 1).order_by("-number").first()
    )
    annual = library_for(LibraryKind.ANNUAL, year)
    # One roll-over at a time: a second one started meanwhile waits here, then finds the
    # projects already carried (no duplicate entries, no failure).
    Library.objects.select_for_update().filter(pk=annual.pk).first()
    Library.objects.filter(kind=LibraryKind.ANNUAL, start_year__lt=year).update(is_current=False)
    Library.objects.filter(pk=annual.pk).update(is_current=True)
    already = set(LibraryEntry.objects.filter(library=annual).values_list("project_id", flat=True))
    if previous_version is not None:
        entries = list(
            previous_version.entries.filter(library_entry__status__in=LIVE_STATUSES)
            .select_related("project", "library_entry")
            .order_by("project__name")
        )
        done = completed_in_year([e.project_id for e in entries], year - 1)
        for plan_entry in entries:
            project = plan_entry.project
            if project.pk in already:
                report.lines.append(RollLine(project, "unchanged", _("already in the %(year)s plan") % {"year": year}))
                continue
            if project.stage in (Stage.COMPLETED, Stage.OPERATING, Stage.REVIEW):
                report.lines.append(RollLine(project, "finished", _("completed; not carried over")))
                continue
            if project.stage not in (Stage.STARTED, Stage.CONSTRUCTION):
                report.lines.append(
                    RollLine(project, "not_started", _("not started in %(year)s; resubmit it to the new plan") % {"year": year - 1})
                )
                continue
            opening = plan_entry.opening_cumulative + done.get(project.pk, Decimal(0))
            remaining = max(project.total_investment - opening, Decimal(0))
            entry = LibraryEntry.objects.create(
                library=annual, project=project, status=EntryStatus.ADMITTED, source=_("roll-over"),
                submitted_at=timezone.now(), admitted_at=timezone.now(),
            )
            _record(entry, EntryAction.ROLL_OVER, by, _("continuing from %(year)s") % {"year": year - 1}, "")
            category = PlanCategory.COMPLETING if project.end_year <= year else PlanCategory.CONTINUING
            plan = PlanData(category=category, planned_investment=Decimal(0), opening_cumulative=opening)
            plan_entry_write(entry=entry, plan=plan)
            previous_entry = plan_entry.library_entry
            previous_entry.status = EntryStatus.PROMOTED
            previous_entry.save()
            _refresh_project_library(project)
            report.lines.append(
                RollLine(
                    project,
                    "carried",
                    _("%(category)s; opening balance %(opening)s万元 to the end of %(prev)s, %(remaining)s万元 remaining; set its %(year)s plan")
                    % {
                        "category": PlanCategory(category).label,
                        "opening": f"{opening:,.2f}",
                        "prev": year - 1,
                        "remaining": f"{remaining:,.2f}",
                        "year": year,
                    },
                )
            )
    _advance_rolling(year, by, report)


def _advance_rolling(year: int, by, report: RollReport) -> None:
    new = library_for(LibraryKind.ROLLING, year)
    old_windows = Library.objects.filter(kind=LibraryKind.ROLLING, start_year__lt=year)
    carried = set(LibraryEntry.objects.filter(library=new).values_list("project_id", flat=True))
    for entry in LibraryEntry.objects.filter(library__in=old_windows, status=EntryStatus.ADMITTED).select_related("project"):
        if entry.project_id in carried:
            continue
        LibraryEntry.objects.create(
            library=new, project=entry.project, status=EntryStatus.ADMITTED, source=_("rolling window"),
            submitted_at=entry.submitted_at, admitted_at=entry.admitted_at,
        )
        entry.status = EntryStatus.PROMOTED
        entry.save()
        carried.add(entry.project_id)
        report.lines.append(
            RollLine(entry.project, "window", _("stays in the rolling library, window %(name)s") % {"name": new.title})
        )
    old_windows.update(is_current=False)
    Library.objects.filter(pk=new.pk).update(is_current=True)
