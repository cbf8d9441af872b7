"""Reading and writing portfolios: a folder of CSV files or one .xlsx workbook.

:func:`load_portfolio` reads every contract file as text, validates everything (collecting every
problem before failing) and returns a :class:`~pmo_analytics.portfolio.Portfolio`. It only ever
reads: nothing is written into the input folder or workbook.
:func:`write_portfolio` saves any portfolio in the contract format; loading what it wrote gives
an equal portfolio.

CSV files are read by pyarrow (all cells as text) and fall back to Python's :mod:`csv` module
only for files pyarrow rejects (rows with more or fewer cells than the header); both count rows
the same way, so that row numbers in problems are the rows users see (header = row 1, blank
lines counted).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io as _io
import os
import re
import warnings as _warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import safety
from .consistency import check_cross_file
from .portfolio import Portfolio, make_portfolio
from .schema import DERIVED_PROJECT_COLUMNS, TABLES
from .validation import (
    PortfolioValidationError,
    ProblemLog,
    RawTable,
    choose_frequency,
    determine_horizon,
    empty_raw_table,
    format_problems,
    parse_table,
)

WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")
_LINE = re.compile(r"line (\d+)")


class PortfolioWarning(UserWarning):
    """Something in the portfolio was accepted but deserves a look (see ``Portfolio.warnings``)."""


# --------------------------------------------------------------------------- raw text tables
def _normalise_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def _restore_neutralised(values):
    """Undo :func:`pmo_analytics.safety.neutralise_text` over a pyarrow text array."""
    import pyarrow.compute as pc

    rest = pc.utf8_slice_codeunits(values, 1)
    risky = pc.starts_with(rest, "'")
    for prefix in safety.FORMULA_PREFIXES:
        risky = pc.or_(risky, pc.starts_with(rest, prefix))
    return pc.if_else(pc.and_(pc.starts_with(values, "'"), risky), rest, values)


def _raw_table(
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
        column = _normalise_name(cell)
        values = body[position] if position < len(body) else pa.array([""] * n, pa.large_string())
        values = pc.utf8_trim_whitespace(pc.fill_null(values.cast(pa.large_string()), ""))
        if pc.any(pc.starts_with(values, "'")).as_py():
            values = _restore_neutralised(values)
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
    return _columns([(r + [""] * width)[:width] for r in records], width)


def _columns(records: list, width: int) -> list:
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
    return _raw_table(
        name, source, header, body_columns, skipped + 1, log, warnings, decimal_comma=sep == ";"
    )


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
            name = _normalise_name(sheet.title).removesuffix(".csv")
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
            body = _columns([r + ("",) * (width - len(r)) for r in rows[start + 1 :]], width)
            header = list(rows[start]) + [""] * (width - len(rows[start]))
            tables[name] = _raw_table(name, source, header, body, start + 1, log, warnings)
    finally:
        book.close()
    return tables


def read_raw_tables(
    path: str | os.PathLike[str], log: ProblemLog, warnings: ProblemLog | None = None
) -> tuple[dict[str, RawTable], str]:
    """Raw text tables of a portfolio folder or workbook, one per contract table.

    Absent optional files become empty tables; a missing required file, or one that cannot be
    read, is a problem and becomes an empty table marked unreadable. File names are matched
    without regard to case; other ``.csv`` files are noted as unknown.
    """
    warnings = warnings if warnings is not None else ProblemLog()
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(
            f"{root} does not exist (give a folder of CSV files or an .xlsx workbook)"
        )
    found: dict[str, RawTable | None] = {}  # None: present but unreadable
    if root.is_dir():
        files: dict[str, list[Path]] = {}
        for file in sorted(root.iterdir()):
            if file.suffix.lower() == ".csv" and file.is_file():
                files.setdefault(file.name.lower(), []).append(file)
        for lower, paths in files.items():
            name = lower.removesuffix(".csv")
            if name not in TABLES:
                warnings.add(
                    paths[0].name,
                    None,
                    "",
                    "",
                    f"unknown file (not used); contract files: {', '.join(TABLES)}",
                )
            elif len(paths) > 1:
                log.add(
                    ", ".join(p.name for p in paths),
                    None,
                    "",
                    "",
                    f"more than one file for {name}.csv",
                )
                found[name] = None
            else:
                found[name] = read_csv_table(paths[0], name, log, warnings)
        source_of, missing = "{name}.csv", "required file missing"
    elif root.suffix.lower() in WORKBOOK_SUFFIXES:
        sheets = read_workbook_tables(root, log, warnings)
        found = sheets if sheets is not None else dict.fromkeys(TABLES)
        source_of, missing = f"{root.name}[{{name}}]", "required sheet missing"
    else:
        raise FileNotFoundError(f"{root} is neither a folder of CSV files nor an .xlsx workbook")
    raws = {}
    for name, spec in TABLES.items():
        table = found.get(name)
        if table is None:
            if spec.required and name not in found:
                log.add(source_of.format(name=name), None, "", "", missing)
            absent_ok = name not in found and not spec.required
            table = empty_raw_table(name, source_of.format(name=name), readable=absent_ok)
        raws[name] = table
    return raws, str(root)


# --------------------------------------------------------------------------- loading
def load_portfolio(
    path: str | os.PathLike[str], *, horizon: tuple[str, str] | None = None
) -> Portfolio:
    """Load and validate a portfolio from a folder of CSV files or an .xlsx workbook.

    Accepts UTF-8 with or without BOM, comma or semicolon separators (with a decimal comma in
    semicolon files), blank optional cells, booleans as true/false/yes/no/1/0 in any case and
    surrounding whitespace. Every problem in every file is collected before failing.

    Parameters
    ----------
    path : str or path-like
        A folder holding ``projects.csv``, ``cashflows.csv``, ``demand.csv``,
        ``capacity.csv`` and the optional files of the contract, or a workbook with one sheet
        per file (named like the file without ``.csv``).
    horizon : (first, last), optional
        Period labels naming the horizon; by default the contiguous run of periods found in
        ``budget.csv`` and ``capacity.csv``.

    Returns
    -------
    Portfolio
        Non-fatal findings (unknown columns, capacity taken as 0, …) are in
        ``Portfolio.warnings`` and issued once as a :class:`PortfolioWarning`.

    Raises
    ------
    PortfolioValidationError
        Listing every problem found in every file (file, row, column, value, rule).
    FileNotFoundError
        When ``path`` is neither a folder nor a workbook.

    Examples
    --------
    >>> from pmo_analytics import load_portfolio
    >>> portfolio = load_portfolio("data/sample")  # doctest: +SKIP
    >>> portfolio.projects.loc["P001", "name"]  # doctest: +SKIP
    'ERP upgrade to S/4HANA'
    """
    log, warn = ProblemLog(), ProblemLog()
    raws, label = read_raw_tables(path, log, warn)
    freq = choose_frequency(raws)
    tables = {name: parse_table(raw, log, warn, freq=freq) for name, raw in raws.items()}
    found_horizon = determine_horizon(tables, raws, freq, log, horizon=horizon)
    check_cross_file(raws, tables, found_horizon, log, warn)
    if log:
        raise PortfolioValidationError(log.frame(), source=label)
    if horizon is not None:
        for name in ("capacity", "budget"):
            inside = tables[name]["period"].isin(pd.PeriodIndex(found_horizon))
            tables[name] = tables[name][inside.to_numpy()].reset_index(drop=True)
    warnings = warn.frame()
    projects = tables.pop("projects").set_index("project_id")
    from .ahp import AHPInputError

    try:
        portfolio = make_portfolio(
            {"projects": projects, **tables}, horizon=found_horizon, warnings=warnings
        )
    except AHPInputError as err:  # a safety net: check_judgements reports these first
        for text in err.problems:
            log.add(raws["comparisons"].source, None, "", "", text)
        raise PortfolioValidationError(log.frame(), source=label) from None
    if len(warnings):
        _warnings.warn(
            f"{len(warnings)} note{'s' if len(warnings) != 1 else ''} on {label} "
            "(see Portfolio.warnings):\n" + format_problems(warnings),
            PortfolioWarning,
            stacklevel=2,
        )
    return portfolio


# --------------------------------------------------------------------------- writing
def portfolio_tables(portfolio: Portfolio) -> dict[str, pd.DataFrame]:
    """Every contract table of the portfolio in file form: period labels as text, no derived
    columns, ``projects`` with ``project_id`` as its first column.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> tables = portfolio_tables(generate_portfolio(3, n_periods=4, n_roles=2, seed=0))
    >>> list(tables) == list(TABLES)
    True
    """
    out = {}
    projects = portfolio.projects.drop(columns=list(DERIVED_PROJECT_COLUMNS)).reset_index()
    for name in TABLES:
        frame = projects if name == "projects" else getattr(portfolio, name)
        frame = frame.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.PeriodDtype):
                frame[column] = frame[column].astype("str").where(frame[column].notna(), "")
        out[name] = frame
    return out


def write_portfolio(portfolio: Portfolio, path: str | os.PathLike[str]) -> Path:
    """Save a portfolio in the contract format: a folder of CSVs, or a workbook if ``path``
    ends in ``.xlsx``.

    Every contract file is written (an empty optional table as a header row, which loads as
    absent), so that a folder written over keeps no stale table. Files are written atomically
    (all of them or none); text that a spreadsheet would read as a formula is neutralised
    (and restored by :func:`load_portfolio`).

    Returns
    -------
    Path
        The folder or workbook written.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> import tempfile, pathlib
    >>> p = generate_portfolio(8, n_periods=4, n_roles=2, seed=0)
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "copy"
    >>> _ = write_portfolio(p, folder)
    >>> load_portfolio(folder) == p
    True
    """
    target = Path(path)
    tables = portfolio_tables(portfolio)
    if target.suffix.lower() == ".xlsx":
        from .excel import write_sheets

        write_sheets(tables, target)
        return target
    with safety.staged_directory(target) as stage:
        for name, frame in tables.items():
            safety.write_csv_atomic(stage / f"{name}.csv", frame)
    return target
