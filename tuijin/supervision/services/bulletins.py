"""Making the monthly bulletin: the Word file is kept with its number."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied
from tuijin.race.periods import Period

from .. import policy
from ..bulletin import BulletinData, bulletin_build
from ..models import Bulletin


@transaction.atomic
def bulletin_make(*, period: Period, by) -> tuple[Bulletin, BulletinData]:
    if not policy.can_make_bulletin(by):
        raise PermissionDenied(_("Only the project office issues the supervision bulletin."))
    data, content = bulletin_build(period)
    bulletin = Bulletin(period=period.key, number=data.number, made_at=timezone.now(), made_by=by)
    bulletin.file.save(f"bulletin-{period.key}.docx", ContentFile(content), save=False)
    bulletin.save()
    return bulletin, data
