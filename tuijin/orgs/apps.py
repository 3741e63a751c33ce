from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "tuijin.orgs"
    label = "orgs"
    verbose_name = _("Organisations and people")
    nav_group = _("System administration")
    # The three administrators (三员分立) each see only their own pages.
    nav = [
        (900, "orgs:users", _("Accounts"), ("sysadmin", "secadmin")),
        (901, "orgs:units", _("Units"), ("sysadmin",)),
        (902, "orgs:security_log", _("Security log"), ("auditor",)),
        (903, "orgs:history", _("Change history"), ("auditor",)),
        (904, "orgs:second_factor", _("Two-step sign-in"), ("office", "sysadmin", "secadmin", "auditor")),
    ]

    def ready(self) -> None:
        from . import signals  # noqa: F401  (security events)
