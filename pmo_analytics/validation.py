"""Validation: from raw text tables to typed tables, collecting every problem on the way.

Per-table checks (types, ranges, allowed words) come from the contract in :mod:`.schema`; the
range and allowed-word checks run as pandera schemas, so each table yields one frame of failure
cases. Cross-file rules (unknown ids, roles and criteria, the horizon, windows, cycles) follow.
Nothing raises until every file has been read: :class:`PortfolioValidationError` then lists every
problem with its file, row (as the user sees it, the header is row 1), column, value and rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import periods as _periods
from .schema import CLOSED_STATUSES, TABLES, ColumnSpec, TableSpec

PROBLEM_COLUMNS = ["file", "row", "column", "value", "rule"]
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


class PortfolioValidationError(ValueError):
    """The portfolio breaks the data contract; ``.problems`` lists every problem found.

    ``.problems`` is a DataFrame with the columns file, row, column, value, rule (row as the
    user sees it in the file, header = row 1; blank where a problem concerns a whole file or
    column).
    """

    def __init__(self, problems: pd.DataFrame, *, source: str = "portfolio") -> None:
        self.problems = problems.reset_index(drop=True)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.source}:"
        return head + "\n" + format_problems(self.problems)


def format_problems(problems: pd.DataFrame) -> str:
    """A readable fixed-width table of problems (as printed by the command line)."""
    shown = problems.copy()
    shown["row"] = shown["row"].astype("Int64").astype("string").fillna("")
    shown["value"] = shown["value"].astype("string").fillna("").str.slice(0, 40)
    return shown.to_string(index=False, na_rep="")


@dataclass
class RawTable:
    """A contract file as read: text cells (stripped, blank = ""), row numbers as users see them."""

    name: str
    source: str
    frame: pd.DataFrame
    rows: np.ndarray
    decimal_comma: bool = False


class ProblemLog:
    """Collects problems (and warnings) as frames; vectorised additions."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(self, file: str, row: object, column: str, value: object, rule: str) -> None:
        self._parts.append(
            pd.DataFrame(
                {"file": [file], "row": [row], "column": [column], "value": [value], "rule": [rule]}
            )
        )

    def add_rows(
        self, table: RawTable, mask: np.ndarray | pd.Series, column: str, values: pd.Series, rule
    ) -> None:
        """Add one problem per True in ``mask``; ``rule`` is a string or a Series of strings."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rules = rule[mask].to_numpy() if isinstance(rule, pd.Series) else rule
        self._parts.append(
            pd.DataFrame(
                {
                    "file": table.source,
                    "row": table.rows[mask],
                    "column": column,
                    "value": pd.Series(values).to_numpy()[mask].astype(str),
                    "rule": rules,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}).astype(
                {"row": "Int64"}
            )
        out = pd.concat(self._parts, ignore_index=True)
        out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
        out["value"] = out["value"].map(lambda v: "" if v is None or v is pd.NA else str(v))
        return out[PROBLEM_COLUMNS]

    def __bool__(self) -> bool:
        return bool(self._parts)


# --------------------------------------------------------------------------- cell parsing
def _parse_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    cleaned = text
    if decimal_comma:
        comma = cleaned.str.fullmatch(r"-?\d+,\d+")
        cleaned = cleaned.where(~comma, cleaned.str.replace(",", ".", regex=False))
    numbers = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce").astype(float)
    leftover = numbers.isna() & (cleaned != "")
    if leftover.any():  # fractions like 1/3 (AHP judgements)
        fractions = cleaned[leftover].str.extract(_FRACTION).astype(float)
        numbers[leftover] = fractions[0] / fractions[1].replace(0.0, np.nan)
    return numbers


def _parse_column(
    table: RawTable, column: str, spec: ColumnSpec, log: ProblemLog
) -> pd.Series:
    """Typed values of one column; unparsable cells are logged and become missing."""
    text = table.frame[column]
    blank = (text == "").to_numpy()
    if spec.required:
        log.add_rows(table, blank, column, text, "a value is required")
    kind = spec.kind
    if kind in ("id", "text"):
        values = text.where(~blank)
        return values.astype(object).where(~blank, None)
    if kind == "choice":
        values = text.str.lower().where(~blank)
        return values.astype(object).where(~blank, None)
    if kind == "bool":
        lowered = text.str.lower()
        truth = lowered.isin(_TRUE)
        falsity = lowered.isin(_FALSE)
        bad = ~blank & ~(truth | falsity).to_numpy()
        log.add_rows(table, bad, column, text, "not a boolean (use true/false, yes/no or 1/0)")
        return pd.Series(np.where(truth, True, np.where(falsity, False, None)), index=text.index)
    if kind == "period":
        values, bad = _periods.parse_period_series(text)
        log.add_rows(
            table,
            bad.to_numpy(),
            column,
            text,
            "not a period label (use quarters like 2027Q1 or months like 2027-01)",
        )
        return values
    numbers = _parse_numbers(text, table.decimal_comma)
    bad = ~blank & numbers.isna().to_numpy()
    log.add_rows(table, bad, column, text, "not a number")
    if kind == "int":
        fractional = numbers.notna() & (numbers != np.floor(numbers))
        log.add_rows(table, fractional.to_numpy(), column, text, "must be a whole number")
        numbers = numbers.where(~fractional)
    return numbers


# --------------------------------------------------------------------------- per-table checks
def _range_schema(spec: TableSpec, present: list[str]):
    """The pandera schema of a table's value rules (ranges and allowed words)."""
    import pandera.pandas as pa

    columns = {}
    for name in present:
        col = spec.columns[name]
        checks = []
        if col.minimum is not None and col.maximum is not None:
            rule = col.rule or f"must lie in [{col.minimum:g}, {col.maximum:g}]"
            checks.append(pa.Check.in_range(col.minimum, col.maximum, error=rule))
        elif col.minimum is not None:
            rule = col.rule or (
                "must not be negative" if col.minimum == 0 else f"must be at least {col.minimum:g}"
            )
            checks.append(pa.Check.ge(col.minimum, error=rule))
        if col.choices is not None:
            checks.append(
                pa.Check.isin(list(col.choices), error="must be one of: " + ", ".join(col.choices))
            )
        if checks:
            columns[name] = pa.Column(checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(columns)


def _check_values(table: RawTable, typed: pd.DataFrame, spec: TableSpec, log: ProblemLog) -> None:
    import pandera.errors as pa_errors

    present = [c for c in typed.columns if c in spec.columns]
    schema = _range_schema(spec, present)
    if not schema.columns:
        return
    try:
        schema.validate(typed, lazy=True)
    except pa_errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        positions = cases["index"].astype(int).to_numpy()
        text = table.frame.reset_index(drop=True)
        for column, rule, pos in zip(cases["column"], cases["check"], positions, strict=True):
            log.add(table.source, table.rows[pos], column, text.at[pos, column], rule)


def _check_duplicates(table: RawTable, typed: pd.DataFrame, key: tuple[str, ...], log: ProblemLog) -> None:
    keys = [k for k in key if k in typed.columns]
    if len(keys) != len(key) or typed.empty:
        return
    frame = typed[keys].astype(str)
    complete = typed[keys].notna().all(axis=1).to_numpy()
    dup = frame.duplicated(keep="first").to_numpy() & complete
    if not dup.any():
        return
    first_row = pd.Series(table.rows, index=frame.index).groupby([frame[k] for k in keys]).transform("first")
    joined = frame.agg(" / ".join, axis=1) if len(keys) > 1 else frame[keys[0]]
    rules = "duplicate " + ", ".join(keys) + "; first given in row " + first_row.astype(str)
    log.add_rows(table, dup, ", ".join(keys), joined, rules)


def parse_table(table: RawTable, log: ProblemLog, warnings: ProblemLog) -> pd.DataFrame:
    """Typed frame of one raw table (contract columns typed, extra columns kept as text)."""
    spec = TABLES[table.name]
    missing = [c for c in spec.required_columns if c not in table.frame.columns]
    for column in missing:
        log.add(table.source, None, column, "", "required column missing")
    for column in table.frame.columns:
        if column not in spec.columns:
            warnings.add(table.source, 1, column, column, "unknown column (kept, not used)")
    typed = {}
    for column in table.frame.columns:
        if column in spec.columns:
            typed[column] = _parse_column(table, column, spec.columns[column], log)
        else:
            typed[column] = table.frame[column].where(table.frame[column] != "")
    frame = pd.DataFrame(typed, index=table.frame.index).reset_index(drop=True)
    _check_values(table, frame, spec, log)
    _check_duplicates(table, frame, spec.key, log)
    return frame


def empty_raw_table(name: str, source: str) -> RawTable:
    """A raw table with the contract's columns and no rows (an absent optional file)."""
    columns = list(TABLES[name].columns)
    return RawTable(name, source, pd.DataFrame({c: pd.Series(dtype=str) for c in columns}), np.array([], dtype=int))


# --------------------------------------------------------------------------- periods & horizon
def unify_frequency(
    tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], log: ProblemLog
) -> str | None:
    """Choose the portfolio's frequency and convert every period column to it.

    The frequency of budget and capacity periods decides (the most common one); any period of
    another frequency is a problem. Returns the frequency, or ``None`` when no period parsed.
    """
    period_columns = [
        (name, column)
        for name, frame in tables.items()
        for column, spec in TABLES[name].columns.items()
        if spec.kind == "period" and column in frame.columns
    ]

    def freqs(name: str, column: str) -> pd.Series:
        return tables[name][column].map(lambda p: None if p is None else p.freqstr)

    deciding = [freqs(n, c) for n, c in period_columns if n in ("capacity", "budget")]
    counts = pd.concat(deciding).value_counts() if deciding else pd.Series(dtype=int)
    if counts.empty:
        everything = [freqs(n, c) for n, c in period_columns]
        counts = pd.concat(everything).value_counts() if everything else counts
    if counts.empty:
        return None
    freq = str(counts.index[0])
    word = _periods.FREQUENCIES[freq]
    for name, column in period_columns:
        f = freqs(name, column)
        bad = (f.notna() & (f != freq)).to_numpy()
        log.add_rows(
            raws[name], bad, column, raws[name].frame[column].reset_index(drop=True),
            f"mixed period frequencies: this portfolio uses {word}",
        )
        values = tables[name][column].where(~bad, None)
        tables[name][column] = pd.PeriodIndex(
            [pd.NaT if v is None else v for v in values], freq=freq
        ).to_series(index=values.index)
    return freq


def determine_horizon(
    tables: dict[str, pd.DataFrame],
    raws: dict[str, RawTable],
    freq: str | None,
    log: ProblemLog,
    *,
    horizon: tuple[str, str] | None = None,
) -> tuple[pd.Period, ...]:
    """The contiguous run of budget and capacity periods (or the named one); gaps are problems."""
    if horizon is not None:
        first, last = (pd.Period(h, freq=freq) if freq else pd.Period(h) for h in horizon)
        if last < first:
            log.add("run options", None, "horizon", f"{first}..{last}", "horizon ends before it starts")
            return ()
        return _periods.period_range(first, last)
    found = pd.concat(
        [tables["capacity"]["period"], tables["budget"]["period"]] if "period" in tables["budget"] else [tables["capacity"]["period"]]
    ).dropna()
    if found.empty or freq is None:
        log.add(raws["capacity"].source, None, "period", "", "no capacity periods: the horizon is empty")
        return ()
    unique = pd.PeriodIndex(found.unique(), freq=freq).sort_values()
    full = _periods.period_range(unique[0], unique[-1])
    missing = sorted(set(full) - set(unique))
    for period in missing:
        log.add(
            "capacity.csv / budget.csv", None, "period", str(period),
            f"gap in the horizon {full[0]}..{full[-1]}: no budget or capacity row for {period}",
        )
    return full if not missing else ()
