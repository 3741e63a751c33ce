"""What every page needs: the county's name and the navigation the user's role may open.

Each app declares its own menu entries as ``nav`` on its AppConfig:
``nav = [(order, url name, label, roles or None)]``; roles None means every signed-in role.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from tuijin.orgs.policy import admin_role_of, role_of


def _entries():
    for config in apps.get_app_configs():
        for order, name, label, roles in getattr(config, "nav", ()):
            yield order, name, label, roles, getattr(config, "nav_group", None)


def navigation(request):
    context = {"county_name": settings.TUIJIN_COUNTY_NAME}
    user = getattr(request, "user", None)
    # The three administrators (三员) hold no business role: they see only entries naming them.
    admin_role = admin_role_of(user)
    role = role_of(user) or admin_role
    if role is None:
        return context | {"nav_items": []}
    items = []
    current = getattr(request, "path", "")
    entries = list(_entries())
    # Entries of one group stay together (several apps share 五大突破 or 攻坚机制), the groups in
    # the order of their first entry.
    group_order: dict[str, int] = {}
    for order, _name, _label, _roles, group in entries:
        key = str(group or "")
        group_order[key] = min(order, group_order.get(key, order))
    entries.sort(key=lambda e: (group_order[str(e[4] or "")], e[0]))
    for _order, name, label, roles, group in entries:
        if (roles is not None and role not in roles) or (roles is None and admin_role):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False, "group": group})
    # The entry whose address is the longest prefix of the current page is the active one
    # (/projects/libraries/ is "Libraries", not also "Project registry").
    matching = [i for i in items if (current == i["url"] if i["url"] == "/" else current.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return context | {"nav_items": items, "user_role": role}
