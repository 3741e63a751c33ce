"""Benchmark: the county's monthly investment overview at 10,000 and 100,000 projects × 60 months.

Usage (PostgreSQL; a dedicated database is created if missing and its data replaced):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tj_bench_reporting .venv/bin/python bench/reporting_overview.py
    .venv/bin/python bench/reporting_overview.py --sizes 10000 --runs 5

Rows are generated with set-based SQL (generate_series), so 6 million monthly reports take
about a minute. Measured for October 2026, in one run:

- ``selectors``: the figures of the overview — unit_figures(by=town) and the county total
  from them, start_figures, reporting_punctuality (best of ``--runs`` after a warm-up);
- ``page``: the whole overview page rendered by its view (adds registration gaps and the template);
- ``forecast``: the panel the page loads after it (htmx): six years of monthly totals, the
  year-end forecast with its backtest and the per-town forecast;
- ``floor``: one hand-written SQL statement giving the per-town figures (month, ytd, same
  months last year, annual plan, planned to date) — the least any implementation must do.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tj_bench_reporting")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
os.environ.setdefault("TUIJIN_SECRET_KEY", "bench-only")
os.environ.setdefault("TUIJIN_DATA_DIR", "/tmp/tj-bench-reporting")
os.environ.setdefault("TUIJIN_DEBUG", "true")  # plain static storage: no collected manifest needed

YEAR, MONTH = 2026, 10
FIRST_YEAR = YEAR - 4  # 60 months: 2022-01 … 2026-12


def ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def generate(n: int) -> None:
    """Replace the bench data by ``n`` projects in the 2026 plan and their 60 months of reports."""
    from django.db import connection

    from tuijin.orgs.models import Unit, User
    from tuijin.orgs.reference import load_units
    from tuijin.projects.models import Category, NodeType
    from tuijin.projects.reference import load_reference_data

    units = load_units()
    load_reference_data()
    owner, _ = Unit.objects.get_or_create(name="基准测试业主有限公司", defaults={"kind": "enterprise", "short_name": "基准"})
    User.objects.get_or_create(username="bench-office", defaults={"role": "office", "unit": units["发改局"]})
    towns = list(Unit.objects.territorial().values_list("pk", flat=True))
    departments = list(Unit.objects.departments().values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    start_type = NodeType.objects.get(code="start").pk
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE reporting_reportevent, reporting_reportphoto, reporting_notification, reporting_monthlyreport, "
            "reporting_reportingperiod, projects_planentry, projects_planversion, "
            "projects_entryevent, projects_libraryentry, projects_library, projects_node_predecessors, projects_node, "
            "projects_project CASCADE"
        )
        c.execute("INSERT INTO projects_library (kind, start_year, end_year, name, is_current) "
                  "VALUES ('annual', %s, %s, 'bench', true) RETURNING id", [YEAR, YEAR])
        library = c.fetchone()[0]
        c.execute("INSERT INTO projects_planversion (year, number, label, is_frozen) VALUES (%s, 1, '', false) RETURNING id",
                  [YEAR])
        version = c.fetchone()[0]
        t0 = time.perf_counter()
        c.execute("SET session_replication_role = replica")  # bulk load: skip FK triggers (rows are consistent)
        c.execute(
            """
            INSERT INTO projects_project (code, national_code, name, owner_id, town_id, department_id, category_id,
                nature, level, content, total_investment, start_year, end_year, address, stage, status, library,
                is_disclosed, is_demo, created_at, updated_at, edit_version)
            SELECT 'B' || lpad(i::text, 8, '0'), '', '基准项目' || i, %(owner)s,
                   (%(towns)s::bigint[])[1 + i %% %(nt)s], (%(deps)s::bigint[])[1 + i %% %(nd)s],
                   (%(cats)s::bigint[])[1 + i %% %(nc)s],
                   'enterprise', 'city', '', 20000 + (i %% 97) * 1000, %(y)s - (i %% 5), %(y)s + 2, '',
                   CASE WHEN i %% 5 = 0 THEN 'preparation' ELSE 'construction' END, 'active', 'annual',
                   true, false, now(), now(), 1
            FROM generate_series(1, %(n)s) AS i
            """,
            {"owner": owner.pk, "towns": towns, "nt": len(towns), "deps": departments, "nd": len(departments),
             "cats": categories, "nc": len(categories), "y": YEAR, "n": n},
        )
        c.execute(
            "INSERT INTO projects_libraryentry (library_id, project_id, status, is_addition, source, reason, updated_at) "
            "SELECT %s, id, 'admitted', false, '', '', now() FROM projects_project", [library]
        )
        c.execute(
            """
            INSERT INTO projects_planentry (version_id, library_entry_id, project_id, category, planned_investment,
                opening_cumulative, progress_target, planned_start_month, planned_completion, note, edit_version,
                plan_m1, plan_m2, plan_m3, plan_m4, plan_m5, plan_m6, plan_m7, plan_m8, plan_m9, plan_m10, plan_m11,
                plan_m12)
            SELECT %s, le.id, p.id, CASE WHEN p.id %% 5 = 0 THEN 'new' ELSE 'continuing' END,
                   1200 + (p.id %% 50) * 24, (p.id %% 5) * 4000, '', CASE WHEN p.id %% 5 = 0 THEN 1 + p.id %% 9 END,
                   '', '', 1,
                   m, m, m, m, m, m, m, m, m, m, m, m
            FROM projects_project p JOIN projects_libraryentry le ON le.project_id = p.id,
                 LATERAL (SELECT 100 + (p.id %% 50) * 2 AS m) AS split  -- the plan spread evenly over the year
            """,
            [version],
        )
        c.execute(
            """
            INSERT INTO projects_node (project_id, node_type_id, "order", status, planned_date, due_date, actual_date,
                document_number, is_overdue, note)
            SELECT id, %s, 10, CASE WHEN id %% 10 = 0 THEN 'done' ELSE 'pending' END, make_date(%s, (1 + id %% 9)::int, 10),
                   make_date(%s, (1 + id %% 9)::int, 10), CASE WHEN id %% 10 = 0 THEN make_date(%s, (1 + id %% 9)::int, 12) END,
                   '', false, ''
            FROM projects_project WHERE id %% 5 = 0
            """,
            [start_type, YEAR, YEAR, YEAR],
        )
        c.execute(
            """
            INSERT INTO reporting_reportingperiod (year, month, opens_on, closes_on, status, locked_at)
            SELECT y, m, (make_date(y, m, 1) + interval '1 month')::date, (make_date(y, m, 5) + interval '1 month')::date,
                   CASE WHEN (y, m) < (%s, %s) THEN 'locked' ELSE 'open' END, NULL
            FROM generate_series(%s, %s) AS y CROSS JOIN generate_series(1, 12) AS m
            """,
            [YEAR, MONTH, FIRST_YEAR, YEAR],
        )
        c.execute(
            """
            INSERT INTO reporting_monthlyreport (period_id, project_id, year, month, amount, progress, is_registered,
                status, explanation, return_reason, flags, submitted_at, is_late, verified_at, confirmed_at, version,
                is_reopened)
            SELECT per.id, p.id, per.year, per.month,
                   round((80 + (p.id * 7 + per.month * 13 + per.year) %% 120)::numeric, 1), '', true,
                   CASE WHEN (per.year, per.month) < (%s, %s) THEN 'confirmed'
                        WHEN (p.id + per.month) %% 4 = 0 THEN 'draft' ELSE 'submitted' END,
                   '', '', '[]'::jsonb,
                   CASE WHEN (p.id + per.month) %% 4 = 0 AND (per.year, per.month) >= (%s, %s) THEN NULL
                        ELSE per.closes_on - 2 END,
                   (p.id + per.month) %% 17 = 0, NULL, NULL, 1, false
            FROM projects_project p CROSS JOIN reporting_reportingperiod per
            """,
            [YEAR, MONTH, YEAR, MONTH],
        )
        c.execute("SET session_replication_role = DEFAULT")
    from tuijin.reporting.totals import totals_rebuild

    totals_rebuild()  # reports written by SQL: the per-project totals the overview reads
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")  # fresh visibility map: index-only scans, as on a settled database
        print(f"  generated {n:,} projects, {n * 60:,} reports in {time.perf_counter() - t0:.1f} s", flush=True)


FLOOR_SQL = f"""
WITH r AS (
    SELECT p.town_id AS k,
           SUM(r.amount) FILTER (WHERE r.year = %(y)s AND r.month = %(m)s) AS month_amount,
           SUM(r.amount) FILTER (WHERE r.year = %(y)s) AS ytd,
           SUM(r.amount) FILTER (WHERE r.year = %(ly)s) AS last_ytd
    FROM reporting_monthlyreport r JOIN projects_project p ON p.id = r.project_id
    WHERE r.year IN (%(ly)s, %(y)s) AND r.month <= %(m)s AND r.status <> 'draft'
    GROUP BY p.town_id
), plan AS (
    SELECT p.town_id AS k, SUM(e.planned_investment) AS planned, SUM(e.opening_cumulative) AS opening,
           SUM(e.plan_ytd_m{MONTH}) AS due
    FROM projects_planentry e JOIN projects_project p ON p.id = e.project_id
    WHERE e.version_id = %(v)s GROUP BY p.town_id
)
SELECT plan.k, r.month_amount, r.ytd, r.last_ytd, plan.planned, plan.opening, plan.due
FROM plan LEFT JOIN r ON r.k = plan.k
"""


def best(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def measure(runs: int) -> dict[str, tuple[float, float]]:
    from django.conf import settings
    from django.db import connection
    from django.test import RequestFactory

    from tuijin.orgs.models import User
    from tuijin.reporting import selectors
    from tuijin.reporting.views import overview, overview_forecast

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    version = selectors.plan_version_id(YEAR)

    def run_selectors():
        selectors.total_of(selectors.unit_figures(YEAR, MONTH, by="town", forecast=False))
        selectors.start_figures(YEAR, MONTH)
        selectors.reporting_punctuality(YEAR, MONTH)

    user = User.objects.get(username="bench-office")
    factory = RequestFactory()

    def run_page():
        request = factory.get("/reporting/overview/", {"period": f"{YEAR}-{MONTH:02d}"})
        request.user = user
        response = overview(request)
        assert response.status_code == 200

    def run_forecast():
        request = factory.get("/reporting/overview/forecast/", {"period": f"{YEAR}-{MONTH:02d}"})
        request.user = user
        assert overview_forecast(request).status_code == 200

    def run_floor():
        with connection.cursor() as c:
            c.execute(FLOOR_SQL, {"y": YEAR, "ly": YEAR - 1, "m": MONTH, "v": version})
            c.fetchall()

    return {
        "floor": best(run_floor, runs),
        "selectors": best(run_selectors, runs),
        "page": best(run_page, runs),
        "forecast": best(run_forecast, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, database {connection.settings_dict['NAME']}")
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        generate(n)
        r = measure(args.runs)
        results.append((n, r))
        print(f"  {n:>7,} projects: " + ", ".join(f"{k} {v[0] * 1000:.0f} ms (median {v[1] * 1000:.0f})" for k, v in r.items()),
              flush=True)
    print("\n| projects | reports | hand-written SQL floor | overview selectors | overview page | forecast panel |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, r in results:
        print(f"| {n:,} | {n * 60:,} | {r['floor'][0] * 1000:.0f} ms | {r['selectors'][0] * 1000:.0f} ms | "
              f"{r['page'][0] * 1000:.0f} ms | {r['forecast'][0] * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
