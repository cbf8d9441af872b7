"""The portfolio step: files → typed tables → one immutable :class:`Portfolio`.

Reading a folder of CSV files or one .xlsx workbook (``io``, ``_raw_tables``, ``_excel``), text
cells to typed values (``cells``), per-table checks and the problem log (``validation``),
cross-file rules (``_cross_file``, ``_dependency_cycles``), the horizon (``_horizon``), the contract
as data (``schema``), the container (``container``), and views of a portfolio: its summary,
overview and time-phased load (``summary``, ``overview``, ``utilisation``); ``synthetic``
generates portfolios of any size for tests and benchmarks.
"""

from __future__ import annotations

from .cells import FALSE_WORDS, TRUE_WORDS, parse_numbers, period_codes
from .container import Portfolio, make_portfolio
from .io import load_portfolio, write_portfolio
from .limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    describe_bytes,
    nesting_depth,
    read_bounded,
)
from .overview import project_overview, spend_by_group
from .schema import DERIVED_PROJECT_COLUMNS
from .summary import portfolio_summary_text
from .synthetic import generate_portfolio
from .utilisation import earliest_starts, project_load, utilisation
from .validation import ProblemLog, RawTable

__all__ = [
    "DERIVED_PROJECT_COLUMNS",
    "FALSE_WORDS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_SCENARIO_BYTES",
    "Portfolio",
    "ProblemLog",
    "RawTable",
    "TRUE_WORDS",
    "describe_bytes",
    "earliest_starts",
    "generate_portfolio",
    "load_portfolio",
    "make_portfolio",
    "nesting_depth",
    "parse_numbers",
    "period_codes",
    "portfolio_summary_text",
    "read_bounded",
    "project_load",
    "project_overview",
    "spend_by_group",
    "utilisation",
    "write_portfolio",
]
