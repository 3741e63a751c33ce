"""Benchmark: the leaders' cockpit at 100,000 projects on PostgreSQL.

Usage (a dedicated database is created if missing; its data are replaced with --generate):

    .venv/bin/python bench/cockpit.py --generate          # build the world, then measure
    .venv/bin/python bench/cockpit.py --runs 7            # measure again on the same world

The world is generated with set-based SQL (generate_series): 100,000 projects, 30,000 in the
2026 annual plan (6,000 new starts), node chains with approval items, 22 months of reports,
60,000 fund sources with special-bond use plans, resource quotas, demands and allocations,
20,000 investment leads, red lights when supervision is installed, and two leaders with
their linked projects. Measured for 29 November 2026:

- ``selectors``: every figure of the cockpit (tuijin.cockpit.selectors.cockpit), best of ``--runs``;
- ``page``: the whole page rendered by its view, through the test client, logged in as a leader;
- ``floor``: hand-written SQL statements giving the same headline figures with no ORM, no
  rendering and no per-panel detail — the least any implementation must do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tj_bench_cockpit")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
os.environ.setdefault("TUIJIN_SECRET_KEY", "bench-only")
os.environ.setdefault("TUIJIN_DATA_DIR", "/tmp/tj-bench-cockpit")
os.environ.setdefault("TUIJIN_DEBUG", "true")  # plain static storage: no collected manifest needed
os.environ.setdefault("TUIJIN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

TODAY = dt.date(2026, 11, 29)
YEAR = TODAY.year
N_PROJECTS = 100_000


def ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _sql_literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | dict):
        import json

        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    return "'" + str(value).replace("'", "''") + "'"


def bulk(model, columns: dict[str, str], source: str, params: dict | None = None) -> int:
    """INSERT INTO <model's table> SELECT … <source>. Columns not given take the field's
    default, NULL, now() for timestamps, or '' — so the generator follows model changes."""
    from django.db import connection

    names, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.generated:
            continue
        names.append(f'"{f.column}"')
        if f.column in columns:
            exprs.append(columns[f.column])
        elif f.has_default():
            exprs.append(_sql_literal(f.get_default()))
        elif f.null:
            exprs.append("NULL")
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            exprs.append("now()")
        else:
            exprs.append("''")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def generate() -> None:
    from django.apps import apps
    from django.db import connection

    from tuijin.breakthroughs import models as bt
    from tuijin.orgs.models import Unit, User
    from tuijin.orgs.reference import load_units
    from tuijin.projects import models as pm
    from tuijin.projects.reference import load_reference_data
    from tuijin.reporting.models import MonthlyReport, ReportingPeriod

    t0 = time.perf_counter()
    units = load_units()
    load_reference_data()
    owner, _ = Unit.objects.get_or_create(name="基准测试业主有限公司", defaults={"kind": "enterprise", "short_name": "基准"})
    leaders = []
    for name in ("bench-leader", "bench-leader2"):
        user, _ = User.objects.get_or_create(username=name, defaults={"role": "leader", "unit": units["慈溪"]})
        leaders.append(user.pk)
    User.objects.get_or_create(username="bench-office", defaults={"role": "office", "unit": units["发改局"]})
    towns = list(Unit.objects.territorial().values_list("pk", flat=True))
    deps = list(Unit.objects.departments().values_list("pk", flat=True))
    cats = list(pm.Category.objects.values_list("pk", flat=True))
    chains = list(pm.IndustryChain.objects.values_list("pk", flat=True))
    types = dict(pm.NodeType.objects.values_list("code", "pk"))
    tables = [m._meta.db_table for m in (
        bt.LeadStageChange, bt.Lead, bt.BondUseMonth, bt.FundSource, bt.ResourceAllocation, bt.ResourceDemand,
        bt.ResourceQuota, MonthlyReport, ReportingPeriod, pm.PlanEntry, pm.PlanVersion, pm.EntryEvent,
        pm.LibraryEntry, pm.Library, pm.Node.predecessors.through, pm.Node, pm.StageChange, pm.TaskForceMember,
        pm.Project,
    )]
    light = apps.get_model("supervision", "Light") if apps.is_installed("tuijin.supervision") else None
    if light is not None:
        tables.insert(0, light._meta.db_table)
    p = {"n": N_PROJECTS, "y": YEAR, "towns": towns, "nt": len(towns), "deps": deps, "nd": len(deps), "cats": cats,
         "nc": len(cats), "chains": chains, "nch": len(chains), "owner": owner.pk, "leaders": leaders}
    with connection.cursor() as c:
        c.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        c.execute("SET session_replication_role = replica")  # bulk load: rows are consistent, skip FK triggers
    # Projects: 30% in the annual plan (a fifth of those new starts), 5% linked to each leader.
    bulk(pm.Project, {
        "code": "'B' || lpad(i::text, 8, '0')", "name": "'基准项目' || i", "owner_id": "%(owner)s",
        "town_id": "(%(towns)s::bigint[])[1 + i %% %(nt)s]", "department_id": "(%(deps)s::bigint[])[1 + i %% %(nd)s]",
        "category_id": "(%(cats)s::bigint[])[1 + i %% %(nc)s]", "nature": "'enterprise'", "level": "'city'",
        "total_investment": "20000 + (i %% 97) * 1000", "start_year": "%(y)s - (i %% 3)", "end_year": "%(y)s + 2",
        "stage": "CASE WHEN i %% 10 < 3 THEN (CASE WHEN i %% 5 = 0 THEN 'preparation' ELSE 'construction' END) "
                 "ELSE 'preparation' END",
        "library": "CASE WHEN i %% 10 < 3 THEN 'annual' ELSE 'reserve' END",
        "leader_id": "CASE WHEN i %% 20 = 1 THEN (%(leaders)s::bigint[])[1 + (i / 20) %% 2] END",
    }, "FROM generate_series(1, %(n)s) AS i", p)
    with connection.cursor() as c:
        c.execute("INSERT INTO projects_library (kind, start_year, end_year, name, is_current) "
                  "VALUES ('annual', %s, %s, 'bench', true) RETURNING id", [YEAR, YEAR])
        p["library"] = c.fetchone()[0]
        c.execute("INSERT INTO projects_planversion (year, number, label, is_frozen) VALUES (%s, 1, '', false) "
                  "RETURNING id", [YEAR])
        p["version"] = c.fetchone()[0]
    bulk(pm.LibraryEntry, {"library_id": "%(library)s", "project_id": "id", "status": "'admitted'"},
         "FROM projects_project WHERE library = 'annual'", p)
    bulk(pm.PlanEntry, {
        "version_id": "%(version)s", "library_entry_id": "le.id", "project_id": "le.project_id",
        "category": "CASE WHEN le.project_id %% 5 = 0 THEN 'new' ELSE 'continuing' END",
        "planned_investment": "1200 + (le.project_id %% 50) * 24", "opening_cumulative": "(le.project_id %% 3) * 4000",
        "planned_start_month": "CASE WHEN le.project_id %% 5 = 0 THEN 2 + le.project_id %% 9 END",
        # the plan spread evenly over the twelve months
        **{f"plan_m{m}": "100 + (le.project_id %% 50) * 2" for m in range(1, 13)},
    }, "FROM projects_libraryentry le", p)
    # Nodes: 签约 then two approval items (立项/备案, 环评) for every project, 开工 for the plan's new starts.
    for code, offset, done_share in (("signing", 0, 8), ("approval", 20, 6), ("eia", 50, 4)):
        p.update(t=types[code], off=offset, share=done_share)
        bulk(pm.Node, {
            "project_id": "id", "node_type_id": "%(t)s", "order": "%(off)s",
            "status": "CASE WHEN id %% 10 < %(share)s THEN 'done' ELSE 'pending' END",
            "planned_date": "make_date(%(y)s, (1 + id %% 10)::int, 1) + %(off)s",
            "due_date": "make_date(%(y)s, (1 + id %% 10)::int, 1) + %(off)s + 5",
            "actual_date": "CASE WHEN id %% 10 < %(share)s THEN make_date(%(y)s, (1 + id %% 10)::int, 1) + %(off)s + (id %% 11)::int END",
            "is_overdue": "FALSE",
        }, "FROM projects_project", p)
    p["t"] = types["start"]
    bulk(pm.Node, {
        "project_id": "project_id", "node_type_id": "%(t)s", "order": "90",
        "status": "CASE WHEN project_id %% 10 < 6 THEN 'done' ELSE 'pending' END",
        "planned_date": "make_date(%(y)s, planned_start_month::int, 10)", "due_date": "make_date(%(y)s, planned_start_month::int, 28)",
        "actual_date": "CASE WHEN project_id %% 10 < 6 THEN make_date(%(y)s, planned_start_month::int, 10) + (project_id %% 30)::int END",
    }, "FROM projects_planentry WHERE category = 'new'", p)
    with connection.cursor() as c:
        c.execute(
            f"INSERT INTO {pm.Node.predecessors.through._meta.db_table} (from_node_id, to_node_id) "  # noqa: S608
            "SELECT a.id, s.id FROM projects_node a JOIN projects_node s ON s.project_id = a.project_id "
            "AND s.node_type_id = %s WHERE a.node_type_id IN (%s, %s)", [types["signing"], types["approval"], types["eia"]])
    # Reports: 2025-01 … 2026-10 for the plan's projects.
    bulk(ReportingPeriod, {"year": "y", "month": "m", "opens_on": "make_date(y::int, m::int, 1)", "closes_on": "make_date(y::int, m::int, 5)",
                           "status": "'locked'"},
         "FROM generate_series(%(y)s - 1, %(y)s) AS y CROSS JOIN generate_series(1, 12) AS m", p)
    bulk(MonthlyReport, {
        "period_id": "per.id", "project_id": "e.project_id", "year": "per.year", "month": "per.month",
        "amount": "round((80 + (e.project_id * 7 + per.month * 13 + per.year) %% 120)::numeric, 1)",
        "status": "'confirmed'", "submitted_at": "now()",
    }, "FROM projects_planentry e CROSS JOIN reporting_reportingperiod per "
       "WHERE (per.year, per.month) <= (%(y)s, 10)", p)
    # Funds: two sources per plan project; every third a special bond with a ten-month use plan.
    bulk(bt.FundSource, {
        "project_id": "e.project_id", "year": "%(y)s",
        "kind": "CASE WHEN k = 1 THEN 'self_raised' WHEN e.project_id %% 3 = 0 THEN 'special_bond' ELSE 'budget' END",
        "applied": "1000", "approved": "900", "received": "800", "spent": "(e.project_id %% 8) * 100",
    }, "FROM projects_planentry e CROSS JOIN generate_series(1, 2) AS k", p)
    bulk(bt.BondUseMonth, {"source_id": "f.id", "year": "%(y)s", "month": "m", "amount": "80"},
         "FROM breakthroughs_fundsource f CROSS JOIN generate_series(3, 12) AS m WHERE f.kind = 'special_bond'", p)
    # Resources: the county's quotas, demand of half the plan's projects, allocations to a third.
    bulk(bt.ResourceQuota, {"kind": "k", "year": "%(y)s", "amount": "1000000", "allocated": "0"},
         "FROM unnest(ARRAY['land', 'energy', 'emission']) AS k", p)
    bulk(bt.ResourceDemand, {"project_id": "e.project_id", "kind": "k", "amount": "10 + e.project_id %% 40"},
         "FROM projects_planentry e CROSS JOIN unnest(ARRAY['land', 'energy']) AS k WHERE e.project_id %% 2 = 0", p)
    bulk(bt.ResourceAllocation, {
        "quota_id": "q.id", "project_id": "d.project_id", "kind": "d.kind", "amount": "d.amount / 2 + 1",
        "allocated_on": "make_date(%(y)s, 3, 1)", "status": "'active'",
    }, "FROM breakthroughs_resourcedemand d JOIN breakthroughs_resourcequota q ON q.kind = d.kind AND q.year = %(y)s "
       "WHERE d.project_id %% 3 = 0", p)
    with connection.cursor() as c:
        c.execute("UPDATE breakthroughs_resourcequota q SET allocated = s.total FROM (SELECT quota_id, SUM(amount) AS total "
                  "FROM breakthroughs_resourceallocation GROUP BY quota_id) s WHERE s.quota_id = q.id")
    # Leads: 20,000 across the funnel.
    bulk(bt.Lead, {
        "name": "'基准线索' || i", "investor": "'基准投资方' || (i %% 500)", "source": "'fair'",
        "industry_chain_id": "(%(chains)s::bigint[])[1 + i %% %(nch)s]", "intended_amount": "3000 + (i %% 40) * 1000",
        "responsible_unit_id": "(%(towns)s::bigint[])[1 + i %% %(nt)s]", "town_id": "(%(towns)s::bigint[])[1 + i %% %(nt)s]",
        "stage": "(ARRAY['lead','negotiation','signed','registered','land','started','production'])[1 + i %% 7]",
        "stage_since": "make_date(%(y)s, (1 + i %% 10)::int, 1)", "first_contact_on": "make_date(%(y)s - 1, (1 + i %% 12)::int, 1)",
        "signed_on": "CASE WHEN i %% 7 >= 2 THEN make_date(%(y)s, (1 + i %% 10)::int, 1) END",
    }, "FROM generate_series(1, 20000) AS i", p)
    if light is not None:
        bulk(light, {
            "project_id": "id", "town_id": "town_id", "rule": "'schedule'",
            "colour": "CASE WHEN id %% 2 = 0 THEN 'red' ELSE 'yellow' END", "reason": "'序时进度滞后'",
            "first_seen": "make_date(%(y)s, 10, 1)", "last_seen": "make_date(%(y)s, 11, 1)",
        }, "FROM projects_project WHERE id %% 37 = 0", p)
    with connection.cursor() as c:
        c.execute("SET session_replication_role = DEFAULT")
    from tuijin.reporting.totals import totals_rebuild

    totals_rebuild()  # reports written by SQL: the per-project totals the investment panel reads
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(f"  generated {N_PROJECTS:,} projects in {time.perf_counter() - t0:.1f} s", flush=True)


FLOOR_SQL = [
    # investment: county year to date, same months last year, plan, schedule
    """SELECT SUM(amount) FILTER (WHERE year = %(y)s), SUM(amount) FILTER (WHERE year = %(y)s - 1)
       FROM reporting_monthlyreport WHERE year IN (%(y)s - 1, %(y)s) AND month <= 10 AND status <> 'draft'""",
    """SELECT p.town_id, SUM(r.amount) FROM reporting_monthlyreport r JOIN projects_project p ON p.id = r.project_id
       WHERE r.year = %(y)s AND r.month <= 10 AND r.status <> 'draft' GROUP BY p.town_id""",
    """SELECT SUM(planned_investment), COUNT(*) FROM projects_planentry e
       WHERE e.version_id = (SELECT MAX(id) FROM projects_planversion WHERE year = %(y)s)""",
    # starts
    """SELECT COUNT(*), COUNT(n.id) FROM projects_planentry e LEFT JOIN projects_node n ON n.project_id = e.project_id
       AND n.node_type_id = %(start)s AND n.status = 'done'
       WHERE e.category = 'new' AND e.version_id = (SELECT MAX(id) FROM projects_planversion WHERE year = %(y)s)""",
    # approvals
    """SELECT COUNT(*), COUNT(*) FILTER (WHERE actual_date <= due_date) FROM projects_node n
       JOIN projects_nodetype t ON t.id = n.node_type_id
       WHERE t.is_approval AND n.status = 'done' AND n.actual_date >= make_date(%(y)s, 1, 1)""",
    # funds and special bonds
    """SELECT kind, SUM(applied), SUM(approved), SUM(received), SUM(spent) FROM breakthroughs_fundsource GROUP BY kind""",
    """SELECT COUNT(*) FROM breakthroughs_fundsource f JOIN (SELECT source_id, SUM(amount) AS planned
       FROM breakthroughs_bonduse_month_placeholder GROUP BY source_id) u ON u.source_id = f.id
       WHERE f.spent < u.planned * 0.7""",
    # resources and attraction
    """SELECT kind, amount - allocated FROM breakthroughs_resourcequota WHERE year = %(y)s""",
    """SELECT stage, COUNT(*), SUM(intended_amount) FROM breakthroughs_lead GROUP BY stage""",
    # the leader's projects
    """SELECT id, name, total_investment FROM projects_project WHERE leader_id = %(leader)s
       ORDER BY total_investment DESC LIMIT 10""",
]


def floor(leader_id: int) -> None:
    from django.db import connection

    from tuijin.breakthroughs.models import BondUseMonth
    from tuijin.projects.models import NodeType

    params = {"y": YEAR, "start": NodeType.objects.get(code="start").pk, "leader": leader_id}
    with connection.cursor() as c:
        for sql in FLOOR_SQL:
            c.execute(sql.replace("breakthroughs_bonduse_month_placeholder", BondUseMonth._meta.db_table), params)
            c.fetchall()


def best(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generate", action="store_true", help="replace the data by a fresh 100,000-project world")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    import django

    django.setup()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    if args.generate:
        generate()
    import time_machine
    from django.db import connection
    from django.test import Client

    from tuijin.cockpit import selectors
    from tuijin.orgs.models import User

    leader = User.objects.get(username="bench-leader")
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC), tick=True):
        client = Client()
        client.force_login(leader)
        response = client.get("/cockpit/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        parts = {}
        for name, fn in (("linked projects", lambda: selectors.linked_projects(leader, 2026, 10)),
                         ("investment (reporting selectors)", lambda: selectors.investment(2026, 10)),
                         ("red lights", lambda: selectors.red_lights(TODAY)),
                         ("starts", lambda: selectors.panels.starts_panel(2026, TODAY)),
                         ("approvals", lambda: selectors.panels.approvals_panel(2026, TODAY)),
                         ("funds", lambda: selectors.funds_panel(TODAY)),
                         ("resources", lambda: selectors.resources.summary(2026, TODAY)),
                         ("attraction", lambda: selectors.attraction.summary(TODAY))):
            parts[name] = best(fn, 1)[0]
        results = {
            "floor": best(lambda: floor(leader.pk), args.runs),
            "selectors": best(lambda: selectors.cockpit(leader, TODAY), args.runs),
            "page": best(lambda: client.get("/cockpit/"), args.runs),
        }
    with connection.cursor() as c:
        c.execute("SELECT version()")
        version = c.fetchone()[0].split(",")[0]
        c.execute("SELECT COUNT(*) FROM projects_project")
        projects = c.fetchone()[0]
    load = os.getloadavg()[0]
    lines = [
        f"`bench/cockpit.py`, run {dt.date.today():%Y-%m-%d}: {version}, {projects:,} projects, "
        f"best and median of {args.runs} runs after a warm-up, "
        f"{os.cpu_count()} CPUs, load average {load:.1f} when measured.",
        "",
        "| what | best ms | median ms |",
        "|---|---:|---:|",
    ]
    names = {"floor": "hand-written SQL floor (headline figures, 10 statements)",
             "selectors": "`tuijin.cockpit.selectors.cockpit` (every figure of the page)",
             "page": "the page `/cockpit/` rendered for a leader (session, selectors, template)"}
    for key in ("floor", "selectors", "page"):
        b, m = results[key]
        lines.append(f"| {names[key]} | {b * 1000:.0f} | {m * 1000:.0f} |")
    lines.append("")
    lines.append(f"Page against the floor: ×{results['page'][0] / results['floor'][0]:.1f} (best runs).")
    lines.append("")
    lines.append("Where the time goes (one run each, ms): " + ", ".join(f"{k} {v * 1000:.0f}" for k, v in parts.items()) + ".")
    print("\n".join(lines))
    if args.write:
        write_results(lines)


def write_results(lines: list[str]) -> None:
    path = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = "## Cockpit\n\n" + "\n".join(lines).rstrip() + "\n"
    start = text.find("## Cockpit\n")
    if start == -1:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end:] if end != -1 else "")
    path.write_text(text)


if __name__ == "__main__":
    main()
