"""Library boards, the annual plan's versions, and putting a project forward to a library."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.orgs import policy

from .. import selectors
from ..choices import EntryStatus, LibraryKind, PlanCategory
from ..forms import AnnualPlanForm, FreezeForm, ReasonForm, SubmitForm
from ..models import Library, LibraryEntry, PlanEntry, PlanVersion
from ..services import libraries
from .common import require, visible_project


@login_required
def boards(request):
    year = timezone.localdate().year
    versions = selectors.plan_versions(year, request.user)
    cards = selectors.board(request.user)
    current = {}
    for library in Library.objects.filter(is_current=True).order_by("kind", "-start_year"):
        current.setdefault(library.kind, library)
    for card in cards:
        card["library"] = current.get(card["kind"])
    return render(
        request,
        "projects/boards.html",
        {
            "cards": cards,
            "year": year,
            "versions": versions,
            "can_review": policy.can_review(request.user),
            "working": next((v for v in reversed(versions) if not v["version"].is_frozen), None),
        },
    )


@login_required
def plan_version(request, year: int, number: int):
    version = get_object_or_404(PlanVersion.objects.select_related("frozen_by"), year=year, number=number)
    entries = list(
        version.entries.filter(project__in=selectors.visible_projects(request.user))
        .select_related("project", "project__town", "library_entry")
        .order_by("category", "-planned_investment", "project__name")
    )
    groups = defaultdict(list)
    for entry in entries:
        groups[entry.category].append(entry)
    sections = [
        {
            "label": label,
            "entries": groups[value],
            "total": sum((e.planned_investment for e in groups[value]), Decimal(0)),
        }
        for value, label in PlanCategory.choices
        if groups[value]
    ]
    others = PlanVersion.objects.filter(year=year).exclude(pk=version.pk).order_by("number")
    return render(
        request,
        "projects/plan_version.html",
        {
            "version": version,
            "sections": sections,
            "count": len(entries),
            "total": sum((e.planned_investment for e in entries), Decimal(0)),
            "others": others,
            "can_review": policy.can_review(request.user),
        },
    )


@login_required
def plan_compare(request, year: int):
    versions = list(PlanVersion.objects.filter(year=year).order_by("number"))
    if len(versions) < 2:
        messages.info(request, _("The %(year)s plan has only one version so far.") % {"year": year})
        return redirect("projects:boards")
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: PlanVersion) -> PlanVersion:
        try:
            return by_number[int(request.GET.get(name, ""))]
        except (KeyError, ValueError):
            return default

    frozen = [v for v in versions if v.is_frozen]
    left = pick("left", frozen[0] if frozen else versions[0])
    right = pick("right", versions[-1] if versions[-1] != left else versions[0])
    visible = set(selectors.visible_projects(request.user).values_list("pk", flat=True))
    rows = [r for r in libraries.plan_compare(year, left, right) if r["project"].pk in visible]
    only_changed = request.GET.get("changed") == "1"
    shown = [r for r in rows if r["changed"]] if only_changed else rows
    totals = {
        "before": sum((r["before"] or 0 for r in rows), Decimal(0)),
        "after": sum((r["after"] or 0 for r in rows), Decimal(0)),
    }
    totals["delta"] = totals["after"] - totals["before"]
    return render(
        request,
        "projects/plan_compare.html",
        {
            "year": year,
            "versions": versions,
            "left": left,
            "right": right,
            "rows": shown,
            "changed_count": sum(1 for r in rows if r["changed"]),
            "added": sum(1 for r in rows if r["before"] is None),
            "removed": sum(1 for r in rows if r["after"] is None),
            "only_changed": only_changed,
            "totals": totals,
        },
    )


@login_required
def plan_freeze(request, year: int):
    """Adopt (freeze) the working version of a year's plan, after a confirmation page."""
    require(policy.can_review(request.user))
    working = libraries.working_version(year) if request.method == "POST" else (
        PlanVersion.objects.filter(year=year, is_frozen=False).order_by("-number").first()
    )
    form = FreezeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = libraries.plan_freeze(year=year, by=request.user, label=form.cleaned_data["label"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(version)s is adopted and frozen; adjustments now go into a new working version.")
                % {"version": version},
            )
            return redirect("projects:boards")
    summary = None
    if working:
        summary = working.entries.aggregate(total=Sum("planned_investment"))
        summary["count"] = working.entries.count()
    return render(request, "projects/plan_freeze.html", {"form": form, "year": year, "working": working, "summary": summary})


# ---------------------------------------------------------------- submission and withdrawal


@login_required
def entry_submit(request, pk: int, kind: str):
    project = visible_project(request, pk)
    require(policy.can_submit_to_library(request.user, project))
    if kind not in LibraryKind.values:
        raise Http404
    library = libraries.current_library(kind)
    is_annual = kind == LibraryKind.ANNUAL
    form_class = AnnualPlanForm if is_annual else SubmitForm
    initial = {"source": project.town.display_short if project.town else ""}
    if is_annual:
        initial.update({"category": PlanCategory.NEW, "planned_completion": f"{project.end_year}-12"})
    form = form_class(request.POST or None, initial=initial)
    missing = libraries.gate_check(project, kind)
    returned = LibraryEntry.objects.filter(project=project, library=library, status=EntryStatus.RETURNED).first()
    addition = is_annual and PlanVersion.objects.filter(year=library.start_year, is_frozen=True).exists()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = None
        if is_annual:
            first = data.get("planned_start_month") or 1
            split = data["split"]
            if split == "manual":
                months = form.months()
            elif split == "even":
                months = libraries.even_split(data["planned_investment"], first)
            else:
                months = libraries.seasonal_split(data["planned_investment"], first)
            plan = libraries.PlanData(
                category=data["category"],
                planned_investment=data["planned_investment"],
                months=months,
                progress_target=data["progress_target"],
                planned_start_month=data.get("planned_start_month"),
                planned_completion=data["planned_completion"],
            )
        try:
            entry = libraries.entry_submit(
                project=project, library=library, by=request.user, plan=plan, source=data.get("source", "")
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            text = _("%(project)s is submitted to the %(library)s and waits for review.") % {
                "project": project, "library": library}
            if entry.is_addition:
                text += " " + _("It is marked as a mid-year addition.")
            messages.success(request, text)
            return redirect(reverse("projects:tab", args=[project.pk, "plan"]))
    return render(
        request,
        "projects/submit.html",
        {
            "project": project,
            "library": library,
            "form": form,
            "is_annual": is_annual,
            "missing": missing,
            "errors": errors,
            "returned": returned,
            "addition": addition,
        },
    )


@login_required
@require_POST
def withdrawal_request(request, pk: int, entry_id: int):
    project = visible_project(request, pk)
    require(policy.can_submit_to_library(request.user, project))
    entry = get_object_or_404(LibraryEntry.objects.select_related("library", "project"), pk=entry_id, project=project)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A withdrawal needs a reason."))
    else:
        try:
            libraries.withdrawal_request(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The withdrawal from the %(library)s is requested; the project office decides.") % {
                "library": entry.library})
    return redirect(reverse("projects:tab", args=[project.pk, "plan"]))


def _plan_data(form, data) -> libraries.PlanData:
    """The plan figures of an AnnualPlanForm, with the monthly split it asks for."""
    first = data.get("planned_start_month") or 1
    split = data["split"]
    if split == "manual":
        months = form.months()
    elif split == "even":
        months = libraries.even_split(data["planned_investment"], first)
    else:
        months = libraries.seasonal_split(data["planned_investment"], first)
    return libraries.PlanData(
        category=data["category"],
        planned_investment=data["planned_investment"],
        months=months,
        progress_target=data["progress_target"],
        planned_start_month=data.get("planned_start_month"),
        planned_completion=data["planned_completion"],
    )


@login_required
def plan_entry_edit(request, pk: int, plan_entry_id: int):
    """Adjust a project's line in the working version of the annual plan (调整计划); the
    adopted start-of-year plan keeps its figures."""
    project = visible_project(request, pk)
    plan_entry = get_object_or_404(
        PlanEntry.objects.select_related("version", "library_entry__library"),
        pk=plan_entry_id,
        project=project,
    )
    require(policy.can_review(request.user) or policy.can_edit_project(request.user, project))
    if plan_entry.version.is_frozen:
        messages.error(request, _("%(version)s is frozen; adjustments go into the adjusted plan.") % {"version": plan_entry.version})
        return redirect(reverse("projects:tab", args=[project.pk, "plan"]))
    months = plan_entry.months()
    initial = {
        "category": plan_entry.category,
        "planned_investment": plan_entry.planned_investment,
        "progress_target": plan_entry.progress_target,
        "planned_start_month": plan_entry.planned_start_month,
        "planned_completion": plan_entry.planned_completion,
        "split": "manual",
        "edit_version": plan_entry.edit_version,
        **{f"m{m}": months.get(m) for m in range(1, 13)},
    }
    form = AnnualPlanForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            libraries.plan_entry_update(
                plan_entry=plan_entry, by=request.user, plan=_plan_data(form, form.cleaned_data),
                expected_version=form.cleaned_data.get("edit_version"),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("The adjusted plan of %(project)s is saved.") % {"project": project})
            return redirect(reverse("projects:tab", args=[project.pk, "plan"]))
    frozen = (
        PlanEntry.objects.filter(project=project, version__year=plan_entry.version.year, version__is_frozen=True)
        .select_related("version")
        .order_by("version__number")
        .first()
    )
    return render(
        request,
        "projects/plan_entry_form.html",
        {"project": project, "plan_entry": plan_entry, "form": form, "errors": errors, "frozen": frozen},
    )
