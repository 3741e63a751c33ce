from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "tuijin.clusters"
    label = "clusters"
    verbose_name = _("Rural cluster development")
    nav_group = _("Rural clusters")
    # Menu entries: (order, url name, label, roles or None for every signed-in role).
    nav = [
        (80, "clusters:list", _("Clusters"), ("office", "leader", "town")),
        (81, "clusters:companies", _("Joint companies"), ("office", "leader", "town")),
    ]
    project_tabs = [(80, "cluster", _("Cluster"), "tuijin.clusters.views.project_tab")]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Cluster, models.ClusterProject, models.JointCompany, models.Shareholder,
                      models.Contribution, models.AllocationRule, models.CoalitionIncome, models.CompanyIncome,
                      models.Distribution, models.VillageIncome):
            auditlog.register(model)
