"""Validation: from raw text tables to typed tables, collecting every problem on the way.

What is found is logged in a :class:`ProblemLog` against the :class:`RawTable` it came from, and
nothing raises until every file has been read: :class:`PortfolioValidationError` then lists
every problem with its file, row (as the user sees it, the header is row 1), column, value and
rule. The per-table checks are here — every column of the contract typed (by
:mod:`.cells`), ranges, duplicate keys — as stated once in :mod:`.schema`; the planning horizon
is found in :mod:`.horizon` and the cross-file rules (unknown ids, roles and criteria, windows,
dependency cycles) are in :mod:`.consistency`. Every check works on whole columns.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import PROBLEM_COLUMNS
from ..periods import NAT_ORDINAL
from .cells import encode_text, parse_cells
from .schema import TABLES, ColumnSpec, TableSpec


@dataclass
class RawTable:
    """A contract file as read: text cells (stripped, blank = ""), row numbers as users see them.

    ``frame`` has one text column per header cell (normalised: stripped, lower case) and one
    row per non-blank line; ``rows[i]`` is the row number of ``frame``'s i-th row in the file
    or sheet (header = row 1, blank lines counted). An unreadable table is empty and its
    contents are not used to judge other files (no flood of "unknown id" problems).
    """

    name: str
    source: str
    frame: pd.DataFrame
    rows: np.ndarray
    decimal_comma: bool = False
    readable: bool = True  # False for a required file that is missing or could not be read
    header_row: int = 1


class ProblemLog:
    """Collects problems (or warnings) as columns; rows are added a whole mask at a time."""

    def __init__(self) -> None:
        self._parts: list[dict[str, object]] = []

    def add(self, file: str, row: object, column: str, value: object, rule: str) -> None:
        """Add one problem (``row`` None for a whole file or column)."""
        self._parts.append(
            {
                "file": [file],
                "row": np.array([np.nan if row is None else float(row)]),
                "column": [column],
                "value": ["" if value is None else str(value)],
                "rule": [rule],
            }
        )

    def add_rows(
        self,
        table: RawTable,
        mask: np.ndarray | pd.Series,
        column: str,
        values: pd.Series | np.ndarray,
        rule: str | pd.Series | np.ndarray,
    ) -> None:
        """One problem per True in ``mask`` (aligned with ``table.rows``).

        ``values`` are the offending values (shown as text); ``rule`` is one string or one per
        row of the table.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        shown = pd.Series(np.asarray(values, dtype=object)[mask])
        rules = np.asarray(rule, dtype=object)[mask] if not isinstance(rule, str) else rule
        self._parts.append(
            {
                "file": table.source,
                "row": table.rows[mask].astype(float),
                "column": column,
                "value": shown.map(_text).to_numpy(dtype=object),
                "rule": rules,
            }
        )

    def frame(self) -> pd.DataFrame:
        """The problems, grouped by file (in the order files were first named), then by row."""
        if not self._parts:
            return pd.DataFrame(
                {
                    "file": pd.Series(dtype="str"),
                    "row": pd.Series(dtype="Int64"),
                    "column": pd.Series(dtype="str"),
                    "value": pd.Series(dtype="str"),
                    "rule": pd.Series(dtype="str"),
                }
            )
        out = pd.concat([pd.DataFrame(part) for part in self._parts], ignore_index=True)
        rank = pd.Series(pd.factorize(out["file"])[0])
        order = np.lexsort((out["row"].fillna(0).to_numpy(), rank.to_numpy()))
        out = out.iloc[order].reset_index(drop=True)
        out["row"] = out["row"].astype("Int64")
        for column in ("file", "column", "value", "rule"):
            out[column] = out[column].astype("str")
        return out[PROBLEM_COLUMNS]

    def __bool__(self) -> bool:
        return bool(self._parts)


def _text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if value != value else f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------- per-table checks
def _range_rule(col: ColumnSpec) -> str:
    if col.rule:
        return col.rule
    if col.minimum is not None and col.maximum is not None:
        return f"must lie in [{col.minimum:g}, {col.maximum:g}]"
    if col.minimum == 0:
        return "must not be negative"
    return f"must be at least {col.minimum:g}"


def _check_ranges(table: RawTable, typed: pd.DataFrame, spec: TableSpec, log: ProblemLog) -> None:
    for name, col in spec.columns.items():
        if name not in table.frame.columns or col.kind not in ("int", "float"):
            continue
        if col.minimum is None and col.maximum is None:
            continue
        values = typed[name].to_numpy(dtype=float)
        outside = np.zeros(len(values), dtype=bool)
        with np.errstate(invalid="ignore"):
            if col.minimum is not None:
                outside |= values < col.minimum
            if col.maximum is not None:
                outside |= values > col.maximum
        log.add_rows(table, outside, name, table.frame[name], _range_rule(col))


def key_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row identifying its key values, and a mask of rows with a complete key."""
    combined = np.zeros(len(frame), dtype=np.int64)
    complete = np.ones(len(frame), dtype=bool)
    for key in keys:
        column = frame[key]
        complete &= column.notna().to_numpy()
        if isinstance(column.dtype, pd.PeriodDtype):
            codes, uniques = pd.factorize(column.array.asi8)
        elif pd.api.types.is_numeric_dtype(column.dtype):
            codes, uniques = pd.factorize(column.to_numpy())
        else:
            codes, uniques = encode_text(column)
        combined = combined * (len(uniques) + 1) + codes
    return combined, complete


def _check_duplicates(
    table: RawTable, typed: pd.DataFrame, spec: TableSpec, log: ProblemLog
) -> None:
    keys = list(spec.key)
    if typed.empty or not all(
        k in table.frame.columns or spec.columns[k].default is not None for k in keys
    ):
        return
    combined, complete = key_codes(typed, keys)
    series = pd.Series(combined)
    dup = series.duplicated(keep="first").to_numpy() & complete
    if not dup.any():
        return
    positions = np.flatnonzero(dup)
    first_position = pd.Series(np.arange(len(series))).groupby(series).transform("first")
    first_rows = table.rows[first_position.to_numpy()[positions]]
    shown = typed[keys].iloc[positions].astype("str")
    joined = shown.iloc[:, 0] if len(keys) == 1 else shown.agg(" / ".join, axis=1)
    values = np.empty(len(typed), dtype=object)
    values[positions] = joined.to_numpy()
    rules = np.empty(len(typed), dtype=object)
    rules[positions] = [f"duplicate {', '.join(keys)} (first given in row {r})" for r in first_rows]
    log.add_rows(table, dup, ", ".join(keys), values, rules)


def _check_required_columns(
    table: RawTable, spec: TableSpec, extras: list[str], log: ProblemLog
) -> None:
    """A problem per required column the header lacks, showing what the header has and,
    where an unknown header cell is close, which one may be meant."""
    header = ", ".join(str(c) for c in table.frame.columns)
    for column in spec.required_columns:
        if column in table.frame.columns:
            continue
        close = difflib.get_close_matches(column, [str(c) for c in extras], n=1, cutoff=0.7)
        hint = f" (is {close[0]!r} meant to be {column!r}?)" if close else ""
        log.add(table.source, table.header_row, column, header, f"required column missing{hint}")


def parse_table(
    table: RawTable, log: ProblemLog, warnings: ProblemLog, *, freq: str | None = None
) -> pd.DataFrame:
    """Typed frame of one raw table: every contract column (defaults filled, absent optional
    columns added), then extra columns as text; problems are logged, bad cells become missing.

    Row ``i`` of the result is row ``table.rows[i]`` of the file.
    """
    spec = TABLES[table.name]
    extras = [c for c in table.frame.columns if c not in spec.columns]
    _check_required_columns(table, spec, extras, log)
    for column in extras:
        warnings.add(
            table.source, table.header_row, column, column, "unknown column (kept, not used)"
        )
    index = pd.RangeIndex(len(table.frame))
    if not len(index):  # an absent optional file, or a header without rows
        empty = {
            c: _absent_column(col, 0, freq)
            for c, col in spec.columns.items()
            if col.added or c in table.frame.columns
        }
        empty.update({c: pd.Series(dtype="str") for c in extras})
        return pd.DataFrame(empty, index=index)
    frame = table.frame.set_axis(index, axis=0)
    table = dataclasses.replace(table, frame=frame)
    typed: dict[str, pd.Series] = {}
    for column, col in spec.columns.items():
        if column in frame.columns:
            text = frame[column]
            typed[column], problems = parse_cells(
                text, col, freq=freq, decimal_comma=table.decimal_comma
            )
            for bad, rule in problems:
                log.add_rows(table, bad, column, text, rule)
        elif col.added:
            typed[column] = _absent_column(col, len(frame), freq)
    for column in extras:
        typed[column] = frame[column].where(frame[column] != "").astype("str")
    out = pd.DataFrame(typed, index=index)
    _check_ranges(table, out, spec, log)
    _check_duplicates(table, out, spec, log)
    if table.name == "comparisons":  # 0.11 is how 1/9 is written with two decimals
        out["ratio"] = out["ratio"].mask(out["ratio"].between(0.11, 1 / 9), 1 / 9)
    return out


def _absent_column(col: ColumnSpec, n: int, freq: str | None) -> pd.Series:
    if col.kind == "period":
        return pd.Series(
            pd.PeriodIndex.from_ordinals(np.full(n, NAT_ORDINAL), freq=freq or "Q-DEC")
        )
    if col.kind == "bool":
        return pd.Series(np.full(n, bool(col.default)), dtype=bool)
    if col.kind in ("int", "float"):
        return pd.Series(np.full(n, np.nan if col.default is None else float(col.default)))
    return pd.Series(
        [col.default] * n if col.default is not None else np.full(n, np.nan), dtype="str"
    )


def empty_raw_table(name: str, source: str, *, readable: bool = True) -> RawTable:
    """A raw table with the contract's columns and no rows: an absent optional file, or
    (``readable=False``) a required file that is missing or could not be read."""
    columns = [c for c, col in TABLES[name].columns.items() if col.added]
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    return RawTable(name, source, frame, np.array([], dtype=np.int64), readable=readable)
