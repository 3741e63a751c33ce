from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaceConfig(AppConfig):
    name = "tuijin.race"
    label = "race"
    verbose_name = _("Horse race")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
