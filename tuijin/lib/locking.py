"""Optimistic locking: the second of two people saving the same object is refused, never
silently overwritten.

An edit form carries the object's version as it was when the form was opened (a hidden
field). The service claims the version with ``UPDATE … SET v = v + 1 WHERE pk = … AND v = n``
inside its transaction before writing: if someone saved in between, no row matches and the
save is refused with a message naming who changed it and when. The UPDATE also locks the row
until the transaction ends, so two saves racing on PostgreSQL cannot both pass.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ServiceError


class EditConflict(ServiceError):
    """The object was saved by someone else after the form was opened."""


def claim_version(instance: models.Model, expected: int | None, *, what: str, field: str = "edit_version") -> int:
    """Move ``instance`` from version ``expected`` to the next one, or refuse.

    ``expected`` is the version the user's form was opened at; ``None`` (a caller without a
    form, e.g. an import) means the version the caller read. Returns the new version, also
    set on ``instance`` so that its own ``save()`` keeps it."""
    if expected is None:
        expected = getattr(instance, field)
    model = type(instance)
    claimed = model._base_manager.filter(pk=instance.pk, **{field: expected}).update(**{field: F(field) + 1})
    if not claimed:
        raise EditConflict(conflict_message(instance, what))
    setattr(instance, field, expected + 1)
    return expected + 1


def conflict_message(instance: models.Model, what: str) -> str:
    who, when = last_change(instance)
    if who and when:
        return _("%(what)s was changed by %(who)s at %(when)s after you opened it. Reload the page to see the "
                 "changes, then make yours again.") % {"what": what, "who": who, "when": when}
    if when:
        return _("%(what)s was changed at %(when)s after you opened it. Reload the page to see the changes, then "
                 "make yours again.") % {"what": what, "when": when}
    return _("%(what)s was changed by someone else after you opened it. Reload the page to see the changes, "
             "then make yours again.") % {"what": what}


def last_change(instance: models.Model) -> tuple[str, str]:
    """Who last changed ``instance`` and when, from its recorded history (auditlog)."""
    from auditlog.models import LogEntry

    entry = (
        LogEntry.objects.get_for_object(instance).select_related("actor").order_by("-pk").first()
    )
    moment = entry.timestamp if entry else getattr(instance.__class__._base_manager.filter(pk=instance.pk).first(), "updated_at", None)
    who = ""
    if entry and entry.actor:
        who = getattr(entry.actor, "full_name", "") or entry.actor.get_username()
    return who, _when(moment)


def _when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
