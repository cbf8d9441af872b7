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
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, read_bounded
from .schema import TABLES
from .validation import ProblemLog, RawTable, empty_raw_table

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # zero-width characters


def normalise_name(cell: str) -> str:
    """A header cell or sheet name as a contract name: ``Project ID`` → ``project_id``.

    Zero-width characters (pasted from web pages and chat) are dropped.

    Examples
    --------
    >>> normalise_name(" Project\u200b ID "), normalise_name("cost-low")
    ('project_id', 'cost_low')
    """
    return re.sub(r"[\s\-]+", "_", _INVISIBLE.sub("", cell).strip().lower())


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


def _records_fast(data: bytes | memoryview, sep: str, width: int) -> list | None:
    """Every record of a CSV as text columns (header included), or None when pyarrow cannot
    read it record for record (ragged rows, broken quoting): then the slow path decides.

    ``width`` is the number of cells in the header, at most (quoted separators count too)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rejected: list[object] = []

    def reject(row: object) -> str:
        rejected.append(row)
        return "skip"

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


def _records_slow(text: str, sep: str, source: str, first_row: int, log: ProblemLog) -> list | None:
    """Every record via Python's csv module: short rows padded, long rows reported; None
    (after logging why) when a cell is too long to read."""
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error:  # a cell longer than the csv module takes: most often an open quote
        log.add(
            source,
            first_row + reader.line_num - 1,
            "",
            "",
            f"a cell of more than {MAX_CELL_CHARS:,} characters (an unclosed quote?)",
        )
        return None
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


#: Byte-order marks and the encodings they announce (UTF-32 first: its LE mark starts like
#: UTF-16's). UTF-8 is the contract's encoding; UTF-16 with a mark is what Excel's "Unicode
#: text" export writes, and is unambiguous, so it is read too.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: How other files begin (their magic bytes), to say what a file that is no CSV looks like.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook saved under a .csv name?)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook (save it as 'CSV UTF-8' or .xlsx)"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
)
_SAVE_AS = "save it as 'CSV UTF-8'"


def shown_text(text: str, limit: int = 60) -> str:
    """``text`` as a problem shows it: invisible characters escaped (``\\x00``), cut at
    ``limit`` characters.

    Examples
    --------
    >>> shown_text("project_id\\x00,name")
    'project_id\\\\x00,name'
    """
    cut = text[:limit]
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return out + ("…" if len(text) > limit else "")


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when ``data`` reads like UTF-16 text without a byte-order
    mark (mostly-ASCII text: every other byte is 0), else None."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.6 * half and even <= 0.1 * half:
        return "utf-16-le"
    if even >= 0.6 * half and odd <= 0.1 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, source: str, log: ProblemLog) -> str | None:
    """The text of a CSV file, or None after logging why it cannot be read as text.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a mark are read. Anything
    else is a problem of row 1 (or of the row where the trouble starts) that says what the
    file looks like: UTF-16 without a mark, Windows-1252, a workbook, binary data.
    """
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(encoding)
            except UnicodeDecodeError as err:
                log.add(source, None, "", f"byte {err.start + len(mark)}", f"not valid {encoding}")
                return None
            break
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                log.add(
                    source, 1, "", shown_text(data[:16].decode("latin-1")), f"looks like {what}"
                )
                return None
        encoding = _utf16_without_mark(data)
        if encoding is not None:
            header = data.decode(encoding, errors="replace").split("\n", 1)[0]
            log.add(
                source,
                1,
                "",
                shown_text(header.strip()),
                f"looks like UTF-16 text without a byte-order mark ({_SAVE_AS})",
            )
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            try:
                data.decode("cp1252")
                looks = " — it looks like Windows-1252 (ANSI)"
            except UnicodeDecodeError:
                looks = ""
            log.add(
                source,
                line,
                "",
                f"byte 0x{data[err.start]:02x}",
                f"not UTF-8 text{looks} ({_SAVE_AS})",
            )
            return None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        start = text.rfind("\n", 0, nul) + 1
        log.add(
            source,
            line,
            "",
            shown_text(text[start : text.find("\n", nul) if "\n" in text[nul:] else None]),
            f"a NUL byte (\\x00): not text a spreadsheet writes ({_SAVE_AS})",
        )
        return None
    return text


def _mixed_separators(body: str, sep: str) -> str | None:
    """The separator the rows use when it is not the header's (a ``,`` header over ``;`` rows,
    as when a header is typed by hand over an export), else None."""
    header, _, rest = body.partition("\n")
    if header.count(sep) == 0:
        return None
    lines = [line for line in rest.split("\n", 50)[:50] if line.strip()]
    if not lines or any(line.count(sep) for line in lines):
        return None
    for other in (",", ";", "\t"):
        if other != sep and all(line.count(other) for line in lines):
            return other
    return None


def _utf8_body(data: bytes, text: str, body: str) -> bytes | memoryview:
    """The UTF-8 bytes of ``body`` without copying the file where they are ``data`` itself."""
    if len(body) == len(text) and not data.startswith(tuple(m for m, e in _BOMS[1:])):
        return (
            memoryview(data)[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
        )
    return body.encode("utf-8")


def _long_cell(columns: list, source: str, first_row: int, log: ProblemLog) -> bool:
    """Whether a cell is longer than :data:`MAX_CELL_CHARS` (then logged with its row)."""
    import pyarrow.compute as pc

    for column in columns:
        too_long = pc.greater(pc.utf8_length(column), MAX_CELL_CHARS)
        if pc.any(too_long).as_py():
            at = pc.index(too_long, True).as_py()
            log.add(
                source,
                first_row + at,
                "",
                shown_text(column[at].as_py()),
                f"a cell of more than {MAX_CELL_CHARS:,} characters (an unclosed quote?)",
            )
            return True
    return False


def _too_wide(header_line: str, sep: str) -> bool:
    return header_line.count(sep) + 1 > MAX_COLUMNS


def _name(sep: str) -> str:
    return {",": "','", ";": "';'", "\t": "tabs"}[sep]


def read_csv_table(path: Path, name: str, log: ProblemLog, warnings: ProblemLog) -> RawTable | None:
    """Read one CSV as text: UTF-8 with or without BOM, separated by commas or semicolons
    (semicolon files take a decimal comma), leading blank lines skipped.

    A file beyond the limits of :mod:`.limits` (size, header cells), one that is not text, or
    one whose header and rows use different separators is a problem (None is returned).
    """
    source = path.name
    data, why = read_bounded(path, MAX_FILE_BYTES)
    if data is None:
        log.add(source, None, "", "", why)
        return None
    text = decode_text(data, source, log)
    if text is None:
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
    if _too_wide(header_line, sep):
        log.add(
            source,
            skipped + 1,
            "",
            shown_text(header_line),
            f"the header has {header_line.count(sep) + 1:,} cells; the limit is "
            f"{MAX_COLUMNS:,} columns",
        )
        return None
    lines = data.count(b"\n") + 1
    width = header_line.count(sep) + 1
    if lines * width > MAX_CELLS:
        log.add(
            source,
            None,
            "",
            f"{lines:,} lines",
            f"{lines:,} lines of {width:,} cells: beyond the limit of {MAX_CELLS:,} cells per "
            "file (blank lines count)",
        )
        return None
    other = _mixed_separators(body, sep)
    if other is not None:
        log.add(
            source,
            skipped + 1,
            "",
            shown_text(header_line),
            f"the header is separated by {_name(sep)} but the rows by {_name(other)}: "
            "use one separator throughout",
        )
        return None
    columns = _records_fast(_utf8_body(data, text, body), sep, width)
    if columns is None:
        columns = _records_slow(body, sep, source, skipped + 1, log)
    if columns is None or _long_cell(columns, source, skipped + 1, log):
        return None
    header = [column[0].as_py() or "" for column in columns]
    body_columns = [column.slice(1) for column in columns]
    return raw_table(
        name, source, header, body_columns, skipped + 1, log, warnings, decimal_comma=sep == ";"
    )
