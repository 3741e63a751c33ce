"""Navigation shown on every page, limited to what the user's role may open."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.policy import role_of

#: (url name, label, roles allowed or None for every signed-in role). Apps add their own entries here.
NAV_ITEMS: list[tuple[str, object, tuple[str, ...] | None]] = [
    ("home", _("Overview"), None),
    ("projects:list", _("Projects"), None),
    ("projects:boards", _("Libraries"), None),
    ("projects:review_queue", _("Review queue"), ("office",)),
]


def navigation(request):
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_items": []}
    items = []
    current = getattr(request, "path", "")
    for name, label, roles in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = current.startswith(url) if url != "/" else current == "/"
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items, "user_role": role}
