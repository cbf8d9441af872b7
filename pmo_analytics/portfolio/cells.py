"""Text cells to typed values, a whole column at a time.

Contract files are read as text (see :mod:`pmo_analytics.portfolio._raw_tables`); this module turns a
column of cells into numbers (plain, with a decimal comma, or fractions like ``1/3``), periods,
booleans or allowed words, and says which cells break which rule — without deciding how that is
reported (:mod:`pmo_analytics.portfolio.validation` logs it with file and row). The work is vectorised by
pyarrow: a column is cast in one go, and only its distinct labels are parsed one by one where
that is needed. The lookups of one text column in another (ids, roles, criteria) are here too.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..periods import FREQUENCIES, NAT_ORDINAL, parse_period_labels
from .limits import MAX_AMOUNT, MAX_PERIODS
from .schema import ColumnSpec

#: Words read as true and false in boolean columns (any case).
TRUE_WORDS: tuple[str, ...] = ("true", "yes", "1")
FALSE_WORDS: tuple[str, ...] = ("false", "no", "0")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)$")


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


def take_at(values: np.ndarray, positions: np.ndarray, fill: float = np.nan) -> np.ndarray:
    """``values[positions]`` as floats, ``fill`` where a position is -1 (not found).

    Safe when ``values`` is empty (every position then is -1): the lookups of one file in
    another (:func:`text_positions`) may find nothing at all.

    Examples
    --------
    >>> take_at(np.array([], dtype=float), np.array([-1, -1])).tolist()
    [nan, nan]
    >>> take_at(np.array([2.0, 3.0]), np.array([1, -1]), fill=0.0).tolist()
    [3.0, 0.0]
    """
    values = np.asarray(values, dtype=float)
    positions = np.asarray(positions, dtype=np.int64)
    found = positions >= 0
    out = np.full(positions.shape, fill, dtype=float)
    out[found] = values[positions[found]]
    return out


def text_isin(text: pd.Series, keys: pd.Index | pd.Series) -> np.ndarray:
    """True where a cell of ``text`` is one of ``keys`` (missing cells are not)."""
    return text_positions(text, keys) >= 0


def period_codes(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Frequency and ordinal of every period label of a column (see
    :func:`pmo_analytics.periods.parse_period_labels`); each distinct label is parsed once."""
    codes, uniques = encode_text(labels)
    freqs, ordinals = parse_period_labels(uniques)
    return freqs[codes], ordinals[codes]


# --------------------------------------------------------------------------- typed cells
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


def parse_cells(
    text: pd.Series, spec: ColumnSpec, *, freq: str | None = None, decimal_comma: bool = False
) -> tuple[pd.Series, list[tuple[np.ndarray, str]]]:
    """Typed values of one text column of a contract file, and its problems.

    Parameters
    ----------
    text : Series
        The cells as text (stripped; blank = "").
    spec : ColumnSpec
        The column's kind, bounds, words and default (from :data:`pmo_analytics.portfolio.schema.TABLES`).
    freq : str, optional
        The portfolio's period frequency; period labels of another one are problems.
    decimal_comma : bool
        A comma is the decimal mark (semicolon-separated files).

    Returns
    -------
    (values, problems)
        ``values`` typed (bad cells missing, blanks given the default); ``problems`` a list of
        (mask of the cells breaking a rule, the rule in words), in the order they are checked.

    Examples
    --------
    >>> from pmo_analytics.portfolio.schema import ColumnSpec
    >>> values, problems = parse_cells(pd.Series(["yes", "", "maybe"]), ColumnSpec("bool"))
    >>> values.tolist(), [(mask.tolist(), rule) for mask, rule in problems]
    ([True, False, False], [([False, False, True], 'not a boolean (use true/false, yes/no or 1/0)')])
    """
    blank = (text == "").to_numpy()
    problems: list[tuple[np.ndarray, str]] = []
    if spec.required:
        problems.append((blank, "a value is required"))
    kind = spec.kind
    if kind in ("id", "text"):
        values = text.where(~blank)
        if spec.default is not None:
            values = values.fillna(spec.default)
        return values.astype("str"), problems
    if kind == "choice":
        words = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        known = words.isin(list(spec.choices or ())).to_numpy()
        problems.append((~blank & ~known, "must be one of: " + ", ".join(spec.choices or ())))
        values = words.where(known)
        if spec.default is not None:
            values = values.where(~blank, spec.default)
        return values.astype("str"), problems
    if kind == "bool":
        lowered = text.str.lower()
        truth = lowered.isin(TRUE_WORDS).to_numpy()
        falsity = lowered.isin(FALSE_WORDS).to_numpy()
        problems.append(
            (~blank & ~truth & ~falsity, "not a boolean (use true/false, yes/no or 1/0)")
        )
        values = np.where(blank, bool(spec.default), truth)
        return pd.Series(values, index=text.index, dtype=bool), problems
    if kind == "period":
        periods, found = _parse_periods(text, freq)
        return periods, problems + found
    values, bad = parse_numbers(text, decimal_comma=decimal_comma)
    problems.append((bad, _number_rule(decimal_comma)))
    limit = MAX_PERIODS if kind == "int" else MAX_AMOUNT  # offsets and durations are periods
    with np.errstate(invalid="ignore"):
        huge = np.abs(values) > limit
    shown = f"{MAX_PERIODS:,} periods" if kind == "int" else f"{MAX_AMOUNT:g} for a number"
    problems.append((huge, f"beyond the limit of {shown}"))
    values = np.where(huge, np.nan, values)
    if kind == "int":
        fractional = ~np.isnan(values) & (values != np.floor(values))
        problems.append((fractional, "must be a whole number"))
        values = np.where(fractional, np.nan, values)
    if spec.default is not None:
        values = np.where(blank, float(spec.default), values)  # type: ignore[arg-type]
    out = pd.Series(values, index=text.index, dtype=float)
    if kind == "int" and not out.isna().any():
        out = out.astype("int64")
    return out, problems


def _parse_periods(
    text: pd.Series, freq: str | None
) -> tuple[pd.Series, list[tuple[np.ndarray, str]]]:
    freqs, ordinals = period_codes(text)
    unparsable = np.equal(freqs, None)
    problems = [
        (unparsable, "not a period label (use quarters like 2027Q1 or months like 2027-01)")
    ]
    valid = ~unparsable & (freqs != "")
    mixed = valid & (freqs != freq) if freq is not None else np.zeros(len(text), dtype=bool)
    if freq is not None:
        word = FREQUENCIES[freq]
        problems.append((mixed, f"mixed period frequencies: this portfolio uses {word}"))
    ordinals = np.where(valid & ~mixed, ordinals, NAT_ORDINAL)
    periods = pd.PeriodIndex.from_ordinals(ordinals, freq=freq or "Q-DEC")
    return pd.Series(periods, index=text.index), problems
