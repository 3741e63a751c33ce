"""Problems and the ladder, meetings and their decisions, notices."""

from .meetings import ActionEvidence, ActionItem, AgendaItem, Meeting
from .notices import Notice, WebhookDelivery, WebhookEndpoint
from .problems import DeadlineRule, Problem, ProblemAttachment, ProblemEvent

__all__ = [
    "ActionEvidence",
    "ActionItem",
    "AgendaItem",
    "DeadlineRule",
    "Meeting",
    "Notice",
    "Problem",
    "ProblemAttachment",
    "ProblemEvent",
    "WebhookDelivery",
    "WebhookEndpoint",
]
