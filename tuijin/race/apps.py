from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaceConfig(AppConfig):
    name = "tuijin.race"
    label = "race"
    verbose_name = _("Horse race")
    nav_group = _("Tackling mechanisms")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (40, "race:board", _("Horse race"), ("office", "leader", "town", "department")),
    ]

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
        from .indicators import load_catalogue

        load_catalogue()
