from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "tuijin.clusters"
    label = "clusters"
    verbose_name = _("Rural cluster development")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
