"""Pages of the three administrators (三员分立) and of the second factor.

System administrator: accounts and units. Security administrator: roles, units of accounts,
unlocking. Audit administrator: the security log and the change history, read and exported.
Every view asks tuijin.orgs.policy; the services ask again, so a crafted POST fails as well.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policy, second_factor, selectors, services
from .choices import Role
from .forms import AccountAssignForm, AccountCreateForm, HistoryFilter, SecurityLogFilter, TokenForm, UnitForm
from .middleware import SECOND_FACTOR_SESSION_KEY
from .models import Unit, User
from .security import RETENTION_DAYS, log_export, verify_chain

PAGE_SIZE = 50


def _require(check, request):
    if not check(request.user):
        raise PermissionDenied


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def console(request):
    """Where an administrator lands after signing in."""
    role = policy.admin_role_of(request.user)
    if role == Role.SYSADMIN:
        return redirect("orgs:users")
    if role == Role.SECADMIN:
        return redirect("orgs:users")
    if role == Role.AUDITOR:
        return redirect("orgs:security_log")
    raise PermissionDenied


# Accounts: the system administrator creates and deactivates, the security administrator
# assigns roles and units and unlocks.


@login_required
def users(request):
    user = request.user
    if not (policy.can_manage_accounts(user) or policy.can_assign_roles(user)):
        raise PermissionDenied
    search = request.GET.get("q", "")
    role = request.GET.get("role", "")
    page = _page(request, selectors.accounts(search=search, role=role))
    locked = services.locked_usernames() if policy.can_assign_roles(user) else set()
    return render(
        request,
        "orgs/users.html",
        {
            "page": page,
            "q": search,
            "role": role,
            "roles": Role.choices,
            "locked": locked,
            "can_manage": policy.can_manage_accounts(user),
            "can_assign": policy.can_assign_roles(user),
        },
    )


@login_required
def user_create(request):
    _require(policy.can_manage_accounts, request)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.account_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Account %(name)s created. The security administrator now assigns its role and unit.") % {"name": account.username})
        return redirect("orgs:users")
    return render(request, "orgs/user_create.html", {"form": form, "rules": AccountCreateForm.password_rules()})


@login_required
@require_POST
def user_set_active(request, pk):
    _require(policy.can_manage_accounts, request)
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    if account.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("orgs:users")
    services.account_set_active(user=account, active=active, by=request.user)
    messages.success(request, (_("Account %(name)s activated.") if active else _("Account %(name)s deactivated.")) % {"name": account.username})
    return redirect("orgs:users")


@login_required
def user_assign(request, pk):
    _require(policy.can_assign_roles, request)
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not policy.can_assign_role_to(request.user, account):
        raise PermissionDenied
    form = AccountAssignForm(request.POST or None, initial={"role": account.role, "unit": account.unit_id})
    if request.method == "POST" and form.is_valid():
        services.account_assign(user=account, role=form.cleaned_data["role"], unit=form.cleaned_data["unit"], by=request.user)
        messages.success(request, _("Role and unit of %(name)s saved.") % {"name": account.username})
        return redirect("orgs:users")
    return render(request, "orgs/user_assign.html", {"form": form, "account": account})


@login_required
@require_POST
def user_unlock(request, pk):
    _require(policy.can_assign_roles, request)
    account = get_object_or_404(User, pk=pk)
    services.account_unlock(user=account, by=request.user, request=request)
    messages.success(request, _("Account %(name)s unlocked.") % {"name": account.username})
    return redirect("orgs:users")


# Units: the system administrator.


@login_required
def units(request):
    _require(policy.can_manage_accounts, request)
    qs = Unit.objects.all()
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    search = request.GET.get("q", "")
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return render(
        request,
        "orgs/units.html",
        {"page": _page(request, qs), "q": search, "kind": kind, "kinds": Unit._meta.get_field("kind").choices},
    )


@login_required
def unit_edit(request, pk=None):
    _require(policy.can_manage_accounts, request)
    unit = get_object_or_404(Unit, pk=pk) if pk else Unit()
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.unit_save(unit=form.save(commit=False), by=request.user, request=request)
        messages.success(request, _("Unit %(name)s saved.") % {"name": unit.name})
        return redirect("orgs:units")
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_set_active(request, pk):
    _require(policy.can_manage_accounts, request)
    unit = get_object_or_404(Unit, pk=pk)
    services.unit_set_active(unit=unit, active=request.POST.get("active") == "1", by=request.user, request=request)
    return redirect("orgs:units")


# The audit administrator: security log and change history.


def _log_filters(request):
    form = SecurityLogFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "kind": data.get("kind") or "",
        "username": data.get("user") or "",
        "start": data.get("start"),
        "end": data.get("end"),
    }


@login_required
def security_log(request):
    _require(policy.can_read_security_log, request)
    form, filters = _log_filters(request)
    events = selectors.security_events(**filters)
    broken = verify_chain()
    query = request.GET.urlencode()
    return render(
        request,
        "orgs/security_log.html",
        {
            "form": form,
            "page": _page(request, events),
            "broken": broken,
            "retention_days": RETENTION_DAYS,
            "export_query": query,
            "oldest": events.order_by("at").values_list("at", flat=True).first(),
        },
    )


def _xlsx_response(title: str, headers: list[str], rows: list[list], filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF6")
    for row in rows:
        ws.append([_cell(v) for v in row])
    for column, width in zip("ABCDEFGH", (20, 18, 16, 16, 60, 20, 20, 20), strict=False):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@login_required
def security_log_export(request):
    _require(policy.can_read_security_log, request)
    _form, filters = _log_filters(request)
    events = list(selectors.security_events(**filters))
    local = timezone.localtime
    rows = [
        [local(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.get_kind_display(), e.username, e.ip_address, _detail_text(e.detail), e.hash]
        for e in events
    ]
    headers = [_("time"), _("event"), _("user name"), _("IP address"), _("detail"), _("hash")]
    filename = f"security-log-{timezone.localdate():%Y%m%d}.xlsx"
    # The export is itself a security event, recorded before the file leaves.
    log_export(request, filename, len(rows))
    return _xlsx_response(_("Security log"), headers, rows, filename)


def _detail_text(detail: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted((detail or {}).items()))


def _record_name(content_type) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


def _history_models():
    from auditlog.registry import auditlog

    found = []
    for model in auditlog.get_models():
        found.append((f"{model._meta.app_label}.{model._meta.model_name}", str(model._meta.verbose_name)))
    return sorted(found, key=lambda m: m[1])


def _history_filters(request):
    form = HistoryFilter(request.GET or None, models=_history_models())
    data = form.cleaned_data if form.is_valid() else {}
    return form, {"model": data.get("model") or "", "username": data.get("user") or "", "start": data.get("start"), "end": data.get("end")}


@login_required
def history(request):
    _require(policy.can_read_security_log, request)
    form, filters = _history_filters(request)
    entries = selectors.change_history(**filters)
    return render(request, "orgs/history.html", {"form": form, "page": _page(request, entries), "export_query": request.GET.urlencode()})


@login_required
def history_export(request):
    _require(policy.can_read_security_log, request)
    _form, filters = _history_filters(request)
    entries = list(selectors.change_history(**filters)[:100_000])
    rows = [
        [
            timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            e.get_action_display(),
            _record_name(e.content_type),
            e.object_repr,
            e.changes_text or _detail_text(e.changes_dict),
            e.actor.username if e.actor else "",
            e.remote_addr or "",
        ]
        for e in entries
    ]
    headers = [_("time"), _("action"), _("record"), _("object"), _("changes"), _("user name"), _("IP address")]
    filename = f"change-history-{timezone.localdate():%Y%m%d}.xlsx"
    log_export(request, filename, len(rows))
    return _xlsx_response(_("Change history"), headers, rows, filename)


# Second factor (TOTP).


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def second_factor_page(request):
    """Set up, or remove, an authenticator app."""
    user = request.user
    device = second_factor.confirmed_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        if second_factor.is_required(user):
            raise PermissionDenied
        if device is None or not user.is_verified():
            raise PermissionDenied
        second_factor.second_factor_remove(request=request)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("orgs:second_factor")
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_confirm(request=request, token=form.cleaned_data["token"]):
            request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
            messages.success(request, _("Two-step sign-in is on. From now on, sign in with your password and a code."))
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the time on your phone and try the newest code."))
    context = {"form": form, "device": device, "required": second_factor.is_required(user), "next": _next_url(request, "")}
    if device is None or request.method == "POST":
        pending = second_factor.pending_device(user)
        context |= {"qr": second_factor.qr_svg(pending), "secret": second_factor.secret_text(pending)}
    return render(request, "orgs/second_factor.html", context)


@login_required
def second_factor_verify(request):
    """The step after the password for a user with an authenticator."""
    if second_factor.confirmed_device(request.user) is None:
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            request.session.pop(SECOND_FACTOR_SESSION_KEY, None)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the time on your phone and try the newest code."))
    return render(request, "orgs/second_factor_verify.html", {"form": form, "next": _next_url(request, "")})

