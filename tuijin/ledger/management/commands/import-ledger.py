"""`tuijin import-ledger FILE [--year Y] [--library annual|rolling|reserve] [--dry-run] [--skip-bad-rows] [--create-owners]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuijin.ledger.choices import RowOutcome
from tuijin.ledger.services.imports import ImportOptions, ledger_import
from tuijin.orgs.models import User
from tuijin.projects.choices import LibraryKind

LABELS = {
    RowOutcome.CREATED: "新建",
    RowOutcome.UPDATED: "更新",
    RowOutcome.UNCHANGED: "无变化",
    RowOutcome.ERROR: "错误",
    RowOutcome.SKIPPED: "跳过",
}


class ProgressBar:
    """A one-line progress bar on stderr (only when it is a terminal or forced)."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled, self.last = stream, enabled, -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = min(done / max(total, 1), 1.0)
        percent = int(share * 100)
        if percent == self.last:
            return
        self.last = percent
        label = "读取" if stage == "read" else "写入"
        bar = "█" * int(share * 30) + "·" * (30 - int(share * 30))
        self.stream.write(f"\r{label} [{bar}] {percent:3d}%  {done:,}/{total:,}")
        self.stream.flush()

    def close(self):
        if self.enabled and self.last >= 0:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import a project ledger (.xlsx, .xls, .ods or CSV in UTF-8/GB18030). A file with any error writes "
        "nothing and exits with status 1, unless --skip-bad-rows. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="Plan year (default: the year the file names).")
        parser.add_argument("--library", choices=LibraryKind.values, help="Also admit the rows to this library.")
        parser.add_argument("--dry-run", action="store_true", help="Report per row; write nothing.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Write the good rows, report the bad ones.")
        parser.add_argument("--create-owners", action="store_true", help="Create unknown owners as enterprises.")
        parser.add_argument("--mapping", default="", help="Name of a saved column mapping to read the file with.")
        parser.add_argument("--as-user", default="", help="User recorded as the importer (default: none, as the system).")
        parser.add_argument("--progress", action="store_true", help="Show the progress bar even when stderr is not a terminal.")
        parser.add_argument("--quiet-rows", action="store_true", help="Print only errors and the summary.")

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        if o["library"] == LibraryKind.ANNUAL and not o["year"]:
            self.stderr.write("No --year given: the year the file names is used.")
        by = None
        if o["as_user"]:
            by = User.objects.filter(username=o["as_user"]).first()
            if by is None:
                raise CommandError(f"No user {o['as_user']!r}.")
        mapping = None
        if o["mapping"]:
            from tuijin.ledger.models import ColumnMapping

            found = ColumnMapping.objects.filter(name=o["mapping"]).first()
            if found is None:
                raise CommandError(f"No saved column mapping {o['mapping']!r}.")
            mapping = found.columns
        bar = ProgressBar(sys.stderr, o["progress"] or sys.stderr.isatty())
        options = ImportOptions(
            year=o["year"], library=o["library"] or "", dry_run=o["dry_run"], skip_bad_rows=o["skip_bad_rows"],
            create_owners=o["create_owners"], mapping=mapping,
        )
        from tuijin.ledger.models import LedgerImport

        record = None
        if not o["dry_run"]:
            from django.core.files import File

            record = LedgerImport(original_name=path.name, uploaded_by=by, year=o["year"], library=o["library"] or "",
                                  skip_bad_rows=o["skip_bad_rows"], create_owners=o["create_owners"], is_dry_run=False)
            with path.open("rb") as handle:
                record.file.save(path.name, File(handle), save=True)
        report = ledger_import(path=path, by=by, options=options, original_name=path.name, record=record, progress=bar)
        bar.close()
        if report.file_error:
            raise CommandError(report.file_error)
        for r in report.rows:
            if o["quiet_rows"] and r.outcome not in (RowOutcome.ERROR, RowOutcome.SKIPPED):
                continue
            line = f"第{r.row}行 [{LABELS[r.outcome]}] {r.name}"
            if r.approximate:
                line += "  (约数)"
            self.stdout.write(line)
            for e in r.errors:
                self.stdout.write(f"    {e['column']}{e['row']} {e['header']} “{e['value']}”: {e['reason']}")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"注意: {note}"))
        counts = "，".join(f"{LABELS[k]} {report.count(k)}" for k in LABELS if report.count(k))
        totals = report.parsed_totals
        self.stdout.write(
            f"{report.file_name}: {counts or '没有项目行'}；解析总投资 {totals.get('total_investment', 0):,.4f} 万元，"
            f"项目 {int(totals.get('count', 0))} 个。"
        )
        if not report.ok:
            self.stdout.write(self.style.ERROR("有错误，未写入任何数据（可用 --skip-bad-rows 跳过错误行）。"))
            sys.exit(1)
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS("试运行：未写入任何数据。"))
        else:
            self.stdout.write(self.style.SUCCESS("已导入。"))
