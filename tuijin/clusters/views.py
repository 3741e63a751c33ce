"""Pages of rural cluster development. Thin: policy decides who, services change, selectors read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.orgs.choices import TERRITORIAL_KINDS
from tuijin.orgs.models import Unit
from tuijin.orgs.security import log_export
from tuijin.projects.models import Project

from . import exports, policy, selectors, services
from .choices import UNITS, AllocationMethod, ContributionKind, ShareholderKind
from .diagram import cluster_svg
from .forms import (
    CoalitionForm,
    CompanyForm,
    ContributionsForm,
    DistributionForm,
    IncomeForm,
    ProjectLinkForm,
    RuleForm,
    ShareholderForm,
)
from .models import AllocationRule, Cluster, ClusterProject, JointCompany, Shareholder
from .shares import SHAPLEY_MAX_PLAYERS, ShareError


def _cluster(request, pk) -> Cluster:
    cluster = get_object_or_404(Cluster.objects.select_related("town", "lead_village"), pk=pk)
    if not policy.can_view_cluster(request.user, cluster):
        raise Forbidden
    return cluster


def _company(request, pk) -> JointCompany:
    company = get_object_or_404(JointCompany.objects.select_related("cluster__town"), pk=pk)
    if not policy.can_view_company(request.user, company):
        raise Forbidden
    return company


def _office(request) -> None:
    if not policy.can_manage(request.user):
        raise Forbidden


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_page(request, form, *, title, back, back_label, intro="", submit=None, extra=None):
    return render(request, "clusters/form.html", {
        "form": form, "title": title, "back": back, "back_label": back_label, "intro": intro,
        "submit": submit or _("Save"), **(extra or {}),
    })


# --- clusters ------------------------------------------------------------------------------


@login_required
def cluster_list(request):
    if not policy.can_browse(request.user):
        raise Forbidden
    towns = Unit.objects.filter(kind__in=TERRITORIAL_KINDS, clusters__in=Cluster.objects.filter(
        policy.visible_clusters_filter(request.user))).distinct().order_by("order")
    town = towns.filter(pk=request.GET.get("town")).first() if request.GET.get("town", "").isdigit() else None
    q = request.GET.get("q", "").strip()
    rows = selectors.clusters_for(request.user, town=town, q=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    year = timezone.localdate().year - 1
    income = selectors.collective_income_by_year(page.object_list)
    for cluster in page.object_list:
        series = income.get(cluster.pk, {})
        cluster.income_last = series.get(year)
        cluster.income_growth = selectors.growth(series, year)
    return render(request, "clusters/cluster_list.html", {
        "page": page, "towns": towns, "town": town, "q": q, "year": year,
        "summary": selectors.county_summary(request.user), "can_manage": policy.can_manage(request.user),
    })


@login_required
def cluster_detail(request, pk):
    cluster = _cluster(request, pk)
    villages = list(cluster.villages.order_by("order", "name"))
    links = list(selectors.cluster_projects(cluster))
    income = selectors.collective_income_by_year([cluster]).get(cluster.pk, {})
    table = selectors.income_table(income)
    by_village = selectors.village_incomes(villages)
    dividends = selectors.dividends_by_village(villages)
    years = sorted({y for v in by_village.values() for y in v})[-4:]
    for village in villages:
        village.by_year = [by_village.get(village.pk, {}).get(y) for y in years]
        village.dividends = sum(dividends.get(village.pk, {}).values()) if dividends.get(village.pk) else None
        village.project_count = sum(1 for link in links if link.village_id == village.pk)
    chart = {
        "years": [str(r["year"]) for r in table],
        "totals": [float(r["total"]) for r in table],
        "growth": [float(r["growth"]) if r["growth"] is not None else None for r in table],
    }
    link_form = ProjectLinkForm(cluster=cluster) if policy.can_manage(request.user) else None
    investment = sum((link.project.total_investment for link in links), 0)
    return render(request, "clusters/cluster_detail.html", {
        "cluster": cluster, "villages": villages, "links": links, "years": years, "income_table": table,
        "latest": table[-1] if table else None, "chart_json": json.dumps(chart),
        "svg": cluster_svg(cluster, villages, links), "investment": investment,
        "companies": list(cluster.companies.all()), "can_manage": policy.can_manage(request.user),
        "link_form": link_form,
    })


@login_required
@require_POST
def cluster_link_project(request, pk):
    _office(request)
    cluster = _cluster(request, pk)
    form = ProjectLinkForm(request.POST, cluster=cluster)
    if form.is_valid():
        project = Project.objects.filter(code=form.cleaned_data["code"].strip()).first()
        if project is None:
            messages.error(request, _("No project has the number %(code)s.") % {"code": form.cleaned_data["code"]})
        else:
            try:
                services.cluster_project_link(cluster=cluster, project=project, village=form.cleaned_data["village"],
                                              expected_income=form.cleaned_data["expected_income"], by=request.user)
                messages.success(request, _("%(project)s is now a project of the cluster.") % {"project": project})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(cluster)


def rule_params(rule: AllocationRule) -> str:
    """The parameters of a rule version in words, e.g. "土地 0.5 · 现金 0.4 · 人口 0.1"."""
    parts = []
    if rule.method == AllocationMethod.WEIGHTED:
        parts = [f"{ContributionKind(k).label} {w}" for k, w in rule.weights.items()]
    if rule.population_pool is not None:
        parts.append(_("%(amount)s (10k yuan) by population") % {"amount": format(rule.population_pool.normalize(), "f")})
    if rule.guaranteed_rate is not None:
        parts.append(_("guaranteed %(rate)s%%") % {"rate": format(rule.guaranteed_rate.normalize(), "f")})
    parts.append(_("%(places)s decimal places") % {"places": rule.rounding_places})
    return " · ".join(str(p) for p in parts)


# --- companies -----------------------------------------------------------------------------


@login_required
def company_list(request):
    if not policy.can_browse(request.user):
        raise Forbidden
    companies = list(selectors.companies_for(request.user))
    return render(request, "clusters/company_list.html", {"companies": companies})


@login_required
def company_detail(request, pk):
    company = _company(request, pk)
    holders, kinds, cells = selectors.contribution_matrix(company)
    rows = []
    for holder in holders:
        rows.append({"holder": holder, "cells": [cells.get((holder.pk, k)) for k in kinds]})
    totals = []
    for k in kinds:
        quantity = sum((c.quantity for (h, kind), c in cells.items() if kind == k), 0)
        valuation = sum((c.valuation for (h, kind), c in cells.items() if kind == k and c.valuation is not None), 0)
        totals.append({"quantity": quantity, "valuation": valuation})
    allocation = selectors.latest_allocation(company)
    percents = {line.shareholder_id: line.percent for line in allocation.lines.all()} if allocation else {}
    if allocation:
        services.explained(allocation.lines.all())
    for row in rows:
        row["percent"] = percents.get(row["holder"].pk)
    places = allocation.rule.rounding_places if allocation else 4
    rules = list(selectors.company_rules(company))
    for rule in rules:
        rule.params_display = rule_params(rule)
    incomes = selectors.company_incomes(company)
    distributions = selectors.company_distributions(company)
    for d in distributions:
        d.total_paid = sum((line.total for line in d.lines.all()), 0)
    preview_error = None
    if rules and (allocation is None or allocation.rule_id != rules[0].pk):
        try:
            services.allocation_preview(rules[0])
        except ShareError as exc:
            preview_error = " ".join(exc.messages)
    chart = {"years": [str(i.year) for i in incomes], "income": [float(i.operating_income) for i in incomes],
             "distributable": [float(i.distributable) for i in incomes]}
    return render(request, "clusters/company_detail.html", {
        "company": company, "cluster": company.cluster, "rows": rows,
        "kinds": [(k, ContributionKind(k).label, UNITS[ContributionKind(k)]) for k in kinds], "totals": totals,
        "rules": rules, "current_rule": rules[0] if rules else None, "allocation": allocation,
        "incomes": incomes, "distributions": distributions, "chart_json": json.dumps(chart),
        "can_manage": policy.can_manage(request.user), "preview_error": preview_error,
        "shapley": AllocationMethod.SHAPLEY, "places": places, "percent_total": sum(percents.values(), 0),
    })


@login_required
def company_create(request, pk):
    _office(request)
    cluster = _cluster(request, pk)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(cluster=cluster, by=request.user, **form.cleaned_data)
            messages.success(request, _("The company was set up. Now add its shareholders."))
            return redirect(company)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Set up a joint company"), back=cluster.get_absolute_url(),
                      back_label=str(cluster),
                      intro=_("A company the member villages of %(cluster)s fund together.") % {"cluster": cluster})


@login_required
def company_edit(request, pk):
    _office(request)
    company = _company(request, pk)
    initial = {f: getattr(company, f) for f in CompanyForm.base_fields}
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, by=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(company)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Edit the company"), back=company.get_absolute_url(),
                      back_label=company.name)


@login_required
def shareholder_add(request, pk):
    _office(request)
    company = _company(request, pk)
    form = ShareholderForm(request.POST or None, company=company, initial={"kind": ShareholderKind.VILLAGE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            holder = services.shareholder_add(company=company, name=data["name"], kind=data["kind"],
                                              village=data["village"], by=request.user)
            messages.success(request, _("%(holder)s was added. Enter its contributions.") % {"holder": holder})
            return redirect("clusters:contributions", pk=company.pk, holder=holder.pk)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Add a shareholder"), back=company.get_absolute_url(),
                      back_label=company.name)


@login_required
def contributions_edit(request, pk, holder):
    _office(request)
    company = _company(request, pk)
    shareholder = get_object_or_404(Shareholder, pk=holder, company=company)
    current = {c.kind: c for c in shareholder.contributions.all()}
    initial = {field: current[kind].quantity for kind, field in ContributionsForm.KINDS.items() if kind in current}
    if ContributionKind.LAND in current:
        initial["land_valuation"] = current[ContributionKind.LAND].valuation
    form = ContributionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            for kind, field in ContributionsForm.KINDS.items():
                valuation = data["land_valuation"] if kind == ContributionKind.LAND else None
                services.contribution_set(shareholder=shareholder, kind=kind, quantity=data[field] or 0,
                                          valuation=valuation, by=request.user)
            messages.success(request, _("The contributions of %(holder)s were saved.") % {"holder": shareholder})
            return redirect(company)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Contributions of %(holder)s") % {"holder": shareholder},
                      back=company.get_absolute_url(), back_label=company.name,
                      intro=_("Empty or zero means nothing of that kind."))


@login_required
def rule_create(request, pk):
    _office(request)
    company = _company(request, pk)
    form = RuleForm(request.POST or None, initial={
        "method": AllocationMethod.WEIGHTED, "effective_from": timezone.localdate(), "rounding_places": 4,
        "approved_by": _("Shareholders' meeting")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.rule_create(
                company=company, method=data["method"], weights=form.weights(), population_pool=data["population_pool"],
                guaranteed_rate=data["guaranteed_rate"], rounding_places=data["rounding_places"],
                effective_from=data["effective_from"], approved_by=data["approved_by"], approved_on=data["approved_on"],
                document_number=data["document_number"], note=data["note"], by=request.user,
            )
            messages.success(request, _("Version %(v)s of the rule was recorded.") % {"v": rule.version})
            if rule.method == AllocationMethod.SHAPLEY:
                return redirect("clusters:coalitions", pk=company.pk, rule=rule.pk)
            return redirect(company)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return render(request, "clusters/rule_form.html", {"form": form, "company": company})


@login_required
def coalitions_edit(request, pk, rule):
    _office(request)
    company = _company(request, pk)
    rule = get_object_or_404(AllocationRule, pk=rule, company=company, method=AllocationMethod.SHAPLEY)
    holders = list(company.shareholders.all())
    if len(holders) > SHAPLEY_MAX_PLAYERS:
        messages.error(request, _("The Shapley value is offered for at most %(max)s shareholders.") % {
            "max": SHAPLEY_MAX_PLAYERS})
        return redirect(company)
    coalitions = services.all_coalitions(holders)
    known = {c.member_ids: c.income for c in rule.coalitions.all()}
    form = CoalitionForm(request.POST or None, coalitions=coalitions, initial_values=known)
    if request.method == "POST" and form.is_valid():
        try:
            services.coalition_incomes_set(rule=rule, incomes=form.incomes(), by=request.user)
            messages.success(request, _("The coalition incomes were saved."))
            return redirect(company)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(
        request, form, title=_("Coalition incomes for rule version %(v)s") % {"v": rule.version},
        back=company.get_absolute_url(), back_label=company.name,
        intro=_("The yearly income (10k yuan) each group of shareholders would earn on its own; "
                "the empty group earns 0. All %(n)s groups are needed.") % {"n": len(coalitions)},
    )


@login_required
@require_POST
def allocation_compute(request, pk, rule):
    _office(request)
    company = _company(request, pk)
    rule = get_object_or_404(AllocationRule, pk=rule, company=company)
    try:
        services.allocation_compute(rule=rule, by=request.user)
        messages.success(request, _("The shares were computed under version %(v)s.") % {"v": rule.version})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{company.get_absolute_url()}#allocation")


@login_required
def income_record(request, pk):
    _office(request)
    company = _company(request, pk)
    form = IncomeForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.company_income_record(company=company, by=request.user, **form.cleaned_data)
            messages.success(request, _("The income was recorded."))
            return redirect(f"{company.get_absolute_url()}#income")
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Record a year's income"), back=company.get_absolute_url(),
                      back_label=company.name)


@login_required
def distribution_compute(request, pk):
    _office(request)
    company = _company(request, pk)
    latest = company.incomes.order_by("-year").first()
    form = DistributionForm(request.POST or None, initial={"year": latest.year if latest else timezone.localdate().year - 1,
                                                           "method": "by_share"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.distribution_compute(company=company, year=data["year"], method=data["method"],
                                          guaranteed_rate=data["guaranteed_rate"], by=request.user)
            messages.success(request, _("The distribution of %(year)s was computed.") % {"year": data["year"]})
            return redirect(f"{company.get_absolute_url()}#distribution")
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _form_page(request, form, title=_("Distribute a year's income"), back=company.get_absolute_url(),
                      back_label=company.name,
                      intro=_("The distributable amount of the year's recorded income is shared out; the amounts "
                              "add up to it exactly, rounded to the yuan by the largest remainder method."))


# --- documents ---------------------------------------------------------------------------


@login_required
def register_xlsx(request, pk):
    company = _company(request, pk)
    content = exports.share_register(company)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = exports.disposition(f"{company.name}股东名册.xlsx")
    log_export(request, f"{company.name}股东名册.xlsx")
    return response


@login_required
def statement_docx(request, pk):
    company = _company(request, pk)
    content = exports.allocation_statement(company)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = exports.disposition(f"{company.name}股份分配说明.docx")
    log_export(request, f"{company.name}股份分配说明.docx")
    return response


# --- project page tab --------------------------------------------------------------------


def project_tab(request, project) -> str:
    link = ClusterProject.objects.filter(project=project).select_related("cluster__town", "village").first()
    visible = link is not None and policy.can_view_cluster(request.user, link.cluster)
    return render_to_string("clusters/project_tab.html", {"link": link, "visible": visible}, request=request)
