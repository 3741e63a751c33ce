"""Three-colour supervision orders: issue, reply with a rectification plan, accept or
return, escalate (by decision, or by rule when the reply deadline passes). Every step is an
OrderEvent and the models are in the audit log."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy
from ..choices import ESCALATES_TO, KIND_PREFIX, OPEN_ORDER_STATUSES, OrderAction, OrderKind, OrderStatus
from ..models import Order, OrderEvent

#: Days a unit has to reply, by kind (the office may set another date on each order).
DEFAULT_REPLY_DAYS = {OrderKind.REMINDER: 10, OrderKind.ASSIGNMENT: 7, OrderKind.SUPERVISION: 5}


def next_number(kind: str, year: int) -> str:
    """慈发改督办〔2026〕3号: a running number per kind and year."""
    prefix = f"慈发改{KIND_PREFIX[kind]}〔{year}〕"
    numbers = [int(n[len(prefix):-1]) for n in Order.objects.filter(kind=kind, number__startswith=prefix).values_list("number", flat=True)]
    return f"{prefix}{max(numbers, default=0) + 1}号"


def _event(order, action, by, text="", rectify_by=None):
    return OrderEvent.objects.create(order=order, action=action, by=by, at=timezone.now(), text=text, rectify_by=rectify_by)


@transaction.atomic
def order_issue(*, kind: str, unit, projects, subject: str, body: str, by, reply_due: dt.date | None = None,
                parent: Order | None = None) -> Order:
    if not policy.can_issue_orders(by):
        raise PermissionDenied(_("Only the project office issues supervision orders."))
    projects = list(projects)
    if not projects:
        raise ServiceError(_("Name at least one project."))
    if kind not in OrderKind.values:
        raise ServiceError(_("Unknown kind of order."))
    today = timezone.localdate()
    reply_due = reply_due or today + dt.timedelta(days=DEFAULT_REPLY_DAYS[kind])
    if reply_due < today:
        raise ServiceError(_("The reply deadline %(day)s is already past.") % {"day": reply_due.isoformat()})
    order = Order.objects.create(
        number=next_number(kind, today.year), kind=kind, unit=unit, subject=subject.strip(), body=body.strip(),
        reply_due=reply_due, issued_at=timezone.now(), issued_by=by, parent=parent,
    )
    order.projects.set(projects)
    _event(order, OrderAction.ISSUE, by, body)
    return order


@transaction.atomic
def order_reply(*, order: Order, by, plan: str, rectify_by: dt.date) -> Order:
    """The responsible unit answers with its rectification plan (整改计划) and a date."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not policy.can_reply(by, order):
        raise PermissionDenied(_("Only %(unit)s answers this order.") % {"unit": order.unit})
    if order.status not in (OrderStatus.ISSUED,):
        raise ServiceError(_("This order is %(status)s; it takes no reply now.") % {"status": order.get_status_display()})
    if not plan.strip():
        raise ServiceError(_("Write the rectification plan: measures, who, by when."))
    order.status = OrderStatus.REPLIED
    order.save(update_fields=["status"])
    _event(order, OrderAction.REPLY, by, plan.strip(), rectify_by)
    return order


@transaction.atomic
def order_accept(*, order: Order, by, comment: str = "") -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not policy.can_decide_orders(by):
        raise PermissionDenied(_("Only the project office accepts a rectification plan."))
    if order.status != OrderStatus.REPLIED:
        raise ServiceError(_("There is no rectification plan to accept."))
    order.status, order.closed_at = OrderStatus.ACCEPTED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    _event(order, OrderAction.ACCEPT, by, comment)
    return order


@transaction.atomic
def order_return(*, order: Order, by, reason: str) -> Order:
    """Send the plan back: the unit replies again by the same deadline."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not policy.can_decide_orders(by):
        raise PermissionDenied(_("Only the project office returns a rectification plan."))
    if order.status != OrderStatus.REPLIED:
        raise ServiceError(_("There is no rectification plan to return."))
    if not reason.strip():
        raise ServiceError(_("Say why the plan is returned."))
    order.status = OrderStatus.ISSUED
    order.save(update_fields=["status"])
    _event(order, OrderAction.RETURN, by, reason.strip())
    return order


@transaction.atomic
def order_escalate(*, order: Order, by, reason: str, automatic: bool = False) -> Order:
    """Close the order as escalated and issue the next colour (blue → yellow → red) to the
    same unit about the same projects. A red order that is not answered stays red and
    open: it goes to the county leaders' talk with the unit head (约谈)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not automatic and not policy.can_decide_orders(by):
        raise PermissionDenied(_("Only the project office escalates an order."))
    if order.status not in OPEN_ORDER_STATUSES:
        raise ServiceError(_("This order is already closed."))
    nxt = ESCALATES_TO.get(order.kind)
    if nxt is None:
        raise ServiceError(_("A supervision order (督办函) is the last step; follow up with a talk with the unit head."))
    order.status, order.closed_at = OrderStatus.ESCALATED, timezone.now()
    order.save(update_fields=["status", "closed_at"])
    _event(order, OrderAction.AUTO_ESCALATE if automatic else OrderAction.ESCALATE, by, reason)
    issuer = by if policy.can_issue_orders(by) else order.issued_by
    child = order_issue(
        kind=nxt, unit=order.unit, projects=order.projects.all(), by=issuer, parent=order,
        subject=order.subject,
        body=_("Escalated from %(number)s: %(reason)s\n\n%(body)s") % {"number": order.number, "reason": reason, "body": order.body},
    )
    return child


def orders_escalate_overdue(*, today: dt.date | None = None) -> list[Order]:
    """Orders not answered by their reply deadline escalate by rule (run nightly with the scan)."""
    today = today or timezone.localdate()
    escalated = []
    overdue = Order.objects.filter(status=OrderStatus.ISSUED, reply_due__lt=today).exclude(kind=OrderKind.SUPERVISION)
    for order in overdue.select_related("issued_by"):
        reason = _("no reply by the deadline of %(day)s") % {"day": order.reply_due.isoformat()}
        escalated.append(order_escalate(order=order, by=order.issued_by, reason=reason, automatic=True))
    return escalated
