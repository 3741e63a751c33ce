from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Lifecycle stages, in order (全生命周期)."""

    IDEA = "idea", _("Idea")
    PREPARATION = "preparation", _("Preparation")
    STARTED = "started", _("Started")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    OPERATING = "operating", _("In operation")
    REVIEW = "review", _("Ex-post review")

    @classmethod
    def order(cls, value: str) -> int:
        return list(cls.values).index(value)


class Nature(models.TextChoices):
    GOVERNMENT = "government", _("Government-invested")
    ENTERPRISE = "enterprise", _("Enterprise-invested")
    PPP = "ppp", _("PPP")


class Level(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial key project")
    NINGBO = "ningbo", _("Ningbo key project")
    CITY = "city", _("City key project")
    ORDINARY = "ordinary", _("Ordinary")


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class LibraryKind(models.TextChoices):
    RESERVE = "reserve", _("Five-year reserve")
    ROLLING = "rolling", _("Three-year rolling")
    ANNUAL = "annual", _("Annual plan")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class EntryStatus(models.TextChoices):
    """Where a project stands in one library's entry workflow."""

    SUBMITTED = "submitted", _("Submitted")
    FIRST_REVIEWED = "first_reviewed", _("Passed first review")
    ADMITTED = "admitted", _("Admitted")
    RETURNED = "returned", _("Returned for edit")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PROMOTED = "promoted", _("Moved up")


#: Entries waiting on the project office.
REVIEW_QUEUE_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.FIRST_REVIEWED, EntryStatus.WITHDRAWAL_REQUESTED)


class EntryAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    FIRST_REVIEW = "first_review", _("First review passed")
    FINAL_REVIEW = "final_review", _("Final review passed, admitted")
    RETURN = "return", _("Returned for edit")
    REQUEST_WITHDRAWAL = "request_withdrawal", _("Withdrawal requested")
    APPROVE_WITHDRAWAL = "approve_withdrawal", _("Withdrawal approved")
    REJECT_WITHDRAWAL = "reject_withdrawal", _("Withdrawal rejected")
    RESTORE = "restore", _("Restored")
    PROMOTE = "promote", _("Moved up to the next library")
    ROLL_OVER = "roll_over", _("Carried over by the year-end roll-over")


class PlanCategory(models.TextChoices):
    """Category of an annual plan entry (建设性质)."""

    NEW = "new", _("New start")
    CONTINUING = "continuing", _("Continuing")
    COMPLETING = "completing", _("Completing this year")
    READY = "ready", _("Ready to start")
    PREPARATION = "preparation", _("Preparation")


class NodeStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Not applicable")


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Project proposal")
    FEASIBILITY = "feasibility", _("Feasibility study")
    APPROVAL = "approval", _("Approval reply")
    LAND = "land", _("Land document")
    CONTRACT = "contract", _("Contract")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")
