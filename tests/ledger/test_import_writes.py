"""What the import computes once per file instead of once per row, and how it writes, gives
the same result as the per-row way: field checks against ``Project.clean_fields``, the lines
and monthly split of the annual plan against their definition, cells repeated down a file, the
bulk writer's helpers, and the garbage collector back on after every import."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from tuijin.ledger.choices import RowOutcome
from tuijin.ledger.services.imports import (
    _FK_FIELDS,
    ImportOptions,
    _collector_paused,
    _FieldCheck,
    ledger_import,
)
from tuijin.ledger.services.units import UnitIndex, UnitRef
from tuijin.lib.bulk import bulk_insert, bulk_save, bulk_update_rows, reserve_ids
from tuijin.projects.models import Category, EntryEvent, LibraryEntry, PlanEntry, Project
from tuijin.projects.services.libraries import even_split

from .workbooks import PROJECTS, plan_rows, plan_workbook, simple_workbook


def run(path, by, **options):
    options.setdefault("dry_run", False)
    return ledger_import(path=path, by=by, options=ImportOptions(**options))


# ---------------------------------------------------------------- field checks


def _clean_fields_errors(values: dict, stated) -> dict[str, list[str]]:
    """The model's own check, as the import ran it per row before."""
    project = Project(**values)
    exclude = [f.name for f in Project._meta.fields if f.attname not in stated or f.name in _FK_FIELDS]
    try:
        project.clean_fields(exclude=exclude)
    except ValidationError as exc:
        return exc.message_dict
    return {}


FIELD_CASES = [
    {"name": "产业园", "total_investment": Decimal("5000.0000"), "start_year": 2024, "end_year": 2026},
    {"name": "产业园", "total_investment": Decimal("5000.0000"), "start_year": 2024, "end_year": 2026},  # again: remembered
    {"name": "", "total_investment": Decimal("1"), "start_year": 2026, "end_year": 2026},
    {"name": "长" * 201, "content": "内容" * 5000, "address": "址" * 201},
    {"name": "甲", "national_code": "not-a-code", "total_investment": Decimal("-1")},
    {"name": "甲", "national_code": "2409-330282-89-01-100001", "total_investment": Decimal("1E+15")},
    {"name": "甲", "total_investment": Decimal("5.00001")},
    {"name": "甲", "total_investment": Decimal("5.0")},  # equal to the next, but not the same digits
    {"name": "甲", "total_investment": Decimal("5.000000")},
    {"name": "甲", "start_year": 70000, "end_year": -1},
    {"name": "甲", "start_year": 2024, "end_year": 2026, "town_id": 999999, "owner_id": None},  # keys: not checked
]


def test_the_remembered_field_checks_say_what_clean_fields_says():
    check = _FieldCheck()
    for values in FIELD_CASES + FIELD_CASES:  # the second round answers from memory
        for stated in (values.keys() | {"name"}, set(values) - {"name"}):
            assert check.errors(values, stated) == _clean_fields_errors(values, stated), (values, stated)


def test_a_value_refused_on_one_row_is_refused_on_every_row_with_its_row_number(cast, tmp_path):
    path = simple_workbook(
        tmp_path / "r.xlsx",
        [
            [1, "长" * 201, "2024-2026", 1, "宁波测试电器有限公司", "匡堰镇"],
            [2, "甲项目", "2024-20x6", "十万", "宁波测试电器有限公司", "匡堰镇"],
            [3, "长" * 201, "2024-2026", 1, "宁波测试电器有限公司", "龙山镇"],
            [4, "乙项目", "2024-20x6", "十万", "宁波测试电器有限公司", "匡堰镇"],
            [5, "丙项目", -0.0, 0.0, "宁波测试电器有限公司", "匡堰镇"],
        ],
    )
    report = run(path, cast.office, dry_run=True)
    first, second, third, fourth, fifth = report.rows
    assert [e["row"] for e in first.errors] == [2] and [e["row"] for e in third.errors] == [4]
    assert [(e["column"], e["reason"]) for e in first.errors] == [(e["column"], e["reason"]) for e in third.errors]
    assert [e["row"] for e in second.errors] == [3, 3] and [e["row"] for e in fourth.errors] == [5, 5]
    assert [(e["column"], e["value"], e["reason"]) for e in second.errors] == [
        (e["column"], e["value"], e["reason"]) for e in fourth.errors
    ]
    assert {e["column"] for e in second.errors} == {"C", "D"}
    assert fifth.outcome == RowOutcome.ERROR  # -0.0 is no period; 0.0 is a total of 0
    assert [e["column"] for e in fifth.errors] == ["C"]


# ---------------------------------------------------------------- the annual plan as written


def _assert_plan_lines_are_their_definition(version_year: int) -> None:
    """Every line: its month columns are the even split of its plan from its start month (0 in
    the other months), and it has one library entry with one admission event."""
    lines = list(PlanEntry.objects.filter(version__year=version_year))
    assert lines
    for line in lines:
        expected = even_split(line.planned_investment, line.planned_start_month or 1)
        columns = [getattr(line, f"plan_m{m}") for m in range(1, 13)]
        assert columns == [expected.get(m, Decimal(0)) for m in range(1, 13)], line.project.name
        assert line.library_entry.project_id == line.project_id
        assert EntryEvent.objects.filter(entry=line.library_entry).count() == 1


def test_a_new_import_and_a_changed_reimport_write_lines_months_entries_and_history(cast, tmp_path):
    from tuijin.reporting.towns import town_mismatches

    report = run(plan_workbook(tmp_path / "v1.xlsx"), cast.office, year=2026, library="annual")
    assert report.ok and report.count(RowOutcome.CREATED) == 4
    ids = {r.name: r.project_id for r in report.rows}
    assert set(Project.objects.values_list("name", "pk")) == set(ids.items())
    assert len(set(Project.objects.values_list("code", flat=True))) == 4
    assert LibraryEntry.objects.count() == 4 and EntryEvent.objects.count() == 4
    _assert_plan_lines_are_their_definition(2026)
    assert town_mismatches() == []
    created = {e.object_id: e.changes for e in LogEntry.objects.filter(action=LogEntry.Action.CREATE)}
    assert created == {r.project_id: r.changes for r in report.rows}
    assert all(e.additional_data == {"ledger_import": None, "file": "v1.xlsx"} for e in LogEntry.objects.all())

    changed = [list(r) for r in PROJECTS]
    changed[0][7] = "4100"  # plan raised: re-split
    changed[0][5] = "12,500"  # and the total
    changed[2][6] = "100"  # opening only: months stay
    changed[2][4] = "2026.5-2027.12"  # and a later start month (the months stay: the plan did not change)
    changed[3][7] = "0"  # plan down to nothing: no months
    changed[3][10] = cast.other_town.name  # moves from county level to a town (matched by its code)
    again = run(plan_workbook(tmp_path / "v2.xlsx", plan_rows(changed)), cast.office, year=2026, library="annual")
    assert again.ok, [r.errors for r in again.rows]
    assert [r.outcome for r in again.rows] == [RowOutcome.UPDATED, RowOutcome.UNCHANGED, RowOutcome.UPDATED, RowOutcome.UPDATED]
    assert {r.project_id for r in again.rows} == set(ids.values())
    park = Project.objects.get(pk=ids["智能家电产业园一期"])
    assert park.total_investment == Decimal("12500")
    assert Project.objects.get(pk=ids["滨海大道改造工程"]).town_id == cast.other_town.pk
    line = PlanEntry.objects.get(project=park)
    assert line.planned_investment == Decimal("4100") and line.plan_m12 == even_split(Decimal("4100"))[12]
    lab = PlanEntry.objects.get(project_id=ids["新材料研发中心"])
    assert lab.opening_cumulative == Decimal("100") and lab.planned_start_month == 5
    assert lab.months() == {m: a for m, a in even_split(Decimal("1200"), 3).items() if a}
    road = PlanEntry.objects.get(project_id=ids["滨海大道改造工程"])
    assert road.planned_investment == 0 and road.months() == {}
    assert LibraryEntry.objects.count() == 4 and EntryEvent.objects.count() == 4  # admitted once
    assert PlanEntry.objects.count() == 4
    assert town_mismatches() == []
    updates = {e.object_id: e.changes for e in LogEntry.objects.filter(action=LogEntry.Action.UPDATE)}
    assert updates == {r.project_id: r.changes for r in again.rows if r.outcome == RowOutcome.UPDATED}
    assert updates[park.pk]["total_investment"] == ["12000", "12500"]
    assert updates[park.pk]["plan.planned_investment"] == ["4000.0000", "4100.0000"]


def test_a_dry_run_shows_the_projects_it_would_write(cast, tmp_path):
    report = run(plan_workbook(tmp_path / "v1.xlsx"), cast.office, year=2026, library="annual", dry_run=True)
    park = report.rows[0].project
    assert park.pk is None and park.name == "智能家电产业园一期" and park.total_investment == Decimal("12000")
    assert park.town_id == cast.town.pk and park.created_by_id == cast.office.pk
    assert Project.objects.count() == 0


# ---------------------------------------------------------------- units found once per text


def test_a_unit_text_is_looked_up_once_and_again_after_a_unit_is_added(cast):
    Category.objects.all()  # the cast has loaded the units
    index = UnitIndex()
    assert index.find("匡堰镇") is index.find("匡堰镇")
    assert index.find("月亮湾电器") is None
    index.add(UnitRef(0, "月亮湾电器", "enterprise"))
    assert index.find("月亮湾电器").name == "月亮湾电器"


def test_an_index_made_for_a_files_texts_answers_as_the_whole_index(cast):
    """On PostgreSQL the import reads only the units its texts can name (by the ledger's reading
    of a name: NFKC, no spaces or commas); every answer is the whole index's."""
    from django.db import connection

    from tuijin.orgs.models import Unit

    Unit.objects.create(name="慈溪市宏达（集团）有限公司", kind="enterprise")  # full-width brackets
    Unit.objects.create(name="Cixi Sunrise Co., Ltd.", kind="enterprise")
    Unit.objects.create(name="宁波月湖建设有限公司", short_name="月湖建设", kind="enterprise", order=1)
    Unit.objects.create(name="浙江恒远科技有限公司", kind="enterprise", aliases=["恒远科技"])
    Unit.objects.create(name="月湖建设", kind="enterprise", order=2)  # another unit's short name, later in order
    Unit.objects.bulk_create([Unit(name=f"慈溪无关企业{i}有限公司", kind="enterprise") for i in range(30)])
    texts = [
        "慈溪市宏达(集团)有限公司", " 慈溪市宏达（集团） 有限公司", "CixiSunriseCo.Ltd.", "Cixi  Sunrise Co.,Ltd.",
        "月湖建设", "恒远科技", "匡堰", "匡堰镇", "市自然资源和规划局", "慈溪市自然资源和规划局", "全市", "测试电器",
        "宁波不存在有限公司", "",
    ]
    whole = UnitIndex()
    made_for = UnitIndex(texts)
    answers = {text: made_for.find(text) for text in texts}
    assert answers == {text: whole.find(text) for text in texts}
    assert answers["慈溪市宏达(集团)有限公司"].name == "慈溪市宏达（集团）有限公司"
    assert answers["Cixi  Sunrise Co.,Ltd."].name == "Cixi Sunrise Co., Ltd."
    assert answers["月湖建设"].name == "宁波月湖建设有限公司"  # first in the units' order, as before
    assert answers["恒远科技"].name == "浙江恒远科技有限公司"
    assert answers["匡堰"].pk == cast.town.pk and answers["宁波不存在有限公司"] is None
    if connection.vendor == "postgresql":  # it did not read the owners no text names
        assert not any(name.startswith("慈溪无关企业") for name in made_for.by_name)
    # a text it was not made for: it reads every unit and still answers right
    assert made_for.find("慈溪无关企业7有限公司").name == "慈溪无关企业7有限公司"


def test_the_units_a_file_names_are_found_through_their_indexes(cast):
    from django.db import connection

    from tuijin.ledger.services.units import _COARSE_SQL

    if connection.vendor != "postgresql":
        pytest.skip("the expression indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of a test's size is read whole otherwise
        for column, index in (("name", "orgs_unit_ledger_name"), ("short_name", "orgs_unit_ledger_short_name")):
            cursor.execute(f"EXPLAIN SELECT id FROM orgs_unit WHERE {_COARSE_SQL.format(column=column)} = ANY(%s)",  # noqa: S608
                           [["宁波测试电器有限公司"]])
            assert index in " ".join(row[0] for row in cursor.fetchall())


# ---------------------------------------------------------------- the bulk helpers


@pytest.mark.django_db
def test_reserved_keys_are_not_given_again():
    ids = reserve_ids(Category, 3)
    assert len(set(ids)) == 3
    bulk_insert(Category, ({"id": pk, "name": f"预留{pk}", "order": 0} for pk in ids), with_pk=True)
    later = Category.objects.create(name="之后", order=0)
    assert later.pk > max(ids)
    assert reserve_ids(Category, 2)[0] > later.pk
    assert reserve_ids(Category, 0) == []


@pytest.mark.django_db
def test_rows_are_updated_and_deleted_by_key_and_the_others_left_alone():
    made = [Category.objects.create(name=f"类{i}", order=i) for i in range(4)]
    bulk_update_rows(Category, [{"id": made[0].pk, "name": "改甲", "order": 10}, {"id": made[2].pk, "name": "改丙", "order": 0}],
                     ["name", "order"])
    assert dict(Category.objects.filter(pk__in=[c.pk for c in made]).values_list("pk", "name")) == {
        made[0].pk: "改甲", made[1].pk: "类1", made[2].pk: "改丙", made[3].pk: "类3"}
    assert Category.objects.get(pk=made[0].pk).order == 10 and Category.objects.get(pk=made[1].pk).order == 1
    assert bulk_update_rows(Category, [], ["name"]) == 0


def test_objects_are_saved_in_bulk_with_dates_and_empty_values_and_only_the_fields_named(make_project):
    import datetime as dt

    from tuijin.projects.choices import NodeStatus

    nodes = list(make_project().nodes.order_by("order")[:3])
    before = {n.pk: (n.status, n.actual_date, n.document_number, n.note) for n in nodes}
    nodes[0].status, nodes[0].actual_date, nodes[0].document_number = NodeStatus.DONE, dt.date(2026, 3, 9), "慈发改〔2026〕7号"
    nodes[1].planned_date = None
    for node in nodes:
        node.note = "not named, not written"
    assert bulk_save(nodes, ["status", "actual_date", "document_number", "planned_date"]) == 3
    after = {n.pk: n for n in type(nodes[0]).objects.filter(pk__in=before)}
    first, second, third = (after[n.pk] for n in nodes)
    assert (first.status, first.actual_date, first.document_number) == (NodeStatus.DONE, dt.date(2026, 3, 9), "慈发改〔2026〕7号")
    assert second.planned_date is None and (second.status, second.actual_date) == before[nodes[1].pk][:2]
    assert (third.status, third.actual_date, third.document_number) == before[nodes[2].pk][:3]
    assert all(after[pk].note == before[pk][3] for pk in before)
    assert bulk_save([], ["status"]) == 0


# ---------------------------------------------------------------- the garbage collector


def test_the_collector_runs_again_after_every_import(cast, tmp_path):
    assert gc.isenabled()
    run(plan_workbook(tmp_path / "v1.xlsx"), cast.office, year=2026, library="annual", dry_run=True)
    assert gc.isenabled()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert run(broken, cast.office).file_error
    assert gc.isenabled()
    with _collector_paused():
        with _collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _collector_paused():
        raise RuntimeError
    assert gc.isenabled()


@pytest.mark.django_db
def test_filter_in_finds_the_rows_an_in_list_finds():
    from tuijin.lib.bulk import filter_in

    made = [Category.objects.create(name=f"筛{i}", order=i) for i in range(5)]
    wanted = ["筛1", "筛3", "不存在"]
    found = filter_in(Category.objects.all(), "name", wanted)
    assert sorted(found.values_list("name", flat=True)) == ["筛1", "筛3"]
    assert list(filter_in(Category.objects.filter(order__gt=1), "name", wanted).values_list("pk", flat=True)) == [made[3].pk]
    assert not filter_in(Category.objects.all(), "name", []).exists()


@pytest.mark.django_db
def test_insert_select_copies_rows_in_the_database_with_values_and_defaults():
    from tuijin.lib.bulk import insert_select
    from tuijin.orgs.models import Unit

    a = Unit.objects.create(name="复制甲有限公司", short_name="复制甲", kind="enterprise", order=3, aliases=["甲"])
    b = Unit.objects.create(name="复制乙有限公司", short_name="复制乙", kind="enterprise", order=4, is_active=False)
    source = Unit.objects.filter(pk__in=[a.pk, b.pk])
    ids = insert_select(Unit, source, {"name": "short_name", "order": "order"}, {"kind": "soe"})
    made = {u.name: u for u in Unit.objects.filter(pk__in=ids)}
    assert sorted(made) == ["复制乙", "复制甲"]
    assert made["复制甲"].kind == made["复制乙"].kind == "soe"
    assert (made["复制甲"].order, made["复制乙"].order) == (3, 4)
    # the columns not named take their defaults, not the source's
    assert made["复制甲"].aliases == [] and made["复制乙"].is_active is True and made["复制甲"].short_name == ""
    # rows a unique constraint refuses are left out
    assert insert_select(Unit, source, {"name": "short_name"}, {"kind": "soe"}, ignore_conflicts=True) == []
    assert Unit.objects.filter(name__startswith="复制").count() == 4
