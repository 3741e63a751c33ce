"""Enumerations of the consultation app and the deadline defaults taken from practice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProblemCategory(models.TextChoices):
    LAND = "land", pgettext_lazy("problem category", "Land")
    APPROVALS = "approvals", pgettext_lazy("problem category", "Approvals")
    FUNDS = "funds", pgettext_lazy("problem category", "Funds")
    DEMOLITION = "demolition", _("Demolition and resettlement")
    UTILITIES = "utilities", pgettext_lazy("problem category", "Utilities")
    POLICY = "policy", pgettext_lazy("problem category", "Policy")
    OTHER = "other", pgettext_lazy("problem category", "Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")
    URGENT = "urgent", pgettext_lazy("urgency", "Urgent")
    CRITICAL = "critical", pgettext_lazy("urgency", "Critical")


class Level(models.TextChoices):
    """The escalation ladder, lowest first."""

    OWNER = "owner", pgettext_lazy("ladder", "Owner")
    TOWN = "town", pgettext_lazy("ladder", "Town")
    DEPARTMENT = "department", pgettext_lazy("ladder", "Department")
    MEETING = "meeting", pgettext_lazy("ladder", "Consultation meeting")
    LEADER = "leader", pgettext_lazy("ladder", "County leader")


LADDER: list[str] = [Level.OWNER, Level.TOWN, Level.DEPARTMENT, Level.MEETING, Level.LEADER]


def level_rank(level: str) -> int:
    return LADDER.index(level)


def next_level(level: str) -> str | None:
    i = LADDER.index(level)
    return LADDER[i + 1] if i + 1 < len(LADDER) else None


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "Being handled")
    REPLIED = "replied", _("Resolution proposed")
    CLOSED = "closed", pgettext_lazy("problem status", "Closed")


class EventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated")
    AUTO_ESCALATED = "auto_escalated", _("Escalated on deadline")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("event", "Closed")
    REOPENED = "reopened", _("Reopened")
    ON_AGENDA = "on_agenda", _("Put on meeting agenda")
    DECIDED = "decided", _("Decided by meeting")
    REMINDED = "reminded", _("Deadline reminder")


class RaiserKind(models.TextChoices):
    OWNER = "owner", pgettext_lazy("raiser", "Owner")
    TOWN = "town", pgettext_lazy("raiser", "Town")
    DEPARTMENT = "department", pgettext_lazy("raiser", "Department")
    OFFICE = "office", pgettext_lazy("raiser", "Project office")


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly consultation day")
    SPECIAL = "special", _("Special consultation")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action status", "In progress")
    REPORTED = "reported", _("Evidence submitted")
    CLOSED = "closed", pgettext_lazy("action status", "Closed")


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Problem assigned")
    ESCALATED = "escalated", _("Problem escalated")
    NEAR_DEADLINE = "near_deadline", _("Deadline near")
    REPLIED = "replied", _("Resolution proposed")
    CLOSED = "closed", _("Problem closed")
    REOPENED = "reopened", _("Problem reopened")
    ACTION_ASSIGNED = "action_assigned", _("Meeting decision assigned")
    ACTION_CLOSED = "action_closed", _("Meeting decision closed")


#: Days a problem may stay at each level before it goes up by itself, for a normal problem.
#: From practice (domain-practice.md §4.1): owners push weekly, departments close within a
#: 旬 (10 days), the weekly 会商日 settles what reaches it within two meetings, a county
#: leader's 督办 within a month. Land and demolition take longer at the department.
DEFAULT_DEADLINE_DAYS: dict[str, int] = {
    Level.OWNER: 7,
    Level.TOWN: 7,
    Level.DEPARTMENT: 10,
    Level.MEETING: 14,
    Level.LEADER: 30,
}
CATEGORY_EXTRA_DAYS: dict[str, dict[str, int]] = {
    ProblemCategory.LAND: {Level.DEPARTMENT: 10},
    ProblemCategory.DEMOLITION: {Level.TOWN: 7, Level.DEPARTMENT: 10},
    ProblemCategory.FUNDS: {Level.DEPARTMENT: 5},
}
#: Urgent problems get half the time, critical ones a third (at least one day).
URGENCY_DIVISOR: dict[str, int] = {Urgency.NORMAL: 1, Urgency.URGENT: 2, Urgency.CRITICAL: 3}


def default_deadline_days(category: str, urgency: str, level: str) -> int:
    days = DEFAULT_DEADLINE_DAYS[level] + CATEGORY_EXTRA_DAYS.get(category, {}).get(level, 0)
    return max(1, round(days / URGENCY_DIVISOR[urgency]))


#: Department that takes a problem of each category when the project names none (short names).
CATEGORY_DEPARTMENT: dict[str, str] = {
    ProblemCategory.LAND: "自然资源和规划局",
    ProblemCategory.APPROVALS: "发改局",
    ProblemCategory.FUNDS: "财政局",
    ProblemCategory.DEMOLITION: "住建局",
    ProblemCategory.UTILITIES: "住建局",
    ProblemCategory.POLICY: "发改局",
    ProblemCategory.OTHER: "发改局",
}

#: Notice of a deadline this many days ahead.
NEAR_DEADLINE_DAYS = 2

#: Attachments: allowed extensions and the largest size.
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip", "ofd", "wps")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
