from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Colour(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


#: Worst first.
COLOUR_RANK = {Colour.RED: 2, Colour.YELLOW: 1}


class OrderKind(models.TextChoices):
    """Three-colour supervision orders (两函一单), escalating blue → yellow → red."""

    REMINDER = "reminder", _("Reminder (提醒函, blue)")
    ASSIGNMENT = "assignment", _("Assignment (交办函, yellow)")
    SUPERVISION = "supervision", _("Supervision order (督办函, red)")


ESCALATES_TO = {OrderKind.REMINDER: OrderKind.ASSIGNMENT, OrderKind.ASSIGNMENT: OrderKind.SUPERVISION}
KIND_COLOUR = {OrderKind.REMINDER: "blue", OrderKind.ASSIGNMENT: "yellow", OrderKind.SUPERVISION: "red"}
KIND_PREFIX = {OrderKind.REMINDER: "提醒", OrderKind.ASSIGNMENT: "交办", OrderKind.SUPERVISION: "督办"}


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting reply")
    REPLIED = "replied", _("Rectification plan received")
    ACCEPTED = "accepted", _("Accepted, closed")
    ESCALATED = "escalated", pgettext_lazy("supervision order", "Escalated")


OPEN_ORDER_STATUSES = (OrderStatus.ISSUED, OrderStatus.REPLIED)


class OrderAction(models.TextChoices):
    ISSUE = "issue", _("Issued")
    REPLY = "reply", _("Replied with a rectification plan")
    ACCEPT = "accept", _("Plan accepted")
    RETURN = "return", _("Plan returned")
    ESCALATE = "escalate", pgettext_lazy("supervision order", "Escalated")
    AUTO_ESCALATE = "auto_escalate", _("Escalated: reply deadline passed")
