from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakthroughsConfig(AppConfig):
    name = "tuijin.breakthroughs"
    label = "breakthroughs"
    verbose_name = _("Five breakthroughs")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
