"""Migration projects 0009 makes a plan line's month columns the one store of its split: the
month rows (PlanMonth) are carried into the columns and their audit history onto the lines
before the table goes; backwards, the rows are made again from the columns.

As in tests/core/test_migrations_forward.py: the test database is migrated back with Django's
MigrationExecutor, rows are written with the historical models of that state, and the database
is migrated forward and read with the current models. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from tests.migrating import a_project, back_to, empty_database, latest, migrate_to  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_database")]

BEFORE = [("projects", "0008_running_totals")]
D = Decimal


def _write_plan(apps) -> dict:
    """A project's line in the adopted 2026 plan with two month rows and columns that drifted
    from them, a line of the working version with columns but no rows, and the audit log of
    month rows: a change of a row that exists, a row created and deleted since, a change of a
    row deleted since (which names no line), and an older entry kept as text."""
    Library = apps.get_model("projects", "Library")
    LibraryEntry = apps.get_model("projects", "LibraryEntry")
    PlanVersion = apps.get_model("projects", "PlanVersion")
    PlanEntry = apps.get_model("projects", "PlanEntry")
    PlanMonth = apps.get_model("projects", "PlanMonth")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")

    project = a_project(apps)
    library = Library.objects.create(kind="annual", start_year=2026, end_year=2026)
    entry = LibraryEntry.objects.create(library=library, project=project, status="admitted")
    adopted = PlanVersion.objects.create(year=2026, number=1, is_frozen=True)
    working = PlanVersion.objects.create(year=2026, number=2)
    line = PlanEntry.objects.create(version=adopted, library_entry=entry, project=project, category="new",
                                    planned_investment=D("1200"), plan_m3=D("999"), plan_m4=D("1000"))
    unsplit = PlanEntry.objects.create(version=working, library_entry=entry, project=project, category="new",
                                       planned_investment=D("50"), plan_m5=D("50"))
    march = PlanMonth.objects.create(entry=line, month=3, amount=D("200"))
    april = PlanMonth.objects.create(entry=line, month=4, amount=D("1000"))

    month_type, _ = ContentType.objects.get_or_create(app_label="projects", model="planmonth")
    repr_of = "匡堰智能家电产业园项目 · 2026 年初计划 · {}".format

    def logged(row_pk, action, changes, month, *, as_text=False):
        return LogEntry.objects.create(
            content_type=month_type, object_pk=str(row_pk), object_id=row_pk, object_repr=repr_of(month), action=action,
            changes=None if as_text else changes, changes_text=json.dumps(changes) if as_text else "",
        ).pk

    gone = 9999
    return {
        "line": line.pk, "unsplit": unsplit.pk,
        "changed": logged(march.pk, 1, {"amount": ["150.0000", "200.0000"]}, 3),
        "created": logged(gone, 0, {"id": ["None", str(gone)], "entry": ["None", str(line.pk)], "month": ["None", "7"],
                                    "amount": ["None", "300.0000"]}, 7),
        "deleted": logged(gone, 2, {"id": [str(gone), "None"], "entry": [str(line.pk), "None"], "month": ["7", "None"],
                                    "amount": ["300.0000", "None"]}, 7),
        "unknown": logged(8888, 1, {"amount": ["1.0000", "2.0000"]}, 5),
        "as_text": logged(april.pk, 1, {"amount": ["900.0000", "1000.0000"]}, 4, as_text=True),
    }


def test_month_rows_end_in_the_line_columns_and_their_history_on_the_line(back_to):  # noqa: F811
    apps = back_to(BEFORE)
    ids = _write_plan(apps)
    migrate_to(latest())

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tuijin.projects.models import PlanEntry
    from tuijin.projects.selectors import project_history

    line, unsplit = PlanEntry.objects.get(pk=ids["line"]), PlanEntry.objects.get(pk=ids["unsplit"])
    assert line.months() == {3: D("200"), 4: D("1000")}  # the rows won over the drifted column
    assert line.plan_ytd_m12 == D("1200")
    assert unsplit.months() == {}  # no row: 0

    line_type = ContentType.objects.get_for_model(PlanEntry)
    moved = {key: LogEntry.objects.get(pk=ids[key]) for key in ("changed", "created", "deleted", "as_text")}
    assert {(e.content_type_id, e.object_pk, e.object_id) for e in moved.values()} == {(line_type.pk, str(line.pk), line.pk)}
    assert moved["changed"].changes == {"plan_m3": ["150.0000", "200.0000"]}
    assert moved["created"].changes == {"plan_m7": ["None", "300.0000"]}
    assert moved["deleted"].changes == {"plan_m7": ["300.0000", "None"]}
    assert moved["as_text"].changes == {"plan_m4": ["900.0000", "1000.0000"]}
    assert json.loads(moved["as_text"].changes_text) == moved["as_text"].changes
    assert moved["changed"].object_repr == "匡堰智能家电产业园项目 · 2026 年初计划"
    unknown = LogEntry.objects.get(pk=ids["unknown"])  # names no line: left as it was
    assert (unknown.content_type.model, unknown.object_pk, unknown.changes) == ("planmonth", "8888", {"amount": ["1.0000", "2.0000"]})

    # The project's history shows them as changes of its plan line, labelled by month.
    with translation.override("en"):
        rows = {row.entry.pk: row for row in project_history(line.project)}
        assert rows[ids["changed"]].changes == [("March (10k yuan)", "150", "200")]
        assert rows[ids["created"]].changes == [("July (10k yuan)", "—", "300")]
        assert rows[ids["changed"]].object_label == "plan entry · 匡堰智能家电产业园项目 · 2026 年初计划"
    assert ids["unknown"] not in rows

    # Backwards the month rows are made again from the columns, the months of 0 left out.
    apps = migrate_to(BEFORE)
    PlanMonth = apps.get_model("projects", "PlanMonth")
    assert set(PlanMonth.objects.values_list("entry_id", "month", "amount")) == {
        (line.pk, 3, D("200")), (line.pk, 4, D("1000"))
    }
