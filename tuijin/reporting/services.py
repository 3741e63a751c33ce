"""The monthly reporting cycle: open a period, fill, verify, confirm, return, lock, reopen for
correction, remind the late — and site photos. Every write happens here, in a transaction."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tuijin.lib.bulk import insert_select
from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.lib.locking import EditConflict, conflict_message
from tuijin.lib.uploads import store
from tuijin.orgs.choices import Role
from tuijin.orgs.models import User
from tuijin.projects.models import PlanEntry, Project

from . import policy
from .models import (
    MonthlyReport,
    Notification,
    PeriodStatus,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportPhoto,
    ReportStatus,
)
from .selectors import counted_reports, plan_version_id

#: Year-to-date above the annual plan times this factor needs an explanation (then it is flagged).
PLAN_FACTOR = Decimal(str(getattr(settings, "TUIJIN_REPORTING_PLAN_FACTOR", "1.5")))
#: One month above this share of the annual plan is flagged for the verifier.
MONTH_SHARE_FLAG = Decimal("0.5")
FILLABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
FILED = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED, ReportStatus.CONFIRMED)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
MAX_PHOTOS = 9
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}

_PERIOD = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


# ---------------------------------------------------------------- periods


def parse_period(text: str) -> tuple[int, int]:
    """"2026-10" → (2026, 10), with a message a user can act on otherwise."""
    match = _PERIOD.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ServiceError(_("Write the month as YYYY-MM, e.g. 2026-10 (not %(text)s).") % {"text": text})
    return int(match.group(1)), int(match.group(2))


def default_window(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The filing window of month M: the 1st to the 5th of month M+1."""
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(y, m, 1), dt.date(y, m, 5)


@transaction.atomic
def period_open(
    *, year: int, month: int, by, opens_on: dt.date | None = None, closes_on: dt.date | None = None
) -> ReportingPeriod:
    """Open month ``month`` of ``year`` for reporting: a draft report for every project in
    that year's annual plan, to be filed in the window (default the 1st–5th of next month)."""
    if not policy.can_manage_periods(by):
        raise PermissionDenied(_("Only the project office opens a reporting period."))
    if not 1 <= month <= 12:
        raise ServiceError(_("Months run from 1 to 12."))
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ServiceError(
            _("%(year)s-%(month)02d has not begun; a month is reported once it is under way.") % {"year": year, "month": month}
        )
    existing = ReportingPeriod.objects.filter(year=year, month=month).first()
    if existing:
        raise ServiceError(
            _("%(period)s is already opened (%(status)s).") % {"period": existing, "status": existing.get_status_display()}
        )
    version = plan_version_id(year)
    if version is None:
        raise ServiceError(_("There is no %(year)s annual plan to report against.") % {"year": year})
    default_opens, default_closes = default_window(year, month)
    opens_on, closes_on = opens_on or default_opens, closes_on or default_closes
    if closes_on < opens_on:
        raise ServiceError(_("The filing window closes before it opens."))
    period = ReportingPeriod.objects.create(
        year=year, month=month, opens_on=opens_on, closes_on=closes_on, opened_by=by
    )
    # One draft per line, written in the database in one statement (a province's plan has
    # 50,000 lines); a project that already has the month's report keeps it.
    insert_select(
        MonthlyReport,
        PlanEntry.objects.filter(version_id=version, project__deleted_at__isnull=True),
        {"project_id": "project_id"},
        {"period_id": period.pk, "year": year, "month": month},
        ignore_conflicts=True,
    )
    return period


@transaction.atomic
def period_lock(*, period: ReportingPeriod, by) -> ReportingPeriod:
    """Confirm the period as a whole and lock it: nothing in it changes any more except a
    report the office reopens for correction. Reports never filed stay counted as missing."""
    if not policy.can_manage_periods(by):
        raise PermissionDenied(_("Only the project office locks a period."))
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.LOCKED:
        raise ServiceError(_("%(period)s is already locked.") % {"period": period})
    waiting = period.reports.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.VERIFIED]).count()
    if waiting:
        raise ServiceError(
            _("%(n)s reports of %(period)s still wait for verification or confirmation; confirm or return them first.")
            % {"n": waiting, "period": period}
        )
    period.status = PeriodStatus.LOCKED
    period.locked_at = timezone.now()
    period.locked_by = by
    period.save()
    period.reports.filter(is_reopened=True).update(is_reopened=False)
    return period


# ---------------------------------------------------------------- filling


@dataclass
class Check:
    """What validation found: ``errors`` refuse the report, ``flags`` go to the verifier."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def report_check(*, report: MonthlyReport, amount: Decimal, explanation: str = "", submit: bool = True) -> Check:
    """Validate a month's figure against the plan and the project's totals."""
    check = Check()
    project = report.project
    if amount is None:
        check.error("amount", _("Enter the investment completed this month (0 if none)."))
        return check
    if amount < 0:
        check.error("amount", _("The investment of a month cannot be negative (%(amount)s万元).") % {"amount": _fmt(amount)})
        return check
    entry = (
        PlanEntry.objects.filter(version_id=plan_version_id(report.year), project_id=project.pk)
        .only("planned_investment", "opening_cumulative")
        .first()
    )
    if entry is None:
        check.error(
            "__all__",
            _("%(project)s is not in the %(year)s annual plan; only projects in the plan report monthly.")
            % {"project": project, "year": report.year},
        )
        return check
    others = (
        counted_reports()
        .filter(project_id=project.pk, year=report.year, month__lte=report.month)
        .exclude(pk=report.pk)
        .aggregate(s=Sum("amount"))["s"]
        or Decimal(0)
    )
    ytd = others + amount
    since_start = entry.opening_cumulative + ytd
    if project.total_investment and since_start > project.total_investment:
        check.error(
            "amount",
            _(
                "With this month, investment since the start would be %(since)s万元, above the total investment of "
                "%(total)s万元. Check the amount, or have the total investment adjusted first."
            )
            % {"since": _fmt(since_start), "total": _fmt(project.total_investment)},
        )
    plan = entry.planned_investment
    limit = plan * PLAN_FACTOR
    if ytd > limit and amount > 0:
        message = _(
            "Year to date would be %(ytd)s万元, more than %(factor)s× the annual plan of %(plan)s万元."
        ) % {"ytd": _fmt(ytd), "factor": PLAN_FACTOR.normalize(), "plan": _fmt(plan)}
        if explanation.strip():
            check.flags.append(message + " " + _("Explained by the filer."))
        elif submit:
            check.error("explanation", message + " " + _("Explain why (e.g. the plan is being raised), or correct the amount."))
    if plan and amount > plan * MONTH_SHARE_FLAG:
        check.flags.append(
            _("This month alone is %(amount)s万元, over half of the annual plan (%(plan)s万元).")
            % {"amount": _fmt(amount), "plan": _fmt(plan)}
        )
    if not plan and amount > 0 and ytd <= limit:
        check.flags.append(_("No investment is planned for this project this year."))
    return check


@transaction.atomic
def report_save(
    *,
    report: MonthlyReport,
    by,
    amount: Decimal,
    progress: str = "",
    is_registered: bool = False,
    explanation: str = "",
    submit: bool = True,
    expected_version: int | None = None,
) -> MonthlyReport:
    """Fill a month's report and, with ``submit``, file it for the town to verify.

    Refused: a project not in the plan, a negative amount, cumulative investment above the
    total investment, year to date far above the plan without an explanation, a month already
    filed, a locked period. Flagged for the verifier: a large single month, investment with
    no plan, an explained excess. With ``expected_version`` (the version the form was opened
    at), a report saved by someone else meanwhile is refused, never overwritten."""
    report = MonthlyReport.objects.select_for_update().select_related("project", "period").get(pk=report.pk)
    if not policy.can_fill(by, report.project):
        raise PermissionDenied(_("You may not fill the reports of %(project)s.") % {"project": report.project})
    if expected_version is not None and report.version != expected_version:
        raise EditConflict(
            conflict_message(report, _("The report of %(project)s for %(period)s") % {
                "project": report.project, "period": report.period})
        )
    _require_editable(report)
    check = report_check(report=report, amount=amount, explanation=explanation, submit=submit)
    if submit and not (progress or "").strip():
        check.error("progress", _("Describe the physical progress (形象进度) this month."))
    if check.errors:
        raise ServiceError(check.errors)
    report.amount = amount
    report.progress = progress.strip()
    report.is_registered = is_registered
    report.explanation = explanation.strip()
    report.flags = check.flags
    report.version += 1
    if submit:
        now = timezone.now()
        first_filing = report.submitted_at is None
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = by
        if first_filing:
            report.is_late = timezone.localdate() > report.period.closes_on
    report.save()
    ReportEvent.objects.create(
        report=report, action=ReportAction.SUBMIT if submit else ReportAction.SAVE, by=by, amount=amount,
        reason="; ".join(check.flags),
    )
    return report


def _require_editable(report: MonthlyReport) -> None:
    if report.period.status == PeriodStatus.LOCKED and not report.is_reopened:
        raise ServiceError(
            _("%(period)s is confirmed and locked. Ask the project office to reopen this report for a correction.")
            % {"period": report.period}
        )
    if report.status in FILED:
        when = timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report.submitted_at else ""
        raise ServiceError(
            _("%(project)s has already reported %(period)s (filed %(when)s, %(status)s). A month is reported once; "
              "ask the verifier to return it to change it.")
            % {"project": report.project, "period": report.period, "when": when, "status": report.get_status_display()}
        )


def report_for(*, project: Project, year: int, month: int) -> MonthlyReport:
    """The report of ``project`` for a month of an opened period; created for a project added
    to the plan after the period was opened. Refused for a project not in the plan."""
    period = ReportingPeriod.objects.filter(year=year, month=month).first()
    if period is None:
        raise ServiceError(_("%(year)s-%(month)02d is not open for reporting.") % {"year": year, "month": month})
    if not PlanEntry.objects.filter(version_id=plan_version_id(year), project=project).exists():
        raise ServiceError(
            _("%(project)s is not in the %(year)s annual plan; only projects in the plan report monthly.")
            % {"project": project, "year": year}
        )
    report, _created = MonthlyReport.objects.get_or_create(
        project=project, year=year, month=month, defaults={"period": period}
    )
    return report


# ---------------------------------------------------------------- verify, confirm, return, reopen


def _event(report, action, by, reason: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, by=by, amount=report.amount, reason=reason)


def _lock_report(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().select_related("project", "period").get(pk=report.pk)


@transaction.atomic
def report_verify(*, report: MonthlyReport, by) -> MonthlyReport:
    report = _lock_report(report)
    if not policy.can_verify(by, report.project):
        raise PermissionDenied(_("Only the officer of %(town)s verifies this report.") % {"town": report.project.town})
    if report.status != ReportStatus.SUBMITTED:
        raise ServiceError(_("Only a filed report waits for verification (this one is %(status)s).")
                           % {"status": report.get_status_display()})
    report.status = ReportStatus.VERIFIED
    report.verified_at = timezone.now()
    report.save()
    _event(report, ReportAction.VERIFY, by)
    return report


@transaction.atomic
def report_confirm(*, report: MonthlyReport, by) -> MonthlyReport:
    """The project office confirms a verified report (a county-level project without a town
    needs no town verification)."""
    report = _lock_report(report)
    if not policy.can_confirm(by):
        raise PermissionDenied(_("Only the project office confirms reports."))
    allowed = [ReportStatus.VERIFIED] + ([ReportStatus.SUBMITTED] if report.project.town_id is None else [])
    if report.status not in allowed:
        raise ServiceError(_("Only a report verified by the town can be confirmed (this one is %(status)s).")
                           % {"status": report.get_status_display()})
    report.status = ReportStatus.CONFIRMED
    report.confirmed_at = timezone.now()
    report.return_reason = ""
    if report.period.status == PeriodStatus.LOCKED:
        report.is_reopened = False  # the correction is done: the report is locked again
    report.save()
    _event(report, ReportAction.CONFIRM, by)
    return report


@transaction.atomic
def report_return(*, report: MonthlyReport, by, reason: str) -> MonthlyReport:
    """Send a filed report back to its filer with the reason. The town returns what it has not
    verified yet; the office returns anything not yet confirmed."""
    report = _lock_report(report)
    if not reason.strip():
        raise ServiceError(_("Say why the report is returned, so the filer knows what to correct."))
    if policy.can_confirm(by):
        allowed = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)
    elif policy.can_verify(by, report.project):
        allowed = (ReportStatus.SUBMITTED,)
    else:
        raise PermissionDenied(_("You may not return this report."))
    if report.status not in allowed:
        raise ServiceError(_("This report cannot be returned now (it is %(status)s).") % {"status": report.get_status_display()})
    report.status = ReportStatus.RETURNED
    report.return_reason = reason.strip()
    report.save()
    _event(report, ReportAction.RETURN, by, reason.strip())
    notify(
        filers_of(report.project),
        _("Returned: %(project)s, %(period)s") % {"project": report.project, "period": report.period},
        reason.strip(),
        reverse("reporting:report", args=[report.pk]),
    )
    return report


@transaction.atomic
def report_reopen(*, report: MonthlyReport, by, reason: str) -> MonthlyReport:
    """Reopen one report of a locked period for correction, with a reason that stays in its
    history. Its last figure keeps counting until the corrected one is filed."""
    report = _lock_report(report)
    if not policy.can_manage_periods(by):
        raise PermissionDenied(_("Only the project office reopens a report of a locked period."))
    if not reason.strip():
        raise ServiceError(_("A correction needs a reason; it is kept in the report's history."))
    if report.period.status != PeriodStatus.LOCKED:
        raise ServiceError(_("%(period)s is not locked; return the report instead.") % {"period": report.period})
    if report.is_reopened:
        raise ServiceError(_("This report is already reopened."))
    report.is_reopened = True
    report.status = ReportStatus.RETURNED if report.submitted_at else ReportStatus.DRAFT
    report.return_reason = reason.strip()
    report.save()
    _event(report, ReportAction.REOPEN, by, reason.strip())
    notify(
        filers_of(report.project),
        _("Reopened for correction: %(project)s, %(period)s") % {"project": report.project, "period": report.period},
        reason.strip(),
        reverse("reporting:report", args=[report.pk]),
    )
    return report


def reports_verify_all(*, reports, by) -> int:
    done = 0
    for report in reports.filter(status=ReportStatus.SUBMITTED):
        if policy.can_verify(by, report.project):
            report_verify(report=report, by=by)
            done += 1
    return done


def reports_confirm_all(*, reports, by) -> int:
    if not policy.can_confirm(by):
        raise PermissionDenied(_("Only the project office confirms reports."))
    done = 0
    for report in reports.filter(Q(status=ReportStatus.VERIFIED) | Q(status=ReportStatus.SUBMITTED, project__town__isnull=True)):
        report_confirm(report=report, by=by)
        done += 1
    return done


# ---------------------------------------------------------------- notifications and reminders


def filers_of(project: Project):
    """Users who fill a project's reports: its owner's people and its town officers."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.OWNER, unit_id=project.owner_id) | Q(role=Role.TOWN, unit_id=project.town_id)
    )


def notify(users, title: str, body: str = "", url: str = "") -> int:
    rows = [Notification(user=u, title=title[:200], body=body, url=url) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


@dataclass
class ReminderResult:
    late_reports: int = 0
    notified: int = 0
    emailed: int = 0


def remind_late(*, today: dt.date | None = None) -> ReminderResult:
    """Notify everyone whose reports of an open period are past the filing window and not
    filed: one in-app notice and one e-mail per person, listing the projects. Run daily."""
    today = today or timezone.localdate()
    late = list(
        MonthlyReport.objects.filter(
            period__status=PeriodStatus.OPEN, period__closes_on__lt=today, status__in=FILLABLE
        ).select_related("project", "period").order_by("project__name")
    ) + list(
        MonthlyReport.objects.filter(is_reopened=True, status__in=FILLABLE).select_related("project", "period")
    )
    result = ReminderResult(late_reports=len(late))
    if not late:
        return result
    owners = {r.project.owner_id for r in late}
    towns = {r.project.town_id for r in late if r.project.town_id}
    people = User.objects.filter(is_active=True).filter(
        Q(role=Role.OWNER, unit_id__in=owners) | Q(role=Role.TOWN, unit_id__in=towns)
    )
    url = reverse("reporting:inbox")
    title = _("Monthly reports overdue")
    already = set(
        Notification.objects.filter(title=title, created_at__date=today).values_list("user_id", flat=True)
    )
    notices = []
    for person in people:
        if person.pk in already:
            continue
        mine = [r for r in late if r.project.owner_id == person.unit_id or r.project.town_id == person.unit_id]
        if not mine:
            continue
        lines = [
            _("%(project)s — %(period)s, due %(due)s") % {"project": r.project, "period": r.period, "due": r.period.closes_on}
            for r in mine
        ]
        body = "\n".join(lines)
        notices.append(Notification(user=person, title=title, body=body, url=url))
        if person.email:
            send_mail(
                subject=f"[{settings.TUIJIN_COUNTY_NAME}] {title}",
                message=_("These monthly reports are past their filing window:") + "\n\n" + body,
                from_email=None,
                recipient_list=[person.email],
                fail_silently=True,
            )
            result.emailed += 1
    Notification.objects.bulk_create(notices)
    result.notified = len(notices)
    return result


def notification_read(*, notification: Notification, by) -> None:
    if notification.user_id != by.pk:
        raise PermissionDenied(_("This notice is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


# ---------------------------------------------------------------- photos


@dataclass
class PhotoFacts:
    format: str
    width: int
    height: int
    taken_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def inspect_photo(upload: UploadedFile) -> PhotoFacts:
    """Check that an upload is a real image of bounded size and read its EXIF time and place."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ServiceError(
            _("%(name)s is %(size)s MB; a photo may be at most %(max)s MB.")
            % {"name": upload.name, "size": f"{upload.size / 1048576:.1f}", "max": MAX_PHOTO_BYTES // 1048576}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format or ""
            width, height = image.size
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ServiceError(_("%(name)s is not a photo (JPEG, PNG or WebP).") % {"name": upload.name}) from None
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ServiceError(_("%(name)s is a %(fmt)s file; upload a JPEG, PNG or WebP photo.") % {"name": upload.name, "fmt": fmt})
    if width * height > MAX_PHOTO_PIXELS:
        raise ServiceError(_("%(name)s is too large (%(w)s×%(h)s pixels).") % {"name": upload.name, "w": width, "h": height})
    facts = PhotoFacts(format=fmt, width=width, height=height)
    _read_exif(exif, facts)
    return facts


def _read_exif(exif, facts: PhotoFacts) -> None:
    try:
        details = exif.get_ifd(0x8769)
        stamp = details.get(36867) or details.get(36868) or exif.get(306)
        if stamp:
            naive = dt.datetime.strptime(str(stamp).strip("\x00").strip(), "%Y:%m:%d %H:%M:%S")
            facts.taken_at = timezone.make_aware(naive)
        gps = exif.get_ifd(0x8825)
        if gps and 2 in gps and 4 in gps:
            facts.latitude = _degrees(gps[2], gps.get(1, "N"), "S")
            facts.longitude = _degrees(gps[4], gps.get(3, "E"), "W")
    except (ValueError, TypeError, KeyError, ZeroDivisionError, AttributeError):
        pass  # a damaged EXIF block must not refuse a good photo


def _degrees(parts, ref, negative: str) -> Decimal:
    d, m, s = (Fraction(str(float(p))) for p in parts)
    value = Decimal(float(d + m / 60 + s / 3600)).quantize(Decimal("0.000001"))
    return -value if str(ref).upper().startswith(negative) else value


@transaction.atomic
def photo_add(*, report: MonthlyReport, by, upload: UploadedFile, caption: str = "") -> ReportPhoto:
    report = _lock_report(report)
    if not policy.can_fill(by, report.project):
        raise PermissionDenied(_("You may not add photos to %(project)s.") % {"project": report.project})
    if report.period.status == PeriodStatus.LOCKED and not report.is_reopened:
        raise ServiceError(_("%(period)s is confirmed and locked.") % {"period": report.period})
    if report.status in (ReportStatus.VERIFIED, ReportStatus.CONFIRMED):
        raise ServiceError(_("The report is already %(status)s; its photos no longer change.") % {"status": report.get_status_display()})
    if report.photos.count() >= MAX_PHOTOS:
        raise ServiceError(_("A report holds at most %(n)s photos.") % {"n": MAX_PHOTOS})
    facts = inspect_photo(upload)
    extension = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}[facts.format]
    photo = ReportPhoto(
        report=report, caption=caption[:100], taken_at=facts.taken_at, latitude=facts.latitude,
        longitude=facts.longitude, uploaded_by=by, size=upload.size, width=facts.width, height=facts.height,
    )
    store(photo.image, f"{timezone.now():%Y%m%d%H%M%S}-{report.pk}.{extension}", upload)
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, photo: ReportPhoto, by) -> None:
    report = _lock_report(photo.report)
    if not policy.can_fill(by, report.project) or report.status not in FILLABLE + (ReportStatus.SUBMITTED,):
        raise PermissionDenied(_("This photo can no longer be removed."))
    if report.period.status == PeriodStatus.LOCKED and not report.is_reopened:
        raise ServiceError(_("%(period)s is confirmed and locked.") % {"period": report.period})
    photo.image.delete(save=False)
    photo.delete()


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
