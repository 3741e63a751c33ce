"""Enumerations of the five breakthroughs: fund kinds, resource kinds, lead sources and stages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundKind(models.TextChoices):
    """Where a project's money comes from (资金来源)."""

    BUDGET = "budget", _("Government budget")
    SPECIAL_BOND = "special_bond", _("Local government special bond")
    CENTRAL_BUDGET = "central_budget", _("Central budget investment")
    ULTRA_LONG_BOND = "ultra_long_bond", _("Ultra-long special treasury bond")
    POLICY_LOAN = "policy_loan", _("Policy bank loan")
    BANK_LOAN = "bank_loan", _("Commercial bank loan")
    SELF_RAISED = "self_raised", _("Self-raised")


#: Funds sought from higher governments: the ones the breakthrough is measured on.
STRIVE_KINDS = (FundKind.SPECIAL_BOND, FundKind.CENTRAL_BUDGET, FundKind.ULTRA_LONG_BOND)


class ResourceKind(models.TextChoices):
    """Resource elements a project needs secured (要素保障)."""

    LAND = "land", _("Construction land")
    ENERGY = "energy", _("Energy use")
    EMISSION = "emission", _("Emission rights")


#: The unit each resource kind is counted in.
RESOURCE_UNITS = {
    ResourceKind.LAND: _("mu"),
    ResourceKind.ENERGY: _("t standard coal"),
    ResourceKind.EMISSION: _("t"),
}


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    REVOKED = "revoked", _("Revoked")


class LeadSource(models.TextChoices):
    """How an investment lead came in (招商渠道)."""

    BUSINESS = "business", _("Introduced by enterprises")
    RESIDENT = "resident", _("Resident investment office")
    FAIR = "fair", _("Fair or promotion event")
    FUND = "fund", _("Investment fund")
    NATIVE = "native", _("Returning Cixi entrepreneurs")
    OTHER = "other", _("Other")


class LeadStage(models.TextChoices):
    """The funnel of an investment lead, in order."""

    LEAD = "lead", _("Lead")
    NEGOTIATION = "negotiation", _("Negotiation")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Company registered")
    LAND = "land", _("Land secured")
    STARTED = "started", _("Started")
    PRODUCTION = "production", _("In production")

    @classmethod
    def order(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def at_least(cls, value: str) -> list[str]:
        """The stages at or after ``value``: a lead there has passed ``value``."""
        values = list(cls.values)
        return values[values.index(value):]


#: Signed but not yet started: the leads whose ageing is watched.
SIGNED_NOT_STARTED = (LeadStage.SIGNED, LeadStage.REGISTERED, LeadStage.LAND)
