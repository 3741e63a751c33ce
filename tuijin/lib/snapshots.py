"""Read-only work spread over threads that all read the caller's data as it stands.

A computation made of several independent statements (the horse race: one or two per
indicator) spends its time alternately waiting for PostgreSQL and working on the rows in
Python. Run one after the other, the two never overlap. :func:`map_in_snapshot` runs them on
worker threads, each with its own database connection, and every worker first adopts the
snapshot of the caller's transaction (``pg_export_snapshot()`` / ``SET TRANSACTION
SNAPSHOT``): the workers see exactly the rows the caller would see, committed by others
before the snapshot was taken and nothing committed after, however long the work takes.

It falls back to running everything in the caller's thread, in order, where a shared
snapshot cannot give the same answer:

- not PostgreSQL (SQLite has one writer and no snapshot to share);
- the caller is not in a transaction, or is inside a savepoint (PostgreSQL exports no
  snapshot from a subtransaction);
- the caller's transaction has written something: other connections can never see
  uncommitted rows, so only the caller's own connection may read them (a test that creates
  its data in a transaction, say).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import TypeVar

from django.db import connection, transaction
from django.utils import translation

T = TypeVar("T")
R = TypeVar("R")

#: What pg_export_snapshot() returns, e.g. 00000003-0000001B-1: checked before it is written
#: into SET TRANSACTION SNAPSHOT, which takes a literal only.
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def exported_snapshot() -> str | None:
    """The id of the caller's snapshot, for other connections to adopt, or None where they
    could not read what the caller reads (see the module's docstring)."""
    # Django marks a nested atomic block without a savepoint of its own with None.
    in_savepoint = any(sid is not None for sid in connection.savepoint_ids)
    if connection.vendor != "postgresql" or not connection.in_atomic_block or in_savepoint:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
        (clean,) = cursor.fetchone()
        if not clean:
            return None
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    return snapshot if _SNAPSHOT_ID.match(snapshot) else None


def map_in_snapshot(fn: Callable[[T], R], items: Iterable[T], *, workers: int = 2,
                    prepare: Callable[[], None] | None = None) -> Iterator[R]:
    """``fn`` of each item, yielded in the items' order, each as soon as it (and every one
    before it) is done: the caller may work on the first results while the workers compute the
    rest. ``prepare`` runs once in each worker's transaction before its first item (session
    settings such as ``SET LOCAL work_mem``; the caller has made its own). Each worker runs in
    the language active in the caller. The first error is raised where its result would have
    been yielded; the workers stop taking items."""
    items = list(items)
    snapshot = exported_snapshot() if workers > 1 and len(items) > 1 else None
    if snapshot is None:
        for item in items:
            yield fn(item)
        return
    futures: list[Future] = [Future() for _item in items]
    jobs = _Jobs(zip(futures, items, strict=True))
    language = translation.get_language()
    threads = [
        threading.Thread(target=_work, args=(fn, jobs, snapshot, language, prepare), daemon=True,
                         name=f"snapshot-worker-{n}")
        for n in range(min(workers, len(items)))
    ]
    for thread in threads:
        thread.start()
    try:
        for future in futures:
            yield future.result()
    finally:
        jobs.stop(None)  # after an error, or when the caller stops early: the rest is not needed
        for thread in threads:
            thread.join()


class _Jobs:
    """The items left, shared by the workers; once stopped (by the first error), what is left
    fails with that error."""

    def __init__(self, jobs):
        self._jobs = list(jobs)
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._stopped = False

    def take(self):
        with self._lock:
            return None if self._stopped or not self._jobs else self._jobs.pop(0)

    def stop(self, error: BaseException | None) -> None:
        with self._lock:
            if not self._stopped:
                self._stopped, self._error = True, error
            left, self._jobs = self._jobs, []
        for future, _item in left:
            future.set_exception(self._error or RuntimeError("stopped before this item"))


def _work(fn, jobs: _Jobs, snapshot: str, language: str | None, prepare) -> None:
    """One worker: its own connection, one read-only transaction on the shared snapshot, items
    until none is left; the connection is closed at the end."""
    try:
        with translation.override(language), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            if prepare is not None:
                prepare()
            while (job := jobs.take()) is not None:
                future, item = job
                try:
                    future.set_result(fn(item))
                except BaseException as error:  # handed to the caller, which raises it
                    future.set_exception(error)
                    jobs.stop(error)
    except BaseException as error:  # the connection or the snapshot failed: fail what is left
        jobs.stop(error)
    finally:
        connection.close()
