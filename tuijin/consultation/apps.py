from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsultationConfig(AppConfig):
    name = "tuijin.consultation"
    label = "consultation"
    verbose_name = _("Consultation")
    nav_group = _("Consultation")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (30, "consultation:problems", _("Problems"), None),
        (31, "consultation:meetings", _("Consultation meetings"), ("office", "leader", "town", "department")),
        (32, "consultation:actions", _("Decision tracking"), ("office", "leader", "town", "department", "owner")),
        (33, "consultation:inbox", _("Inbox"), None),
        (34, "consultation:statistics", _("Problem statistics"), ("office", "leader", "town", "department")),
        (35, "consultation:deadlines", _("Ladder deadlines"), ("office",)),
    ]
    # The "problems" list of the county's four lists, on the project page.
    project_tabs = [(45, "problems", pgettext_lazy("project tab", "Problems"), "tuijin.consultation.views.project_tab")]

    def ready(self) -> None:
        from tuijin.projects.selectors import FOUR_LISTS_HOOKS

        from . import audit  # noqa: F401  (registers models with the audit log)
        from .selectors import four_list_problems

        if four_list_problems not in FOUR_LISTS_HOOKS["problems"]:
            FOUR_LISTS_HOOKS["problems"].append(four_list_problems)
