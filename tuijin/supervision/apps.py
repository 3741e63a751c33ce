from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuijin.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
