"""Validation: from raw text tables to typed tables, collecting every problem on the way.

Per-table checks (types, ranges, allowed words, duplicate keys) come from the contract in
:mod:`.schema`; cross-file rules (unknown ids, roles and criteria, windows, cycles) live in
:mod:`.consistency`; the horizon is found here. Every check works on whole columns (pyarrow
casts, numpy masks); a column's distinct values are parsed once, never cell by cell. Nothing
raises until every file has been read: :class:`PortfolioValidationError` then lists every
problem with its file, row (as the user sees it, the header is row 1), column, value and rule.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import periods as _periods
from .schema import TABLES, ColumnSpec, TableSpec

PROBLEM_COLUMNS = ["file", "row", "column", "value", "rule"]
TRUE_WORDS: tuple[str, ...] = ("true", "yes", "1")
FALSE_WORDS: tuple[str, ...] = ("false", "no", "0")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)$")
_NAT = np.iinfo(np.int64).min


class PortfolioValidationError(ValueError):
    """The portfolio breaks the data contract; ``.problems`` lists every problem found.

    ``.problems`` is a DataFrame with the columns file, row, column, value, rule (row as the
    user sees it in the file, header = row 1; missing where a problem concerns a whole file).
    The message is the same list as a readable table.

    Examples
    --------
    >>> import pandas as pd
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
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.source}:"
        return head + "\n" + format_problems(self.problems)


def format_problems(problems: pd.DataFrame) -> str:
    """A readable fixed-width table of problems (as printed by the command line).

    Text columns are aligned left, row numbers right; values longer than 40 characters are
    cut with an ellipsis.
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


# --------------------------------------------------------------------------- text columns
def arrow_text(text: pd.Series | pd.Index):
    """The cells of a text column as one contiguous pyarrow ``large_string`` array."""
    import pyarrow as pa

    array = pa.array(text, type=pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def encode_text(text: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct values of a text column: ``uniques[codes[i]]`` is cell ``i``.

    Missing cells are encoded as ``""``. Vectorised by pyarrow's dictionary encoding.
    """
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pc.fill_null(arrow_text(text), ""))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def text_positions(text: pd.Series, keys: pd.Index | pd.Series) -> np.ndarray:
    """Position in ``keys`` of each cell of ``text`` (first match), -1 where absent or missing.

    Examples
    --------
    >>> text_positions(pd.Series(["b", "x", None]), pd.Index(["a", "b"])).tolist()
    [1, -1, -1]
    """
    import pyarrow.compute as pc

    found = pc.index_in(arrow_text(text), value_set=arrow_text(keys))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def text_isin(text: pd.Series, keys: pd.Index | pd.Series) -> np.ndarray:
    """True where a cell of ``text`` is one of ``keys`` (missing cells are not)."""
    return text_positions(text, keys) >= 0


def period_codes(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Frequency and ordinal of every period label of a column (see
    :func:`pmo_analytics.periods.parse_period_labels`); each distinct label is parsed once."""
    codes, uniques = encode_text(labels)
    freqs, ordinals = _periods.parse_period_labels(uniques)
    return freqs[codes], ordinals[codes]


# --------------------------------------------------------------------------- cell parsing
def _number_of(label: str) -> float:
    """One distinct label as a number (slow path, used only when a column has bad cells)."""
    if _NUMBER.match(label):
        return float(label)
    fraction = _FRACTION.match(label)  # AHP judgements like 1/3
    if fraction and float(fraction.group(2)) != 0.0:
        return float(fraction.group(1)) / float(fraction.group(2))
    return np.nan


def parse_numbers(text: pd.Series, *, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a text column: (values with NaN for blank and bad cells, bad-cell mask).

    Blank cells are missing, not bad. With ``decimal_comma`` (semicolon-separated files) a
    comma is the decimal mark (``1,5``). Fractions like ``1/3`` are accepted; infinities and
    NaN are not numbers.

    Examples
    --------
    >>> values, bad = parse_numbers(pd.Series(["1.5", "", "12k", "1/4"]))
    >>> values.tolist(), bad.tolist()
    ([1.5, nan, nan, 0.25], [False, False, True, False])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = text.astype("str").fillna("")
    if decimal_comma:
        comma = text.str.contains(",", regex=False) & ~text.str.contains(".", regex=False)
        if comma.any():
            text = text.where(~comma, text.str.replace(",", ".", regex=False))
    blank = (text == "").to_numpy()
    array = arrow_text(text)
    array = pc.if_else(pa.array(blank), pa.scalar(None, pa.large_string()), array)
    try:
        values = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        codes, uniques = encode_text(text)
        parsed = np.array([_number_of(u) for u in uniques], dtype=float)  # distinct labels
        values = parsed[codes]
        values[blank] = np.nan
    values = np.where(np.isfinite(values), values, np.nan)
    bad = ~blank & np.isnan(values)
    return values, bad


def _number_rule(decimal_comma: bool) -> str:
    example = "1250000 or 0,35" if decimal_comma else "1250000 or 0.35"
    return f"not a number (write plain numbers like {example}: no units or thousands separators)"


def _parse_column(
    table: RawTable, column: str, spec: ColumnSpec, freq: str | None, log: ProblemLog
) -> pd.Series:
    """Typed values of one column; unparsable cells are logged and become missing."""
    text = table.frame[column]
    blank = (text == "").to_numpy()
    if spec.required:
        log.add_rows(table, blank, column, text, "a value is required")
    kind = spec.kind
    if kind in ("id", "text"):
        values = text.where(~blank)
        if spec.default is not None:
            values = values.fillna(spec.default)
        return values.astype("str")
    if kind == "choice":
        words = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        known = words.isin(list(spec.choices or ())).to_numpy()
        bad = ~blank & ~known
        log.add_rows(table, bad, column, text, "must be one of: " + ", ".join(spec.choices or ()))
        values = words.where(known)
        if spec.default is not None:
            values = values.where(~blank, spec.default)
        return values.astype("str")
    if kind == "bool":
        lowered = text.str.lower()
        truth = lowered.isin(TRUE_WORDS).to_numpy()
        falsity = lowered.isin(FALSE_WORDS).to_numpy()
        bad = ~blank & ~truth & ~falsity
        log.add_rows(table, bad, column, text, "not a boolean (use true/false, yes/no or 1/0)")
        return pd.Series(np.where(blank, bool(spec.default), truth), index=text.index, dtype=bool)
    if kind == "period":
        return _parse_periods(table, column, text, freq, log)
    values, bad = parse_numbers(text, decimal_comma=table.decimal_comma)
    log.add_rows(table, bad, column, text, _number_rule(table.decimal_comma))
    if kind == "int":
        fractional = ~np.isnan(values) & (values != np.floor(values))
        log.add_rows(table, fractional, column, text, "must be a whole number")
        values = np.where(fractional, np.nan, values)
    if spec.default is not None:
        values = np.where(blank, float(spec.default), values)  # type: ignore[arg-type]
    out = pd.Series(values, index=text.index, dtype=float)
    if kind == "int" and not out.isna().any():
        out = out.astype("int64")
    return out


def _parse_periods(
    table: RawTable, column: str, text: pd.Series, freq: str | None, log: ProblemLog
) -> pd.Series:
    freqs, ordinals = period_codes(text)
    unparsable = np.equal(freqs, None)
    log.add_rows(
        table,
        unparsable,
        column,
        text,
        "not a period label (use quarters like 2027Q1 or months like 2027-01)",
    )
    valid = ~unparsable & (freqs != "")
    mixed = valid & (freqs != freq) if freq is not None else np.zeros(len(text), dtype=bool)
    if freq is not None:
        word = _periods.FREQUENCIES[freq]
        log.add_rows(
            table, mixed, column, text, f"mixed period frequencies: this portfolio uses {word}"
        )
    ok = valid & ~mixed
    ordinals = np.where(ok, ordinals, _NAT)
    return pd.Series(pd.PeriodIndex.from_ordinals(ordinals, freq=freq or "Q-DEC"), index=text.index)


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


def parse_table(
    table: RawTable, log: ProblemLog, warnings: ProblemLog, *, freq: str | None = None
) -> pd.DataFrame:
    """Typed frame of one raw table: every contract column (defaults filled, absent optional
    columns added), then extra columns as text; problems are logged, bad cells become missing.

    Row ``i`` of the result is row ``table.rows[i]`` of the file.
    """
    spec = TABLES[table.name]
    for column in spec.required_columns:
        if column not in table.frame.columns:
            log.add(table.source, table.header_row, column, "", "required column missing")
    extras = [c for c in table.frame.columns if c not in spec.columns]
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
            typed[column] = _parse_column(table, column, col, freq, log)
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
        return pd.Series(pd.PeriodIndex.from_ordinals(np.full(n, _NAT), freq=freq or "Q-DEC"))
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


# --------------------------------------------------------------------------- periods & horizon
def choose_frequency(raws: dict[str, RawTable]) -> str | None:
    """The portfolio's period frequency: the most common one among budget and capacity periods
    (among all period columns when those have none); ``None`` when no period label parses."""
    deciding, others = [], []
    for name, raw in raws.items():
        for column, col in TABLES[name].columns.items():
            if col.kind == "period" and column in raw.frame.columns:
                (deciding if name in ("capacity", "budget") else others).append(raw.frame[column])
    for group in (deciding, others):
        if not group:
            continue
        freqs, _ = period_codes(pd.concat(group, ignore_index=True))
        counts = pd.Series(freqs[~np.equal(freqs, None) & (freqs != "")]).value_counts()
        if len(counts):
            return str(counts.index[0])
    return None


def determine_horizon(
    tables: dict[str, pd.DataFrame],
    raws: dict[str, RawTable],
    freq: str | None,
    log: ProblemLog,
    *,
    horizon: tuple[str, str] | None = None,
) -> tuple[pd.Period, ...]:
    """The contiguous run of budget and capacity periods, or the one named in the run options.

    A gap in the run is a problem (one per missing stretch of periods).
    """
    if horizon is not None:
        return _named_horizon(horizon, freq, log)
    sources = [raws[n].source for n in ("budget", "capacity") if len(raws[n].rows)]
    found = pd.concat([tables["capacity"]["period"], tables["budget"]["period"]]).dropna()
    if found.empty or freq is None:
        if not raws["capacity"].readable:  # its problem is reported already
            return ()
        log.add(
            raws["capacity"].source,
            None,
            "period",
            "",
            "no budget or capacity periods: the planning horizon is empty",
        )
        return ()
    ordinals = np.unique(found.array.asi8)
    first, last = ordinals[0], ordinals[-1]
    full = np.arange(first, last + 1)
    missing = np.setdiff1d(full, ordinals)
    if missing.size:
        breaks = np.flatnonzero(np.diff(missing) != 1)
        starts = np.concatenate([[missing[0]], missing[breaks + 1]])
        ends = np.concatenate([missing[breaks], [missing[-1]]])
        span = f"{pd.Period(ordinal=first, freq=freq)}..{pd.Period(ordinal=last, freq=freq)}"
        for a, b in zip(starts, ends, strict=True):
            pa_, pb = pd.Period(ordinal=a, freq=freq), pd.Period(ordinal=b, freq=freq)
            label = str(pa_) if a == b else f"{pa_}..{pb}"
            log.add(
                ", ".join(sources),
                None,
                "period",
                label,
                f"gap in the horizon {span}: no budget or capacity row for {label}",
            )
        return ()
    return _periods.period_range(
        pd.Period(ordinal=first, freq=freq), pd.Period(ordinal=last, freq=freq)
    )


def _named_horizon(
    horizon: tuple[str, str], freq: str | None, log: ProblemLog
) -> tuple[pd.Period, ...]:
    ends = []
    for label, what in zip(horizon, ("first", "last"), strict=True):
        period = _periods.parse_period(label)
        if period is None:
            log.add(
                "run options",
                None,
                "horizon",
                str(label),
                f"{what} period of the horizon is not a period label",
            )
        elif freq is not None and period.freqstr != freq:
            word = _periods.FREQUENCIES[freq]
            log.add(
                "run options",
                None,
                "horizon",
                str(label),
                f"horizon in another frequency: this portfolio uses {word}",
            )
        else:
            ends.append(period)
    if len(ends) != 2:
        return ()
    if ends[1] < ends[0]:
        log.add(
            "run options",
            None,
            "horizon",
            f"{ends[0]}..{ends[1]}",
            "the horizon ends before it starts",
        )
        return ()
    return _periods.period_range(ends[0], ends[1])
