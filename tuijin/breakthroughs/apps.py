from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakthroughsConfig(AppConfig):
    name = "tuijin.breakthroughs"
    label = "breakthroughs"
    verbose_name = _("Five breakthroughs")
    nav_group = _("Five breakthroughs")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (50, "breakthroughs:panels", _("Starts and approvals"), ("office", "leader", "town", "department")),
        (51, "breakthroughs:funds", _("Funds"), None),
        (52, "breakthroughs:resources", _("Resource elements"), None),
        (53, "breakthroughs:leads", _("Investment attraction"), ("office", "leader", "town", "department")),
    ]
    # Tabs on the project page: (order, slug, label, render function).
    project_tabs = [
        (50, "funds", _("Funds"), "tuijin.breakthroughs.tabs.funds_tab"),
        (51, "resources", _("Resources"), "tuijin.breakthroughs.tabs.resources_tab"),
    ]

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
