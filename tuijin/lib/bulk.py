"""Fast bulk writes for generators and imports: PostgreSQL COPY, SQLite executemany.

Rows are dicts of field name → Python value; fields not given take their model default, so a
model that gains a field with a default keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.db import connection, models

BATCH = 20_000


def _columns(model: type[models.Model], with_pk: bool):
    return [f for f in model._meta.concrete_fields if with_pk or not (f.primary_key and isinstance(f, models.AutoField))]


def _prepared(model, rows: Iterable[dict], with_pk: bool) -> Iterator[tuple]:
    fields = _columns(model, with_pk)
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
    # Values the driver takes as they are skip Django's per-value preparation, which is most of
    # the cost of a large write: integers and keys, text, booleans, decimals that are Decimal.
    # The same object repeated down a column (a timestamp, a default) is prepared once.
    # Per column: where the value is found, its default, the types passed as they are, and the
    # last value prepared with what it became.
    spec = [
        (f.attname, f.name, defaults.get(f.attname), _PLAIN_TYPES.get(_is_plain(f), ()), f.get_db_prep_save)
        for f in fields
    ]
    last: list[tuple[object, object]] = [(_UNSET, None)] * len(fields)
    for row in rows:
        values = []
        append = values.append
        for i, (attname, name, default, plain_types, prepare) in enumerate(spec):
            value = row[attname] if attname in row else row.get(name, default)
            if value is None or type(value) in plain_types:
                append(value)
            elif last[i][0] is value:
                append(last[i][1])
            else:
                prepared = prepare(value, connection)
                last[i] = (value, prepared)
                append(prepared)
        yield tuple(values)


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


def chunks(items: list, size: int = 500) -> Iterator[list]:
    """``items`` in slices of ``size``: IN lists short enough for every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


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
