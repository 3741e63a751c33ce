"""Opening a ledger file safely and streaming its rows.

Every file is sniffed by its content, not its name: a ZIP (xlsx, ods) is checked for its
uncompressed size before anything parses it (zip bombs); an OLE file is an .xls or an
encrypted Office file; anything else must decode as CSV in UTF-8 or GB18030. Sheets of
.xlsx files are pre-scanned (streaming, flat memory) for formulas without a computed value
and for runs of empty rows, before python-calamine reads them.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.utils.translation import gettext as _

#: Limits (documented in docs/ledger.md).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 150
MAX_ZIP_ENTRIES = 2000
MAX_ROWS = 200_000
#: Reading stops after this many empty rows in a row: the table has ended.
MAX_EMPTY_RUN = 200

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: What reading a damaged ZIP part raises (bad CRC, broken deflate stream, cut short, an
#: unknown compression method or version, an "encrypted" flag set by the damage, a seek past the end).
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


class LedgerFileError(Exception):
    """The file cannot be read as a ledger; the message says why and what to do."""


@dataclass
class Sheet:
    """Rows of the first sheet: lists of cell values (str, float, int, bool, date), 1-based
    row numbers, and merged ranges as ((row, col), (row, col)) 1-based inclusive."""

    rows: Iterator[tuple[int, list]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    kind: str = "xlsx"
    formula_cells: int = 0
    size_hint: int = 0  # number of rows, for progress


def sniff(path: Path, original_name: str = "") -> str:
    """'xlsx', 'ods', 'xls' or 'csv', from the content; refuses everything else."""
    size = path.stat().st_size
    if size == 0:
        raise LedgerFileError(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise LedgerFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split the ledger into several files.")
            % {"size": size // (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    if head == OLE_MAGIC:
        if _ole_is_encrypted(path):
            raise LedgerFileError(
                _("The file is protected by a password (encrypted). Open it in Excel, remove the password "
                  "(文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it), save and upload again.")
            )
        return "xls"
    if _looks_like_text(path):
        return "csv"
    name = original_name or path.name
    raise LedgerFileError(
        _("%(name)s is not an Excel, ODS or CSV file. Save the ledger as .xlsx (Excel workbook) and upload it again.")
        % {"name": name}
    )


def _damaged() -> LedgerFileError:
    return LedgerFileError(_("The file is damaged: it looks like an Excel workbook but cannot be opened."))


def _zip_kind(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGED_ZIP:
        raise _damaged() from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise LedgerFileError(_("The workbook holds %(n)s parts; that is not a ledger.") % {"n": len(infos)})
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_ENTRY_BYTES or (info.file_size > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
                raise LedgerFileError(
                    _("The workbook unpacks to far more data than a ledger holds (%(part)s: %(size)s MB); "
                      "it was refused as a possible zip bomb.")
                    % {"part": info.filename, "size": info.file_size // (1024 * 1024)}
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise LedgerFileError(
                _("The workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed; refused as a possible zip bomb.")
                % {"size": total // (1024 * 1024), "limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
            )
        names = {info.filename for info in infos}
        try:
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
        except DAMAGED_ZIP:
            raise _damaged() from None
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
    raise LedgerFileError(_("The file is a ZIP archive, not an Excel workbook."))


def _ole_is_encrypted(path: Path) -> bool:
    """Encrypted .xlsx files are OLE containers with an EncryptedPackage stream."""
    with path.open("rb") as handle:
        data = handle.read(256 * 1024)
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    if b"\x00" in sample:
        return False
    return detect_encoding(sample) is not None


def detect_encoding(sample: bytes) -> str | None:
    """'utf-8-sig' (with or without BOM) or 'gb18030'; None if neither decodes."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(sample, final=False)  # a cut multibyte sequence at the end is fine
        except UnicodeDecodeError:
            continue
        return encoding
    return None


# ---------------------------------------------------------------- opening


def open_sheet(path: Path, kind: str) -> Sheet:
    if kind == "csv":
        return _csv_sheet(path)
    try:
        scan = _prescan_xlsx(path) if kind == "xlsx" else None
    except DAMAGED_ZIP:
        raise _damaged() from None
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = _first_data_sheet(workbook)
    except PasswordError:
        raise LedgerFileError(_("The file is protected by a password. Remove the password in Excel and upload again.")) from None
    except (CalamineError, ValueError, OSError) as exc:
        raise LedgerFileError(_("The file cannot be read as a spreadsheet (%(error)s).") % {"error": exc}) from None
    start_row, start_col = sheet.start or (0, 0)
    merged = [
        ((a[0] + 1, a[1] + 1), (b[0] + 1, b[1] + 1)) for a, b in (sheet.merged_cell_ranges or [])
    ]

    def rows():
        for offset, row in enumerate(sheet.iter_rows()):
            yield start_row + offset + 1, ([""] * start_col) + _without_nul(row)

    return Sheet(
        rows=rows(),
        merged=merged,
        kind=kind,
        formula_cells=scan.formulas if scan else 0,
        size_hint=sheet.height or 0,
    )


def _without_nul(row) -> list:
    """The cells of a row; NUL characters (an ``_x0000_`` in the XML, a stray byte in a CSV)
    dropped from text, since no column can store them (PostgreSQL refuses them)."""
    return [v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v for v in row]


def _first_data_sheet(workbook):
    """The first visible worksheet that has cells."""
    for index, meta in enumerate(workbook.sheets_metadata):
        if "hidden" not in str(getattr(meta, "visible", "")).lower():
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height:
                return sheet
    return workbook.get_sheet_by_index(0)


def _csv_sheet(path: Path) -> Sheet:
    with path.open("rb") as handle:
        encoding = detect_encoding(handle.read(64 * 1024))
    if encoding is None:
        raise LedgerFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))

    def rows():
        with path.open("r", encoding=encoding, newline="") as handle:
            sample = handle.read(8192)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
            except csv.Error:
                dialect = csv.excel
            try:
                for number, row in enumerate(csv.reader(handle, dialect), start=1):
                    yield number, _without_nul(row)
            except UnicodeDecodeError:
                raise LedgerFileError(
                    _("The CSV file mixes text encodings; save it again as UTF-8 or GB18030.")
                ) from None

    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            size += chunk.count(b"\n")
    return Sheet(rows=rows(), kind="csv", size_hint=size)


# ---------------------------------------------------------------- xlsx pre-scan


@dataclass
class Prescan:
    formulas: int = 0
    last_row: int = 0


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    names = archive.namelist()
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        first = re.search(r"<(?:\w+:)?sheet\b[^>]*?r:id=\"([^\"]+)\"", workbook)
        if first:
            target = re.search(rf"Id=\"{first.group(1)}\"[^>]*Target=\"([^\"]+)\"|Target=\"([^\"]+)\"[^>]*Id=\"{first.group(1)}\"", rels)
            if target:
                part = (target.group(1) or target.group(2)).lstrip("/")
                part = part if part.startswith("xl/") else f"xl/{part}"
                if part in names:
                    return part
    except KeyError:
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
    if not sheets:
        raise LedgerFileError(_("The workbook has no worksheet."))
    return sheets[0]


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _prescan_xlsx(path: Path) -> Prescan:
    """A quick pass over the sheet's XML (regular expressions on chunks); only when it finds
    formulas or more rows than a ledger has does the detailed pass run."""
    last_row, formulas, tail = 0, False, b""
    with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_part(archive)) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            for match in _ROW_NUMBER.finditer(data):
                last_row = max(last_row, int(match.group(1)))
            formulas = formulas or bool(_FORMULA.search(data))
            tail = data[-200:]
    if not formulas and last_row <= MAX_ROWS:
        return Prescan(formulas=0, last_row=last_row)
    return _prescan_xlsx_detailed(path)


def _prescan_xlsx_detailed(path: Path) -> Prescan:
    """Stream the first sheet's XML once: refuse formulas that carry no computed value and
    sheets whose used range runs far past the data (e.g. a million empty rows)."""
    scan = Prescan()
    state = {"row": 0, "cell": "", "formula": "", "has_value": False, "in_f": False, "nonblank_row": 0, "blank_cells_only": True}
    problems: list[str] = []

    def start(name, attrs):
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            state["row"] = int(attrs.get("r", state["row"] + 1))
            if state["row"] > MAX_ROWS + MAX_EMPTY_RUN and state["row"] - state["nonblank_row"] > MAX_EMPTY_RUN:
                raise _StopScan("empty")
            if state["row"] > MAX_ROWS + MAX_EMPTY_RUN:
                raise _StopScan("rows")
        elif local == "c":
            state["cell"] = attrs.get("r", "")
            state["formula"] = ""
            state["has_value"] = False
        elif local == "f":
            state["in_f"] = True
        elif local in ("v", "t"):
            state["in_v"] = True

    def end(name):
        local = name.rsplit(":", 1)[-1]
        if local == "f":
            state["in_f"] = False
        elif local in ("v", "t"):
            state["in_v"] = False
        elif local == "c":
            if state["formula"] or state["in_f_seen"]:
                scan.formulas += 1
                if not state["has_value"] and len(problems) < 5:
                    problems.append(f"{state['cell']} ={state['formula']}")
            state["in_f_seen"] = False
    state["in_v"] = False

    def chars(data):
        if state["in_f"]:
            state["formula"] += data
            state["in_f_seen"] = True
            return
        if state["in_v"] and data:
            state["has_value"] = True
        if data.strip():
            state["nonblank_row"] = state["row"]

    state["in_f_seen"] = False
    state["in_v"] = False
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_part(archive)) as stream:
            while chunk := stream.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _StopScan as stop:
        if stop.args[0] == "empty":
            raise LedgerFileError(
                _("The sheet runs to row %(row)s or further, but its data end at row %(last)s: it is padded with "
                  "empty rows. Delete the empty rows below the table (or copy the table into a new workbook) and upload again.")
                % {"row": f"{state['row']:,}", "last": f"{state['nonblank_row']:,}"}
            ) from None
        raise LedgerFileError(
            _("The sheet has more than %(max)s rows; split the ledger into several files.") % {"max": f"{MAX_ROWS:,}"}
        ) from None
    except expat.ExpatError as exc:
        raise LedgerFileError(_("The workbook is damaged (%(error)s).") % {"error": exc}) from None
    scan.last_row = state["nonblank_row"]
    if problems:
        raise LedgerFileError(
            _("Cells hold formulas without a computed value (%(cells)s). Open the file in Excel or WPS and save it "
              "(so the results are stored), or paste the formulas as values, then upload again.")
            % {"cells": ", ".join(problems)}
        )
    return scan


class _StopScan(Exception):
    pass
