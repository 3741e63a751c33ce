"""Backup and restore of the whole installation: every table and every uploaded file.

The archive is a .tar.gz holding ``manifest.json`` (version, time, migrations applied, row
counts per table), ``data.json`` (Django's serialisation with natural keys, so it restores
into SQLite or PostgreSQL alike) and ``media/`` (the files in Django storage). Restore
checks the manifest, replaces all data in one transaction and then the files.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tuijin.lib.bulk import analyze

FORMAT_VERSION = 1
#: Rebuilt by Django itself, transient, or append-only: the security log is never replaced by a
#: restore (it records the restore itself).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "orgs.securityevent"]


class BackupError(Exception):
    pass


def _models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def table_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in _models()}


def _media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def backup(path: str | Path) -> dict:
    """Write the archive; returns its manifest."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        *[f"--exclude={e}" for e in EXCLUDED],
        format="json-exact",  # times to the microsecond (tuijin.core.serialization)
        natural_foreign=True,
        natural_primary=False,
        stdout=data,
    )
    manifest = {
        "format": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations()),
        "counts": table_counts(),
        "media": _media_files(),
    }
    from tuijin.orgs.security import SecurityEventKind, log_security_event

    log_security_event(SecurityEventKind.BACKUP, action="backup", file=str(path), rows=sum(manifest["counts"].values()))
    with tarfile.open(path, "w:gz") as tar:
        for name, text in (("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1)), ("data.json", data.getvalue())):
            blob = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        root = Path(settings.MEDIA_ROOT)
        for rel in manifest["media"]:
            tar.add(root / rel, arcname=f"media/{rel}")
    return manifest


def restore(path: str | Path) -> dict:
    """Replace every table with the archive's rows, then restore the files."""
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115  (closed by the with-block below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a Tuijin backup: {exc}") from None
    with tar:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
            data = tar.extractfile("data.json").read().decode()
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError(f"{path} is not a Tuijin backup (no manifest or data): {exc}") from None
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Backup format {manifest.get('format')} is not supported (expected {FORMAT_VERSION}).")
        applied = {f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations()}
        missing = sorted(set(manifest["migrations"]) - applied)
        if missing:
            raise BackupError(
                "The backup comes from a newer version of Tuijin; upgrade first. Missing migrations: " + ", ".join(missing[:5])
            )
        from auditlog.context import disable_auditlog

        # Restored rows are history already; restoring them must not write new history.
        with transaction.atomic(), disable_auditlog():
            for model in reversed(list(_models())):
                model._base_manager.all()._raw_delete(model._base_manager.db)
            objects = list(serializers.deserialize("json", data, handle_forward_references=True))
            for obj in objects:
                obj.save()
            for obj in objects:
                if obj.deferred_fields:
                    obj.save_deferred_fields()
            _reset_sequences()
        analyze()
        from tuijin.orgs.security import SecurityEventKind, log_security_event

        log_security_event(SecurityEventKind.BACKUP, action="restore", file=str(path), created=manifest["created"])
        counts = table_counts()
        if counts != manifest["counts"]:
            diff = {k: (manifest["counts"].get(k), v) for k, v in counts.items() if manifest["counts"].get(k) != v}
            raise BackupError(f"Restored row counts differ from the backup: {diff}")
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("media/"):
                rel = member.name[len("media/"):]
                if ".." in Path(rel).parts or rel.startswith("/"):
                    raise BackupError(f"Refusing unsafe path in backup: {member.name}")
                if default_storage.exists(rel):
                    default_storage.delete(rel)
                default_storage.save(rel, ContentFile(tar.extractfile(member).read()))
    return manifest


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
