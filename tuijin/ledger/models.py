"""Excel ledgers: saved column mappings, and every import with its per-row report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.projects.choices import LibraryKind

from .choices import ImportStatus, LedgerField, RowOutcome


class ColumnMapping(models.Model):
    """How the columns of one ledger layout map onto Tuijin's fields, corrected by a user
    and saved so the next file with the same headers is read the same way."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    columns = models.JSONField(
        _("columns"), default=dict, help_text=_("Header text as printed → ledger field (or 'ignore').")
    )
    signature = models.TextField(_("header signature"), blank=True, db_index=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def field_label(self, header: str) -> str:
        value = self.columns.get(header, "")
        return LedgerField(value).label if value in LedgerField.values else value


class LedgerImport(models.Model):
    """One ledger file brought into Tuijin: who uploaded it, the options chosen, the dry-run
    preview and the final result. It is the import event recorded in the history of every
    project it created or changed."""

    file = models.FileField(_("file"), upload_to="ledger/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("file type"), max_length=8, blank=True)
    year = models.PositiveSmallIntegerField(_("plan year"), null=True, blank=True)
    library = models.CharField(_("library"), max_length=10, choices=LibraryKind.choices, blank=True)
    skip_bad_rows = models.BooleanField(_("skip rows with errors"), default=False)
    create_owners = models.BooleanField(_("create unknown owners as enterprises"), default=False)
    mapping = models.ForeignKey(
        ColumnMapping, verbose_name=_("column mapping"), on_delete=models.SET_NULL, null=True, blank=True
    )
    columns = models.JSONField(_("columns as read"), default=dict, blank=True)
    corrections = models.JSONField(
        _("column corrections"), default=dict, blank=True, help_text=_("Header text → ledger field, set on the preview page.")
    )
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    message = models.TextField(_("message"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("import rows", "created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    is_dry_run = models.BooleanField(_("preview only"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.IMPORTING)


class LedgerImportRow(models.Model):
    """The outcome of one project row of one import: created, updated, unchanged or an
    error with its column, value and reason; approximate values (约, 超) are flagged here."""

    ledger_import = models.ForeignKey(
        LedgerImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("project name"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    approximate = models.JSONField(
        _("approximate values"), default=list, blank=True, help_text=_("Fields given as 约/超 values, imported as stated.")
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["ledger_import", "row"]
        indexes = [models.Index(fields=["ledger_import", "outcome"])]

    def __str__(self) -> str:
        return f"{self.ledger_import_id}:{self.row} {self.outcome}"
