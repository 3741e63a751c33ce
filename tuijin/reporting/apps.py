from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tuijin.reporting"
    label = "reporting"
    verbose_name = _("Monthly reporting and statistics")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
