"""Saved column mappings change how every later file is read: record who changed them.
Imports are themselves the record of an import event (LedgerImport); the projects they
create or change get one audit entry each, written by the import service."""

from auditlog.registry import auditlog

from .models import ColumnMapping

auditlog.register(ColumnMapping, exclude_fields=["updated_at"])
