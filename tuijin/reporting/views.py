"""Pages of monthly reporting and investment statistics. Views are thin: policy, then a
service or a selector, then a template."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.orgs.choices import Role
from tuijin.orgs.models import Unit
from tuijin.orgs.policy import can_view_project, role_of
from tuijin.orgs.security import log_export

from . import policy, selectors, services
from .exports import progress_workbook
from .forms import PeriodForm, ReportForm
from .models import MonthlyReport, Notification, PeriodStatus, ReportingPeriod, ReportPhoto, ReportStatus

PAGE = 50
#: Units per page of the overview's table, and rows of its side tables (worst first).
UNITS_PAGE = 100
SIDE_ROWS = 30


def _messages_from(request, exc: ServiceError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _period_from(request) -> tuple[int, int]:
    """The month asked for (?period=2026-10), else the latest opened period, else last month."""
    text = request.GET.get("period")
    if text:
        try:
            return services.parse_period(text)
        except ServiceError:
            pass
    latest = ReportingPeriod.objects.order_by("-year", "-month").values_list("year", "month").first()
    if latest:
        return latest
    today = timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


# ---------------------------------------------------------------- inbox


@login_required
def inbox(request):
    """What the signed-in user must do: fill (owners, towns), verify (towns), confirm (office)."""
    user = request.user
    role = role_of(user)
    base = MonthlyReport.objects.select_related("project", "project__town", "period").order_by(
        "-year", "-month", "project__name"
    )
    open_or_reopened = Q(period__status=PeriodStatus.OPEN) | Q(is_reopened=True)
    to_fill = to_verify = to_confirm = MonthlyReport.objects.none()
    if role == Role.OWNER and user.unit_id:
        to_fill = base.filter(open_or_reopened, project__owner_id=user.unit_id, status__in=services.FILLABLE)
    elif role == Role.TOWN and user.unit_id:
        to_fill = base.filter(open_or_reopened, project__town_id=user.unit_id, status__in=services.FILLABLE)
        to_verify = base.filter(project__town_id=user.unit_id, status=ReportStatus.SUBMITTED)
    elif role == Role.OFFICE:
        to_confirm = base.filter(
            Q(status=ReportStatus.VERIFIED) | Q(status=ReportStatus.SUBMITTED, project__town__isnull=True)
        )
        to_verify = base.filter(status=ReportStatus.SUBMITTED, project__town__isnull=False)
    lists = []
    for key, title, qs, action in (
        ("fill", _("To fill"), to_fill, _("Fill")),
        ("verify", _("To verify"), to_verify, _("Verify")),
        ("confirm", _("To confirm"), to_confirm, _("Confirm")),
    ):
        page = Paginator(qs, PAGE).get_page(request.GET.get(f"{key}_page"))
        if page.paginator.count or (key == "fill" and role in (Role.OWNER, Role.TOWN)) or (
            key == "confirm" and role == Role.OFFICE
        ) or (key == "verify" and role == Role.TOWN):
            lists.append({"key": key, "title": title, "page": page, "action": action})
    periods = []
    if role == Role.OFFICE:
        periods = list(
            ReportingPeriod.objects.annotate(
                expected=Count("reports"),
                filed=Count("reports", filter=Q(reports__submitted_at__isnull=False)),
                late=Count("reports", filter=Q(reports__is_late=True)),
                confirmed=Count("reports", filter=Q(reports__status=ReportStatus.CONFIRMED)),
                waiting=Count("reports", filter=Q(reports__status__in=[ReportStatus.SUBMITTED, ReportStatus.VERIFIED])),
            ).order_by("-year", "-month")[:12]
        )
    notices = list(Notification.objects.filter(user=user, read_at__isnull=True)[:10])
    open_period = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()
    return render(
        request,
        "reporting/inbox.html",
        {
            "lists": lists,
            "periods": periods,
            "notices": notices,
            "open_period": open_period,
            "period_form": PeriodForm() if role == Role.OFFICE else None,
            "can_manage": policy.can_manage_periods(user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def period_open(request):
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            year, month = services.parse_period(form.cleaned_data["period"])
            period = services.period_open(
                year=year, month=month, by=request.user,
                opens_on=form.cleaned_data["opens_on"], closes_on=form.cleaned_data["closes_on"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from None
        except ServiceError as exc:
            _messages_from(request, exc)
        else:
            messages.success(
                request,
                _("%(period)s is open: %(n)s reports to file from %(opens)s to %(closes)s.")
                % {"period": period, "n": period.reports.count(), "opens": period.opens_on, "closes": period.closes_on},
            )
    else:
        messages.error(request, _("Give the month to open, e.g. 2026-10."))
    return redirect("reporting:inbox")


@login_required
@require_POST
def period_lock(request, pk):
    period = get_object_or_404(ReportingPeriod, pk=pk)
    try:
        services.period_lock(period=period, by=request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except ServiceError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("%(period)s is confirmed and locked.") % {"period": period})
    return redirect("reporting:inbox")


@login_required
@require_POST
def remind(request):
    if not policy.can_manage_periods(request.user):
        raise DjangoPermissionDenied
    result = services.remind_late()
    messages.success(
        request,
        _("%(reports)s overdue reports; %(people)s people notified, %(mails)s by e-mail.")
        % {"reports": result.late_reports, "people": result.notified, "mails": result.emailed},
    )
    return redirect("reporting:inbox")


@login_required
@require_POST
def bulk(request, action):
    qs = MonthlyReport.objects.select_related("project", "period")
    period = request.POST.get("period")
    if period:
        qs = qs.filter(period_id=period)
    try:
        if action == "confirm":
            n = services.reports_confirm_all(reports=qs, by=request.user)
            messages.success(request, _("%(n)s reports confirmed.") % {"n": n})
        elif action == "verify":
            if role_of(request.user) == Role.TOWN:
                qs = qs.filter(project__town_id=request.user.unit_id)
            elif role_of(request.user) != Role.OFFICE:
                raise DjangoPermissionDenied
            n = services.reports_verify_all(reports=qs, by=request.user)
            messages.success(request, _("%(n)s reports verified.") % {"n": n})
        else:
            raise Http404
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except ServiceError as exc:
        _messages_from(request, exc)
    return redirect("reporting:inbox")


# ---------------------------------------------------------------- one report


@login_required
def report_detail(request, pk):
    report = get_object_or_404(
        MonthlyReport.objects.select_related("project", "project__town", "project__owner", "period", "submitted_by"),
        pk=pk,
    )
    if not policy.can_view_report(request.user, report):
        raise Http404
    user = request.user
    project = report.project
    locked = report.period.status == PeriodStatus.LOCKED and not report.is_reopened
    can_fill = policy.can_fill(user, project) and report.status in services.FILLABLE and not locked
    form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("save", "submit"):
                if not policy.can_fill(user, project):
                    raise DjangoPermissionDenied
                form = ReportForm(request.POST, request.FILES)
                if form.is_valid():
                    data = form.cleaned_data
                    try:
                        # The report and its photos are saved together or not at all.
                        with transaction.atomic():
                            services.report_save(
                                report=report, by=user, amount=data["amount"], progress=data["progress"],
                                is_registered=data["is_registered"], explanation=data["explanation"],
                                submit=action == "submit", expected_version=data.get("version"),
                            )
                            for upload in data["photos"]:
                                services.photo_add(report=report, by=user, upload=upload)
                    except ServiceError as exc:
                        if hasattr(exc, "error_dict"):
                            for name, errors in exc.error_dict.items():
                                for error in errors:
                                    form.add_error(None if name not in form.fields else name, error)
                        else:
                            form.add_error("photos" if "photo" in str(exc.messages).lower() else None, exc)
                    else:
                        messages.success(
                            request,
                            _("Filed. %(town)s verifies it next.") % {"town": project.town or _("The project office")}
                            if action == "submit"
                            else _("Saved as a draft."),
                        )
                        return redirect("reporting:report", pk=report.pk)
            elif action == "photo":
                for upload in request.FILES.getlist("photos"):
                    services.photo_add(report=report, by=user, upload=upload)
                messages.success(request, _("Photo added."))
                return redirect("reporting:report", pk=report.pk)
            elif action == "delete_photo":
                photo = get_object_or_404(ReportPhoto, pk=request.POST.get("photo"), report=report)
                services.photo_delete(photo=photo, by=user)
                return redirect("reporting:report", pk=report.pk)
            elif action == "verify":
                services.report_verify(report=report, by=user)
                messages.success(request, _("Verified; the project office confirms it next."))
                return redirect("reporting:inbox")
            elif action == "confirm":
                services.report_confirm(report=report, by=user)
                messages.success(request, _("Confirmed."))
                return redirect("reporting:inbox")
            elif action in ("return", "reopen"):
                text = request.POST.get("reason", "")
                if action == "return":
                    services.report_return(report=report, by=user, reason=text)
                    messages.success(request, _("Returned to the filer with your reason."))
                else:
                    services.report_reopen(report=report, by=user, reason=text)
                    messages.success(request, _("Reopened for correction; the reason is kept in its history."))
                return redirect("reporting:report", pk=report.pk)
            else:
                raise Http404
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from None
        except ServiceError as exc:
            if form is None:
                _messages_from(request, exc)
                return redirect("reporting:report", pk=report.pk)
    if form is None and can_fill:
        form = ReportForm(
            initial={
                "amount": "" if report.status == ReportStatus.DRAFT and not report.amount else f"{report.amount.normalize():f}",
                "progress": report.progress,
                "is_registered": report.is_registered or _registered_before(report),
                "explanation": report.explanation,
                "version": report.version,
            }
        )
    figures = selectors.project_figures(report.year, report.month, [project.pk]).first()
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "project": project,
            "form": form if can_fill else None,
            "figures": figures,
            "photos": list(report.photos.all()),
            "events": list(report.events.select_related("by")),
            "can_verify": policy.can_verify(user, project) and report.status == ReportStatus.SUBMITTED,
            "can_confirm": policy.can_confirm(user)
            and (report.status == ReportStatus.VERIFIED or (report.status == ReportStatus.SUBMITTED and not project.town_id)),
            "can_return": (policy.can_confirm(user) and report.status in (ReportStatus.SUBMITTED, ReportStatus.VERIFIED))
            or (policy.can_verify(user, project) and report.status == ReportStatus.SUBMITTED),
            "can_reopen": policy.can_manage_periods(user) and report.period.status == PeriodStatus.LOCKED
            and not report.is_reopened,
            "can_add_photo": policy.can_fill(user, project) and not locked and report.status == ReportStatus.SUBMITTED,
            "locked": locked,
        },
    )


def _registered_before(report: MonthlyReport) -> bool:
    return selectors.counted_reports().filter(project_id=report.project_id, is_registered=True).exists()


# ---------------------------------------------------------------- statistics


def _require_statistics(request):
    if not policy.can_view_statistics(request.user):
        raise DjangoPermissionDenied


@login_required
def overview(request):
    """The county's monthly overview: figures per unit with drill-down to projects."""
    _require_statistics(request)
    year, month = _period_from(request)
    by = request.GET.get("by", "town")
    if by not in selectors.GROUPINGS:
        by = "town"
    units = selectors.unit_figures(year, month, by=by, forecast=False)
    county = selectors.total_of(units)
    starts, start_units = selectors.start_figures(year, month)
    punctuality = selectors.reporting_punctuality(year, month)
    today = timezone.localdate()
    gaps = selectors.registration_gap_counts(today)
    # A county has a few dozen units, a province thousands: the page shows a page of the units
    # and the units that need attention first in the side tables, so it costs the same at any size.
    units_page = Paginator(units, UNITS_PAGE).get_page(request.GET.get("page"))
    start_units.sort(key=lambda s: (-s.overdue, -(s.new_starts - s.started), s.key is None, s.name))
    periods = list(ReportingPeriod.objects.order_by("-year", "-month").values_list("year", "month")[:36])
    return render(
        request,
        "reporting/overview.html",
        {
            "year": year,
            "month": month,
            "period_text": f"{year}-{month:02d}",
            "periods": [f"{y}-{m:02d}" for y, m in periods],
            "by": by,
            "groupings": [("town", _("Town or street")), ("department", _("Department")), ("category", _("Category")),
                          ("industry_chain", _("Industry chain"))],
            "county": county,
            "units": units_page.object_list,
            "page": units_page,
            "starts": starts,
            "start_units": start_units[:SIDE_ROWS],
            "start_units_more": max(0, len(start_units) - SIDE_ROWS),
            "punctuality": punctuality[:SIDE_ROWS],
            "punctuality_more": max(0, len(punctuality) - SIDE_ROWS),
            "punctuality_total": _sum_punctuality(punctuality),
            "gaps": gaps[:SIDE_ROWS],
            "gaps_more": max(0, len(gaps) - SIDE_ROWS),
            "gap_totals": {"one": sum(g["after_one"] for g in gaps), "two": sum(g["after_two"] for g in gaps)},
            "export_url": _export_url(year, month),
        },
    )


@login_required
def overview_forecast(request):
    """The overview's trend chart and year-end forecast, loaded after the figures (htmx):
    it reads five past years of reports."""
    _require_statistics(request)
    year, month = _period_from(request)
    series = selectors.monthly_series(year - 5, year)
    forecast = selectors.county_forecast(year, month, series=series)
    units = [u for u in selectors.unit_figures(year, month, by="town", share=forecast.share) if u.key]
    # The largest first: at a province's scale the panel lists the towns that weigh most.
    units.sort(key=lambda u: (-(u.forecast or u.ytd), u.name))
    context = {
        "year": year,
        "month": month,
        "forecast": forecast,
        "units": units[:SIDE_ROWS],
        "units_more": max(0, len(units) - SIDE_ROWS),
        "chart": {
            "months": [f"{m}月" for m in range(1, 13)],
            "this": [float(v) for v in series[year][:month]],
            "last": [float(v) for v in series[year - 1]],
            "year": year,
        },
    }
    return render(request, "reporting/_forecast.html", context)


def _sum_punctuality(rows):
    total = selectors.Punctuality(key=None, name="")
    for r in rows:
        total.expected += r.expected
        total.on_time += r.on_time
        total.late += r.late
        total.missing += r.missing
    return total


SORTS = {
    "ytd": "-ytd", "month": "-month_amount", "schedule": "schedule_pct", "completion": "completion_pct",
    "plan": "-planned_investment", "name": "project__name",
}


@login_required
def town_projects(request, pk):
    """Drill-down: the projects of one town with their figures for the month."""
    _require_statistics(request)
    town = get_object_or_404(Unit, pk=pk)
    year, month = _period_from(request)
    sort = request.GET.get("sort", "ytd")
    forecast = selectors.county_forecast(year, month, per_project_error=True, town_id=town.pk)
    share = forecast.share
    rows = selectors.with_forecast(
        selectors.project_figures(year, month).filter(project__town=town), share
    ).order_by(SORTS.get(sort, "-ytd"), "pk")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    figures = next((f for f in selectors.unit_figures(year, month, by="town", forecast=False) if f.key == town.pk), None)
    return render(
        request,
        "reporting/town.html",
        {
            "town": town,
            "year": year,
            "month": month,
            "period_text": f"{year}-{month:02d}",
            "page": page,
            "sort": sort,
            "figures": figures,
            "forecast": forecast,
            "series": _series_json(selectors.monthly_series(year - 4, year, town_id=town.pk), year, month),
        },
    )


def _series_json(series, year, month):
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "years": [
            {"name": str(y), "data": [float(v) for v in (values[:month] if y == year else values)]}
            for y, values in sorted(series.items())
        ],
    }


@login_required
def trends(request):
    """Trend charts: monthly investment and year-to-date curves for the county or one town,
    and year-on-year growth per town."""
    _require_statistics(request)
    year, month = _period_from(request)
    towns = list(Unit.objects.territorial().order_by("kind", "order", "code"))
    town = None
    if request.GET.get("town"):
        town = next((t for t in towns if str(t.pk) == request.GET["town"]), None)
    series = selectors.monthly_series(year - 4, year, town_id=town.pk if town else None)
    units = [u for u in selectors.unit_figures(year, month, by="town", forecast=False) if u.key]
    return render(
        request,
        "reporting/trends.html",
        {
            "year": year,
            "month": month,
            "period_text": f"{year}-{month:02d}",
            "towns": towns,
            "town": town,
            "series": _series_json(series, year, month),
            "growth": {
                "names": [u.name for u in units],
                "ytd": [float(u.ytd) for u in units],
                "last": [float(u.last_year_ytd) for u in units],
                "growth": [float(u.growth_pct) if u.growth_pct is not None else None for u in units],
            },
        },
    )


def _export_url(year: int, month: int) -> str:
    try:
        return reverse("ledger:export_progress") + f"?period={year}-{month:02d}"
    except NoReverseMatch:
        return reverse("reporting:export") + f"?period={year}-{month:02d}"


@login_required
def export(request):
    """The monthly progress table (月度项目推进情况表) as Excel."""
    if not policy.can_export(request.user):
        raise DjangoPermissionDenied
    year, month = _period_from(request)
    content = progress_workbook(year, month)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"monthly-progress-{year}-{month:02d}.xlsx"
    log_export(request, filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- notifications


@login_required
def notifications(request):
    page = Paginator(Notification.objects.filter(user=request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "reporting/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_read(notification=notice, by=request.user)
    if notice.url and request.POST.get("go"):
        return redirect(notice.url)
    return redirect(request.POST.get("next") or "reporting:notifications")


# ---------------------------------------------------------------- project page tab


def project_tab(request, project) -> str:
    """The "月度填报" tab of the project page: this year's figures and the monthly reports."""
    if not can_view_project(request.user, project):
        return ""
    reports = list(
        MonthlyReport.objects.filter(project=project)
        .select_related("period")
        .annotate(photo_count=Count("photos"))
        .order_by("-year", "-month")[:24]
    )
    year = reports[0].year if reports else timezone.localdate().year
    month = reports[0].month if reports else 12
    figures = selectors.project_figures(year, month, [project.pk]).first()
    return render_to_string(
        "reporting/_project_tab.html",
        {"project": project, "reports": reports, "figures": figures, "year": year, "month": month,
         "ytd_total": sum((r.amount for r in reports if r.year == year and r.status != ReportStatus.DRAFT), Decimal(0))},
        request=request,
    )


@login_required
def project_reports(request, pk):
    """The tab as a page of its own (until the project page renders tabs)."""
    from tuijin.projects.models import Project

    project = get_object_or_404(Project.objects.with_related(), pk=pk)
    if not can_view_project(request.user, project):
        raise Http404
    return render(request, "reporting/project.html", {"project": project, "tab": project_tab(request, project)})
