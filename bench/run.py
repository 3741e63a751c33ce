"""Province-scale benchmark: every measure beside its floor, at several sizes, in one run.

    .venv/bin/python bench/run.py                                   # pg:1000,pg:10000,sqlite:1000,sqlite:10000
    .venv/bin/python bench/run.py --sizes pg:100000 --only list,api,project,cockpit,overview
    .venv/bin/python bench/run.py --sizes pg:1000 --wrk 10          # plus wrk against gunicorn, 10 s per URL

Each size is a database made once by `tuijin generate --projects N --years 5` and reused
(PostgreSQL ``tj_scale_<n>`` on BENCH_PG, SQLite under /tmp/tj-scale-sqlite-<n>). Each size
runs in its own process; results are printed as JSON lines and as a Markdown table (ratio of
p50 to the floor's p50). Measures (``--only``):

- list, api: the project list page and the API list, filtered by town, page 2 — floor: the
  same page of rows and the count in hand-written SQL;
- project: a project's page — floor: the project, its nodes and its plan line in SQL;
- cockpit: the leaders' cockpit page — floor: its headline figures in SQL;
- overview: the monthly investment overview page — floor: per-town month, year to date and
  last year, plan and schedule in one statement over the reports;
- race: `race_compute` of the towns' race — floor: its raw figures in one statement;
- scan: `scan_run` (every warning rule) — floor: the schedule-gap rule's projects in SQL;
- import: a 2,000-row ledger imported, rows/s, the deferred foreign-key checks of a commit included
  (rolled back afterwards) — floor: calamine read + COPY of the rows, checked alike;
- open: opening a month for reporting (a draft report for every line of the annual plan),
  rolled back — floor: the same drafts by one hand-written INSERT … SELECT;
- freeze: freezing the annual plan (its lines copied into a new working version, the towns'
  plan totals of the copy), rolled back — floor: the lines copied by one INSERT … SELECT;
- export (one run after a warm-up): the annual plan table and the whole project list as styled
  Excel (the office's 导出) — floor: the same rows read by SQL and written unstyled by
  openpyxl's write-only mode;
- oc4ids build, oc4ids: building the published OC4IDS package (the nightly job), and serving
  it at /public/oc4ids.json (1k and 10k only unless --oc4ids-max) — floor: the same projects
  as JSON straight from SQL;
- wrk (``--wrk SECONDS``): requests/s of gunicorn (2 workers, loopback) on the public list of
  projects (a full page, no login) and on a trivial Django view (the floor), 8 connections.

Times are wall-clock on a shared machine: read the ratios, and the load average printed with
each size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_PREFIX", "tj_scale_")
MEASURES = ["list", "api", "project", "cockpit", "overview", "race", "scan", "import", "open", "freeze", "export", "oc4ids"]
TODAY = dt.date.today()


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def environment(engine: str, n: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TUIJIN_SECRET_KEY="bench-only-not-secret", TUIJIN_DEBUG="true", DJANGO_SETTINGS_MODULE="tuijin.settings")
    env.pop("DATABASE_URL", None)
    if engine == "pg":
        env["DATABASE_URL"] = f"{PG}/{PREFIX}{label(n)}"
        env["TUIJIN_DATA_DIR"] = f"/tmp/tj-scale-{label(n)}"
    else:
        env["TUIJIN_DATA_DIR"] = f"/tmp/tj-scale-sqlite-{label(n)}"
    return env


# ---------------------------------------------------------------- inside one size's process


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(fn, runs: int) -> dict:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(times), "p95": p(times, 0.95), "runs": runs}


def ensure_data(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    from tuijin.projects.models import Project

    have = Project.objects.count()
    if have >= n:
        return
    if have:
        raise SystemExit(f"{connection.settings_dict['NAME']} holds {have} projects, fewer than {n}: drop it first")
    started = time.perf_counter()
    call_command("generate", projects=n, years=5)
    print(json.dumps({"generated": n, "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")


def sql(query: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(query, params or [])
        return c.fetchall()


def measure(n: int, only: list[str], runs: int, oc4ids_max: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tuijin.orgs.choices import Role
    from tuijin.orgs.models import User
    from tuijin.projects.models import PlanEntry, Project
    from tuijin.reporting.models import ReportingPeriod
    from tuijin.reporting.selectors import plan_version_id

    settings.ALLOWED_HOSTS.append("testserver")
    office = User.objects.filter(role=Role.OFFICE, is_active=True).order_by("pk").first()
    leader = User.objects.filter(role=Role.LEADER).first() or office
    client = Client()
    client.force_login(office)
    lead_client = Client()
    lead_client.force_login(leader)
    from django.db.models import Count

    town, in_town = Project.objects.values_list("town_id").annotate(n=Count("pk")).order_by("-n").first()
    page_no = 2 if in_town > 100 else 1
    project = PlanEntry.objects.order_by("pk").values_list("project_id", flat=True).first()
    period = ReportingPeriod.objects.order_by("-year", "-month").first()
    year, month = period.year, period.month
    version = plan_version_id(year)
    out: dict[str, dict] = {}
    heavy = max(3, runs // 5)

    def page(c, url, **params):
        def run():
            response = c.get(url, params)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:  # the OC4IDS package: the time is in reading it
                b"".join(response.streaming_content)
            return response

        return run

    def queries(fn) -> int:
        with CaptureQueriesContext(connection) as q:
            fn()
        return len(q)

    def record(name, fn, floor, runs_=runs, counted=None):
        """``counted``: the same work for counting its queries, where ``fn`` runs some on threads."""
        if name.split()[0] not in only:  # "oc4ids build" is measured with oc4ids
            return
        try:
            result = timed(fn, runs_)
            result["queries"] = queries(counted or fn)
            result["floor"] = timed(floor, runs_)
        except Exception as exc:  # noqa: BLE001  (one failed measure must not lose the others)
            print(json.dumps({"n": n, name: f"failed: {exc!r}"[:300]}), flush=True)
            return
        out[name] = result
        print(json.dumps({"n": n, "vendor": connection.vendor, name: result}), flush=True)

    # The Django floor of every page: the whole middleware stack (session, user) and a few bytes.
    import bench.trivial_wsgi  # noqa: F401  (adds /bench-trivial/)

    settings.ROOT_URLCONF = "bench.trivial_wsgi"
    out["trivial"] = timed(page(client, "/bench-trivial/"), runs)
    out["trivial"]["queries"] = queries(page(client, "/bench-trivial/"))

    list_sql = (
        "SELECT p.id, p.code, p.name, p.total_investment, p.stage, u.short_name, o.name FROM projects_project p "
        "LEFT JOIN orgs_unit u ON u.id = p.town_id LEFT JOIN orgs_unit o ON o.id = p.owner_id "
        "WHERE p.town_id = %s AND p.deleted_at IS NULL ORDER BY p.id DESC LIMIT 50 OFFSET %s"
    )

    def list_floor():
        sql(list_sql, [town, 50 * (page_no - 1)])
        sql("SELECT COUNT(*) FROM projects_project WHERE town_id = %s AND deleted_at IS NULL", [town])

    record("list", page(client, "/projects/", town=town, page=page_no), list_floor)
    record("api", page(client, "/api/v1/projects/", town=town, page=page_no), list_floor)

    def project_floor():
        sql("SELECT p.*, u.short_name, o.name FROM projects_project p LEFT JOIN orgs_unit u ON u.id = p.town_id "
            "LEFT JOIN orgs_unit o ON o.id = p.owner_id WHERE p.id = %s", [project])
        sql("SELECT n.*, t.name FROM projects_node n JOIN projects_nodetype t ON t.id = n.node_type_id "
            "WHERE n.project_id = %s ORDER BY n.\"order\"", [project])
        sql("SELECT * FROM projects_planentry WHERE project_id = %s AND version_id = %s", [project, version])

    record("project", page(client, f"/projects/{project}/"), project_floor)

    def cockpit_floor():
        # headline figures: year to date, per-town ytd, plan, starts, leads by stage
        sql("SELECT SUM(amount) FILTER (WHERE year = %s), SUM(amount) FILTER (WHERE year = %s) FROM reporting_monthlyreport "
            "WHERE year IN (%s, %s) AND month <= %s AND status <> 'draft'", [year, year - 1, year - 1, year, month])
        sql("SELECT SUM(planned_investment), COUNT(*) FROM projects_planentry WHERE version_id = %s", [version])
        sql("SELECT stage, COUNT(*) FROM projects_project GROUP BY stage")
        sql("SELECT stage, COUNT(*), SUM(intended_amount) FROM breakthroughs_lead GROUP BY stage")

    record("cockpit", page(lead_client, "/cockpit/"), cockpit_floor, heavy)

    from bench.reporting_overview import FLOOR_SQL as OVERVIEW_FLOOR

    def overview_floor():
        sql(OVERVIEW_FLOOR, {"y": year, "ly": year - 1, "m": month, "v": version})

    record("overview", page(client, "/reporting/overview/", period=f"{year}-{month:02d}"), overview_floor, heavy)

    if "race" in only:
        from bench.race import FLOOR_SQL as RACE_FLOOR
        from tuijin.race import services as race_services
        from tuijin.race.models import Scheme
        from tuijin.race.periods import Period
        from tuijin.race.services import race_compute, scheme_version_create

        scheme = Scheme.objects.filter(code="towns").first()
        if scheme is None:
            from tuijin.race.demo import TOWN_V1

            scheme = Scheme.objects.create(code="towns", name="镇街道赛马（基准）", over="towns")
            scheme_version_create(scheme=scheme, by=office, effective_from=dt.date(year, 1, 1), indicators=TOWN_V1)
        quarter = max(1, month // 3)
        race_period = Period.parse(f"{year}-Q{quarter}")
        last = 3 * quarter
        fast = (RACE_FLOOR.replace("2026-09-30", f"{year}-{last:02d}-{30 if last in (6, 9) else 31}")
                .replace("2026-07-01", f"{year}-{last - 2:02d}-01").replace("2026", str(year)).replace("2025", str(year - 1))
                .replace("<= 9", f"<= {last}").replace("BETWEEN 7 AND 9", f"BETWEEN {last - 2} AND {last}"))
        if connection.vendor == "sqlite":
            fast = fast.replace("DATE '", "'")
        def race_in_one_thread():  # the indicators' queries counted with the rest
            threads, race_services.RACE_THREADS = race_services.RACE_THREADS, 1
            try:
                race_compute(scheme=scheme, period=race_period)
            finally:
                race_services.RACE_THREADS = threads

        record("race", lambda: race_compute(scheme=scheme, period=race_period),
               lambda: sql(fast, {"version": version}), 3, counted=race_in_one_thread)

    if "scan" in only:
        from django.db.models.signals import post_save

        from tuijin.supervision.models import ScanRun
        from tuijin.supervision.services.scan import scan_run

        post_save.disconnect(sender=ScanRun, dispatch_uid="opendata-scan-lights")
        day = dt.date(year + month // 12, month % 12 + 1, 10)

        def scan_floor():
            # the schedule-gap rule alone: plan lines behind the time-proportional schedule
            # (the schedule from the lines' stored split, as the rule reads it)
            due, done = f"e.plan_ytd_m{month}", f"t.ytd_m{month}"  # the running totals, as the rule reads them
            sql(f"""SELECT e.project_id FROM projects_planentry e
                   LEFT JOIN reporting_projectyearinvestment t ON t.project_id = e.project_id AND t.year = %(y)s
                   WHERE e.version_id = %(v)s AND {due} > 0
                     AND COALESCE({done}, 0) < ({due}) * 0.9""",  # noqa: S608  (fixed column names)
                {"y": year, "v": version})

        record("scan", lambda: scan_run(today=day), scan_floor, 3)

    if "open" in only or "freeze" in only:
        measure_rare(record, office)

    if "export" in only:
        measure_exports(record)

    if "import" in only:
        out["import"] = measure_import(office)
        print(json.dumps({"n": n, "vendor": connection.vendor, "import": out["import"]}), flush=True)

    if "oc4ids" in only and n <= oc4ids_max:
        from tuijin.opendata.services.package import package_publish

        # Building the package (the nightly job), then serving the published file.
        record("oc4ids build", lambda: package_publish(base_url="http://testserver"),
               lambda: _oc4ids_floor(connection.vendor), 3)
        record("oc4ids", page(Client(), "/public/oc4ids.json"), lambda: _oc4ids_floor(connection.vendor))
    return out


def _oc4ids_floor(vendor: str) -> None:
    query = ("SELECT p.id, p.code, p.name, p.content, p.total_investment, p.stage, p.start_year, p.end_year, "
             "u.name, o.name FROM projects_project p LEFT JOIN orgs_unit u ON u.id = p.town_id "
             "LEFT JOIN orgs_unit o ON o.id = p.owner_id WHERE p.is_disclosed AND p.deleted_at IS NULL")
    rows = sql(query)
    json.dumps([[str(v) for v in r] for r in rows], ensure_ascii=False)


def measure_import(office) -> dict:
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from bench.ledger_import import build_file
    from tuijin.ledger.services.imports import ImportOptions, ledger_import
    from tuijin.lib.bulk import bulk_insert
    from tuijin.orgs.models import Unit
    from tuijin.projects.models import Category, Project

    rows = 2000
    owner, _ = Unit.objects.get_or_create(name="宁波基准电器有限公司", defaults={"kind": "enterprise"})
    path = Path(tempfile.mkdtemp(prefix="tj-scale-ledger-")) / "ledger.xlsx"
    build_file(path, rows)
    category = Category.objects.values_list("pk", flat=True).first()
    towns = {u.name: u.pk for u in Unit.objects.filter(kind__in=["town", "street"])}
    result = {}

    class Rollback(Exception):
        pass

    def floor():
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        now = dt.datetime.now(dt.UTC)
        batch = []
        for i, row in enumerate(sheet.iter_rows()):
            if isinstance(row[0], float) and len(row) > 9 and row[1]:
                start, end = (int(x) for x in str(row[3]).split("-"))
                batch.append({"code": f"FLOOR-{i:06d}", "name": row[1], "owner_id": owner.pk, "town_id": towns.get(row[9]),
                              "category_id": category, "nature": "enterprise", "total_investment": row[4],
                              "start_year": start, "end_year": end, "content": row[2], "created_at": now, "updated_at": now})
        bulk_insert(Project, batch)

    def import_():
        report = ledger_import(path=path, by=office, options=_options(ImportOptions))
        assert report.ok and report.count("created") == rows, report.file_error or report.error_rows[:3]

    def checked(fn):
        # What a commit would add: PostgreSQL checks the deferred foreign keys of every row
        # written. SET CONSTRAINTS … IMMEDIATE runs those checks now, inside the measured time,
        # and the rollback still leaves the database as it was.
        fn()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    for name, fn in (("floor", floor), ("import", import_)):
        times = []
        for _ in range(3):
            try:
                with transaction.atomic():
                    t = time.perf_counter()
                    checked(fn)
                    times.append(time.perf_counter() - t)
                    raise Rollback
            except Rollback:
                pass
        result[name] = {"rows_per_s": rows / min(times), "seconds": min(times)}
    result["rows"] = rows
    result["vendor"] = connection.vendor
    return result


def measure_rare(record, office) -> None:
    """Opening a month and freezing the plan: rare, but a province's plan has 50,000 lines."""
    import datetime as dt_

    from django.db import connection, transaction
    from django.utils import timezone

    from tuijin.projects.services.libraries import plan_freeze, working_version
    from tuijin.reporting.models import ReportingPeriod
    from tuijin.reporting.selectors import plan_version_id
    from tuijin.reporting.services import period_open

    class Rollback(Exception):
        pass

    def rolled_back(fn):
        def run():
            try:
                with transaction.atomic():
                    fn()
                    if connection.vendor == "postgresql":  # the commit's key checks, counted
                        with connection.cursor() as cursor:
                            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    raise Rollback
            except Rollback:
                pass
        return run

    today = timezone.localdate()
    year = today.year
    opened = set(ReportingPeriod.objects.filter(year=year).values_list("month", flat=True))
    month = next((m for m in range(today.month, 0, -1) if m not in opened), None)
    if month is None:
        print(json.dumps({"open": f"skipped: every month of {year} up to now is opened"}), flush=True)
    else:
        def open_floor():
            period = ReportingPeriod.objects.create(year=year, month=month, opens_on=dt_.date(year, month, 1),
                                                    closes_on=dt_.date(year, month, 5))
            sql("""INSERT INTO reporting_monthlyreport (period_id, project_id, year, month, amount, progress,
                       is_registered, status, explanation, return_reason, flags, is_late, version, is_reopened)
                   SELECT %(p)s, e.project_id, %(y)s, %(m)s, 0, '', false, 'draft', '', '', '[]', false, 1, false
                   FROM projects_planentry e JOIN projects_project p ON p.id = e.project_id
                   WHERE e.version_id = %(v)s AND p.deleted_at IS NULL RETURNING id""",
                {"p": period.pk, "y": year, "m": month, "v": plan_version_id(year)})

        record("open", rolled_back(lambda: period_open(year=year, month=month, by=office)), rolled_back(open_floor), 3)

    def freeze_floor():
        from tuijin.projects.models import PlanVersion
        from tuijin.projects.models.libraries import SPLIT_FIELDS

        version = working_version(year)
        successor = PlanVersion.objects.create(year=year, number=version.number + 1)
        columns = ", ".join(["library_entry_id", "project_id", "category", "planned_investment", "opening_cumulative",
                             "progress_target", "planned_start_month", "planned_completion", "note", *SPLIT_FIELDS])
        sql(f"""INSERT INTO projects_planentry (version_id, {columns}, edit_version)
                SELECT %(s)s, {columns}, 1 FROM projects_planentry WHERE version_id = %(v)s RETURNING id""",  # noqa: S608  (fixed column names)
            {"s": successor.pk, "v": version.pk})

    record("freeze", rolled_back(lambda: plan_freeze(year=year, by=office)), rolled_back(freeze_floor), 3)


def measure_exports(record) -> None:
    """The office's Excel exports of a whole year's plan and of every project."""
    from io import BytesIO

    from django.utils import timezone
    from openpyxl import Workbook

    from tuijin.ledger.services.exports import plan_table, project_list_table
    from tuijin.projects.models import Project
    from tuijin.reporting.selectors import plan_version_id

    year = timezone.localdate().year

    def unstyled(query, params):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in sql(query, params):
            ws.append(list(row))
        wb.save(BytesIO())

    plan_sql = """SELECT e.category, p.name, p.national_code, p.content, p.start_year, p.end_year, p.total_investment,
                         e.opening_cumulative, e.planned_investment, e.progress_target, o.name, t.name, d.name
                  FROM projects_planentry e JOIN projects_project p ON p.id = e.project_id
                  JOIN orgs_unit o ON o.id = p.owner_id LEFT JOIN orgs_unit t ON t.id = p.town_id
                  LEFT JOIN orgs_unit d ON d.id = p.department_id
                  WHERE e.version_id = %s AND p.deleted_at IS NULL ORDER BY e.category, p.total_investment DESC"""
    list_sql = """SELECT c.name, p.name, p.national_code, p.content, p.start_year, p.end_year, p.total_investment,
                         o.name, t.name, d.name, p.stage, p.library
                  FROM projects_project p JOIN projects_category c ON c.id = p.category_id
                  JOIN orgs_unit o ON o.id = p.owner_id LEFT JOIN orgs_unit t ON t.id = p.town_id
                  LEFT JOIN orgs_unit d ON d.id = p.department_id
                  WHERE p.deleted_at IS NULL ORDER BY c."order", p.total_investment DESC, p.code"""
    record("export plan", lambda: plan_table(year=year), lambda: unstyled(plan_sql, [plan_version_id(year)]), 1)
    record("export list", lambda: project_list_table(
        Project.objects.alive().with_related().order_by("category__order", "-total_investment", "code"), title="清单"),
        lambda: unstyled(list_sql, []), 1)


def _options(cls):
    return cls(year=TODAY.year, library="annual", dry_run=False)


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    engine, n = args.one.split(":")
    n = int(n)
    if engine == "pg":
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            name = f"{PREFIX}{label(n)}"
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    Path(os.environ["TUIJIN_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    django.setup()
    ensure_data(n)
    only = args.only.split(",")
    results = measure(n, only, args.runs, args.oc4ids_max)
    results["load"] = os.getloadavg()[0]
    if args.wrk:
        results["wrk"] = run_wrk(args.wrk)
    print("RESULT " + json.dumps({"engine": engine, "n": n, "results": results}), flush=True)


# ---------------------------------------------------------------- throughput


def run_wrk(seconds: int) -> dict:
    """gunicorn with 2 workers on loopback; wrk -c8 -t2 for ``seconds`` per URL."""
    import shutil
    import socket

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tuijin.orgs.choices import Role
    from tuijin.orgs.models import User
    from tuijin.projects.models import Project

    if not shutil.which("wrk"):
        return {"error": "wrk not installed (apt-get install wrk)"}
    office = User.objects.filter(role=Role.OFFICE, is_active=True).order_by("pk").first()
    session = SessionStore()
    session[SESSION_KEY] = str(office.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = office.get_session_auth_hash()
    session.create()  # sent along; the pages measured do not need it
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, TUIJIN_BENCH_TRIVIAL="1")
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
         "bench.trivial_wsgi:application"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    town = Project.objects.values_list("town_id", flat=True).order_by("pk").first()
    out = {}
    try:
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        # The public list of major projects: a real page (query, filters, template) that needs
        # no login, so every request under load is a full 200 — checked before and after.
        urls = {"trivial view (floor)": "/bench-trivial/", "public project list page": f"/public/?town={town}"}
        import urllib.request

        for name, url in urls.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as answer:  # noqa: S310  (loopback)
                if answer.status != 200 or answer.url != f"http://127.0.0.1:{port}{url}":
                    out[name] = {"rps": 0.0, "note": f"not a 200 page: {answer.status} {answer.url}"}
                    continue
            subprocess.run(["wrk", "-t1", "-c2", "-d2s", f"http://127.0.0.1:{port}{url}"],  # noqa: S603, S607  (warm-up)
                           capture_output=True, timeout=60, check=False)
            proc = subprocess.run(  # noqa: S603
                ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: sessionid={session.session_key}",
                 "-H", "Host: 127.0.0.1", f"http://127.0.0.1:{port}{url}"],
                capture_output=True, text=True, timeout=seconds + 60, check=False,
            )
            rps = next((line.split(":")[1].strip() for line in proc.stdout.splitlines() if "Requests/sec" in line), "")
            non2xx = next((line.strip() for line in proc.stdout.splitlines() if "Non-2xx" in line), "")
            out[name] = {"rps": float(rps or 0), "note": non2xx}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


# ---------------------------------------------------------------- parent


def table(rows: list[dict]) -> str:
    lines = ["| size | measure | p50 ms | p95 ms | floor p50 ms | ratio | queries |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        size = f"{r['engine']} {r['n']:,}"
        # each measure, then its parts ("oc4ids build", "export plan") in their order
        names = [n for measure in MEASURES for n in r["results"] if n == measure or n.startswith(f"{measure} ")]
        for name in names:
            m = r["results"].get(name)
            if not m:
                continue
            if name == "import":
                lines.append(f"| {size} | import rows/s | {m['import']['rows_per_s']:,.0f} rows/s | | "
                             f"{m['floor']['rows_per_s']:,.0f} rows/s | "
                             f"{m['import']['seconds'] / m['floor']['seconds']:.1f}× | |")
                continue
            lines.append(f"| {size} | {name} | {m['p50']:,.0f} | {m['p95']:,.0f} | {m['floor']['p50']:,.1f} | "
                         f"{m['p50'] / max(m['floor']['p50'], 0.01):,.1f}× | {m['queries']} |")
        t = r["results"].get("trivial")
        if t:
            lines.append(f"| {size} | trivial Django view (test client) | {t['p50']:,.0f} | {t['p95']:,.0f} | | | {t['queries']} |")
        for name, w in r["results"].get("wrk", {}).items():
            if isinstance(w, dict):
                lines.append(f"| {size} | wrk: {name} | {w['rps']:,.0f} req/s | | | | |")
        lines.append(f"| {size} | load average | {r['results']['load']:.1f} | | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="pg:1000,pg:10000,sqlite:1000,sqlite:10000")
    parser.add_argument("--only", default=",".join(MEASURES))
    parser.add_argument("--runs", type=int, default=20, help="runs per page measure (a fifth for heavy ones)")
    parser.add_argument("--oc4ids-max", type=int, default=10000, help="largest size at which to build the OC4IDS package")
    parser.add_argument("--wrk", type=int, default=0, help="seconds of wrk per URL (0: no throughput test)")
    parser.add_argument("--budget", type=int, default=3600, help="seconds allowed per size")
    parser.add_argument("--json", default="/tmp/tj-scale-results.json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        child(args)
        return
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    for size in args.sizes.split(","):
        engine, n = size.split(":")
        cmd = [sys.executable, __file__, "--one", size, "--only", args.only, "--runs", str(args.runs),
               "--oc4ids-max", str(args.oc4ids_max), "--wrk", str(args.wrk)]
        try:
            proc = subprocess.run(cmd, env=environment(engine, int(n)), capture_output=True, text=True,  # noqa: S603
                                  timeout=args.budget, check=False)
        except subprocess.TimeoutExpired:
            print(f"{size}: over the budget of {args.budget} s", flush=True)
            continue
        sys.stdout.write(proc.stdout)
        if proc.returncode:
            sys.stdout.write(proc.stderr[-3000:])
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                results.append(json.loads(line[7:]))
    Path(args.json).write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
