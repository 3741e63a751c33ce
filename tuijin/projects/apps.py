from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    label = "projects"
    verbose_name = _("Projects, libraries and lifecycle")
    nav_group = _("Projects")
    nav = [
        (10, "projects:list", _("Project registry"), None),
        (11, "projects:boards", _("Libraries"), None),
        (12, "projects:review_queue", _("Review queue"), ("office",)),
    ]
    # The project page's own tabs; other apps add theirs the same way (tuijin.projects.tabs).
    project_tabs = [
        (10, "basic", _("Basic facts"), "tuijin.projects.views.tabs.basic"),
        (20, "plan", _("Plan"), "tuijin.projects.views.tabs.plan"),
        (30, "nodes", _("Nodes and approvals"), "tuijin.projects.views.tabs.nodes"),
        (90, "history", _("History"), "tuijin.projects.views.tabs.history"),
    ]
    # Panels of the overview page (tuijin.core.views.home): (order, "dotted.path"), render(request) -> str.
    home_panels = [(10, "tuijin.projects.views.home.panel")]

    def ready(self) -> None:
        from . import audit, signals  # noqa: F401  (the audit log's models; the town-move signal)
