"""Imports run as Celery tasks; with no broker they run in a thread of the web process
(so the page can show progress), and inline under the tests."""

from __future__ import annotations

import threading
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections

from tuijin.lib.tasks import enqueue

from .choices import ImportStatus
from .models import LedgerImport
from .progress import progress_clear, progress_write
from .services.imports import ImportOptions, ledger_import


@shared_task
def ledger_import_task(import_id: int, dry_run: bool) -> str:
    record = LedgerImport.objects.select_related("uploaded_by", "mapping").get(pk=import_id)
    options = ImportOptions(
        year=record.year,
        library=record.library,
        dry_run=dry_run,
        skip_bad_rows=record.skip_bad_rows,
        create_owners=record.create_owners,
        mapping={**(record.mapping.columns if record.mapping else {}), **(record.corrections or {})} or None,
    )

    def progress(stage, done, total):
        progress_write(import_id, stage, done, total)

    try:
        with record.file.open("rb"):
            path = Path(record.file.path)
        ledger_import(path=path, by=record.uploaded_by, options=options, original_name=record.original_name,
                      record=record, progress=progress)
    except Exception as exc:  # the page must not spin forever
        LedgerImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED, message=str(exc)[:2000])
        raise
    finally:
        progress_clear(import_id)
    return LedgerImport.objects.get(pk=import_id).status


def start_import(record: LedgerImport, *, dry_run: bool) -> None:
    """Queue the import; the page polls :mod:`tuijin.ledger.progress` until it is done."""
    record.status = ImportStatus.CHECKING if dry_run else ImportStatus.IMPORTING
    record.save(update_fields=["status"])
    progress_write(record.pk, "queued", 0, 0)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue(ledger_import_task, record.pk, dry_run)
    elif settings.TESTING:
        ledger_import_task.apply(args=(record.pk, dry_run))
    else:
        def run():
            close_old_connections()
            try:
                ledger_import_task.apply(args=(record.pk, dry_run))
            finally:
                close_old_connections()

        threading.Thread(target=run, daemon=True, name=f"ledger-import-{record.pk}").start()
