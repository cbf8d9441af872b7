"""Reading and writing portfolios: a folder of CSV files or one .xlsx workbook.

:func:`load_portfolio` finds the contract tables in a folder (file names in any case) or a
workbook (one sheet per file), reads each as text (:mod:`.raw_tables`, :mod:`.excel`),
validates everything — collecting every problem before failing (:mod:`.validation`,
:mod:`.horizon`, :mod:`.consistency`) — and returns a
:class:`~pmo_analytics.portfolio.Portfolio`. It only ever reads: nothing is written into the
input folder or workbook. :func:`write_portfolio` saves any portfolio in the contract format;
loading what it wrote gives an equal portfolio.
"""

from __future__ import annotations

import os
import warnings as _warnings
from pathlib import Path

import pandas as pd

from .. import safety
from ..exceptions import (
    AHPInputError,
    PortfolioNotFoundError,
    PortfolioValidationError,
    PortfolioWarning,
    format_problems,
)
from ._cross_file import check_cross_file
from ._excel import read_workbook_tables, write_sheets
from ._horizon import choose_frequency, determine_horizon
from ._raw_tables import read_csv_table
from .container import Portfolio, make_portfolio
from .schema import DERIVED_PROJECT_COLUMNS, TABLES
from .validation import (
    ProblemLog,
    RawTable,
    empty_raw_table,
    parse_table,
)

WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")


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
        raise PortfolioNotFoundError(
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
        raise PortfolioNotFoundError(
            f"{root} is neither a folder of CSV files nor an .xlsx workbook"
        )
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
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
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
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
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
        write_sheets(tables, target)
        return target
    with safety.staged_directory(target) as stage:
        for name, frame in tables.items():
            safety.write_csv_atomic(stage / f"{name}.csv", frame)
    return target
