# ruff: noqa: S608  -- statements are built from model table names only; every value is a parameter
"""The county-wide aggregates of the cockpit panels as plain SQL with derived tables.

The ORM expresses "sum of allocations per demand" or "latest predecessor of each node" as
correlated subqueries, which PostgreSQL runs once per row: fine for a page of rows, far too
slow over 100,000 projects. These statements join grouped derived tables instead (standard
SQL; only the date difference differs between PostgreSQL and SQLite). Table names come from
the models, values are parameters.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from tuijin.projects.choices import NodeStatus
from tuijin.projects.models import Node, PlanEntry, Project

from ..choices import AllocationStatus, FundKind
from ..models import BondUseMonth, FundSource, ResourceAllocation, ResourceDemand

T = {
    "demand": ResourceDemand._meta.db_table,
    "alloc": ResourceAllocation._meta.db_table,
    "project": Project._meta.db_table,
    "entry": PlanEntry._meta.db_table,
    "node": Node._meta.db_table,
    "links": Node.predecessors.through._meta.db_table,
    "fund": FundSource._meta.db_table,
    "bonduse": BondUseMonth._meta.db_table,
}


def _rows(sql: str, params: list) -> list[tuple]:
    """Run a statement of this module: table names from the models, every value a parameter."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**T), params)
        return cursor.fetchall()


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


_SECURED = """(SELECT project_id, kind, SUM(amount) AS s FROM {alloc} WHERE status = %s GROUP BY project_id, kind)"""


def coverage_by_kind() -> dict[str, tuple[Decimal, Decimal]]:
    """{kind: (demand, covered)}; an allocation counts only up to its project's own demand."""
    rows = _rows(
        """SELECT d.kind, SUM(d.amount),
                  SUM(CASE WHEN COALESCE(a.s, 0) < d.amount THEN COALESCE(a.s, 0) ELSE d.amount END)
           FROM {demand} d JOIN {project} p ON p.id = d.project_id AND p.deleted_at IS NULL
           LEFT JOIN """ + _SECURED + """ a ON a.project_id = d.project_id AND a.kind = d.kind
           GROUP BY d.kind""",
        [AllocationStatus.ACTIVE],
    )
    return {kind: (_dec(need), _dec(covered)) for kind, need, covered in rows}


def uncovered_count(*, version_id: int | None, start_type_id: int | None, stages: tuple, cutoff: dt.date,
                    cutoff_month: int | None) -> int:
    """How many demands would be listed by ``resources.uncovered_warnings`` (same rule, one statement)."""
    by_plan = "e.planned_start_month IS NOT NULL" if cutoff_month is None else "e.planned_start_month <= %s"
    params: list = [AllocationStatus.ACTIVE, version_id or 0, start_type_id or 0, *stages, NodeStatus.DONE]
    if cutoff_month is not None:
        params.append(cutoff_month)
    params.append(cutoff)
    rows = _rows(
        """SELECT COUNT(*) FROM {demand} d
           JOIN {project} p ON p.id = d.project_id AND p.deleted_at IS NULL
           LEFT JOIN """ + _SECURED + """ a ON a.project_id = d.project_id AND a.kind = d.kind
           LEFT JOIN {entry} e ON e.project_id = d.project_id AND e.version_id = %s
           LEFT JOIN {node} s ON s.project_id = d.project_id AND s.node_type_id = %s
           WHERE p.stage IN (""" + ", ".join(["%s"] * len(stages)) + """)
             AND COALESCE(a.s, 0) < d.amount
             AND (s.id IS NULL OR s.status <> %s)
             AND ((""" + by_plan + """)
                  OR (e.planned_start_month IS NULL AND s.planned_date IS NOT NULL AND s.planned_date <= %s))""",
        params,
    )
    return rows[0][0]


def bond_totals(today: dt.date, behind_factor: Decimal) -> tuple[int, Decimal, Decimal, int]:
    """Special bonds: (sources, planned use to the end of this month, spent, sources behind)."""
    rows = _rows(
        """SELECT COUNT(*), SUM(COALESCE(u.planned, 0)), SUM(f.spent),
                  SUM(CASE WHEN COALESCE(u.planned, 0) > 0 AND f.spent < u.planned * %s THEN 1 ELSE 0 END)
           FROM {fund} f
           LEFT JOIN (SELECT source_id, SUM(amount) AS planned FROM {bonduse}
                      WHERE year < %s OR (year = %s AND month <= %s) GROUP BY source_id) u ON u.source_id = f.id
           WHERE f.kind = %s""",
        [behind_factor, today.year, today.year, today.month, FundKind.SPECIAL_BOND],
    )
    n, planned, spent, behind = rows[0]
    return n or 0, _dec(planned), _dec(spent), int(behind or 0)


def approval_days(first: dt.date, last: dt.date, type_ids: list[int]) -> dict[int, tuple[int, int, float | None]]:
    """Per approval node type (``type_ids``) done between ``first`` and ``last``: (done, on time,
    average days from the day its last predecessor was done). The done nodes are read from
    the index of done nodes by type and date; deleted projects are left out by an anti-join
    against the few deleted ones."""
    if not type_ids:
        return {}
    if connection.vendor == "postgresql":
        diff = "(x.actual_date - x.begun)"
    else:
        diff = "(julianday(x.actual_date) - julianday(x.begun))"
    rows = _rows(
        """SELECT x.node_type_id, COUNT(*),
                  SUM(CASE WHEN x.due_date IS NULL OR x.actual_date <= x.due_date THEN 1 ELSE 0 END),
                  AVG(CASE WHEN x.begun IS NOT NULL THEN """ + diff + """ END)
           FROM (SELECT n.id, n.node_type_id, n.actual_date, n.due_date, MAX(pn.actual_date) AS begun
                 FROM {node} n
                 LEFT JOIN {links} l ON l.from_node_id = n.id
                 LEFT JOIN {node} pn ON pn.id = l.to_node_id AND pn.status = %s
                 WHERE n.node_type_id IN (""" + ", ".join(["%s"] * len(type_ids)) + """)
                   AND n.status = %s AND n.actual_date >= %s AND n.actual_date <= %s
                   AND NOT EXISTS (SELECT 1 FROM {project} p WHERE p.id = n.project_id AND p.deleted_at IS NOT NULL)
                 GROUP BY n.id, n.node_type_id, n.actual_date, n.due_date) x
           GROUP BY x.node_type_id""",
        [NodeStatus.DONE, *type_ids, NodeStatus.DONE, first, last],
    )
    return {t: (n, int(on_time or 0), float(avg) if avg is not None else None) for t, n, on_time, avg in rows}
