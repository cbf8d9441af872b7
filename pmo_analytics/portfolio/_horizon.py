"""The planning horizon: the portfolio's period frequency and its run of periods.

The frequency is the most common one among the budget and capacity periods (quarters like
``2027Q1`` or months like ``2027-01``); the horizon is the contiguous run of budget and capacity
periods, unless the run options name one. A gap in the run is a problem, one per missing
stretch of periods, logged like every other problem of loading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import FREQUENCIES, parse_period, period_range
from .cells import period_codes
from .limits import MAX_PERIODS
from .schema import TABLES
from .validation import ProblemLog, RawTable


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
    if last - first + 1 > MAX_PERIODS:
        span = f"{pd.Period(ordinal=first, freq=freq)}..{pd.Period(ordinal=last, freq=freq)}"
        log.add(
            ", ".join(sources),
            None,
            "period",
            span,
            f"the periods run {span}: {last - first + 1:,} periods, beyond the limit of "
            f"{MAX_PERIODS:,} for a horizon (a typo in a year?)",
        )
        return ()
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
    return period_range(pd.Period(ordinal=first, freq=freq), pd.Period(ordinal=last, freq=freq))


def _named_horizon(
    horizon: tuple[str, str], freq: str | None, log: ProblemLog
) -> tuple[pd.Period, ...]:
    ends = []
    for label, what in zip(horizon, ("first", "last"), strict=True):
        period = parse_period(label)
        if period is None:
            log.add(
                "run options",
                None,
                "horizon",
                str(label),
                f"{what} period of the horizon is not a period label",
            )
        elif freq is not None and period.freqstr != freq:
            word = FREQUENCIES[freq]
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
    if ends[1].ordinal - ends[0].ordinal + 1 > MAX_PERIODS:
        log.add(
            "run options",
            None,
            "horizon",
            f"{ends[0]}..{ends[1]}",
            f"{ends[1].ordinal - ends[0].ordinal + 1:,} periods: beyond the limit of "
            f"{MAX_PERIODS:,} for a horizon",
        )
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
    return period_range(ends[0], ends[1])
