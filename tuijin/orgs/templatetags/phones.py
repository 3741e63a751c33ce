"""Phone numbers on pages: in full for those who need them, masked (138****1234) for others.

``{% load phones %}{% phone member.phone project %}`` — who may see a number in full is
decided by tuijin.orgs.policy.can_see_full_phone for the signed-in user and the project.
"""

from __future__ import annotations

from django import template

from tuijin.orgs.policy import can_see_full_phone

register = template.Library()


def mask(number: str) -> str:
    """Keep the first three and last four digits of a mobile number; shorter numbers keep only
    their last two characters."""
    number = (number or "").strip()
    if not number:
        return ""
    if len(number) >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) <= 2:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]


@register.simple_tag(takes_context=True)
def phone(context, number, project=None):
    if not number:
        return "—"
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and can_see_full_phone(user, project):
        return number
    return mask(number)


@register.filter
def masked(number):
    return mask(number) or "—"
