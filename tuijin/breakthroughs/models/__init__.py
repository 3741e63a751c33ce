"""Ledgers of the five breakthroughs: funds, resource elements, investment attraction and
the start-rate targets."""

from .attraction import Lead, LeadStageChange
from .funds import BondUseMonth, FundSource
from .resources import ResourceAllocation, ResourceDemand, ResourceQuota
from .targets import StartRateTarget

__all__ = [
    "BondUseMonth",
    "FundSource",
    "Lead",
    "LeadStageChange",
    "ResourceAllocation",
    "ResourceDemand",
    "ResourceQuota",
    "StartRateTarget",
]
