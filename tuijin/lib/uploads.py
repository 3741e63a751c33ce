"""Storing uploaded files so that a full disk or a failing volume ends in a clear message and
nothing half-written: the partial file is removed and the caller's transaction rolls back."""

from __future__ import annotations

import errno
import logging

from django.utils.translation import gettext as _

from .errors import ServiceError

log = logging.getLogger(__name__)


class StorageFull(ServiceError):
    """The file could not be written (disk full, quota, volume gone)."""


def store(fieldfile, name: str, content) -> None:
    """``fieldfile.save(name, content, save=False)``, turning a storage failure into a message."""
    try:
        fieldfile.save(name, content, save=False)
    except OSError as exc:
        # The storage may have written part of the file before failing: remove it.
        attempted = fieldfile.field.generate_filename(fieldfile.instance, name)
        try:
            if fieldfile.storage.exists(attempted):
                fieldfile.storage.delete(attempted)
        except OSError:
            log.warning("could not remove the partial upload %s", attempted)
        log.error("upload %s not stored: %s", name, exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                _("The file could not be stored: the server's disk is full. Nothing was saved; tell the system "
                  "administrator and try again later.")
            ) from None
        raise StorageFull(
            _("The file could not be stored (%(reason)s). Nothing was saved; try again, or tell the system "
              "administrator if it keeps failing.") % {"reason": exc.strerror or exc.__class__.__name__}
        ) from None
