from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .fields import LedgerField  # noqa: F401  (re-exported: the ledger's column catalogue)


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    PREVIEWED = "previewed", _("Preview ready")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused")


class RowOutcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("import rows", "Created")
    UPDATED = "updated", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Error")
    SKIPPED = "skipped", _("Skipped (error)")


class ExportKind(models.TextChoices):
    PLAN = "plan", _("Annual plan table")
    PROGRESS = "progress", _("Annual plan progress table")
