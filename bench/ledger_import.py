"""Benchmark: importing a 10,000-row ledger, against the floor measured in the same run.

    TUIJIN_DATA_DIR=/tmp/tj-bench .venv/bin/python bench/ledger_import.py [--rows 10000] [--write-docs]

The floor is the least any importer must do: read the same file with python-calamine and
bulk-insert the same rows as projects (foreign keys resolved beforehand, no checks). The
import is `tuijin import-ledger`'s service with every check, the per-row report, the audit
entries, the annual plan entries and their monthly split. Results go into docs/benchmarks.md
under "## Ledger import" (that section only).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
os.environ.setdefault("TUIJIN_DATA_DIR", tempfile.mkdtemp(prefix="tj-bench-"))


def build_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    towns = ["匡堰镇", "龙山镇", "新浦镇", "周巷镇", "宗汉街道", "慈溪市"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("计划")
    ws.append(["2026年慈溪市重大项目年度计划表"])
    ws.append(["单位：万元"])
    ws.append(["序号", "项目名称", "建设内容及规模", "建设起止年限", "总投资（万元）", "截至上年底累计完成",
               "2026年计划投资", "形象进度目标", "业主单位", "属地", "责任单位"])
    per_section = rows // 2
    n = 0
    for section, title in enumerate(["一、续建项目", "二、新开工项目"]):
        ws.append([f"{title}（{per_section}项）"])
        for i in range(per_section):
            n += 1
            start = 2024 if section == 0 else 2026
            ws.append([i + 1, f"基准项目{n:05d}", "新建厂房及配套设施", f"{start}-{start + 2}", 5000 + n % 997,
                       1000 if section == 0 else 0, 800 + n % 101, "主体施工", "宁波基准电器有限公司",
                       towns[n % len(towns)], "经信局"])
    ws.append(["", "合计"])
    wb.save(path)


def machine() -> str:
    cpu = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout  # noqa: S607
        model = re.search(r"Model name:\s*(.+)", out)
        cpu = model.group(1).strip() if model else ""
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{cpu or platform.processor()}, {os.cpu_count()} CPUs (nproc), {mem} RAM, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    call_command("migrate", verbosity=0, skip_checks=True)
    from tuijin.ledger.services.imports import ImportOptions, ledger_import
    from tuijin.orgs.choices import Role, UnitKind
    from tuijin.orgs.models import Unit, User
    from tuijin.orgs.reference import load_units
    from tuijin.projects.models import Category, Project
    from tuijin.projects.reference import load_reference_data

    load_units()
    load_reference_data()
    owner, _ = Unit.objects.get_or_create(name="宁波基准电器有限公司", defaults={"kind": UnitKind.ENTERPRISE})
    office, _ = User.objects.get_or_create(username="bench-office", defaults={"role": Role.OFFICE})
    Project.objects.filter(name__startswith="基准项目").delete()

    work = Path(tempfile.mkdtemp(prefix="tj-bench-file-"))
    path = work / "ledger.xlsx"
    build_file(path, args.rows)

    # the floor: calamine read + bulk insert of the same rows
    category = Category.objects.first()
    town_ids = {u.name: u.pk for u in Unit.objects.filter(kind__in=["town", "street"])}
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    objs = []
    for row in sheet.iter_rows():
        if isinstance(row[0], float) and len(row) > 9 and row[1]:
            start, end = (int(x) for x in str(row[3]).split("-"))
            objs.append(Project(code=f"FLOOR-{len(objs):06d}", name=row[1], owner=owner, town_id=town_ids.get(row[9]),
                                category=category, nature="enterprise", total_investment=Decimal(repr(row[4])),
                                start_year=start, end_year=end, content=row[2]))
    with transaction.atomic():
        Project.objects.bulk_create(objs, batch_size=1000)
        floor = time.perf_counter() - started
        transaction.set_rollback(True)

    started = time.perf_counter()
    report = ledger_import(path=path, by=office, options=ImportOptions(year=2026, library="annual", dry_run=False))
    first = time.perf_counter() - started
    assert report.ok and report.count("created") == args.rows, report.file_error or report.error_rows[:3]
    started = time.perf_counter()
    again = ledger_import(path=path, by=office, options=ImportOptions(year=2026, library="annual", dry_run=False))
    second = time.perf_counter() - started
    assert again.count("unchanged") == args.rows
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "## Ledger import",
        "",
        f"`bench/ledger_import.py --rows {args.rows}`: a {args.rows:,}-row annual plan table (.xlsx, "
        f"{path.stat().st_size / 1024:.0f} KiB) with title, sections and a total row, imported into the annual "
        f"library on {connection.vendor}.",
        "",
        f"Machine: {machine()}.",
        "",
        "| run | seconds | rows/s | vs floor |",
        "|---|---:|---:|---:|",
        f"| floor: calamine read + bulk insert of the same rows | {floor:.2f} | {args.rows / floor:,.0f} | 1.0× |",
        f"| import (all checks, plan entries, monthly split, audit entries, row report) | {first:.2f} | {args.rows / first:,.0f} | {first / floor:.1f}× |",
        f"| re-import of the same file (all unchanged) | {second:.2f} | {args.rows / second:,.0f} | {second / floor:.1f}× |",
        "",
        f"Peak memory of the whole run: {peak:.0f} MiB. Load average at the end of the run: "
        f"{os.getloadavg()[0]:.1f} (other work on the machine slows both measurements alike; compare the ratios).",
        "",
        "Per row the first import writes the project, its library entry and entry event, its plan entry "
        "(with its monthly split in its columns) and an audit entry — five rows where the floor writes one; "
        "the re-import reads, checks and compares everything and writes nothing.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        docs = REPO / "docs" / "benchmarks.md"
        current = docs.read_text() if docs.exists() else "# Benchmarks\n\n"
        pattern = re.compile(r"## Ledger import\n.*?(?=\n## |\Z)", re.S)
        current = pattern.sub(text.rstrip() + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text
        docs.write_text(current)


if __name__ == "__main__":
    main()
