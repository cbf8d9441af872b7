"""Contract files read as raw text tables: every cell as text, rows numbered as users see them.

:func:`read_csv_table` reads one CSV file — UTF-8 with or without BOM, comma- or
semicolon-separated (a semicolon file takes a decimal comma), leading blank lines skipped — by
pyarrow, falling back to Python's :mod:`csv` module only for files pyarrow rejects (rows with
more or fewer cells than the header). Both count rows the same way, so that row numbers in
problems are the rows users see (header = row 1, blank lines counted). :func:`raw_table` turns
a header and its text columns into a :class:`~pmo_analytics.portfolio.validation.RawTable`; the workbook
reader (:mod:`pmo_analytics.portfolio._excel`) uses it too. Typing the cells is left to validation.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import safety
from .schema import TABLES
from .validation import ProblemLog, RawTable, empty_raw_table


def normalise_name(cell: str) -> str:
    """A header cell or sheet name as a contract name: ``Project ID`` → ``project_id``."""
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def raw_table(
    name: str,
    source: str,
    header: list[str],
    body: list,
    header_row: int,
    log: ProblemLog,
    warnings: ProblemLog,
    *,
    decimal_comma: bool = False,
) -> RawTable:
    """A :class:`RawTable` from a header and a body of pyarrow text columns (positional).

    ``header_row`` is the row number of the header in the file; body row ``i`` is row
    ``header_row + 1 + i``. Cells are stripped, text the library neutralised on export is
    restored, blank rows are dropped (their numbers stay counted).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(body[0]) if body else 0
    names: list[str] = []
    arrays: list[object] = []
    nonblank = np.zeros(n, dtype=bool)
    for position, cell in enumerate(header):
        column = normalise_name(cell)
        values = body[position] if position < len(body) else pa.array([""] * n, pa.large_string())
        values = pc.utf8_trim_whitespace(pc.fill_null(values.cast(pa.large_string()), ""))
        if pc.any(pc.starts_with(values, "'")).as_py():
            values = safety.restore_arrow_text(values)
        filled = pc.not_equal(values, "").to_numpy(zero_copy_only=False)
        if column == "":
            if filled.any():
                where = f"column {position + 1}"
                warnings.add(source, header_row, where, "", "cells under a blank header (ignored)")
            continue
        if column in names:
            log.add(source, header_row, column, cell, "column given twice (one column per name)")
            continue
        names.append(column)
        arrays.append(values)
        nonblank |= filled
    rows = np.arange(n, dtype=np.int64) + header_row + 1
    if not names:
        frame = pd.DataFrame(index=pd.RangeIndex(0))
        return RawTable(name, source, frame, rows[:0], decimal_comma, header_row=header_row)
    table = pa.table(arrays, names=names)
    if not nonblank.all():
        table = table.filter(pa.array(nonblank))
        rows = rows[nonblank]
    return RawTable(name, source, table.to_pandas(), rows, decimal_comma, header_row=header_row)


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _records_fast(data: bytes, sep: str) -> list | None:
    """Every record of a CSV as text columns (header included), or None when pyarrow cannot
    read it record for record (ragged rows, broken quoting): then the slow path decides."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rejected: list[object] = []

    def reject(row: object) -> str:
        rejected.append(row)
        return "skip"

    width = data.split(b"\n", 1)[0].count(sep.encode()) + 1  # an upper bound (quoted separators)
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pcsv.ParseOptions(
                delimiter=sep,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=reject,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if rejected:
        return None
    return [column.combine_chunks() for column in table.columns]


def _records_slow(text: str, sep: str, source: str, first_row: int, log: ProblemLog) -> list:
    """Every record via Python's csv module: short rows padded, long rows reported."""
    records = list(csv.reader(_io.StringIO(text, newline=""), delimiter=sep))
    width = len(records[0]) if records else 0
    long = [
        (i, len(r))
        for i, r in enumerate(records)
        if len(r) > width and any(cell.strip() for cell in r[width:])
    ]
    for i, n in long:
        log.add(
            source, first_row + i, "", f"{n} cells", f"row has {n} cells but the header has {width}"
        )
    return text_columns([(r + [""] * width)[:width] for r in records], width)


def text_columns(records: list, width: int) -> list:
    """Positional pyarrow text columns of equally long records."""
    import pyarrow as pa

    return [pa.array([r[i] for r in records], pa.large_string()) for i in range(width)]


def read_csv_table(path: Path, name: str, log: ProblemLog, warnings: ProblemLog) -> RawTable | None:
    """Read one CSV as text: UTF-8 with or without BOM, separated by commas or semicolons
    (semicolon files take a decimal comma), leading blank lines skipped."""
    source = path.name
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        log.add(
            source,
            line,
            "",
            f"byte 0x{data[err.start]:02x}",
            "not UTF-8 text (save it as 'CSV UTF-8')",
        )
        return None
    body = text.lstrip("\r\n\t ")
    skipped = text[: len(text) - len(body)].count("\n")
    if not body.strip():
        if TABLES[name].required:
            log.add(source, None, "", "", "the file is empty (it needs a header row)")
            return None
        warnings.add(source, None, "", "", "the file is empty (taken as absent)")
        return empty_raw_table(name, source)
    header_line = body.split("\n", 1)[0]
    sep = _separator(header_line)
    columns = _records_fast(data if len(body) == len(text) else body.encode("utf-8"), sep)
    if columns is None:
        columns = _records_slow(body, sep, source, skipped + 1, log)
    header = [column[0].as_py() or "" for column in columns]
    body_columns = [column.slice(1) for column in columns]
    return raw_table(
        name, source, header, body_columns, skipped + 1, log, warnings, decimal_comma=sep == ";"
    )
