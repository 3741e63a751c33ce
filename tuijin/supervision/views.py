"""Supervision pages: the warning board, a project's lights, the order inbox, bulletins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.lib.errors import PermissionDenied as ServiceDenied
from tuijin.lib.errors import ServiceError
from tuijin.orgs.policy import can_view_project
from tuijin.orgs.security import log_export
from tuijin.projects.models import Project

from . import policy, selectors
from .choices import OPEN_ORDER_STATUSES, OrderStatus
from .forms import BoardFilter, BulletinForm, DecisionForm, OrderForm, ReplyForm, default_reply_due
from .models import Bulletin, Order, ScanRun
from .services.bulletins import bulletin_make
from .services.orders import order_accept, order_escalate, order_issue, order_reply, order_return
from .services.scan import scan_run


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def board(request):
    _require(policy.can_view_board(request.user))
    names = selectors.rule_names()
    form = BoardFilter(request.GET or None, rules=list(names.items()))
    lights = selectors.open_lights().select_related("project", "town").order_by("colour", "town__order", "project__name")
    if form.is_valid():
        if form.cleaned_data["town"]:
            lights = lights.filter(town=form.cleaned_data["town"])
        if form.cleaned_data["colour"]:
            lights = lights.filter(colour=form.cleaned_data["colour"])
        if form.cleaned_data["rule"]:
            lights = lights.filter(rule=form.cleaned_data["rule"])
    page = Paginator(lights, 30).get_page(request.GET.get("page"))
    for light in page:
        light.rule_name = names.get(light.rule, light.rule)
    units = selectors.units_board()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/board.html", {
        "form": form, "page": page, "units": units, "rules": selectors.rules_board(),
        "red_projects": sum(u["red"] for u in units), "yellow_projects": sum(u["yellow"] for u in units),
        "last_scan": ScanRun.objects.first(), "can_scan": policy.can_scan(request.user),
        "can_issue": policy.can_issue_orders(request.user), "query": query.urlencode(),
    })


@login_required
@require_POST
def scan(request):
    _require(policy.can_scan(request.user))
    run = scan_run()
    messages.success(request, _("Scan done: %(red)s red and %(yellow)s yellow lights; %(raised)s raised, %(cleared)s cleared.") % {
        "red": run.open_red, "yellow": run.open_yellow, "raised": run.raised, "cleared": run.cleared})
    return redirect("supervision:board")


def _lights_context(project):
    names = selectors.rule_names()
    lights = list(project.lights.order_by("cleared_on", "-first_seen"))
    for light in lights:
        light.rule_name = names.get(light.rule, light.rule)
    return {"project": project, "open": [lt for lt in lights if lt.is_open],
            "history": [lt for lt in lights if not lt.is_open],
            "orders": project.supervision_orders.select_related("unit").order_by("-issued_at")}


def project_tab(request, project) -> str:
    """The 预警 tab of the project page (declared in SupervisionConfig.project_tabs)."""
    if not policy.can_view_lights(request.user, project):
        return ""
    context = _lights_context(project) | {"can_issue": policy.can_issue_orders(request.user)}
    return render_to_string("supervision/_project_lights.html", context, request=request)


@login_required
def project_lights(request, pk: int):
    project = get_object_or_404(Project.objects.with_related(), pk=pk)
    _require(can_view_project(request.user, project))
    return render(request, "supervision/project.html", {"project": project, "tab": project_tab(request, project)})


@login_required
def orders(request):
    visible = selectors.visible_orders(request.user)
    if not visible.exists() and not policy.can_issue_orders(request.user) and request.user.unit_id is None:
        raise PermissionDenied
    status = request.GET.get("status", "open")
    shown = visible.filter(status__in=OPEN_ORDER_STATUSES) if status == "open" else visible
    page = Paginator(shown.prefetch_related("projects"), 30).get_page(request.GET.get("page"))
    return render(request, "supervision/orders.html", {
        "page": page, "status": status, "can_issue": policy.can_issue_orders(request.user),
        "waiting": visible.filter(status=OrderStatus.ISSUED).count(),
        "to_decide": visible.filter(status=OrderStatus.REPLIED).count(),
    })


@login_required
def order_new(request):
    _require(policy.can_issue_orders(request.user))
    lit = Q(pk__in=selectors.open_lights().values("project_id"))
    initial = {"kind": request.GET.get("kind", "reminder")}
    if request.GET.get("project"):
        project = get_object_or_404(Project, pk=request.GET["project"])
        lit |= Q(pk=project.pk)
        light = project.lights.filter(cleared_on__isnull=True).order_by("colour").first()
        initial |= {"projects": [project.pk], "unit": project.town_id,
                    "kind": "assignment" if light and light.colour == "red" else initial["kind"],
                    "subject": _("On the delay of %(project)s") % {"project": project.name},
                    "body": (light.reason + "\n" if light else "") + _("Reply with a rectification plan: measures, who, by when.")}
    initial.setdefault("reply_due", default_reply_due(initial["kind"]))
    form = OrderForm(request.POST or None, initial=initial, projects=Project.objects.filter(lit).order_by("town__order", "name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = order_issue(kind=data["kind"], unit=data["unit"], projects=data["projects"], subject=data["subject"],
                                body=data["body"], reply_due=data["reply_due"], by=request.user)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Issued %(number)s to %(unit)s.") % {"number": order.number, "unit": order.unit})
            return redirect("supervision:order", pk=order.pk)
    return render(request, "supervision/order_new.html", {"form": form})


@login_required
def order_detail(request, pk: int):
    order = get_object_or_404(Order.objects.select_related("unit", "issued_by", "parent"), pk=pk)
    _require(policy.can_view_order(request.user, order))
    reply = ReplyForm(request.POST if request.POST.get("step") == "reply" else None)
    decision = DecisionForm(request.POST if request.POST.get("step") == "decide" else None)
    if request.method == "POST":
        try:
            if request.POST.get("step") == "reply" and reply.is_valid():
                order_reply(order=order, by=request.user, plan=reply.cleaned_data["plan"], rectify_by=reply.cleaned_data["rectify_by"])
                messages.success(request, _("Rectification plan sent to the project office."))
                return redirect("supervision:order", pk=order.pk)
            if request.POST.get("step") == "decide" and decision.is_valid():
                choice, comment = decision.cleaned_data["decision"], decision.cleaned_data["comment"]
                if choice == "accept":
                    order_accept(order=order, by=request.user, comment=comment)
                    messages.success(request, _("Plan accepted; the order is closed."))
                elif choice == "return":
                    order_return(order=order, by=request.user, reason=comment)
                    messages.success(request, _("Plan returned to the unit."))
                else:
                    child = order_escalate(order=order, by=request.user, reason=comment)
                    messages.success(request, _("Escalated: %(number)s issued.") % {"number": child.number})
                    return redirect("supervision:order", pk=child.pk)
                return redirect("supervision:order", pk=order.pk)
        except ServiceDenied:
            raise PermissionDenied from None
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "supervision/order.html", {
        "order": order, "events": order.events.select_related("by"), "projects": order.projects.select_related("town"),
        "reply": reply, "decision": decision, "escalations": order.escalations.all(),
        "can_reply": policy.can_reply(request.user, order) and order.status == OrderStatus.ISSUED,
        "can_decide": policy.can_decide_orders(request.user) and order.status in OPEN_ORDER_STATUSES,
    })


@login_required
def bulletins(request):
    _require(policy.can_read_bulletin(request.user))
    form = BulletinForm(request.POST or None)
    if request.method == "POST":
        _require(policy.can_make_bulletin(request.user))
        if form.is_valid():
            bulletin, data = bulletin_make(period=form.cleaned_data["period"], by=request.user)
            messages.success(request, _("Bulletin %(number)s made: %(red)s red and %(yellow)s yellow lights listed.") % {
                "number": bulletin.number, "red": len(data.red), "yellow": len(data.yellow)})
            return redirect("supervision:bulletins")
    return render(request, "supervision/bulletins.html", {
        "form": form, "bulletins": Bulletin.objects.select_related("made_by")[:50],
        "can_make": policy.can_make_bulletin(request.user)})


@login_required
def bulletin_download(request, pk: int):
    _require(policy.can_read_bulletin(request.user))
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if not bulletin.file:
        raise Http404
    log_export(request, f"督查通报-{bulletin.period}.docx")
    return FileResponse(bulletin.file.open("rb"), as_attachment=True, filename=f"督查通报-{bulletin.period}.docx")

