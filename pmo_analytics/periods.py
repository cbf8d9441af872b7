"""Period labels and positions: the one place that knows how `2027Q1` and `2027-01` behave.

Inside the library periods are :class:`pandas.Period` values of one frequency (quarters,
``Q-DEC``, or months, ``M``); at the edges (files, outputs) they are labels like ``2027Q1``.
Models work on integer *positions* counted from the first period of the horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: Frequencies a portfolio may use, with a word for messages.
FREQUENCIES: dict[str, str] = {"Q-DEC": "quarters (like 2027Q1)", "M": "months (like 2027-01)"}


def parse_period(label: str) -> pd.Period | None:
    """Parse one label into a quarterly or monthly :class:`pandas.Period`.

    Returns ``None`` when the label is not a quarter or a month.

    Examples
    --------
    >>> parse_period("2027Q3")
    Period('2027Q3', 'Q-DEC')
    >>> parse_period("2027") is None
    True
    """
    try:
        period = pd.Period(str(label).strip())
    except (ValueError, TypeError, OverflowError):
        return None
    if period is pd.NaT or period.freqstr not in FREQUENCIES:
        return None
    return period


def parse_period_labels(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct period labels (callers spread the result over a column by code).

    Returns
    -------
    freqs : ndarray of object
        The frequency (``"Q-DEC"`` or ``"M"``) of each label, ``""`` for a blank label and
        ``None`` for an unparsable one.
    ordinals : ndarray of int64
        The period ordinal in its own frequency (0 where ``freqs`` is not a frequency).

    Examples
    --------
    >>> freqs, ordinals = parse_period_labels(["2027Q1", "", "2027-02", "soon"])
    >>> freqs.tolist()
    ['Q-DEC', '', 'M', None]
    """
    freqs = np.empty(len(labels), dtype=object)
    ordinals = np.zeros(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):  # distinct labels only: a few per portfolio
        if label is None or str(label).strip() == "":
            freqs[i] = ""
            continue
        period = parse_period(label)
        freqs[i] = None if period is None else period.freqstr
        ordinals[i] = 0 if period is None else period.ordinal
    return freqs, ordinals


def parse_period_series(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a Series of labels (blank allowed) into Period objects.

    Returns
    -------
    periods : Series of object
        :class:`pandas.Period` (any of the allowed frequencies) or ``None`` for blanks and
        unparsable labels.
    bad : Series of bool
        True where a non-blank label could not be parsed.
    """
    text = labels.astype("string").fillna("").str.strip()
    uniques = pd.unique(text[text != ""])
    mapping = {label: parse_period(label) for label in uniques}
    periods = text.map(mapping).astype(object)
    periods = periods.where(text != "", None)
    bad = (text != "") & periods.isna()
    return periods, bad


def period_range(first: pd.Period, last: pd.Period) -> tuple[pd.Period, ...]:
    """All periods from ``first`` to ``last`` inclusive, as a tuple."""
    return tuple(pd.period_range(first, last, freq=first.freq))


def to_positions(periods: pd.Series | pd.Index, origin: pd.Period) -> np.ndarray:
    """Integer offsets of ``periods`` from ``origin`` (``origin`` is 0); NaT gives -2**62.

    Vectorised over a Series or Index of period dtype.

    Examples
    --------
    >>> s = pd.Series(pd.PeriodIndex(["2027Q1", "2027Q3"], freq="Q"))
    >>> to_positions(s, pd.Period("2027Q1")).tolist()
    [0, 2]
    """
    values = pd.PeriodIndex(periods, freq=origin.freq).asi8
    return np.where(values == np.iinfo(np.int64).min, -(2**62), values - origin.ordinal)


def from_positions(positions: Iterable[int] | np.ndarray, origin: pd.Period) -> pd.PeriodIndex:
    """Periods at integer ``positions`` from ``origin``."""
    ordinals = np.asarray(list(positions) if not isinstance(positions, np.ndarray) else positions)
    return pd.PeriodIndex.from_ordinals(
        ordinals.astype(np.int64) + origin.ordinal, freq=origin.freq
    )


def labels(periods: Sequence[pd.Period] | pd.Series | pd.Index) -> list[str]:
    """Period labels as users write them (``2027Q1``, ``2027-01``); blanks for missing."""
    return ["" if p is None or p is pd.NaT else str(p) for p in periods]


def annual_to_period_rate(annual_rate: float, freq: str) -> float:
    """Convert an annual rate to the rate per period of ``freq`` (compounded).

    Examples
    --------
    >>> round(annual_to_period_rate(0.08, "Q-DEC"), 6)
    0.019427
    """
    per_year = {"Q-DEC": 4, "M": 12}[freq]
    return (1.0 + annual_rate) ** (1.0 / per_year) - 1.0


def periods_per_year(freq: str) -> int:
    """4 for quarters, 12 for months."""
    return {"Q-DEC": 4, "M": 12}[freq]
