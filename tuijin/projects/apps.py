from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    label = "projects"
    verbose_name = _("Projects, libraries and lifecycle")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
