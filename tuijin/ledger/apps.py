from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tuijin.ledger"
    label = "ledger"
    verbose_name = _("Excel ledgers")
    nav_group = _("Projects")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (15, "ledger:import_start", _("Import ledger"), ("office", "town")),
    ]

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit log)
