"""Importing a ledger: dry run, per-row report, one transaction, idempotent re-import.

The path is built for 10,000-row files: rows stream from the parser, every row is
validated in memory against indexes loaded once (units, leaders, categories, existing
projects, plan entries) with the same rules as :func:`tuijin.projects.services.registry.project_create`
(the model's field validation, the year order, the town being a town, the national code being
unique; each field check made once per distinct value), and the result is written with bulk
operations in one transaction: new rows by COPY on PostgreSQL with keys taken from the sequences
beforehand (nothing read back), changed rows by one ``UPDATE … FROM unnest`` per table, plan
lines with their monthly split (``plan_m1 … plan_m12``) and one ``plan_lines_changed`` for all
of them. Bulk writes send no signals, so the audit log entries (who, when, before, after) are
written here, one per project created or changed, each pointing at the import (the import
event: who, when, which file).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.lib.bulk import bulk_insert, bulk_update_rows, chunks, filter_in, reserve_ids
from tuijin.lib.errors import PermissionDenied
from tuijin.orgs.choices import OWNER_KINDS, TERRITORIAL_KINDS, Role, UnitKind
from tuijin.orgs.models import Unit, User
from tuijin.orgs.policy import role_of
from tuijin.projects.choices import EntryAction, EntryStatus, LibraryKind, PlanCategory, Stage
from tuijin.projects.models import (
    Category,
    EntryEvent,
    Library,
    LibraryEntry,
    PlanEntry,
    PlanVersion,
    Project,
)
from tuijin.projects.models.libraries import SPLIT_FIELDS
from tuijin.projects.models.registry import national_code_validator
from tuijin.projects.services.libraries import even_split, library_for, reserve_period, working_version
from tuijin.projects.services.registry import next_project_code
from tuijin.projects.services.split import split_values
from tuijin.projects.signals import plan_lines_changed, town_moves

from .. import policy
from ..choices import ImportStatus, LedgerField, RowOutcome
from ..layout import Header, LedgerParser, ParsedRow, RowError, TotalCheck, column_letter
from ..models import LedgerImport, LedgerImportRow
from ..reading import LedgerFileError, open_sheet, sniff
from .units import COUNTY, UnitIndex, UnitRef, split_units

Progress = Callable[[str, int, int], None]

#: Project fields an import may set, compared to decide updated/unchanged.
PROJECT_FIELDS = (
    "name", "national_code", "content", "total_investment", "start_year", "end_year",
    "town_id", "owner_id", "department_id", "leader_id", "category_id", "address",
)
PLAN_FIELDS = ("category", "planned_investment", "opening_cumulative", "progress_target", "planned_start_month", "planned_completion")
_FK_FIELDS = ["owner", "town", "department", "leader", "category", "industry_chain", "template", "created_by", "code"]


@dataclass
class ImportOptions:
    year: int | None = None
    library: str = ""
    dry_run: bool = True
    skip_bad_rows: bool = False
    create_owners: bool = False
    mapping: dict[str, str] | None = None


@dataclass
class RowResult:
    row: int
    name: str
    outcome: str = RowOutcome.UNCHANGED
    project_id: int | None = None
    errors: list[dict] = field(default_factory=list)
    approximate: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # what to write: the project's columns (attnames; a new project's stated values, a stored
    # project's values with the file's changes), its plan line, an owner to create
    project_values: dict | None = None
    plan: dict | None = None
    new_owner: str = ""

    @property
    def project(self) -> Project | None:
        """The project as it will be written (unsaved): the checked values as a model instance."""
        if self.project_values is None:
            return None
        return Project(pk=self.project_id, **{k: v for k, v in self.project_values.items() if k != "id"})


@dataclass
class ImportReport:
    file_name: str = ""
    file_kind: str = ""
    file_error: str = ""
    header: Header | None = None
    year: int | None = None
    rows: list[RowResult] = field(default_factory=list)
    checks: list[TotalCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    written: bool = False
    dry_run: bool = True
    new_owners: list[str] = field(default_factory=list)
    parsed_totals: dict[str, Decimal] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome in (RowOutcome.ERROR, RowOutcome.SKIPPED)]

    @property
    def failed_checks(self) -> list[TotalCheck]:
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.file_error and not any(r.outcome == RowOutcome.ERROR for r in self.rows)

    def summary(self) -> dict:
        return {
            "file": self.file_name,
            "kind": self.file_kind,
            "file_error": self.file_error,
            "year": self.year,
            "header_rows": [self.header.first_row, self.header.last_row] if self.header else None,
            "title": self.header.title if self.header else "",
            "checks": [c.as_dict() for c in self.checks],
            "notes": self.notes,
            "skipped": self.skipped,
            "new_owners": self.new_owners,
            "parsed_totals": {k: str(v) for k, v in self.parsed_totals.items()},
            "counts": {o: self.count(o) for o in RowOutcome.values},
            "written": self.written,
        }


class _Context:
    """Everything a row is checked against, loaded once per import."""

    def __init__(self, *, by, options: ImportOptions):
        self.by = by
        self.options = options
        self.role = role_of(by) if by is not None else Role.OFFICE
        self.own_town = by.unit_id if by is not None and self.role == Role.TOWN else None
        self.units: UnitIndex | None = None  # made by load_matches, for the units the file names
        self.leaders: dict[str, int] = {}
        for pk, full_name, username in User.objects.filter(role=Role.LEADER).values_list("pk", "full_name", "username"):
            self.leaders.setdefault(full_name or username, pk)
        self.categories = dict(Category.objects.values_list("name", "pk"))
        self.default_category = Category.objects.order_by("order", "name").values_list("pk", flat=True).first()
        # Stored projects, library entries and plan lines: only those the file's rows can match,
        # loaded by :meth:`load_matches` once the rows are read (a province holds 100,000 projects).
        self.existing: dict[int, dict] = {}
        self.by_code: dict[str, int] = {}
        self.by_key: dict[tuple, int] = {}
        self.seen: dict[tuple, int] = {}
        self.seen_codes: dict[str, int] = {}
        self.new_owners: dict[str, UnitRef] = {}
        self.checks = _FieldCheck()
        self.library = None
        self.library_entries: dict[int, int] = {}  # project id → its entry in the library
        self.plan_entries: dict[int, dict] = {}  # project id → its line in the working version
        self.version = None
        if options.library and options.year:
            start = reserve_period(options.year)[0] if options.library == LibraryKind.RESERVE else options.year
            self.library = Library.objects.filter(kind=options.library, start_year=start).first()
            if options.library == LibraryKind.ANNUAL:
                self.version = PlanVersion.objects.filter(year=options.year, is_frozen=False).order_by("-number").first()

    @functools.cached_property
    def default_category_note(self) -> str:
        return _("no category given; registered under %(name)s") % {
            "name": next((n for n, pk in self.categories.items() if pk == self.default_category), "")}

    @functools.cached_property
    def own_town_name(self) -> str:
        return Unit.objects.filter(pk=self.own_town).values_list("name", flat=True).first() or ""

    def load_matches(self, rows: list[ParsedRow]) -> None:
        """Load the units ``rows`` name, and the stored projects with a name or national code
        found in them."""
        self.units = UnitIndex(_unit_texts(rows))
        names = {str(r.values[LedgerField.NAME]) for r in rows if r.values.get(LedgerField.NAME)}
        codes = {str(r.values.get(LedgerField.NATIONAL_CODE) or "").strip() for r in rows} - {""}
        alive = Project.objects.filter(deleted_at__isnull=True)
        size = _in_size()
        for lookup, keys in (("name", names), ("national_code", codes)):
            for chunk in chunks(sorted(keys), size):
                for row in filter_in(alive, lookup, chunk).values("pk", "code", "library", *PROJECT_FIELDS):
                    self.existing[row["pk"]] = row
        self.by_code = {p["national_code"]: pk for pk, p in self.existing.items() if p["national_code"]}
        self.by_key = {(p["name"], p["town_id"], p["start_year"]): pk for pk, p in self.existing.items()}
        for chunk in chunks(sorted(self.existing), size):
            if self.library:
                self.library_entries.update(
                    filter_in(LibraryEntry.objects.filter(library=self.library), "project", chunk).values_list("project_id", "pk")
                )
            if self.version:
                self.plan_entries.update(
                    (e["project_id"], e)
                    for e in filter_in(PlanEntry.objects.filter(version=self.version), "project", chunk).values(
                        "pk", "project_id", *PLAN_FIELDS
                    )
                )


def _unit_cells(values: dict) -> tuple[str, list[str], str]:
    """The texts a row names units by, as :func:`_resolve` looks them up: 属地, each unit of
    责任单位, 业主单位 ("" and [] where a cell is empty)."""
    def text(fld):
        return str(values[fld]) if values.get(fld) else ""

    responsible = text(LedgerField.RESPONSIBLE)
    return text(LedgerField.TOWN), split_units(responsible) if responsible else [], text(LedgerField.OWNER)


def _unit_texts(rows: list[ParsedRow]) -> set[str]:
    """Every text the rows name units by: what the unit index is made for."""
    texts = set()
    for r in rows:
        town, responsible, owner = _unit_cells(r.values)
        texts.update(t for t in (town, *responsible, owner) if t)
    return texts


def _in_size() -> int:
    """Keys per ``IN (…)`` list: SQLite builds may cap a statement at 999 parameters;
    PostgreSQL takes one list for a whole file in one round trip."""
    return 5000 if connection.vendor == "postgresql" else 500


class _FieldCheck:
    """``Project.clean_fields`` for the fields a row states, each (field, value) checked once.

    A ledger repeats its years, amounts, contents and targets down thousands of rows, and the
    checks of these fields (length, blank, choices, validators) depend on the value alone —
    the keys, whose checks would read the instance, are not checked here (the indexes found
    them). Returns what ``ValidationError(...).message_dict`` would hold, in field order.
    """

    def __init__(self) -> None:
        self.fields = [f for f in Project._meta.fields if f.name not in _FK_FIELDS and not f.generated]
        self.instance = Project()
        self.seen: dict[tuple, list[str]] = {}

    def errors(self, values: dict, stated) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for f in self.fields:
            if f.attname not in stated:
                continue
            raw = values[f.attname] if f.attname in values else f.get_default()
            if f.blank and raw in f.empty_values:
                continue
            key = (f.attname, type(raw), str(raw) if isinstance(raw, Decimal) else raw)
            try:
                messages = self.seen.get(key)
            except TypeError:  # unhashable: checked every time
                key, messages = None, None
            if messages is None:
                try:
                    f.clean(raw, self.instance)
                    messages = []
                except ValidationError as exc:
                    messages = exc.messages
                if key is not None:
                    self.seen[key] = messages
            if messages:
                found[f.name] = messages
        return found


def ledger_import(
    *,
    path: Path,
    by,
    options: ImportOptions,
    original_name: str = "",
    record: LedgerImport | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a ledger file and, unless it is a dry run or has errors, write it in one transaction.

    Rows with errors make the whole import write nothing, unless ``skip_bad_rows``: then
    the good rows are written and the bad ones reported as skipped.
    """
    if by is not None and not policy.can_import(by):
        raise PermissionDenied(_("Your role cannot import ledgers."))
    with _collector_paused():
        return _import(path=path, by=by, options=options, original_name=original_name, record=record, progress=progress)


_paused_lock = threading.Lock()
_paused = {"count": 0, "was_enabled": False}


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while a file is read, checked and written.

    An import makes hundreds of thousands of short-lived objects (cells, values, row dicts)
    that form no cycles, and each full collection the allocations trigger walks every object
    of the process — a fifth of the time of a 2,000-row import went there. Imports running in
    threads at once share one pause; the collector runs again when the last one ends.
    """
    with _paused_lock:
        if _paused["count"] == 0:
            _paused["was_enabled"] = gc.isenabled()
            gc.disable()
        _paused["count"] += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused["count"] -= 1
            if _paused["count"] == 0 and _paused["was_enabled"]:
                gc.enable()


def _import(*, path: Path, by, options: ImportOptions, original_name: str, record: LedgerImport | None,
            progress: Progress | None) -> ImportReport:
    report = ImportReport(file_name=original_name or Path(path).name, dry_run=options.dry_run)
    progress = progress or (lambda stage, done, total: None)
    try:
        report.file_kind = sniff(Path(path), report.file_name)
        sheet = open_sheet(Path(path), report.file_kind)
        ctx = _Context(by=by, options=options)
        parser = LedgerParser(sheet, mapping=options.mapping, year=options.year, categories=list(ctx.categories))
        report.header = parser.read_header()
        report.year = options.year or report.header.year
        if options.library and not options.year:
            options.year = report.year
            if options.year is None:
                raise LedgerFileError(_("Say which plan year the ledger is for (--year): the file does not name it."))
            ctx = _Context(by=by, options=options)
        total = max(sheet.size_hint, 1)
        parsed_rows = []
        for parsed in parser.rows():
            parsed_rows.append(parsed)
            if len(parsed_rows) % 250 == 0:
                progress("read", parser.rows_read, total)
        ctx.load_matches(parsed_rows)
        report.rows = [_resolve(parsed, ctx, report) for parsed in parsed_rows]
        progress("read", total, total)
    except LedgerFileError as exc:
        report.file_error = str(exc)
        report.rows = []
        _finish_record(record, report)
        return report
    report.checks = parser.checks
    report.notes = list(parser.notes)
    report.skipped = dict(parser.skipped)
    if sheet.formula_cells:
        report.notes.append(
            _("%(n)s cells hold formulas; the values Excel computed and saved were imported.") % {"n": sheet.formula_cells}
        )
    for check in report.failed_checks:
        report.notes.append(_describe_check(check))
    report.parsed_totals = dict(parser.grand_totals)
    report.new_owners = sorted(ctx.new_owners)
    has_errors = any(r.outcome == RowOutcome.ERROR for r in report.rows)
    if has_errors and options.skip_bad_rows:
        for r in report.rows:
            if r.outcome == RowOutcome.ERROR:
                r.outcome = RowOutcome.SKIPPED
        has_errors = False
    if not options.dry_run and not has_errors:
        _write(report, ctx, record, progress)
        report.written = True
    _finish_record(record, report)
    return report


def _describe_check(check: TotalCheck) -> str:
    measure = _("number of projects") if check.measure == "count" else str(LedgerField(check.measure).label)
    return _(
        "Row %(row)s (%(label)s) states %(measure)s %(claimed)s, but its rows add up to %(parsed)s."
    ) % {"row": check.row, "label": check.label, "measure": measure, "claimed": _fmt(check.claimed), "parsed": _fmt(check.parsed)}


def _fmt(value: Decimal) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


# ---------------------------------------------------------------- one row


def _unit_error(parsed: ParsedRow, header: Header, fld: str, text: str, reason: str) -> None:
    col = header.column_of.get(fld)
    parsed.errors.append(
        RowError(parsed.row, column_letter(col) if col is not None else "", header.labels.get(col, "") if col is not None else "", text, reason)
    )


def _resolve(parsed: ParsedRow, ctx: _Context, report: ImportReport) -> RowResult:
    header = report.header
    values = parsed.values
    result = RowResult(row=parsed.row, name=str(values.get(LedgerField.NAME, "")), approximate=list(parsed.approximate))
    result.notes.extend(parsed.notes)
    desired: dict[str, object] = {}
    explicit: set[str] = set()  # fields the file states (others are left as stored)

    def put(name, value):
        desired[name] = value
        explicit.add(name)

    if values.get(LedgerField.NAME):
        put("name", values[LedgerField.NAME])
    code = str(values.get(LedgerField.NATIONAL_CODE, "") or "").strip()
    if code:
        try:
            national_code_validator(code)
            put("national_code", code)
        except ValidationError as exc:
            parsed.error(LedgerField.NATIONAL_CODE, " ".join(exc.messages), header)
    if values.get(LedgerField.CONTENT):
        put("content", values[LedgerField.CONTENT])
    if values.get(LedgerField.ADDRESS):
        put("address", values[LedgerField.ADDRESS])
    if LedgerField.TOTAL in values:
        put("total_investment", values[LedgerField.TOTAL])
    years = values.get("years")
    if years is not None:
        put("start_year", years.start)
        put("end_year", years.end)
    for fld, attr in ((LedgerField.START_YEAR, "start_year"), (LedgerField.END_YEAR, "end_year")):
        if fld in values:
            put(attr, values[fld])
    if "start_year" not in desired and not any(e.column == _col(header, LedgerField.YEARS) for e in parsed.errors):
        parsed.error(LedgerField.YEARS if LedgerField.YEARS in header.column_of else LedgerField.START_YEAR,
                     _("the construction period (start and end year) is empty"), header)
    if desired.get("end_year") and desired.get("start_year") and desired["end_year"] < desired["start_year"]:
        parsed.error(LedgerField.YEARS, _("the end year comes before the start year"), header)

    # units: 属地, 责任单位 (may name a town, a department or the owner), 业主单位
    town: object = None
    town_given = False
    owner: UnitRef | None = None
    department: UnitRef | None = None
    town_text, responsible, owner_text = _unit_cells(values)
    if town_text:
        town_given = True
        found = ctx.units.find(town_text)
        if found is COUNTY:
            town = None
        elif found is None:
            _unit_error(parsed, header, LedgerField.TOWN, town_text,
                        _("%(name)s is not a street, town or functional area of the county") % {"name": town_text})
        elif found.kind not in TERRITORIAL_KINDS:
            _unit_error(parsed, header, LedgerField.TOWN, town_text,
                        _("%(name)s is not a street, town or functional area") % {"name": found.name})
        else:
            town = found
    if responsible:
        for part in responsible:
            found = ctx.units.find(part)
            if found is COUNTY:
                if not town_given:
                    town_given, town = True, None
            elif found is None:
                _unit_error(parsed, header, LedgerField.RESPONSIBLE, part,
                            _("the county has no unit named %(name)s; add it (or an alias) under units, or correct the cell") % {"name": part})
            elif found.kind in TERRITORIAL_KINDS:
                if not town_given:
                    town_given, town = True, found
            elif found.kind == UnitKind.DEPARTMENT:
                department = department or found
            elif owner is None and not owner_text:
                owner = found
    if owner_text:
        text = owner_text
        found = ctx.units.find(text)
        if found is None and ctx.options.create_owners:
            found = ctx.new_owners.get(text) or UnitRef(0, text, UnitKind.ENTERPRISE)
            ctx.new_owners[text] = found
            result.new_owner = text
            result.notes.append(_("owner %(name)s will be created as an enterprise") % {"name": text})
        if found is None:
            _unit_error(parsed, header, LedgerField.OWNER, text,
                        _("the county has no unit named %(name)s; tick \"create unknown owners\" (--create-owners) or add it first") % {"name": text})
        elif found is COUNTY or found.kind not in OWNER_KINDS:
            _unit_error(parsed, header, LedgerField.OWNER, text, _("%(name)s cannot own a project") % {"name": text})
        else:
            owner = found
    if town_given:
        put("town_id", town.pk if isinstance(town, UnitRef) else None)
    if owner is not None:
        put("owner_id", owner.pk or None)
    if department is not None:
        put("department_id", department.pk)
    if values.get(LedgerField.LEADER):
        text = str(values[LedgerField.LEADER])
        name = text.split("(")[0].split("（")[0].strip()
        if name in ctx.leaders:
            put("leader_id", ctx.leaders[name])
        else:
            result.notes.append(_("linked leader %(name)s is not a user of Tuijin; not linked") % {"name": text})
    if parsed.category:
        pk = ctx.categories.get(parsed.category) or next(
            (pk for name, pk in ctx.categories.items() if name in parsed.category), None
        )
        if pk is None:
            _unit_error(parsed, header, LedgerField.CATEGORY, parsed.category,
                        _("not a project category (%(known)s)") % {"known": "、".join(ctx.categories)})
        else:
            put("category_id", pk)

    # the town officer imports its own town only
    if ctx.own_town is not None and town_given and (not isinstance(town, UnitRef) or town.pk != ctx.own_town):
        where = town.name if isinstance(town, UnitRef) else _("county level")
        parsed.errors.append(RowError(parsed.row, "", "", where, _(
            "the project lies in %(where)s; a town officer imports only the projects of %(own)s"
        ) % {"where": where, "own": ctx.own_town_name}))

    # match an existing project
    match = None
    if code and code in ctx.by_code:
        match = ctx.by_code[code]
    elif "start_year" in desired and "name" in desired:
        key_town = desired.get("town_id", ctx.own_town if ctx.own_town else None)
        match = ctx.by_key.get((desired["name"], key_town, desired["start_year"]))
        if match and code and ctx.existing[match]["national_code"] and ctx.existing[match]["national_code"] != code:
            parsed.error(LedgerField.NATIONAL_CODE, _("%(name)s (same town and start year) has the code %(code)s") % {
                "name": desired["name"], "code": ctx.existing[match]["national_code"]}, header)
    key = (desired.get("name"), desired.get("town_id"), desired.get("start_year"))
    if match is None and key in ctx.seen or match is not None and ("pk", match) in ctx.seen:
        first = ctx.seen.get(key) or ctx.seen.get(("pk", match))
        parsed.errors.append(RowError(parsed.row, "", "", result.name, _("the same project as row %(row)s") % {"row": first}))
    else:
        ctx.seen[("pk", match) if match else key] = parsed.row
    if code:
        if code in ctx.seen_codes:
            parsed.error(LedgerField.NATIONAL_CODE, _("the same code as row %(row)s") % {"row": ctx.seen_codes[code]}, header)
        ctx.seen_codes[code] = parsed.row
    if match is not None and ctx.own_town is not None and ctx.existing[match]["town_id"] != ctx.own_town:
        parsed.errors.append(RowError(parsed.row, "", "", result.name, _("the stored project is not in your town")))

    if match is None:
        if "owner_id" not in desired and not result.new_owner and not any(e.header and e.column == _col(header, LedgerField.OWNER) for e in parsed.errors):
            parsed.error(LedgerField.OWNER if LedgerField.OWNER in header.column_of else LedgerField.RESPONSIBLE,
                         _("the owner (业主单位) is empty"), header)
        if "category_id" not in desired:
            desired["category_id"] = ctx.default_category
            result.notes.append(ctx.default_category_note)
        if ctx.own_town is not None and "town_id" not in desired:
            desired["town_id"] = ctx.own_town

    # the annual plan
    plan = None
    if ctx.options.library == LibraryKind.ANNUAL:
        plan = _plan_values(parsed, desired, ctx, header, result)

    if parsed.errors:
        result.outcome = RowOutcome.ERROR
        result.errors = [e.as_dict() for e in parsed.errors]
        return result

    if match is None:
        owner_kind = owner.kind if owner else UnitKind.ENTERPRISE
        fields = dict(desired.items())
        invalid = ctx.checks.errors(fields, fields.keys() | {"name"})
        if invalid:
            result.errors = _field_errors(invalid, parsed, header, fields)
            result.outcome = RowOutcome.ERROR
            return result
        result.project_values = {
            "nature": "enterprise" if owner_kind == UnitKind.ENTERPRISE else "government",
            "stage": _stage_for(plan),
            "created_by_id": ctx.by.pk if ctx.by is not None else None,
            **fields,
        }
        result.outcome = RowOutcome.CREATED
        result.changes = {k: ["", _show(v, ctx)] for k, v in fields.items() if v not in (None, "")}
        if ctx.options.library:
            result.changes["library"] = ["", ctx.options.library]
    else:
        before = ctx.existing[match]
        result.project_id = match
        changes = {k: [_show(before[k], ctx), _show(v, ctx)] for k, v in desired.items() if k in explicit and before[k] != v}
        result.changes = changes
        if changes:
            values = {k: before[k] for k in PROJECT_FIELDS}
            for k in changes:
                values[k] = desired[k]
            invalid = ctx.checks.errors(values, changes)
            if invalid:
                result.errors = _field_errors(invalid, parsed, header, values)
                result.outcome = RowOutcome.ERROR
                return result
            result.project_values = values
        if ctx.options.library and match not in ctx.library_entries:
            result.changes["library"] = [before["library"], ctx.options.library]
    if plan is not None:
        existing = ctx.plan_entries.get(match) if match else None
        plan_changes = {}
        for name in PLAN_FIELDS:
            if name not in plan["explicit"]:
                continue
            old = existing[name] if existing else None
            if old != plan[name]:
                plan_changes[f"plan.{name}"] = ["" if old is None else str(old), str(plan[name])]
        if existing is None or plan_changes:
            result.plan = plan
            result.changes.update(plan_changes)
    if match is not None:
        result.outcome = RowOutcome.UPDATED if result.changes else RowOutcome.UNCHANGED
    if result.approximate:
        result.notes.append(_("approximate values imported as stated: %(fields)s") % {
            "fields": "、".join(str(LedgerField(f).label) for f in result.approximate)})
    return result


def _field_errors(invalid: dict[str, list[str]], parsed: ParsedRow, header: Header, values: dict) -> list[dict]:
    """The model's validation errors (a name too long for the field…), each at the column its value came from."""
    errors = []
    for name, messages in invalid.items():
        fld = name if name in LedgerField.values else ""
        if name in ("start_year", "end_year"):
            fld = name if name in header.column_of else LedgerField.YEARS
        col = header.column_of.get(fld)
        label = header.labels.get(col, "") if col is not None else ""
        reason = " ".join(messages) if col is not None else f"{Project._meta.get_field(name).verbose_name}: {' '.join(messages)}"
        value = values[name] if name in values else Project._meta.get_field(name).get_default()
        errors.append(RowError(parsed.row, _col(header, fld), label, str(value), reason).as_dict())
    return errors


def _col(header: Header, fld: str) -> str:
    col = header.column_of.get(fld)
    return column_letter(col) if col is not None else ""


def _show(value, ctx: _Context) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return (f"{value:.4f}".rstrip("0").rstrip(".")) or "0"
    return str(value)


def _stage_for(plan: dict | None) -> str:
    if plan is None:
        return Stage.IDEA
    if plan["category"] in (PlanCategory.CONTINUING, PlanCategory.COMPLETING):
        return Stage.CONSTRUCTION
    return Stage.PREPARATION


def _plan_values(parsed: ParsedRow, desired: dict, ctx: _Context, header: Header, result: RowResult) -> dict:
    year = ctx.options.year
    values = parsed.values
    explicit = {"category"}
    category = parsed.plan_category
    if not category:
        start, end = desired.get("start_year"), desired.get("end_year")
        if start is None:
            category = PlanCategory.PREPARATION
        elif start == year:
            category = PlanCategory.NEW
        elif start > year:
            category = PlanCategory.PREPARATION
        elif end is not None and end <= year:
            category = PlanCategory.COMPLETING
        else:
            category = PlanCategory.CONTINUING
        result.notes.append(_("plan category not stated; taken as %(category)s from the construction period") % {
            "category": PlanCategory(category).label})
    plan = {"category": category, "planned_investment": Decimal(0), "opening_cumulative": Decimal(0),
            "progress_target": "", "planned_start_month": None, "planned_completion": ""}
    if LedgerField.PLANNED in values:
        plan["planned_investment"] = values[LedgerField.PLANNED]
        explicit.add("planned_investment")
    if LedgerField.OPENING in values:
        plan["opening_cumulative"] = values[LedgerField.OPENING]
        explicit.add("opening_cumulative")
    if values.get(LedgerField.PROGRESS_TARGET):
        plan["progress_target"] = str(values[LedgerField.PROGRESS_TARGET])[:300]
        explicit.add("progress_target")
    years = values.get("years")
    if years is not None:
        if years.start_month and years.start == year:
            plan["planned_start_month"] = years.start_month
            explicit.add("planned_start_month")
        if years.end_month:
            plan["planned_completion"] = f"{years.end}-{years.end_month:02d}"
            explicit.add("planned_completion")
    plan["explicit"] = explicit
    return plan


# ---------------------------------------------------------------- writing


def _write(report: ImportReport, ctx: _Context, record: LedgerImport | None, progress: Progress) -> None:
    now = timezone.now()
    rows = [r for r in report.rows if r.outcome in (RowOutcome.CREATED, RowOutcome.UPDATED)]
    with transaction.atomic(), disable_auditlog():
        # 1. owners the user allowed to be created
        if ctx.new_owners:
            made = Unit.objects.bulk_create(
                [Unit(name=name[:100], kind=UnitKind.ENTERPRISE) for name in sorted(ctx.new_owners)]
            )
            by_name = {u.name: u.pk for u in made}
            for r in rows:
                if r.new_owner and r.project_values is not None and "owner_id" in r.project_values:
                    r.project_values["owner_id"] = by_name[r.new_owner[:100]]
        # 2. projects: plain rows (COPY on PostgreSQL) with keys taken beforehand, so nothing
        # is read back
        created = [r for r in rows if r.outcome == RowOutcome.CREATED]
        if created:
            first = next_project_code(timezone.localdate().year)
            prefix, number = first.rsplit("-", 1)
            library = ctx.options.library or ""
            for offset, (r, pk) in enumerate(zip(created, reserve_ids(Project, len(created)), strict=True)):
                r.project_id = pk
                r.project_values.update(
                    id=pk, code=f"{prefix}-{int(number) + offset:05d}", library=library, created_at=now, updated_at=now
                )
            bulk_insert(Project, (r.project_values for r in created), with_pk=True)
        progress("write", 1, 4)
        changed = [r for r in rows if r.outcome == RowOutcome.UPDATED and r.project_values is not None]
        if changed:
            names = sorted({k for r in changed for k in r.changes if k in PROJECT_FIELDS})
            bulk_update_rows(
                Project,
                [{"id": r.project_id, **{n: r.project_values[n] for n in names}, "updated_at": now} for r in changed],
                [*names, "updated_at"],
            )
            if "town_id" in names:
                town_moves({r.project_id: ctx.existing[r.project_id]["town_id"] for r in changed},
                           {r.project_id: r.project_values["town_id"] for r in changed})
        # 3. libraries and the annual plan
        if ctx.options.library:
            _write_library(report, ctx, rows, now)
        progress("write", 2, 4)
        # 4. the history: one audit entry per project, pointing at this import
        _write_history(rows, ctx, record, report)
        progress("write", 3, 4)


def _write_library(report: ImportReport, ctx: _Context, rows: list[RowResult], now) -> None:
    library = library_for(ctx.options.library, ctx.options.year)
    # Rows go in with bulk_insert (COPY on PostgreSQL) — no model instance per row — with their
    # keys taken beforehand. The stored projects' entries were loaded with the projects.
    have = dict(ctx.library_entries) if ctx.library is not None and ctx.library.pk == library.pk else {}
    new_ids = list(dict.fromkeys(r.project_id for r in rows if r.project_id not in have))
    entry_ids = reserve_ids(LibraryEntry, len(new_ids))
    source = _("ledger import")
    bulk_insert(
        LibraryEntry,
        ({"id": pk, "library_id": library.pk, "project_id": pid, "status": EntryStatus.ADMITTED, "source": source,
          "submitted_at": now, "admitted_at": now, "updated_at": now} for pk, pid in zip(entry_ids, new_ids, strict=True)),
        with_pk=True,
    )
    have.update(zip(new_ids, entry_ids, strict=True))
    reason = _("admitted by ledger import: %(file)s") % {"file": report.file_name}
    bulk_insert(
        EntryEvent,
        ({"entry_id": have[pid], "action": EntryAction.FINAL_REVIEW, "to_status": EntryStatus.ADMITTED,
          "by_id": ctx.by.pk, "at": now, "reason": reason} for pid in new_ids),
    )
    # Project.library: the highest library the project is admitted to (new projects were
    # written with it).
    rank = LibraryKind.rank(ctx.options.library)
    raise_ids = []
    for r in rows:
        if r.outcome == RowOutcome.CREATED:
            continue
        current = ctx.existing.get(r.project_id, {}).get("library", "")
        if not current or LibraryKind.rank(current) < rank:
            raise_ids.append(r.project_id)
    for chunk in chunks(raise_ids, _in_size()):
        Project.objects.filter(pk__in=chunk).update(library=ctx.options.library)
    if ctx.options.library != LibraryKind.ANNUAL:
        return
    version = working_version(ctx.options.year)
    # The stored lines were loaded with the projects (a version made just now has none).
    existing = ctx.plan_entries if ctx.version is not None and ctx.version.pk == version.pk else {}
    to_create: list[dict] = []
    resplit: list[dict] = []  # stored lines whose split is replaced
    kept: list[dict] = []  # stored lines whose split stays
    splits: dict[tuple, dict] = {}  # (amount as written, start month) → its columns: a plan repeats its amounts

    def split_of(amount: Decimal, start: int) -> dict:
        key = (str(amount), start)
        found = splits.get(key)
        if found is None:
            found = splits[key] = split_values(even_split(amount, start))
        return found

    for r in rows:
        if r.plan is None:
            continue
        plan = r.plan
        entry = existing.get(r.project_id)
        if entry is None:
            line = {"version_id": version.pk, "library_entry_id": have[r.project_id], "project_id": r.project_id,
                    **{name: plan[name] for name in PLAN_FIELDS},
                    **split_of(plan["planned_investment"], plan["planned_start_month"] or 1)}
            to_create.append(line)
        else:
            line = {"id": entry["pk"], **{name: entry[name] for name in PLAN_FIELDS}}
            for name in plan["explicit"]:
                line[name] = plan[name]
            if "planned_investment" in plan["explicit"] and entry["planned_investment"] != plan["planned_investment"]:
                line.update(split_of(plan["planned_investment"], plan["planned_start_month"] or entry["planned_start_month"] or 1))
                resplit.append(line)
            else:
                kept.append(line)
    for line, pk in zip(to_create, reserve_ids(PlanEntry, len(to_create)), strict=True):
        line["id"] = pk
    # The split (plan_m1 … plan_m12) is written with each line: new lines and re-split lines
    # carry theirs, the others keep the split they have.
    bulk_insert(PlanEntry, to_create, with_pk=True)
    bulk_update_rows(PlanEntry, resplit, [*PLAN_FIELDS, *SPLIT_FIELDS])
    bulk_update_rows(PlanEntry, kept, list(PLAN_FIELDS))
    # The towns' plan totals of every line written, in one call; the lines' towns are known here
    # (a project's town as written), so the receiver need not look the lines up again.
    plan_lines_changed.send(
        sender=PlanEntry,
        entry_ids=[line["id"] for line in (*to_create, *resplit, *kept)],
        pairs={(version.pk, _town_after(r, ctx)) for r in rows if r.plan is not None},
    )


def _town_after(r: RowResult, ctx: _Context) -> int | None:
    """The town of a row's project once the import is written."""
    if r.project_values is not None:
        return r.project_values.get("town_id", None)
    return ctx.existing[r.project_id]["town_id"]


def _write_history(rows: list[RowResult], ctx: _Context, record: LedgerImport | None, report: ImportReport) -> None:
    content_type = ContentType.objects.get_for_model(Project)
    extra = {"ledger_import": record.pk if record else None, "file": report.file_name}
    now = timezone.now()
    text = _("ledger import: %(file)s, row %(row)s")
    bulk_insert(
        LogEntry,
        (
            {
                "content_type_id": content_type.pk,
                "object_pk": str(r.project_id),
                "object_id": r.project_id,
                "object_repr": r.name[:200],
                "action": LogEntry.Action.CREATE if r.outcome == RowOutcome.CREATED else LogEntry.Action.UPDATE,
                "changes": r.changes,
                "changes_text": text % {"file": report.file_name, "row": r.row},
                "actor_id": ctx.by.pk,
                "timestamp": now,
                "additional_data": extra,
            }
            for r in rows
            if r.project_id is not None
        ),
    )


def _finish_record(record: LedgerImport | None, report: ImportReport) -> None:
    """Keep the per-row report and the counts on the import record."""
    if record is None:
        return
    record.file_kind = report.file_kind
    record.report = report.summary()
    record.message = report.file_error
    if report.header:
        record.columns = {
            "labels": {str(c): label for c, label in report.header.labels.items()},
            "fields": {str(c): f for c, f in report.header.fields.items()},
            "units": {str(c): u for c, u in report.header.units.items()},
        }
        if record.year is None and report.year:
            record.year = report.year
    record.rows_total = len(report.rows)
    record.created = report.count(RowOutcome.CREATED)
    record.updated = report.count(RowOutcome.UPDATED)
    record.unchanged = report.count(RowOutcome.UNCHANGED)
    record.errors = report.count(RowOutcome.ERROR) + report.count(RowOutcome.SKIPPED)
    record.is_dry_run = not report.written
    if report.file_error:
        record.status = ImportStatus.FAILED
    else:
        record.status = ImportStatus.DONE if report.written else ImportStatus.PREVIEWED
    record.finished_at = timezone.now() if report.written or report.file_error else None
    with transaction.atomic():
        record.save()
        record.rows.all().delete()
        bulk_insert(
            LedgerImportRow,
            (
                {
                    "ledger_import_id": record.pk,
                    "row": r.row,
                    "name": r.name[:200],
                    "outcome": r.outcome,
                    "project_id": r.project_id,
                    "errors": r.errors,
                    "approximate": r.approximate,
                    "changes": r.changes,
                    "notes": r.notes,
                }
                for r in report.rows
            ),
        )
