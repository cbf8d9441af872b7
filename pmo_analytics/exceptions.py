"""Every error and warning the package raises, under one base class.

A script can catch all of them with ``except pa.PmoAnalyticsError``. Each error also derives
from the built-in exception it used to be (``ValueError`` for bad input, ``RuntimeError`` for
an infeasible plan, ...), so existing ``except ValueError`` clauses keep working.

- :class:`PortfolioValidationError` — the portfolio files break the data contract (every
  problem listed, with file, row, column, value and rule); :class:`PreviousPlanError` the same
  for last quarter's plan files.
- :class:`ScenarioError` — a scenario file breaks the scenario contract.
- :class:`AHPInputError` — pairwise judgements that cannot give weights.
- :class:`OptionsError` — an option or argument of a call is not valid (a negative budget, an
  unknown solver, a project id the portfolio does not have).
  :class:`ArgumentTypeError` (an argument of the wrong kind) and :class:`UnknownNameError` (a
  project id or column the data lacks) are kinds of it.
- :class:`PortfolioNotFoundError` — the path is neither a folder nor a workbook.
- :class:`OutputFolderError` — the output folder cannot take the outputs (a file, under a
  file, the working folder, an input, ...): found before any work is done.
- :class:`InfeasiblePlanError` — no plan satisfies the rules; its plan holds the diagnosis.
- :class:`SolverError` — the solver failed in a way that is not about the rules.
- :class:`RenderError` — a chart or the report could not be drawn.
- :class:`PortfolioWarning` — something accepted that deserves a look.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .optimise import Plan

#: Columns of a problem table (``PortfolioValidationError.problems``).
PROBLEM_COLUMNS = ["file", "row", "column", "value", "rule"]


class PmoAnalyticsError(Exception):
    """Base class of every error pmo_analytics raises on purpose."""


class PmoAnalyticsWarning(UserWarning):
    """Base class of the package's warnings."""


class PortfolioWarning(PmoAnalyticsWarning):
    """Something in the portfolio was accepted but deserves a look (see ``Portfolio.warnings``)."""


class OptionsError(PmoAnalyticsError, ValueError):
    """An option or argument is not valid; the message says which and what would be.

    Examples
    --------
    >>> raise OptionsError("time_limit=-1 must be a positive number of seconds")
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.OptionsError: time_limit=-1 must be a positive number of seconds
    """


class ArgumentTypeError(OptionsError, TypeError):
    """An argument of the wrong kind (a frame where a result was expected, ...)."""


class UnknownNameError(OptionsError, KeyError):
    """A project id, column or other name that the data does not have."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class PortfolioNotFoundError(PmoAnalyticsError, FileNotFoundError):
    """The path given is neither a folder of CSV files nor an .xlsx workbook."""


class OutputFolderError(PmoAnalyticsError, ValueError):
    """The output folder cannot take the outputs; the message says why and what would do.

    Examples
    --------
    >>> raise OutputFolderError("--out plan.csv is a file, not a folder")
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.OutputFolderError: --out plan.csv is a file, not a folder
    """


class SolverError(PmoAnalyticsError, RuntimeError):
    """The solver failed for a reason other than the rules (no plan within its limits, ...)."""


class RenderError(PmoAnalyticsError, RuntimeError):
    """A chart or report could not be drawn (e.g. a JavaScript bundle missing a library)."""


def format_problems(problems: pd.DataFrame) -> str:
    """A readable fixed-width table of problems (as printed by the command line).

    Text columns are aligned left, row numbers right; values longer than 40 characters are
    cut with an ellipsis.

    Examples
    --------
    >>> problems = pd.DataFrame({"file": ["budget.csv"], "row": [3], "column": ["amount"],
    ...                          "value": ["-5"], "rule": ["must not be negative"]})
    >>> print(format_problems(problems))
    file        row  column  value  rule
    budget.csv    3  amount  -5     must not be negative
    """
    shown = pd.DataFrame(
        {
            "file": problems["file"].astype("str").fillna(""),
            "row": problems["row"].astype("Int64").astype("string").fillna("").astype("str"),
            "column": problems["column"].astype("str").fillna(""),
            "value": problems["value"].astype("str").fillna(""),
            "rule": problems["rule"].astype("str").fillna(""),
        }
    )
    long = shown["value"].str.len() > 40
    shown["value"] = shown["value"].where(~long, shown["value"].str.slice(0, 39) + "…")
    parts = []
    for column in PROBLEM_COLUMNS:
        cells = pd.concat([pd.Series([column]), shown[column]], ignore_index=True)
        if column == "rule":
            parts.append(cells)
            continue
        width = int(cells.str.len().max())
        parts.append(cells.str.rjust(width) if column == "row" else cells.str.ljust(width))
    lines = parts[0]
    for part in parts[1:]:
        lines = lines + "  " + part
    return "\n".join(lines.str.rstrip())


class PortfolioValidationError(PmoAnalyticsError, ValueError):
    """The portfolio breaks the data contract; ``.problems`` lists every problem found.

    ``.problems`` is a DataFrame with the columns file, row, column, value, rule (row as the
    user sees it in the file, header = row 1; missing where a problem concerns a whole file).
    The message is the same list as a readable table.

    Examples
    --------
    >>> problems = pd.DataFrame({"file": ["budget.csv"], "row": [3], "column": ["amount"],
    ...                          "value": ["-5"], "rule": ["must not be negative"]})
    >>> print(PortfolioValidationError(problems, source="q3"))
    1 problem in q3:
    file        row  column  value  rule
    budget.csv    3  amount  -5     must not be negative
    """

    def __init__(self, problems: pd.DataFrame, *, source: str = "portfolio") -> None:
        self.problems = problems.reset_index(drop=True)
        self.source = source
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {source}:"
        super().__init__(head + "\n" + format_problems(self.problems))


class PreviousPlanError(PortfolioValidationError):
    """The previous plan's files are missing or broken; ``.problems`` lists every problem."""


#: A problem of a scenario: (key path as written in the file, value as TOML text, rule).
Problem = tuple[str, str, str]


class ScenarioError(PmoAnalyticsError, ValueError):
    """A scenario breaks the scenario contract; ``.problems`` lists every problem found.

    ``.problems`` is a list of ``(key, value, rule)``: the key path as written in the file
    (``capacity.add[0].role``), the offending value as TOML text and what would be valid.

    Examples
    --------
    >>> err = ScenarioError([("budget.scale", "-1", "must be a number ≥ 0")], source="cut.toml")
    >>> print(err)
    1 problem in scenario cut.toml:
      - budget.scale = -1: must be a number ≥ 0
    """

    def __init__(self, problems: Iterable[Problem], *, source: str = "") -> None:
        self.problems = [tuple(p) for p in problems]
        self.source = source
        n = len(self.problems)
        where = f"scenario {source}" if source else "the scenario"
        lines = [f"{n} problem{'s' if n != 1 else ''} in {where}:"]
        for key, value, rule in self.problems:
            shown = f"{key} = {value}" if value != "" else key
            lines.append(f"  - {shown}: {rule}")
        super().__init__("\n".join(lines))


class AHPInputError(PmoAnalyticsError, ValueError):
    """Judgements that cannot give weights; ``.problems`` lists each problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) with the pairwise judgements:\n{listed}")


class InfeasiblePlanError(PmoAnalyticsError, RuntimeError):
    """No plan satisfies the rules; ``.plan.diagnosis`` says which limits conflict."""

    def __init__(self, plan: Plan | Any) -> None:
        self.plan = plan
        lines = "\n".join(f"  - {m}" for m in plan.diagnosis["message"])
        super().__init__(
            "no plan satisfies the rules; the smallest relaxation that would:\n" + lines
        )
