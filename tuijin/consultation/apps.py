from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "tuijin.consultation"
    label = "consultation"
    verbose_name = _("Consultation")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
