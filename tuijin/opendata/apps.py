from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "tuijin.opendata"
    label = "opendata"
    verbose_name = _("Open API and open data")
    nav_group = _("Open data")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (90, "opendata:public_list", _("Public disclosure"), None),
        (91, "opendata:api_docs", _("API documentation"), None),
        (92, "opendata:webhooks", _("Webhooks"), ("office",)),
        (93, "opendata:deliveries", _("Delivery log"), ("office",)),
        (94, "opendata:tokens", _("API tokens"), ("office",)),
    ]

    def ready(self) -> None:
        from . import signals

        signals.connect()
