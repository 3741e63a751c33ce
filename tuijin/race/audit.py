"""Race changes that matter go to the audit log: schemes, their versions and indicator
settings, and the status of snapshots (publishing)."""

from auditlog.registry import auditlog

from .models import IndicatorSetting, Scheme, SchemeVersion, Snapshot

auditlog.register(Scheme, m2m_fields={"units"})
auditlog.register(SchemeVersion)
auditlog.register(IndicatorSetting)
auditlog.register(Snapshot, include_fields=["status", "published_at", "published_by"])
