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
from pathlib import Path

import pandas as pd

from .. import safety
from ._raw_tables import normalise_name, raw_table, text_columns
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


def read_workbook_tables(
    path: Path, log: ProblemLog, warnings: ProblemLog
) -> dict[str, RawTable | None] | None:
    """Read the contract sheets of a workbook as text (sheet name = file name without .csv).

    Row numbers are sheet rows; the first non-blank row of a sheet is its header. A sheet
    that cannot be used maps to None; the whole result is None (after logging why) when the
    file cannot be read as a workbook.
    """
    from openpyxl import load_workbook

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
            rows = [tuple(_excel_text(v) for v in row) for row in sheet.iter_rows(values_only=True)]
            start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
            if start is None:
                log.add(source, None, "", "", "the sheet is empty (it needs a header row)")
                tables[name] = None
                continue
            width = max(len(r) for r in rows)
            body = text_columns([r + ("",) * (width - len(r)) for r in rows[start + 1 :]], width)
            header = list(rows[start]) + [""] * (width - len(rows[start]))
            tables[name] = raw_table(name, source, header, body, start + 1, log, warnings)
    finally:
        book.close()
    return tables


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
