"""Investment attraction: the lead ledger, a lead's page (stage history, advance, convert),
and the funnel per town and per chain with big projects and ageing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import ServiceError
from tuijin.orgs.choices import TERRITORIAL_KINDS
from tuijin.orgs.models import Unit
from tuijin.orgs.security import log_export
from tuijin.projects.models import IndustryChain

from .. import policy
from ..choices import SIGNED_NOT_STARTED, LeadSource, LeadStage
from ..exports import xlsx_response
from ..forms import AdvanceForm, ConvertForm, LeadForm, apply_service_error
from ..models import Lead
from ..selectors import attraction as selectors
from ..services.attraction import lead_advance, lead_convert, lead_create, lead_update
from .common import deny_unless, int_param, paginate


def _filtered(request):
    qs = Lead.objects.all()
    stage = request.GET.get("stage", "")
    if stage in LeadStage.values:
        qs = qs.filter(stage=stage)
    reached = request.GET.get("reached", "")
    if reached in LeadStage.values:
        qs = qs.filter(stage__in=LeadStage.at_least(reached))
    source = request.GET.get("source", "")
    if source in LeadSource.values:
        qs = qs.filter(source=source)
    for name in ("town", "industry_chain", "responsible_unit"):
        value = int_param(request, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    if request.GET.get("big") == "1":
        qs = qs.filter(intended_amount__gte=selectors.BIG_PROJECT)
    if request.GET.get("waiting") == "1":
        qs = qs.filter(stage__in=SIGNED_NOT_STARTED)
    if request.GET.get("converted") == "1":
        qs = qs.filter(project__isnull=False)
    signed_year = int_param(request, "signed_year")
    if signed_year:
        qs = qs.filter(signed_on__year=signed_year)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(investor__icontains=q))
    return qs


@login_required
def lead_list(request):
    deny_unless(policy.can_view_leads(request.user))
    qs = _filtered(request)
    rows = qs.select_related("town", "industry_chain", "responsible_unit", "project").order_by("-intended_amount", "pk")
    if request.GET.get("format") == "xlsx":
        log_export(request, "leads.xlsx")
        headers = [_("Project name"), _("Investor"), _("Investor from"), _("Source"), _("Industry chain"),
                   _("Intended investment (10k yuan)"), _("Town"), _("Responsible unit"), _("Stage"),
                   _("In this stage since"), _("Signed on"), _("Reserve project")]
        data = ([r.name, r.investor, r.investor_origin, r.get_source_display(), r.industry_chain or "", r.intended_amount,
                 r.town.name, r.responsible_unit.name, r.get_stage_display(), r.stage_since, r.signed_on,
                 r.project.code if r.project else ""] for r in rows)
        return xlsx_response(_("Investment leads"), headers, data, "leads")
    page, query = paginate(request, rows)
    return render(request, "breakthroughs/lead_list.html", {
        "page": page, "query": query, "funnel": selectors.funnel(qs), "filters": request.GET,
        "stages": LeadStage.choices, "sources": LeadSource.choices,
        "towns": Unit.objects.filter(kind__in=TERRITORIAL_KINDS), "chains": IndustryChain.objects.all(),
        "can_create": policy.can_create_lead(request.user), "today": timezone.localdate(),
    })


@login_required
def lead_funnel(request):
    deny_unless(policy.can_view_leads(request.user))
    today = timezone.localdate()
    waiting = list(selectors.signed_not_started()[:200])
    for lead in waiting:
        lead.days = selectors.days_since_signed(lead, today)
    return render(request, "breakthroughs/lead_funnel.html", {
        "funnel": selectors.funnel(), "towns": selectors.by_town(), "chains": selectors.by_chain(),
        "big": list(selectors.big_leads()[:30]), "ageing": selectors.ageing(today), "waiting": waiting,
        "stages": list(LeadStage), "today": today,
    })


@login_required
def lead_detail(request, pk):
    deny_unless(policy.can_view_leads(request.user))
    lead = get_object_or_404(Lead.objects.select_related("town", "industry_chain", "responsible_unit", "project"), pk=pk)
    can_edit = policy.can_edit_lead(request.user, lead)
    advance_form = convert_form = None
    if can_edit and lead.stage != LeadStage.PRODUCTION:
        advance_form = AdvanceForm(lead=lead, prefix="advance")
    if can_edit and lead.is_signed and not lead.project_id:
        convert_form = ConvertForm(lead=lead, prefix="convert")
    if request.method == "POST":
        deny_unless(can_edit)
        action = request.POST.get("action")
        if action == "advance":
            advance_form = AdvanceForm(request.POST, lead=lead, prefix="advance")
            if advance_form.is_valid():
                try:
                    lead_advance(lead=lead, by=request.user, **advance_form.cleaned_data)
                except ServiceError as exc:
                    apply_service_error(advance_form, exc)
                else:
                    messages.success(request, _("The lead moved on."))
                    return redirect("breakthroughs:lead", pk=lead.pk)
        elif action == "convert":
            convert_form = ConvertForm(request.POST, lead=lead, prefix="convert")
            if convert_form.is_valid():
                try:
                    project = lead_convert(lead=lead, by=request.user, **convert_form.cleaned_data)
                except ServiceError as exc:
                    apply_service_error(convert_form, exc)
                else:
                    messages.success(request, _("%(project)s is registered and submitted to the five-year reserve.")
                                     % {"project": project})
                    return redirect("breakthroughs:lead", pk=lead.pk)
    today = timezone.localdate()
    return render(request, "breakthroughs/lead_detail.html", {
        "lead": lead, "can_edit": can_edit, "advance_form": advance_form, "convert_form": convert_form,
        "history": lead.stage_changes.select_related("by"), "days_signed": selectors.days_since_signed(lead, today),
        "stages": [(s, LeadStage.order(s) <= lead.stage_rank, s.value == lead.stage) for s in LeadStage],
    })


@login_required
def lead_new(request):
    deny_unless(policy.can_create_lead(request.user))
    initial = {"first_contact_on": timezone.localdate()}
    if request.user.unit and request.user.unit.kind in TERRITORIAL_KINDS:
        initial.update(town=request.user.unit, responsible_unit=request.user.unit)
    form = LeadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead = lead_create(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Lead recorded."))
            return redirect("breakthroughs:lead", pk=lead.pk)
    return render(request, "breakthroughs/simple_form.html", {
        "form": form, "title": _("New investment lead"), "back": "../",
    })


@login_required
def lead_edit(request, pk):
    lead = get_object_or_404(Lead, pk=pk)
    deny_unless(policy.can_edit_lead(request.user, lead))
    form = LeadForm(request.POST or None, instance=lead)
    if request.method == "POST" and form.is_valid():
        try:
            lead_update(lead=lead, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Lead saved."))
            return redirect("breakthroughs:lead", pk=lead.pk)
    return render(request, "breakthroughs/simple_form.html", {
        "form": form, "title": _("Edit lead %(lead)s") % {"lead": lead}, "back": lead_url(lead),
    })


def lead_url(lead) -> str:
    from django.urls import reverse

    return reverse("breakthroughs:lead", args=[lead.pk])
