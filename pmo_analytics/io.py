"""Reading and writing portfolios: a folder of CSV files or one .xlsx workbook.

:func:`load_portfolio` reads every contract file as text, validates everything (collecting every
problem before failing) and returns a :class:`~pmo_analytics.portfolio.Portfolio`.
:func:`write_portfolio` saves any portfolio in the contract format; loading what it wrote gives
an equal portfolio.
"""

from __future__ import annotations

import io as _io
import os
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
    determine_horizon,
    empty_raw_table,
    parse_table,
    unify_frequency,
)


class PortfolioWarning(UserWarning):
    """Something in the portfolio was accepted but deserves a look (see ``Portfolio.warnings``)."""


# --------------------------------------------------------------------------- reading text
def _normalise_header(columns: list[object]) -> list[str]:
    return [str(c).replace("\ufeff", "").strip().lower() for c in columns]


def _strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        text = frame[column].astype(str).str.strip()
        quoted = text.str.startswith("'")
        if quoted.any():  # text the library neutralised on export
            text = text.where(~quoted, text[quoted].map(safety.restore_text))
        out[column] = text
    return pd.DataFrame(out, index=frame.index)


def _raw_from_frame(name: str, source: str, frame: pd.DataFrame, decimal_comma: bool) -> RawTable:
    frame = frame.copy()
    frame.columns = _normalise_header(list(frame.columns))
    frame = _strip_cells(frame.fillna(""))
    rows = np.arange(len(frame)) + 2  # the header is row 1
    keep = (frame != "").any(axis=1).to_numpy() if len(frame.columns) else np.zeros(len(frame), bool)
    frame = frame[keep].reset_index(drop=True)
    return RawTable(name, source, frame, rows[keep], decimal_comma)


def read_csv_table(path: Path, name: str, log: ProblemLog) -> RawTable | None:
    """Read one CSV as text: UTF-8 with or without BOM, comma or semicolon separated."""
    source = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        log.add(source, None, "", "", f"not UTF-8 text ({err.reason} at byte {err.start})")
        return None
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(
            _io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        log.add(source, None, "", "", f"cannot be read as CSV: {str(err).strip()}")
        return None
    return _raw_from_frame(name, source, frame, decimal_comma=sep == ";")


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_workbook_tables(path: Path, log: ProblemLog) -> dict[str, RawTable]:
    """Read the contract sheets of a workbook as text (sheet name = file name without .csv)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        log.add(path.name, None, "", "", f"cannot be read as an .xlsx workbook: {err}")
        return {}
    tables: dict[str, RawTable] = {}
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip().lower().removesuffix(".csv")
            if name not in TABLES:
                continue
            rows = [[_excel_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if not rows:
                frame = pd.DataFrame()
            else:
                width = max(len(r) for r in rows)
                header = (rows[0] + [""] * width)[:width]
                keep = [i for i, h in enumerate(header) if h.strip() != ""]
                body = [[(r + [""] * width)[i] for i in keep] for r in rows[1:]]
                frame = pd.DataFrame(body, columns=[header[i] for i in keep], dtype=object)
            tables[name] = _raw_from_frame(name, f"{path.name}[{sheet.title}]", frame, False)
    finally:
        book.close()
    return tables


def read_raw_tables(path: str | os.PathLike[str], log: ProblemLog) -> tuple[dict[str, RawTable], str]:
    """Raw text tables of a portfolio folder or workbook; missing files become empty tables."""
    root = Path(path)
    if root.is_dir():
        found = {}
        for name in TABLES:
            file = root / f"{name}.csv"
            if file.is_file():
                table = read_csv_table(file, name, log)
                if table is not None:
                    found[name] = table
            elif TABLES[name].required:
                log.add(file.name, None, "", "", "required file missing")
        label = str(root)
    elif root.is_file() and root.suffix.lower() in (".xlsx", ".xlsm"):
        found = read_workbook_tables(root, log)
        for name, spec in TABLES.items():
            if spec.required and name not in found and not log:
                log.add(f"{root.name}[{name}]", None, "", "", "required sheet missing")
        label = str(root)
    else:
        raise FileNotFoundError(
            f"{root} is neither a folder of CSV files nor an .xlsx workbook"
        )
    raws = {}
    for name in TABLES:
        source = found[name].source if name in found else (
            f"{name}.csv" if root.is_dir() else f"{root.name}[{name}]"
        )
        raws[name] = found.get(name) or empty_raw_table(name, source)
    return raws, label


# --------------------------------------------------------------------------- typing
def _complete_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Add absent optional contract columns, fill defaults, set dtypes; contract order first."""
    spec = TABLES[name]
    out = frame.copy()
    for column, col in spec.columns.items():
        if column not in out:
            out[column] = None
        if col.default is not None:
            out[column] = out[column].where(out[column].notna(), col.default)
        if col.kind == "float":
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
        elif col.kind == "int":
            out[column] = pd.to_numeric(out[column], errors="coerce")
        elif col.kind == "bool":
            out[column] = out[column].astype(bool)
    extras = [c for c in out.columns if c not in spec.columns]
    return out[[*spec.columns, *extras]]


def _typed_portfolio(tables: dict[str, pd.DataFrame], horizon, warnings: pd.DataFrame) -> Portfolio:
    typed = {}
    for name, frame in tables.items():
        frame = _complete_columns(name, frame)
        for column, col in TABLES[name].columns.items():
            if col.kind == "int":
                frame[column] = frame[column].astype("int64") if frame[column].notna().all() else frame[column]
            if col.kind in ("id", "text", "choice"):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        typed[name] = frame
    projects = typed.pop("projects").set_index("project_id")
    return make_portfolio({"projects": projects, **typed}, horizon=horizon, warnings=warnings)


def load_portfolio(
    path: str | os.PathLike[str], *, horizon: tuple[str, str] | None = None
) -> Portfolio:
    """Load and validate a portfolio from a folder of CSV files or an .xlsx workbook.

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
    raws, label = read_raw_tables(path, log)
    tables = {name: _complete_columns(name, parse_table(raw, log, warn)) for name, raw in raws.items()}
    freq = unify_frequency(tables, raws, log)
    found_horizon = determine_horizon(tables, raws, freq, log, horizon=horizon)
    check_cross_file(raws, tables, found_horizon, log, warn)
    if log:
        raise PortfolioValidationError(log.frame(), source=label)
    if horizon is not None:
        tables["capacity"] = tables["capacity"][tables["capacity"]["period"].isin(found_horizon)]
        tables["budget"] = tables["budget"][tables["budget"]["period"].isin(found_horizon)]
    warnings = warn.frame()
    portfolio = _typed_portfolio(tables, found_horizon, warnings)
    if len(warnings):
        _warnings.warn(
            f"{len(warnings)} note{'s' if len(warnings) != 1 else ''} on {label} "
            "(see Portfolio.warnings):\n" + warnings.to_string(index=False, na_rep=""),
            PortfolioWarning,
            stacklevel=2,
        )
    return portfolio


# --------------------------------------------------------------------------- writing
def portfolio_tables(portfolio: Portfolio) -> dict[str, pd.DataFrame]:
    """The portfolio's tables in contract form (period labels as text, no derived columns).

    Optional tables that are empty are left out.
    """
    out = {}
    projects = portfolio.projects.drop(columns=list(DERIVED_PROJECT_COLUMNS)).reset_index()
    for name in TABLES:
        frame = projects if name == "projects" else getattr(portfolio, name)
        if frame.empty and not TABLES[name].required:
            continue
        frame = frame.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.PeriodDtype):
                frame[column] = frame[column].astype(str).where(frame[column].notna(), "")
        out[name] = frame
    return out


def write_portfolio(portfolio: Portfolio, path: str | os.PathLike[str]) -> Path:
    """Save a portfolio in the contract format: a folder of CSVs, or a workbook if ``path``
    ends in ``.xlsx``. Files are written atomically; text that a spreadsheet would read as a
    formula is neutralised (and restored by :func:`load_portfolio`).

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

        write_sheets({name: frame for name, frame in tables.items()}, target)
        return target
    with safety.staged_directory(target) as stage:
        for name, frame in tables.items():
            safety.write_csv_atomic(stage / f"{name}.csv", frame)
    return target
