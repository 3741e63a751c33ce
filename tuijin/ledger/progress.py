"""Progress of a running import, readable by the page that polls it.

The import runs inside one database transaction, so its progress cannot be read from the
database by another request; it is written to a small JSON file in the data directory
instead (atomic rename), which works for the in-process runner and for a Celery worker on
the same host.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def _path(import_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "ledger-progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{import_id}.json"


def progress_write(import_id: int, stage: str, done: int, total: int) -> None:
    path = _path(import_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"stage": stage, "done": done, "total": total, "at": time.time()}))
    os.replace(tmp, path)


def progress_read(import_id: int) -> dict:
    try:
        return json.loads(_path(import_id).read_text())
    except (OSError, ValueError):
        return {"stage": "queued", "done": 0, "total": 0}


def progress_percent(info: dict) -> int:
    if info.get("stage") == "write":
        return 90 + int(10 * info["done"] / max(info["total"], 1))
    if info.get("stage") == "read":
        return int(90 * info["done"] / max(info["total"], 1))
    return 0


def progress_clear(import_id: int) -> None:
    _path(import_id).unlink(missing_ok=True)
