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

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
