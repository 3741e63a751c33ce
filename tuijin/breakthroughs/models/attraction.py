"""Investment attraction (招商引资): leads and the history of their stages."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import LeadSource, LeadStage


class Lead(models.Model):
    """An investment lead (招商线索): a prospective investor and project, followed from first
    contact to production. A signed lead becomes a project of the five-year reserve; the two
    stay linked (``Lead.project`` and ``Project.attraction_lead``)."""

    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=120)
    investor_origin = models.CharField(_("investor from"), max_length=60, blank=True, help_text=_("e.g. 上海, 深圳, 德国"))
    source = models.CharField(pgettext_lazy("lead", "source"), max_length=12, choices=LeadSource.choices)
    industry_chain = models.ForeignKey(
        "projects.IndustryChain", verbose_name=_("industry chain"), on_delete=models.PROTECT, null=True, blank=True
    )
    intended_amount = models.DecimalField(
        _("intended investment (10k yuan)"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    responsible_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "orgs.Unit", verbose_name=_("town"), on_delete=models.PROTECT, related_name="attraction_leads",
        help_text=_("Street, town or functional area where the project would land."),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD, db_index=True)
    stage_since = models.DateField(_("in this stage since"))
    first_contact_on = models.DateField(_("first contact"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    project = models.OneToOneField(
        "projects.Project", verbose_name=_("reserve project"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="attraction_lead",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(intended_amount__gte=0), name="lead_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["town", "stage"]), models.Index(fields=["industry_chain", "stage"])]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_rank(self) -> int:
        return LeadStage.order(self.stage)

    @property
    def is_signed(self) -> bool:
        return self.stage_rank >= LeadStage.order(LeadStage.SIGNED)


class LeadStageChange(models.Model):
    """One move of a lead along the funnel: from, to, on which day, by whom."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(pgettext_lazy("stage change", "from"), max_length=12, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(pgettext_lazy("stage change", "to"), max_length=12, choices=LeadStage.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lead stage change")
        verbose_name_plural = _("lead stage changes")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.lead} → {self.get_to_stage_display()} {self.on}"
