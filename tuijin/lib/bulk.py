"""Fast bulk writes for generators and imports: PostgreSQL COPY, SQLite executemany.

Rows are dicts of field name → Python value; fields not given take their model default, so a
model that gains a field with a default keeps working.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import islice

from django.db import connection, models, transaction
from django.db.models import F, Lookup

BATCH = 20_000
#: work_mem of sort_memory's transactions.
SORT_MEGABYTES = 64


def _columns(model: type[models.Model], with_pk: bool):
    """The columns a writer sets: not generated ones (the database computes them), nor an
    automatic key unless asked."""
    return [
        f for f in model._meta.concrete_fields
        if not f.generated and (with_pk or not (f.primary_key and isinstance(f, models.AutoField)))
    ]


def _defaults(fields) -> dict:
    """What a column not given gets: the field's default, NULL, now, or empty text."""
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            from django.utils import timezone

            defaults[f.attname] = timezone.now()
        elif isinstance(f, models.CharField | models.TextField):
            defaults[f.attname] = ""
    return defaults


def _prepared(model, rows: Iterable[dict], with_pk: bool) -> Iterator[tuple]:
    fields = _columns(model, with_pk)
    defaults = _defaults(fields)
    # Values the driver takes as they are skip Django's per-value preparation, which is most of
    # the cost of a large write: integers and keys, text, booleans, decimals that are Decimal.
    # The same object repeated down a column (a timestamp, a default) is prepared once.
    # Per column: where the value is found, its default, the types passed as they are; and per
    # column the last value prepared with what it became.
    spec = [
        (i, f.attname, f.name, defaults.get(f.attname), _PLAIN_TYPES.get(_is_plain(f), ()))
        for i, f in enumerate(fields)
    ]
    preparers = [_preparer(f) for f in fields]
    last: list[tuple[object, object]] = [(_UNSET, None)] * len(fields)

    def prepared(i: int, value):
        seen, result = last[i]
        if seen is value:
            return result
        result = preparers[i](value, connection)
        last[i] = (value, result)
        return result

    for row in rows:
        yield tuple([
            value if (value := row[attname] if attname in row else row.get(name, default)) is None or type(value) in plain
            else prepared(i, value)
            for i, attname, name, default, plain in spec
        ])


def _preparer(f: models.Field):
    """How a value of ``f`` becomes what the driver is given. JSON goes to PostgreSQL as its
    text (which COPY reads as it reads any column), so a document repeated down the column is
    encoded once, not once per row by the driver."""
    if isinstance(f, models.JSONField) and connection.vendor == "postgresql":
        encoder = f.encoder

        def to_json(value, _connection):
            prepared = f.get_prep_value(value)
            return prepared if prepared is None else json.dumps(prepared, cls=encoder)

        return to_json
    return f.get_db_prep_save


_UNSET = object()


_PLAIN_TYPES = {"int": (int,), "text": (str,), "bool": (bool,), "decimal": (Decimal,)}


def _is_plain(f: models.Field) -> str | None:
    if isinstance(f, models.ForeignKey):
        f = f.target_field
    if isinstance(f, models.BooleanField):
        return "bool"
    if isinstance(f, models.IntegerField | models.AutoField):
        return "int"
    if isinstance(f, models.DecimalField):
        return "decimal"
    if type(f) in (models.CharField, models.TextField):
        return "text"
    return None


def bulk_insert(model: type[models.Model], rows: Iterable[dict], *, with_pk: bool = False) -> int:
    """Insert rows without reading them back; returns how many were written. With ``with_pk``
    the rows carry their own ``id`` (reset the sequence afterwards with :func:`reset_sequence`)."""
    fields = _columns(model, with_pk)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    prepared = _prepared(model, rows, with_pk)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  (names come from the model)
            while batch := list(islice(prepared, BATCH)):
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def insert_select(
    model: type[models.Model], source: models.QuerySet, columns: dict[str, str], values: dict | None = None,
    *, ignore_conflicts: bool = False,
) -> list[int]:
    """Insert one row of ``model`` per row of ``source`` in one statement (``INSERT … SELECT``):
    ``columns`` maps a column (attname) to the path of ``source`` it copies, ``values`` a column
    to one value for every row; the other columns take their defaults, as in
    :func:`bulk_insert`. Nothing passes through Python but the new rows' keys, returned. With
    ``ignore_conflicts`` rows a unique constraint refuses are left out (``ON CONFLICT DO
    NOTHING``)."""
    values = values or {}
    fields = _columns(model, with_pk=False)
    defaults = _defaults(fields)
    # The source's columns under names of their own (two tables' "id" would repeat).
    positions = {attname: i for i, attname in enumerate(columns)}
    copied = source.order_by().annotate(**{f"tj_c{i}": F(path) for i, path in enumerate(columns.values())})
    sub_sql, sub_params = copied.values_list(*(f"tj_c{i}" for i in range(len(columns)))).query.sql_with_params()
    select, params = [], []
    for f in fields:
        if f.attname in positions:
            select.append(f"src.tj_c{positions[f.attname]}")
        else:
            value = values[f.attname] if f.attname in values else defaults.get(f.attname)
            select.append("%s")
            params.append(f.get_db_prep_save(value, connection))
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in fields)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({names}) SELECT {', '.join(select)} "  # noqa: S608  (names come from the model)
        f"FROM ({sub_sql}) AS src WHERE true"
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + f" RETURNING {qn(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *sub_params])
        return [row[0] for row in cursor.fetchall()]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows written with ``bulk_insert(..., with_pk=True)``: the
    caller knows its rows' keys without reading them back. PostgreSQL takes them from the
    table's sequence (safe under concurrent writers, the sequence needs no reset); SQLite,
    whose writers take turns, continues after the highest key it ever gave
    (AUTOINCREMENT keeps that key in ``sqlite_sequence`` and moves past explicit keys)."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence looked up once (MATERIALIZED): as an argument of nextval() the
            # look-up ran for every key, ten times the cost of taking the keys.
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                "SELECT nextval(s.seq) FROM s CROSS JOIN generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}")  # noqa: S608  (names come from the model)
        last = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        last = max(last, row[0] if row else 0)
    return list(range(last + 1, last + 1 + count))


def bulk_update_rows(model: type[models.Model], rows: list[dict], fields: list[str]) -> int:
    """Set ``fields`` (attnames) of the rows whose primary key each dict carries (under the
    pk's attname), all in one statement on PostgreSQL (``UPDATE … FROM unnest(arrays)``),
    by ``executemany`` on SQLite. Unlike ``QuerySet.bulk_update`` no ``CASE WHEN`` per row
    is built, which at thousands of rows cost seconds of Python. Sends no signals."""
    if not rows or not fields:
        return 0
    opts = model._meta
    pk = opts.pk
    columns = [next(f for f in opts.concrete_fields if f.attname == name) for name in fields]
    table = connection.ops.quote_name(opts.db_table)
    qn = connection.ops.quote_name
    spec = [(f.attname, _PLAIN_TYPES.get(_is_plain(f), ()), f.get_db_prep_save) for f in [pk, *columns]]
    values = [[_prepare_value(row[attname], plain, prepare) for attname, plain, prepare in spec] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ["id_", *(f"v{i}" for i in range(len(columns)))]
            arrays = ", ".join(f"%s::{_array_type(f)}" for f in [pk, *columns])
            sets = ", ".join(f"{qn(f.column)} = v.{name}" for f, name in zip(columns, names[1:], strict=True))
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) "  # noqa: S608  (names come from the model)
                f"WHERE t.{qn(pk.column)} = v.id_",
                [list(col) for col in zip(*values, strict=True)],
            )
        else:
            sets = ", ".join(f"{qn(f.column)} = %s" for f in columns)
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {qn(pk.column)} = %s",  # noqa: S608  (names come from the model)
                [(*v[1:], v[0]) for v in values],
            )
    return len(rows)


def bulk_save(objs: list[models.Model], fields: list[str]) -> int:
    """``QuerySet.bulk_update(objs, fields)`` through :func:`bulk_update_rows`: the same rows
    written, without a ``CASE WHEN`` per object (600 projects' nodes took the demo 23 s)."""
    if not objs:
        return 0
    model = type(objs[0])
    attnames = [model._meta.get_field(name).attname for name in fields]
    pk = model._meta.pk.attname
    return bulk_update_rows(model, [{pk: o.pk, **{a: getattr(o, a) for a in attnames}} for o in objs], attnames)


def _prepare_value(value, plain_types, prepare):
    if value is None or type(value) in plain_types:
        return value
    return prepare(value, connection)


def _array_type(f: models.Field) -> str:
    if isinstance(f, models.ForeignKey):
        f = f.target_field
    return f"{f.db_type(connection)}[]"


def chunks(items: list, size: int = 500) -> Iterator[list]:
    """``items`` in slices of ``size``: IN lists short enough for every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class AnyOf(Lookup):
    """``<field>__any=[…]``: ``= ANY(%s)`` with the list as one array parameter (PostgreSQL)."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)


def filter_in(queryset: models.QuerySet, field: str, values: list) -> models.QuerySet:
    """``queryset.filter(<field>__in=values)`` (a field, a relation or an alias of the
    queryset); on PostgreSQL as ``= ANY(%s)``, one array
    parameter instead of one per value: at thousands of values the driver's splitting of the
    statement and the planning of the list were half the query's time."""
    lookup = "in" if connection.vendor != "postgresql" else "any"
    return queryset.filter(**{f"{field}__{lookup}": list(values)})


def next_id(model: type[models.Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequence(model: type[models.Model]) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, a vacuum) after a bulk load. Until autovacuum comes round the new rows are
    invisible to PostgreSQL's planner, which then plans for empty tables: at 100,000 projects
    the cockpit's red lights took 540 ms (a nested loop over 67,000 rows), 145 ms after ANALYZE."""
    # VACUUM as well where it can run (PostgreSQL, outside a transaction): it also marks the
    # new pages all-visible, without which index-only scans fetch every row from the table —
    # and a server running without autovacuum would never do it.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


@contextmanager
def sort_memory(megabytes: int = SORT_MEGABYTES):
    """A block whose queries sort or hash a province's rows (the horse race ranks 100,000
    projects by unit). On PostgreSQL, for this transaction only: ``work_mem`` raised (at the
    default 4 MB those sorts spill to disk) and JIT compilation off (a query over 100,000
    rows passes its cost threshold, and compiling took 1.3 s of a 1.9 s query). Elsewhere,
    nothing changes. The block is a transaction without a savepoint of its own, so that it
    can share its snapshot with worker threads (``tuijin.lib.snapshots``); it only reads."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        tune_sorts(megabytes)
        yield


def tune_sorts(megabytes: int = SORT_MEGABYTES) -> None:
    """``sort_memory``'s settings, in the current transaction (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = %s", [f"{int(megabytes)}MB"])
        cursor.execute("SET LOCAL jit = off")
