from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuijin.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
    nav_group = _("Tackling mechanisms")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (41, "supervision:board", _("Warning board"), ("office", "leader", "town", "department")),
        (42, "supervision:orders", _("Supervision orders"), None),
        (43, "supervision:bulletins", _("Supervision bulletin"), ("office", "leader", "town", "department")),
    ]
    project_tabs = [(60, "lights", _("Warnings"), "tuijin.supervision.views.project_tab")]

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
        from .rules import load_catalogue

        load_catalogue()
