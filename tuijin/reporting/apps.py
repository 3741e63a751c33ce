from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tuijin.reporting"
    label = "reporting"
    verbose_name = _("Monthly reporting and statistics")
    nav_group = _("Investment statistics")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (20, "reporting:inbox", _("Monthly reporting"), None),
        (21, "reporting:overview", _("Investment overview"), ("office", "leader", "town", "department")),
        (22, "reporting:trends", _("Investment trends"), ("office", "leader", "town", "department")),
        (23, "reporting:notifications", _("Notifications"), None),
    ]
    # Project page tabs: (order, slug, label, "dotted.path.to.render(request, project) -> str").
    project_tabs = [(40, "monthly", _("Monthly reports"), "tuijin.reporting.views.project_tab")]

    def ready(self) -> None:
        from tuijin.projects.services.libraries import COMPLETED_IN_YEAR

        from . import audit  # noqa: F401  (registers models with the audit log)
        from .selectors import completed_in_year

        if completed_in_year not in COMPLETED_IN_YEAR:
            COMPLETED_IN_YEAR.append(completed_in_year)

        from tuijin.projects.selectors import FOUR_LISTS_HOOKS

        from .four_lists import progress_lines

        if progress_lines not in FOUR_LISTS_HOOKS["progress"]:
            FOUR_LISTS_HOOKS["progress"].append(progress_lines)
