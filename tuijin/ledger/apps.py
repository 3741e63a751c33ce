from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tuijin.ledger"
    label = "ledger"
    verbose_name = _("Excel ledgers")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav: list = []
