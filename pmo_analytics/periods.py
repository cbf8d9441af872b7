"""Period labels: the one place that knows how `2027Q1` and `2027-01` behave.

Inside the library periods are :class:`pandas.Period` values of one frequency (quarters,
``Q-DEC``, or months, ``M``); at the edges (files, outputs) they are labels like ``2027Q1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Frequencies a portfolio may use, with a word for messages.
FREQUENCIES: dict[str, str] = {"Q-DEC": "quarters (like 2027Q1)", "M": "months (like 2027-01)"}
#: Periods in a year, per frequency.
PERIODS_PER_YEAR: dict[str, int] = {"Q-DEC": 4, "M": 12}
#: The ordinal pandas gives a missing period (NaT) in ``PeriodIndex.asi8``.
NAT_ORDINAL = np.iinfo(np.int64).min


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


def period_range(first: pd.Period, last: pd.Period) -> tuple[pd.Period, ...]:
    """All periods from ``first`` to ``last`` inclusive, as a tuple."""
    return tuple(pd.period_range(first, last, freq=first.freq))


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
    return (1.0 + annual_rate) ** (1.0 / periods_per_year(freq)) - 1.0


def periods_per_year(freq: str) -> int:
    """4 for quarters, 12 for months."""
    return PERIODS_PER_YEAR[freq]
