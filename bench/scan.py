"""Benchmark: `tuijin scan` (every warning rule, every project) at 100,000 projects on
PostgreSQL, on the data set of bench/race.py (database tj_bench_race, generated there).

    .venv/bin/python bench/scan.py

The first scan raises every light; the second finds the same ones (the nightly steady
state); results go to docs/benchmarks.md, section "Warning scan"."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.race import generate, setup_django, write_results  # noqa: E402

DAY = dt.date(2026, 10, 31)


def main() -> None:
    setup_django()
    generate()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from tuijin.projects.models import Project
    from tuijin.supervision.models import Light
    from tuijin.supervision.rules import REGISTRY
    from tuijin.supervision.services.scan import rules_ensure, scan_run

    rules_ensure()
    # Measure the scan itself: the open-data app's receiver that publishes each new red light
    # as a webhook event is timed separately (it runs one query per light).
    from django.db.models.signals import post_save

    from tuijin.supervision.models import ScanRun

    detached = post_save.disconnect(sender=ScanRun, dispatch_uid="opendata-scan-lights")
    Light.objects.all()._raw_delete(Light.objects.db)  # no per-row signals: a clean start
    timings = []
    for label in ("first scan (raises every light)", "second scan (same day, nothing changes)",
                  "next day (lights confirmed, reasons refreshed)"):
        day = DAY + dt.timedelta(days=1) if label.startswith("next") else DAY
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = scan_run(today=day)
            seconds = time.perf_counter() - started
        timings.append((label, seconds, len(queries), run))
    per_rule = dict(Light.objects.filter(cleared_on__isnull=True).values_list("rule").annotate(n=Count("pk")))
    load = os.getloadavg()[0]
    lines = [
        f"`bench/scan.py`, run {dt.date.today().isoformat()}: PostgreSQL, {Project.objects.count():,} projects "
        f"(data set of `bench/race.py`), {len(REGISTRY)} rules, as of {DAY}; {os.cpu_count()} CPUs, load average "
        f"{load:.1f} when measured.",
        "",
        "| scan | seconds | queries | lights open (red / yellow) | raised | cleared |",
        "|---|---|---|---|---|---|",
    ]
    for label, seconds, queries, run in timings:
        lines.append(f"| {label} | {seconds:.2f} | {queries} | {run.open_red:,} / {run.open_yellow:,} | {run.raised:,} | {run.cleared:,} |")
    lines += ["", "Open lights by rule: " + ", ".join(f"{k} {v:,}" for k, v in sorted(per_rule.items())) + ".",
              "Every rule is one set-based query over all projects (two for the two-yellows rule, which reads the lights); "
              "the open lights are then read as rows and only the difference is written (closed and rewritten by id, "
              "last day moved in one statement, new lights by COPY)."]
    if detached:
        lines.append("Not included: the open-data receiver on `ScanRun` (webhook events for new red lights), "
                     "detached for this measurement.")
    for line in lines:
        print(line)
    write_results("Warning scan", lines)


if __name__ == "__main__":
    main()
