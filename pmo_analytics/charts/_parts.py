"""Parts the chart modules share: checks and labels of the frames they take, and the stacked
cost bars of the spend and cost-against-budget charts.

Charts check the columns they need up front (:func:`require_columns`, one clear error naming
what is missing and what is needed), label periods like ``2027Q1`` (:func:`period_labels`) and
show a blank group as ``(none)`` (:func:`group_labels`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from .theme import PALETTE, category_scale

#: How a blank category (or other group) is shown.
NO_GROUP = "(none)"
#: Axis of money amounts: SI prefixes (``2M``, ``500k``).
MONEY_FORMAT = "~s"
#: Session-wide chart settings (see :func:`pmo_analytics.charts.setup`).
_SETTINGS: dict[str, str | None] = {"currency": None}


def set_currency(currency: str | None) -> None:
    """Name the currency of money amounts for the charts that follow (None: unnamed)."""
    if currency is not None and (not isinstance(currency, str) or not currency.strip()):
        raise ValueError(f"currency must be a code such as 'EUR' or None, not {currency!r}")
    _SETTINGS["currency"] = currency.strip() if currency else None


def money_title(text: str, currency: str | None = None) -> str:
    """``text`` with the currency as its unit: ``currency``, else the one set by
    :func:`~pmo_analytics.charts.setup`, else none (money in the portfolio's one currency).

    Examples
    --------
    >>> money_title("Cost per period", "EUR")
    'Cost per period [EUR]'
    >>> money_title("Cost per period")
    'Cost per period'
    """
    unit = currency or _SETTINGS["currency"]
    return f"{text} [{unit}]" if unit else text


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ValueError naming the ``columns`` that ``frame`` (called ``what``) lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"{what} lacks the column(s) {', '.join(missing)}; it needs {', '.join(columns)}"
        )


def period_index(values: pd.Series, what: str) -> pd.PeriodIndex:
    """``values`` (``pd.Period``) as a PeriodIndex; ValueError naming ``what`` otherwise."""
    try:
        return pd.PeriodIndex(values)
    except (TypeError, ValueError) as err:
        raise OptionsError(
            f"{what} must hold periods (pd.Period or labels like 2027Q1): {err}"
        ) from err


def period_labels(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Labels of ``values`` (``2027Q1``) and every label in time order."""
    periods = period_index(values, "the period column")
    labels = np.asarray(periods.astype(str), dtype=object)
    order = [str(p) for p in sorted(set(periods.dropna()))]
    return labels, order


def group_labels(values: pd.Series) -> np.ndarray:
    """``values`` as text, missing ones as :data:`NO_GROUP`."""
    return np.asarray(values.astype(object).where(values.notna(), NO_GROUP), dtype=object)


def stacked_cost_bars(
    costs: pd.DataFrame, x: alt.X, *, by: str = "category", opacity: float = 0.85
) -> alt.Chart:
    """Bars of cost per period stacked by group: ``costs`` has columns period, ``by`` and cost
    [currency] (groups as text); ``x`` is the period axis.

    Categories take their fixed colours (:func:`~pmo_analytics.charts.theme.category_scale`),
    other groups the palette. The stack runs in the groups' alphabetical order, by a numeric
    rank (an order channel on a nominal field makes Vega-Lite warn).
    """
    groups = sorted(costs[by].unique())
    data = costs.assign(stack_rank=costs[by].map({g: k for k, g in enumerate(groups)}))
    name = by.replace("_", " ").capitalize()
    scale = category_scale(groups) if by == "category" else alt.Scale(range=PALETTE)
    return (
        alt.Chart(data)
        .mark_bar(opacity=opacity)
        .encode(
            x=x,
            y=alt.Y("sum(cost):Q", title="Cost per period", axis=alt.Axis(format=MONEY_FORMAT)),
            color=alt.Color(f"{by}:N", title=name, scale=scale),
            order=alt.Order("stack_rank:Q"),
            tooltip=[
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip(f"{by}:N", title=name),
                alt.Tooltip("sum(cost):Q", title="Cost", format=",.0f"),
            ],
        )
    )
