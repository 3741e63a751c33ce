"""Pages of the open-data app: the public disclosure (no login), the OC4IDS package, and
the project office's webhook and API-token pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from tuijin.lib.errors import ServiceError
from tuijin.orgs.models import User
from tuijin.projects.choices import Stage

from . import oc4ids, policy
from .choices import DeliveryStatus
from .events import EVENTS
from .filtersets import PublicProjectFilterSet
from .forms import SubscriptionForm, TokenIssueForm
from .models import WebhookDelivery, WebhookSubscription
from .selectors import PUBLIC_DOCUMENT_KINDS, disclosed_projects
from .services import tokens, webhooks
from .services.package import current_package

PUBLIC_PAGE_SIZE = 30


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# ---------------------------------------------------------------- public disclosure


def public_list(request):
    """政府信息公开: the disclosed major projects, filterable, for anyone."""
    base = disclosed_projects()
    filterset = PublicProjectFilterSet(request.GET or None, queryset=base.select_related("town", "category", "owner"))
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    totals = projects.aggregate(
        count=Count("pk"),
        investment=Sum("total_investment"),
        building=Count("pk", filter=Q(stage__in=[Stage.STARTED, Stage.CONSTRUCTION])),
        done=Count("pk", filter=Q(stage__in=[Stage.COMPLETED, Stage.OPERATING, Stage.REVIEW])),
    )
    totals["investment_yi"] = (totals["investment"] or 0) / 10000
    page = Paginator(projects.order_by("-total_investment", "code"), PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "opendata/public_list.html",
        {"filter": filterset, "page": page, "totals": totals, "query": query.urlencode(), "updated": timezone.now()},
    )


def _public_project(pk: int):
    project = disclosed_projects().filter(pk=pk).first()
    if project is None:
        raise Http404(_("No disclosed project has this number."))
    return project


def public_detail(request, pk: int):
    """A disclosed project's public facts: the OC4IDS release, rendered."""
    project = _public_project(pk)
    projects = list(oc4ids.package_queryset().filter(pk=project.pk))
    release = oc4ids.build_releases(projects, base_url=_base_url(request))[0]
    return render(
        request,
        "opendata/public_detail.html",
        {"project": projects[0], "release": release, "period_keys": list(dict.fromkeys(oc4ids.PERIOD.values()))},
    )


def public_project_json(request, pk: int):
    project = _public_project(pk)
    queryset = disclosed_projects().filter(pk=project.pk)
    package = oc4ids.build_package(base_url=_base_url(request), queryset=queryset)
    return _json(package)


def public_document(request, pk: int, doc_pk: int):
    project = _public_project(pk)
    document = project.documents.filter(pk=doc_pk, deleted_at__isnull=True, kind__in=PUBLIC_DOCUMENT_KINDS).first()
    if document is None or not document.file:
        raise Http404(_("This document is not published."))
    return FileResponse(document.file.open("rb"), as_attachment=False, filename=document.file.name.rsplit("/", 1)[-1])


def oc4ids_package(request):
    """The OC4IDS 0.9.5 project package of every disclosed project: the published file
    (rebuilt nightly), with its ETag and date so that a harvester fetches it only when it
    changed."""
    package = current_package(base_url=_base_url(request))
    etag = f'"{package.sha256}"'
    built = int(package.built_at.timestamp())  # HTTP dates count whole seconds
    response = get_conditional_response(request, etag=etag, last_modified=built)
    if response is None:
        response = FileResponse(package.file.open("rb"), content_type="application/json; charset=utf-8", filename="oc4ids.json")
        response["ETag"] = etag
        response["Last-Modified"] = http_date(built)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data) -> HttpResponse:
    response = HttpResponse(oc4ids.to_json(data), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------- webhooks (project office)


def _office(request, check=policy.can_manage_webhooks):
    if not check(request.user):
        raise PermissionDenied


@login_required
def webhook_list(request):
    _office(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub = webhooks.subscription_create(by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Subscription %(name)s added.") % {"name": sub.name})
            return redirect("opendata:webhook_edit", pk=sub.pk)
    subscriptions = WebhookSubscription.objects.annotate(
        sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    return render(request, "opendata/webhooks.html", {"subscriptions": subscriptions, "form": form, "events": EVENTS})


def _form_errors(form, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def webhook_edit(request, pk: int):
    _office(request)
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and request.POST.get("action") == "rotate":
        webhooks.subscription_rotate_secret(subscription=subscription, by=request.user)
        messages.success(request, _("A new signing secret was generated; give it to the receiver."))
        return redirect("opendata:webhook_edit", pk=pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhooks.subscription_update(subscription=subscription, by=request.user, **data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("opendata:webhook_edit", pk=pk)
    recent = subscription.deliveries.all()[:20]
    return render(request, "opendata/webhook_edit.html", {"subscription": subscription, "form": form, "recent": recent})


@login_required
def delivery_log(request):
    _office(request)
    deliveries = WebhookDelivery.objects.select_related("subscription")
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    subscription = request.GET.get("subscription", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    if event in EVENTS:
        deliveries = deliveries.filter(event=event)
    if subscription.isdigit():
        deliveries = deliveries.filter(subscription_id=int(subscription))
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "opendata/deliveries.html",
        {
            "page": page,
            "statuses": DeliveryStatus.choices,
            "events": EVENTS,
            "subscriptions": WebhookSubscription.objects.all(),
            "current": {"status": status, "event": event, "subscription": subscription},
            "query": query.urlencode(),
        },
    )


@login_required
def delivery_detail(request, pk: int):
    _office(request)
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("subscription"), pk=pk)
    payload = json.dumps(delivery.payload, ensure_ascii=False, indent=2)
    return render(request, "opendata/delivery_detail.html", {"delivery": delivery, "payload": payload})


@login_required
@require_POST
def delivery_retry(request, pk: int):
    _office(request)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        result = webhooks.delivery_retry(delivery=delivery, by=request.user)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if result is not None and result.status == DeliveryStatus.SUCCEEDED:
            messages.success(request, _("Delivered."))
        else:
            messages.warning(request, _("Still not delivered; it will be retried."))
    return redirect(request.POST.get("next") or "opendata:deliveries")


# ---------------------------------------------------------------- API tokens (project office)


@login_required
def token_list(request):
    _office(request, policy.can_manage_tokens)
    form = TokenIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token = tokens.token_issue(user=form.cleaned_data["user"], by=request.user)
        except ServiceError as exc:
            form.add_error("user", exc.messages)
        else:
            request.session["opendata_new_token"] = {"user": token.user_id, "key": token.key}
            messages.success(request, _("Token issued for %(user)s. Copy it now: it is shown only once.") % {"user": token.user})
            return redirect("opendata:tokens")
    new_token = request.session.pop("opendata_new_token", None)
    rows = Token.objects.select_related("user", "user__unit").order_by("-created")
    return render(request, "opendata/tokens.html", {"tokens": rows, "form": form, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, user_pk: int):
    _office(request, policy.can_manage_tokens)
    user = get_object_or_404(User, pk=user_pk)
    tokens.token_revoke(user=user, by=request.user)
    messages.success(request, _("The token of %(user)s no longer works.") % {"user": user})
    return redirect("opendata:tokens")
