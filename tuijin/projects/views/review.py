"""The project office's review queue: first and final review, return, withdrawal, restore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.orgs import policy

from ..choices import REVIEW_QUEUE_STATUSES, EntryStatus, LibraryKind
from ..models import EntryEvent, LibraryEntry
from ..services import libraries
from .common import is_htmx, require

QUEUE_FILTERS = [*REVIEW_QUEUE_STATUSES, EntryStatus.WITHDRAWN]


def _queue(status: str | None, kind: str | None):
    statuses = [status] if status in QUEUE_FILTERS else list(REVIEW_QUEUE_STATUSES)
    queryset = LibraryEntry.objects.filter(status__in=statuses).select_related(
        "library", "project", "project__town", "project__category", "project__owner"
    )
    if kind in LibraryKind.values:
        queryset = queryset.filter(library__kind=kind)
    return queryset.prefetch_related(
        Prefetch("events", queryset=EntryEvent.objects.select_related("by").order_by("-at", "-pk"))
    ).order_by("submitted_at", "pk")


@login_required
def review_queue(request):
    require(policy.can_review(request.user))
    status = request.GET.get("status") or None
    kind = request.GET.get("library") or None
    page = Paginator(_queue(status, kind), 50).get_page(request.GET.get("page"))
    counts = {
        row["status"]: row["n"]
        for row in LibraryEntry.objects.filter(status__in=QUEUE_FILTERS).order_by().values("status").annotate(n=Count("pk"))
    }
    filters = [
        {"value": "", "label": _("All waiting"), "count": sum(counts.get(s, 0) for s in REVIEW_QUEUE_STATUSES)},
        *[{"value": s, "label": EntryStatus(s).label, "count": counts.get(s, 0)} for s in QUEUE_FILTERS],
    ]
    return render(
        request,
        "projects/review_queue.html",
        {
            "page": page,
            "status": status or "",
            "kind": kind or "",
            "filters": filters,
            "kinds": LibraryKind.choices,
        },
    )


ACTIONS = {
    "first_review": lambda entry, by, reason: libraries.entry_first_review(entry=entry, by=by, reason=reason),
    "final_review": lambda entry, by, reason: libraries.entry_final_review(entry=entry, by=by, reason=reason),
    "return": lambda entry, by, reason: libraries.entry_return(entry=entry, by=by, reason=reason),
    "approve_withdrawal": lambda entry, by, reason: libraries.withdrawal_decide(entry=entry, by=by, approve=True, reason=reason),
    "reject_withdrawal": lambda entry, by, reason: libraries.withdrawal_decide(entry=entry, by=by, approve=False, reason=reason),
    "restore": lambda entry, by, reason: libraries.entry_restore(entry=entry, by=by, reason=reason),
}


@login_required
@require_POST
def review_action(request, entry_id: int, action: str):
    """One review step. With htmx the row is swapped in place; without it the queue reloads."""
    require(policy.can_review(request.user))
    if action not in ACTIONS:
        raise Http404
    entry = get_object_or_404(LibraryEntry.objects.select_related("library", "project"), pk=entry_id)
    reason = (request.POST.get("reason") or "").strip()
    error = None
    try:
        entry = ACTIONS[action](entry, request.user, reason)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    done = None if error else _("%(project)s: %(status)s.") % {"project": entry.project, "status": entry.get_status_display()}
    if is_htmx(request):
        entry = LibraryEntry.objects.select_related(
            "library", "project", "project__town", "project__category", "project__owner"
        ).prefetch_related(
            Prefetch("events", queryset=EntryEvent.objects.select_related("by").order_by("-at", "-pk"))
        ).get(pk=entry.pk)
        html = render_to_string(
            "projects/partials/review_row.html", {"entry": entry, "error": error, "done": done}, request=request
        )
        return HttpResponse(html)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    target = request.POST.get("next") or ""
    if not target.startswith(reverse("projects:review_queue")):
        target = reverse("projects:review_queue")
    return redirect(target)
