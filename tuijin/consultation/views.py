"""Pages of consultation. Each view checks the policy, calls a service or a selector, renders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tuijin.lib.errors import ServiceError
from tuijin.orgs.choices import Role
from tuijin.orgs.policy import can_view_project, role_of
from tuijin.projects.models import Project

from . import documents, forms, policy, selectors
from .choices import LADDER, ActionStatus, Level, ProblemCategory, Urgency
from .models import ActionItem, DeadlineRule, Meeting, Notice, Problem
from .services import meetings as meeting_services
from .services import notices as notice_services
from .services import problems as problem_services


def _errors(exc: ServiceError) -> str:
    return "；".join(exc.messages)


# ---------------------------------------------------------------- problems


@login_required
def problem_list(request):
    today = timezone.localdate()
    base = selectors.visible_problems(request.user)
    form = forms.ProblemFilterForm(request.GET or None)
    qs = base
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(title__icontains=data["q"]) | Q(number__icontains=data["q"]) | Q(project__name__icontains=data["q"]))
        for field in ("level", "status", "category"):
            if data[field]:
                qs = qs.filter(**{field: data[field]})
        if data["unit"]:
            qs = qs.filter(responsible_unit=data["unit"])
        if data["overdue"]:
            qs = qs.overdue(today)
    summary = selectors.problem_summary(base, today)
    page = Paginator(qs.with_related().order_by("-raised_at", "-pk"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "consultation/problem_list.html", {
        "form": form, "page": page, "summary": summary, "today": today, "query": query.urlencode(),
    })


def _problem_or_404(request, pk) -> Problem:
    problem = get_object_or_404(Problem.objects.with_related(), pk=pk)
    if not policy.can_view_problem(request.user, problem):
        raise HttpForbidden
    return problem


def _problem_page(request, problem, **form_overrides):
    user = request.user
    events = problem.events.select_related("by", "from_unit", "to_unit").prefetch_related("attachments")
    context = {
        "problem": problem,
        "events": events,
        "attachments": problem.attachments.filter(event__kind="raised"),
        "actions": problem.actions.select_related("meeting", "responsible_unit"),
        "agenda_items": problem.agenda_items.select_related("meeting"),
        "ladder": [(lvl, Level(lvl).label) for lvl in LADDER],
        "rank": problem.level_rank,
        "today": timezone.localdate(),
        "can_reply": policy.can_reply(user, problem),
        "can_escalate": policy.can_escalate(user, problem),
        "can_close": policy.can_close(user, problem),
        "can_reopen": policy.can_reopen(user, problem),
        "next_level": Level(LADDER[problem.level_rank + 1]).label if problem.level != Level.LEADER else None,
        "reply_form": forms.ReplyForm(),
        "escalate_form": forms.EscalateForm(),
        "close_form": forms.CloseForm(),
        "reopen_form": forms.ReopenForm(),
    }
    context.update(form_overrides)
    return render(request, "consultation/problem_detail.html", context, status=400 if form_overrides else 200)


@login_required
def problem_detail(request, pk):
    return _problem_page(request, _problem_or_404(request, pk))


@login_required
def problem_raise(request, project_pk):
    project = get_object_or_404(Project.objects.with_related(), pk=project_pk)
    if not policy.can_raise(request.user, project):
        raise HttpForbidden
    levels = problem_services.allowed_start_levels(request.user)
    form = forms.RaiseForm(request.POST or None, request.FILES or None, levels=levels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = problem_services.problem_raise(
                project=project, by=request.user, title=data["title"], category=data["category"],
                description=data["description"], urgency=data["urgency"], level=data["level"],
                department=data["department"], files=data["files"],
            )
        except ServiceError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Problem %(number)s raised; %(unit)s is responsible until %(date)s.") % {
                "number": problem.number, "unit": problem.responsible_unit, "date": problem.deadline})
            return redirect(problem)
    return render(request, "consultation/problem_raise.html", {"project": project, "form": form},
                  status=400 if form.errors else 200)


def _act(request, pk, form_class, form_key, call):
    problem = _problem_or_404(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(problem, form.cleaned_data)
        except ServiceError as exc:
            if exc.__class__.__name__ == "PermissionDenied":
                raise HttpForbidden from exc
            form.add_error(None, _errors(exc))
        else:
            return redirect(problem)
    return _problem_page(request, problem, **{form_key: form})


@login_required
@require_POST
def problem_reply_view(request, pk):
    def call(problem, d):
        problem_services.problem_reply(problem=problem, by=request.user, text=d["text"], files=d["files"])
        messages.success(request, _("The resolution was sent to the raiser for confirmation."))

    return _act(request, pk, forms.ReplyForm, "reply_form", call)


@login_required
@require_POST
def problem_escalate_view(request, pk):
    def call(problem, d):
        p = problem_services.problem_escalate(problem=problem, by=request.user, reason=d["reason"], department=d["department"])
        messages.success(request, _("Escalated to %(level)s: %(unit)s.") % {"level": p.get_level_display(), "unit": p.responsible_unit})

    return _act(request, pk, forms.EscalateForm, "escalate_form", call)


@login_required
@require_POST
def problem_close_view(request, pk):
    def call(problem, d):
        problem_services.problem_close(problem=problem, by=request.user, text=d["text"])
        messages.success(request, _("The problem is closed."))

    return _act(request, pk, forms.CloseForm, "close_form", call)


@login_required
@require_POST
def problem_reopen_view(request, pk):
    def call(problem, d):
        problem_services.problem_reopen(problem=problem, by=request.user, reason=d["reason"])
        messages.success(request, _("The problem is open again."))

    return _act(request, pk, forms.ReopenForm, "reopen_form", call)


def project_tab(request, project) -> str:
    """The "problems" list of the project's four lists, on the project page."""
    if not can_view_project(request.user, project):
        return ""
    problems = (
        Problem.objects.filter(policy.visible_problems_filter(request.user), project=project)
        .select_related("responsible_unit", "raiser_unit")
        .order_by("status", "-raised_at")
    )
    return render_to_string("consultation/project_tab.html", {
        "project": project, "problems": problems, "today": timezone.localdate(),
        "can_raise": policy.can_raise(request.user, project),
    }, request=request)


# ---------------------------------------------------------------- meetings


def _require(check) -> None:
    if not check:
        raise HttpForbidden


@login_required
def meeting_list(request):
    _require(policy.can_view_meetings(request.user))
    meetings = (
        Meeting.objects.select_related("chair")
        .annotate(
            n_items=Count("agenda", distinct=True),
            n_actions=Count("actions", distinct=True),
            n_open=Count("actions", filter=~Q(actions__status=ActionStatus.CLOSED), distinct=True),
        )
        .order_by("-starts_at")
    )
    page = Paginator(meetings, 20).get_page(request.GET.get("page"))
    return render(request, "consultation/meeting_list.html", {
        "page": page, "can_run": policy.can_run_meetings(request.user),
        "waiting": selectors.problems_at_meeting_level_waiting(),
    })


@login_required
def meeting_create(request):
    _require(policy.can_run_meetings(request.user))
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = meeting_services.meeting_schedule(
            by=request.user, kind=d["kind"], starts_at=d["starts_at"], title=d["title"], place=d["place"], chair=d["chair"]
        )
        meeting_services.meeting_build_agenda(meeting=meeting, by=request.user)
        messages.success(request, _("Meeting scheduled; the agenda holds %(n)s escalated problems.") % {"n": meeting.agenda.count()})
        return redirect(meeting)
    return render(request, "consultation/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _meeting_page(request, meeting, status=200, **overrides):
    can_run = policy.can_run_meetings(request.user)
    agenda = list(meeting.agenda.select_related("problem", "problem__project", "problem__raiser_unit"))
    problems = [item.problem for item in agenda if item.problem]
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "report": selectors.closure_report(meeting),
        "actions": meeting.actions.select_related("responsible_unit", "problem"),
        "units": meeting.units.all(),
        "leaders": meeting.leaders.all(),
        "can_run": can_run,
        "today": timezone.localdate(),
    }
    if can_run:
        context.update({
            "record_form": forms.RecordForm(initial={
                "chair": meeting.chair, "place": meeting.place, "leaders": list(meeting.leaders.all()),
                "units": list(meeting.units.all()), "other_attendees": meeting.other_attendees,
                "minutes": meeting.minutes, "copy_to": meeting.copy_to,
            }),
            "decision_form": forms.DecisionForm(problems=problems),
            "add_form": forms.AgendaAddForm(),
            "candidates": len(meeting_services.agenda_candidates()) if not meeting.is_held else 0,
        })
    context.update(overrides)
    return render(request, "consultation/meeting_detail.html", context, status=status)


def _meeting_or_404(request, pk) -> Meeting:
    _require(policy.can_view_meetings(request.user))
    return get_object_or_404(Meeting.objects.select_related("chair"), pk=pk)


@login_required
def meeting_detail(request, pk):
    return _meeting_page(request, _meeting_or_404(request, pk))


def _office_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(request, pk)
    _require(policy.can_run_meetings(request.user))
    return meeting


@login_required
@require_POST
def meeting_agenda_build(request, pk):
    meeting = _office_meeting(request, pk)
    try:
        added = meeting_services.meeting_build_agenda(meeting=meeting, by=request.user)
        messages.success(request, _("%(n)s escalated problems added to the agenda.") % {"n": len(added)})
    except ServiceError as exc:
        messages.error(request, _errors(exc))
    return redirect(meeting)


@login_required
@require_POST
def meeting_agenda_add(request, pk):
    meeting = _office_meeting(request, pk)
    form = forms.AgendaAddForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["problem_number"].strip()
        problem = Problem.objects.filter(number=number).select_related("project").first() if number else None
        if number and problem is None:
            form.add_error("problem_number", _("No problem has the number %(n)s.") % {"n": number})
        else:
            try:
                meeting_services.meeting_add_item(meeting=meeting, by=request.user, problem=problem, title=form.cleaned_data["title"])
            except ServiceError as exc:
                form.add_error(None, _errors(exc))
            else:
                return redirect(meeting)
    return _meeting_page(request, meeting, status=400, add_form=form)


@login_required
@require_POST
def meeting_record_view(request, pk):
    meeting = _office_meeting(request, pk)
    form = forms.RecordForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        notes = {
            int(key.split("-", 1)[1]): value for key, value in request.POST.items() if key.startswith("note-") and key[5:].isdigit()
        }
        meeting_services.meeting_record(
            meeting=meeting, by=request.user, units=d["units"], leaders=d["leaders"], other_attendees=d["other_attendees"],
            minutes=d["minutes"], chair=d["chair"], place=d["place"], copy_to=d["copy_to"], notes=notes,
        )
        messages.success(request, _("Attendees and minutes saved."))
        return redirect(meeting)
    return _meeting_page(request, meeting, status=400, record_form=form)


@login_required
@require_POST
def meeting_decide_view(request, pk):
    meeting = _office_meeting(request, pk)
    problems = [i.problem for i in meeting.agenda.select_related("problem") if i.problem]
    form = forms.DecisionForm(request.POST, problems=problems)
    if form.is_valid():
        d = form.cleaned_data
        problem = next((p for p in problems if str(p.pk) == d["problem"]), None)
        try:
            meeting_services.meeting_decide(
                meeting=meeting, by=request.user, text=d["text"], responsible_unit=d["responsible_unit"],
                deadline=d["deadline"], problem=problem, cooperating=d["cooperating"],
            )
        except ServiceError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Decision recorded and assigned to %(unit)s.") % {"unit": d["responsible_unit"]})
            return redirect(meeting)
    return _meeting_page(request, meeting, status=400, decision_form=form)


@login_required
@require_POST
def meeting_hold_view(request, pk):
    meeting = _office_meeting(request, pk)
    try:
        meeting_services.meeting_hold(meeting=meeting, by=request.user)
        messages.success(request, _("The meeting is recorded as held."))
    except ServiceError as exc:
        messages.error(request, _errors(exc))
    return redirect(meeting)


@login_required
def meeting_docx(request, pk, kind):
    meeting = _meeting_or_404(request, pk)
    if kind not in ("agenda", "minutes"):
        raise Http404
    builder = {"agenda": documents.agenda_document, "minutes": documents.minutes_document}[kind]
    data = builder(meeting)
    label = _("agenda") if kind == "agenda" else _("minutes")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    from urllib.parse import quote

    filename = f"{meeting.title}-{label}.docx"
    response["Content-Disposition"] = f"attachment; filename=\"meeting-{meeting.pk}-{kind}.docx\"; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- action items


def _visible_actions(user):
    role = role_of(user)
    qs = ActionItem.objects.all()
    if role in (Role.OFFICE, Role.LEADER, Role.TOWN, Role.DEPARTMENT):
        return qs
    if role == Role.OWNER and user.unit_id:
        return qs.filter(responsible_unit_id=user.unit_id)
    return qs.none()


@login_required
def action_list(request):
    _require(role_of(request.user) is not None)
    today = timezone.localdate()
    base = _visible_actions(request.user)
    qs = base
    status = request.GET.get("status", "")
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine") and request.user.unit_id:
        qs = qs.filter(responsible_unit_id=request.user.unit_id)
    if request.GET.get("overdue"):
        qs = qs.overdue(today)
    qs = qs.select_related("meeting", "responsible_unit", "problem", "problem__project").order_by("status", "deadline", "pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "consultation/action_list.html", {
        "page": page, "summary": selectors.action_summary(base, today), "today": today, "status": status,
        "statuses": ActionStatus.choices, "query": query.urlencode(),
    })


def _action_or_404(request, pk) -> ActionItem:
    action = get_object_or_404(ActionItem.objects.select_related("meeting", "responsible_unit", "problem"), pk=pk)
    if not _visible_actions(request.user).filter(pk=pk).exists():
        raise HttpForbidden
    return action


def _action_page(request, action, status=200, **overrides):
    context = {
        "action": action,
        "files": action.evidence_files.all(),
        "today": timezone.localdate(),
        "can_report": policy.can_report_action(request.user, action),
        "can_close": policy.can_close_action(request.user, action),
        "report_form": forms.ActionReportForm(initial={"evidence": action.evidence}),
        "return_form": forms.ActionReturnForm(),
    }
    context.update(overrides)
    return render(request, "consultation/action_detail.html", context, status=status)


@login_required
def action_detail(request, pk):
    return _action_page(request, _action_or_404(request, pk))


@login_required
@require_POST
def action_report_view(request, pk):
    action = _action_or_404(request, pk)
    _require(policy.can_report_action(request.user, action))
    form = forms.ActionReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            meeting_services.action_report(action=action, by=request.user, evidence=form.cleaned_data["evidence"],
                                           files=form.cleaned_data["files"])
        except ServiceError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Evidence submitted; the project office will confirm the closure."))
            return redirect(action)
    return _action_page(request, action, status=400, report_form=form)


@login_required
@require_POST
def action_close_view(request, pk):
    action = _action_or_404(request, pk)
    _require(policy.can_close_action(request.user, action))
    try:
        meeting_services.action_close(action=action, by=request.user)
        messages.success(request, _("The decision is closed."))
    except ServiceError as exc:
        messages.error(request, _errors(exc))
    return redirect(action)


@login_required
@require_POST
def action_return_view(request, pk):
    action = _action_or_404(request, pk)
    _require(policy.can_close_action(request.user, action))
    form = forms.ActionReturnForm(request.POST)
    if form.is_valid():
        meeting_services.action_return(action=action, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Sent back to %(unit)s.") % {"unit": action.responsible_unit})
        return redirect(action)
    return _action_page(request, action, status=400, return_form=form)


# ---------------------------------------------------------------- inbox, statistics, settings


@login_required
def inbox(request):
    unit_id = request.user.unit_id
    notices = Notice.objects.filter(unit_id=unit_id).select_related("problem", "action") if unit_id else Notice.objects.none()
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    unread = Notice.objects.filter(unit_id=unit_id, read_at__isnull=True).count() if unit_id else 0
    return render(request, "consultation/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_open(request, pk):
    notice = get_object_or_404(Notice, pk=pk, unit_id=request.user.unit_id)
    notice_services.notice_mark_read(notice=notice, by=request.user)
    target = notice.url or (notice.problem or notice.action or None)
    return redirect(target or "consultation:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    if request.user.unit_id:
        Notice.objects.filter(unit_id=request.user.unit_id, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("consultation:inbox")


@login_required
def statistics(request):
    _require(policy.can_view_statistics(request.user))
    today = timezone.localdate()
    form = forms.PeriodForm(request.GET or None)
    start, end = dt.date(today.year, 1, 1), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    by_unit = selectors.closure_by_unit(start, end)
    by_level = selectors.problem_counts("level", today=today)
    by_category = selectors.problem_counts("category", today=today)
    closed = sum(r.closed for r in by_unit)
    on_time = sum(r.closed_on_time for r in by_unit)
    chart = {
        "levels": [str(r["label"]) for r in by_level],
        "open": [r["open"] for r in by_level],
        "closed": [r["closed"] for r in by_level],
        "categories": [{"name": str(r["label"]), "value": r["open"] + r["closed"]} for r in by_category],
    }
    return render(request, "consultation/statistics.html", {
        "form": form, "start": start, "end": end, "by_unit": by_unit, "by_level": by_level, "by_category": by_category,
        "average_days": selectors.average_days_to_close(start, end), "closed": closed, "on_time": on_time,
        "rate": selectors._rate(on_time, closed), "overdue": selectors.overdue_problems(today).count(),
        "overdue_actions": selectors.overdue_actions(today).count(), "chart": chart, "today": today,
        "open_label": pgettext("consultation", "Open"), "closed_label": pgettext("consultation", "Closed"),
    })


@login_required
def deadlines(request):
    _require(policy.can_manage_settings(request.user))
    existing = {(r.category, r.urgency, r.level): r for r in DeadlineRule.objects.all()}
    rows, errors = [], []
    for category, category_label in ProblemCategory.choices:
        for urgency, urgency_label in Urgency.choices:
            cells = []
            for level in LADDER:
                key = f"d-{category}-{urgency}-{level}"
                rule = existing.get((category, urgency, level))
                value = rule.days if rule else DeadlineRule.days_for(category, urgency, level)
                if request.method == "POST":
                    raw = request.POST.get(key, "").strip()
                    if not raw.isdigit() or not 1 <= int(raw) <= 365:
                        errors.append(key)
                    else:
                        value = int(raw)
                cells.append({"key": key, "value": value, "level": level, "error": key in errors,
                              "custom": rule is not None})
            rows.append({"category": category_label, "urgency": urgency_label, "cells": cells,
                         "ids": (category, urgency)})
    if request.method == "POST":
        if errors:
            messages.error(request, _("Each deadline is a whole number of days from 1 to 365."))
        else:
            problem_services.deadline_rules_save(
                by=request.user,
                values={(r["ids"][0], r["ids"][1], c["level"]): c["value"] for r in rows for c in r["cells"]},
            )
            messages.success(request, _("Ladder deadlines saved; they apply to problems reaching a level from now on."))
            return redirect("consultation:deadlines")
    return render(request, "consultation/deadlines.html", {
        "rows": rows, "levels": [Level(lvl).label for lvl in LADDER]}, status=400 if errors else 200)


