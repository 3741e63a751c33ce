from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "tuijin.cockpit"
    label = "cockpit"
    verbose_name = _("Cockpit")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [(1, "cockpit:index", _("Cockpit"), ("leader", "office"))]
