"""The published OC4IDS package: built from every disclosed project into a file of the
default storage (local, or S3-compatible where configured), served by /public/oc4ids.json,
rebuilt every night (tuijin.schedule) and on demand (``tuijin export-oc4ids --publish``).

Building reads every disclosed project with its nodes, reports and funds (at 10,000 projects
about 15 s); serving the file reads one row. Until a package exists, the first request builds
one (one build at a time per process)."""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import PublishedPackage
from ..oc4ids import stream_package

_building = threading.Lock()


def package_publish(*, base_url: str) -> PublishedPackage:
    """Build the package now and make it the one served; the earlier ones and their files go."""
    started, clock = timezone.now(), time.perf_counter()
    digest, size, pieces = hashlib.sha256(), 0, 0
    with tempfile.TemporaryFile() as tmp:
        for piece in stream_package(base_url=base_url.rstrip("/")):
            data = piece.encode("utf-8")
            digest.update(data)
            size += len(data)
            pieces += 1
            tmp.write(data)
        tmp.seek(0)
        name = default_storage.save(f"opendata/oc4ids-{started:%Y%m%d-%H%M%S}.json", File(tmp))
    package = PublishedPackage.objects.create(
        file=name, base_url=base_url.rstrip("/"), built_at=started, projects=max(pieces - 2, 0), size=size,
        sha256=digest.hexdigest(), seconds=Decimal(time.perf_counter() - clock).quantize(Decimal("0.01")),
    )
    for older in PublishedPackage.objects.filter(built_at__lt=started):
        older.file.delete(save=False)
        older.delete()
    return package


def current_package(*, base_url: str) -> PublishedPackage:
    """The package to serve: the latest one built, or one built now if there is none
    (``TUIJIN_PUBLIC_URL``, else ``base_url``, gives its URIs' scheme and host)."""
    package = PublishedPackage.objects.first()
    if package is not None:
        return package
    with _building:  # requests arriving meanwhile wait for this build, not start their own
        return PublishedPackage.objects.first() or package_publish(base_url=settings.PUBLIC_URL or base_url)


def package_refresh() -> PublishedPackage | None:
    """The nightly rebuild, at the address of the last package (or ``TUIJIN_PUBLIC_URL``).
    Nothing when no package was ever asked for and no address is configured."""
    latest = PublishedPackage.objects.first()
    base_url = settings.PUBLIC_URL or (latest.base_url if latest else "")
    return package_publish(base_url=base_url) if base_url else None
