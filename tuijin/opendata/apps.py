from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "tuijin.opendata"
    label = "opendata"
    verbose_name = _("Open API and open data")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
