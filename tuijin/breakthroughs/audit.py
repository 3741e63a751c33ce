"""Registers the ledgers whose every change is recorded (who, when, before, after)."""

from auditlog.registry import auditlog

from .models import (
    BondUseMonth,
    FundSource,
    Lead,
    ResourceAllocation,
    ResourceDemand,
    ResourceQuota,
    StartRateTarget,
)

auditlog.register(FundSource, exclude_fields=["updated_at"])
auditlog.register(BondUseMonth)
auditlog.register(ResourceQuota)
auditlog.register(ResourceAllocation)
auditlog.register(ResourceDemand, exclude_fields=["updated_at"])
auditlog.register(Lead, exclude_fields=["updated_at"])
auditlog.register(StartRateTarget)
