"""Saved column mappings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from .. import policy
from ..fields import LedgerField
from ..models import ColumnMapping


@transaction.atomic
def mapping_save(*, name: str, columns: dict[str, str], by) -> ColumnMapping:
    """Save (or replace) a named mapping: header text as printed → ledger field."""
    if not policy.can_manage_mappings(by):
        raise PermissionDenied(_("Your role cannot save column mappings."))
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the mapping a name."))
    bad = [v for v in columns.values() if v not in LedgerField.values]
    if bad:
        raise ServiceError(_("Unknown field %(field)s.") % {"field": bad[0]})
    mapping, _created = ColumnMapping.objects.update_or_create(
        name=name, defaults={"columns": columns, "signature": "|".join(columns), "created_by": by}
    )
    return mapping
