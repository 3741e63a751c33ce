"""Work on worker threads that read the caller's snapshot (tuijin.lib.snapshots)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext

from tuijin.lib.snapshots import exported_snapshot, map_in_snapshot
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a snapshot shared by connections")


def _commit_in_another_connection(name: str) -> None:
    """A unit created and committed by a connection of its own, as another user would."""
    def create():
        try:
            Unit.objects.create(name=name, kind=UnitKind.TOWN)
        finally:
            connections.close_all()

    writer = threading.Thread(target=create)
    writer.start()
    writer.join(30)


@postgres
@pytest.mark.django_db(transaction=True)
def test_workers_read_the_callers_snapshot_not_what_is_committed_after_it():
    committed = threading.Event()
    main = threading.current_thread()

    def count(item):
        if item == "write":
            _commit_in_another_connection("快照之后新建的镇")
            committed.set()
        else:
            assert committed.wait(30)
        return item, Unit.objects.filter(name="快照之后新建的镇").count(), threading.current_thread() is not main

    with transaction.atomic():
        Unit.objects.count()  # the caller has read, not written
        results = list(map_in_snapshot(count, ["write", "read", "read again"], workers=2))
    # In order, each on a worker thread, and none saw the unit committed after the snapshot …
    assert results == [("write", 0, True), ("read", 0, True), ("read again", 0, True)]
    # … which the caller, after its transaction, does see.
    assert Unit.objects.filter(name="快照之后新建的镇").count() == 1


@postgres
@pytest.mark.django_db(transaction=True)
def test_an_error_is_raised_in_its_place_after_the_results_before_it():
    def fail_on_two(item):
        if item == 2:
            raise ValueError("item 2 failed")
        return item * 10

    with transaction.atomic():
        results = map_in_snapshot(fail_on_two, [1, 2, 3, 4], workers=2)
        assert next(results) == 10
        with pytest.raises(ValueError, match="item 2 failed"):
            next(results)


@postgres
@pytest.mark.django_db(transaction=True)
def test_workers_speak_the_callers_language():
    with translation.override("en"), transaction.atomic():
        english = list(map_in_snapshot(lambda _i: gettext("name"), [1, 2], workers=2))
    with translation.override("zh-hans"), transaction.atomic():
        chinese = list(map_in_snapshot(lambda _i: gettext("name"), [1, 2], workers=2))
    assert english == ["name", "name"]
    assert chinese == ["名称", "名称"]


@pytest.mark.django_db
def test_a_transaction_that_has_written_keeps_the_work_in_its_own_thread():
    """Other connections cannot see uncommitted rows: here (as in every test in a transaction)
    the items run in the caller's thread, in order, and see what it wrote."""
    Unit.objects.create(name="未提交的镇", kind=UnitKind.TOWN)
    main = threading.current_thread()
    with transaction.atomic():
        assert exported_snapshot() is None
        results = list(map_in_snapshot(
            lambda item: (item, Unit.objects.filter(name="未提交的镇").count(), threading.current_thread() is main),
            ["a", "b"], workers=2))
    assert results == [("a", 1, True), ("b", 1, True)]
