"""The portfolio as one .xlsx workbook: its sheets read as raw text tables, tables written as
sheets.

A contract workbook has one sheet per contract file, named like the file without ``.csv``.
Reading gives each sheet's cells as the text a CSV would hold (a month typed as ``2027-01`` that
the spreadsheet turned into a date comes back as ``2027-01``), with sheet row numbers.
Writing puts each table on its own sheet, with formulas neutralised and values as values. The
formatted leadership workbook lives in :mod:`pmo_analytics.report`.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import stat
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd

from .. import safety
from ._raw_tables import normalise_name, raw_table, text_columns
from .limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_UNZIPPED_BYTES,
    describe_bytes,
)
from .schema import TABLES
from .validation import ProblemLog, RawTable


def _excel_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0) and value.day == 1:
        return f"{value.year:04d}-{value.month:02d}"  # a month typed as 2027-01 becomes a date
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _workbook_problem(path: Path) -> str | None:
    """Why ``path`` is refused before openpyxl opens it (size, not a zip, unzipped size)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, pipe or folder)"
    if info.st_size > MAX_FILE_BYTES:
        size, limit = describe_bytes(info.st_size), describe_bytes(MAX_FILE_BYTES)
        return f"{size}: larger than the limit of {limit}"
    if not zipfile.is_zipfile(path):
        with path.open("rb") as handle:
            head = handle.read(8)
        looks = "an old Excel .xls workbook" if head.startswith(b"\xd0\xcf\x11\xe0") else "text"
        if not head.startswith(b"\xd0\xcf\x11\xe0") and b"\x00" in head:
            looks = "binary data"
        return (
            f"cannot be read as an .xlsx workbook: it is not a zip archive (it looks like "
            f"{looks}); save it from Excel as an .xlsx workbook"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as err:
        return f"cannot be read as an .xlsx workbook ({type(err).__name__}: {err})"
    if unzipped > MAX_UNZIPPED_BYTES:
        return (
            f"unzips to {describe_bytes(unzipped)}: beyond the limit of "
            f"{describe_bytes(MAX_UNZIPPED_BYTES)} for a workbook's parts"
        )
    return None


def read_workbook_tables(
    path: Path, log: ProblemLog, warnings: ProblemLog
) -> dict[str, RawTable | None] | None:
    """Read the contract sheets of a workbook as text (sheet name = file name without .csv).

    Row numbers are sheet rows; the first non-blank row of a sheet is its header. The
    workbook is read read-only, after checking its size (:mod:`.limits`) and each sheet's
    stated dimensions. A sheet that cannot be used maps to None; the whole result is None
    (after logging why) when the file cannot be read as a workbook.
    """
    from openpyxl import load_workbook

    refused = _workbook_problem(path)
    if refused is not None:
        log.add(path.name, None, "", "", refused)
        return None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        log.add(
            path.name,
            None,
            "",
            "",
            f"cannot be read as an .xlsx workbook ({type(err).__name__}: {err})",
        )
        return None
    parts = sheet_parts(path)
    tables: dict[str, RawTable | None] = {}
    try:
        for sheet in book.worksheets:
            name = normalise_name(sheet.title).removesuffix(".csv")
            source = f"{path.name}[{sheet.title}]"
            if name not in TABLES:
                warnings.add(
                    source,
                    None,
                    "",
                    "",
                    f"unknown sheet (not used); contract sheets: {', '.join(TABLES)}",
                )
                continue
            if name in tables:
                log.add(source, None, "", "", f"a second sheet for {name} (one sheet per table)")
                tables[name] = None
                continue
            part = parts.get(sheet.title)
            tables[name] = _read_sheet(path, sheet, name, source, part, log, warnings)
    finally:
        book.close()
    return tables


def _read_sheet(
    path: Path,
    sheet: object,
    name: str,
    source: str,
    part: str | None,
    log: ProblemLog,
    warnings: ProblemLog,
) -> RawTable | None:
    """One contract sheet as a raw table, or None after logging why it cannot be used."""
    refused = _dimension_problem(sheet)
    if refused is not None:
        log.add(source, None, "", sheet.calculate_dimension(), refused)
        return None
    sheet.reset_dimensions()  # read every row there is, each only as wide as its cells
    rows = _sheet_rows(sheet, source, log)
    if rows is None:
        return None
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        log.add(source, None, "", "", "the sheet is empty (it needs a header row)")
        return None
    width = max(len(r) for r in rows)
    header = list(rows[start]) + [""] * (width - len(rows[start]))
    from openpyxl.utils import column_index_from_string

    has_formulas, merged = scan_sheet_part(path, part) if part else (False, [])
    for ref in merged:
        first = ref.split(":")[0]
        column = _header_of(header, column_index_from_string(first.rstrip("0123456789")))
        log.add(
            source,
            int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
            column,
            ref,
            f"merged cells {ref}: only the first cell holds a value, the others read as "
            "blank (unmerge them and fill every cell)",
        )
    if has_formulas and part:
        for row, col, formula in formulas_without_value(path, part):
            log.add(
                source,
                row,
                _header_of(header, col) if row > start + 1 else f"column {col}",
                formula,
                "a formula with no computed value: open and save the file in Excel, or type "
                "the value",
            )
    body = text_columns([r + ("",) * (width - len(r)) for r in rows[start + 1 :]], width)
    return raw_table(name, source, header, body, start + 1, log, warnings)


def _header_of(header: list[str], column: int) -> str:
    """The contract name of the (1-based) ``column`` under ``header``, or ``column N``."""
    cell = header[column - 1] if column <= len(header) else ""
    return normalise_name(cell) or f"column {column}"


def _dimension_problem(sheet: object) -> str | None:
    """Why a sheet is refused on the dimensions it states (its used range), or None."""
    rows, columns = sheet.max_row, sheet.max_column
    if rows is None or columns is None:
        return None  # unsized: the rows are counted as they are read
    rows = rows - (sheet.min_row or 1) + 1
    columns = columns - (sheet.min_column or 1) + 1
    if columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS:
        return None
    return (
        f"the sheet's used range is {columns:,} columns by {rows:,} rows: beyond the limit "
        f"of {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells (delete the cells outside "
        "the table — Ctrl+End in Excel shows the last one — and save)"
    )


def _sheet_rows(sheet: object, source: str, log: ProblemLog) -> list[tuple[str, ...]] | None:
    """Every row of a sheet as text cells (trailing blanks cut), within the limits."""
    from openpyxl.utils import get_column_letter

    rows: list[tuple[str, ...]] = []
    cells = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        width = len(row)
        while width and row[width - 1] is None:
            width -= 1
        if width > MAX_COLUMNS:
            where = f"{get_column_letter(width)}{number}"
            log.add(
                source,
                number,
                f"column {width}",
                where,
                f"a cell at {where}: beyond the limit of {MAX_COLUMNS:,} columns (delete the "
                "cells right of the table and save)",
            )
            return None
        cells += width
        if cells > MAX_CELLS:
            log.add(
                source,
                number,
                "",
                "",
                f"more than {MAX_CELLS:,} cells: beyond the limit for a sheet",
            )
            return None
        rows.append(tuple(_excel_text(v) for v in row[:width]))
    return rows


# --------------------------------------------------------------------------- the sheet's XML
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_MERGE_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\""
)
_CHUNK = 1 << 20


def sheet_parts(path: Path) -> dict[str, str]:
    """The zip member of each sheet of a workbook, by sheet title ({} where it cannot tell)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as archive:
            book = ET.fromstring(archive.read("xl/workbook.xml"))
            rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{pkg}Relationship")}
    parts = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel}id"), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return parts


def scan_sheet_part(path: Path, part: str) -> tuple[bool, list[str]]:
    """Whether a sheet's XML holds any formula, and its merged ranges, read in chunks.

    Read-only sheets do not give merged cells, and a formula's cached value and its text come
    from two different readings; this cheap scan says whether the second one is needed.
    """
    found, merged = False, []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as handle:
            tail = b""
            while chunk := handle.read(_CHUNK):
                window = tail + chunk
                found = found or _FORMULA_TAG.search(window) is not None
                merged += [m.decode() for m in _MERGE_TAG.findall(window)]
                tail = window[-512:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return False, []
    return found, list(dict.fromkeys(merged))


def formulas_without_value(path: Path, part: str) -> list[tuple[int, int, str]]:
    """(sheet row, column, formula) of each formula cell of a sheet with no computed value.

    Excel saves a formula with the value it computed; scripts (openpyxl, among others) write
    the formula alone, and read for its value such a cell is blank. An empty cached text
    (``t="str"``: a formula whose result is ``""``) is a value.
    """
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    found: list[tuple[int, int, str]] = []
    row = col = 0
    with zipfile.ZipFile(path) as archive, archive.open(part) as handle:
        for event, element in ET.iterparse(handle, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row, col = int(element.get("r") or row + 1), 0
                continue
            if tag == "c":
                ref = element.get("r")
                col = column_index_from_string(coordinate_from_string(ref)[0]) if ref else col + 1
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                formula, value = children.get("f"), children.get("v")
                if (
                    formula is not None
                    and (value is None or not value.text)
                    and element.get("t") not in ("str", "inlineStr")
                ):
                    found.append(
                        (row, col, f"={formula.text}" if formula.text else "a shared formula")
                    )
                element.clear()
            elif tag == "row":
                element.clear()
    return found


def write_sheets(sheets: dict[str, pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write each frame to a sheet of that name (header in row 1), atomically.

    Text cells a spreadsheet would read as formulas are neutralised; numbers stay numbers.
    """
    from openpyxl import Workbook

    # not write_only: that mode leaves out each sheet's <dimension>, without which readers
    # (openpyxl's read-only mode among them) must parse a whole sheet twice
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        safe = safety.neutralise_frame(frame)
        sheet.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    safety.write_bytes_atomic(path, buffer.getvalue())


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value
