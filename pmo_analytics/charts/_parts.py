"""Parts the chart modules share: checks and labels of the frames they take, and the stacked
cost bars of the spend and cost-against-budget charts.

Charts check the columns they need up front (:func:`require_columns`, one clear error naming
what is missing and what is needed), label periods like ``2027Q1`` (:func:`period_labels`),
show a blank group as ``(none)`` (:func:`group_labels`), identifiers in words
(:func:`human_label`), projects by id and name (:func:`project_labels`) and money with its
currency (:func:`money_title`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from .theme import PALETTE, category_colours

#: How a blank category (or other group) is shown.
NO_GROUP = "(none)"
#: Axis of money amounts: SI prefixes (``2M``, ``500k``).
MONEY_FORMAT = "~s"
#: Session-wide chart settings (see :func:`pmo_analytics.charts.setup`).
_SETTINGS: dict[str, str | None] = {"currency": None}


def set_currency(currency: str | None) -> None:
    """Name the currency of money amounts for the charts that follow (None: unnamed)."""
    if currency is not None and (not isinstance(currency, str) or not currency.strip()):
        raise OptionsError(f"currency must be a code such as 'EUR' or None, not {currency!r}")
    _SETTINGS["currency"] = currency.strip() if currency else None


def money_title(text: str, currency: str | None = None) -> str:
    """``text`` with the currency as its unit: ``currency`` ("" for none), else (None) the one
    set by :func:`~pmo_analytics.charts.setup`, else none (money in the portfolio's one
    currency, unnamed).

    Examples
    --------
    >>> money_title("Cost per period", "EUR")
    'Cost per period [EUR]'
    >>> money_title("Cost per period")
    'Cost per period'
    """
    unit = _SETTINGS["currency"] if currency is None else currency
    return f"{text} [{unit}]" if unit else text


#: Between a project's id and its name in labels: "P012 · Core banking API".
PROJECT_SEPARATOR = " · "


#: What the optimiser maximises, by value basis (``OptimiseOptions.value_basis``), in words.
OBJECTIVE_TITLES: dict[str, str] = {
    "value": "Strategic value",
    "risk_adjusted": "Risk-adjusted strategic value",
    "npv": "NPV",
}


def objective_title(bases: Iterable[str], currency: str | None = None) -> str:
    """Axis title of a plan's objective given the value bases of the plans shown: "Strategic
    value" (the sum of the selected projects' ``strategic_value``), "NPV [EUR]", …

    Examples
    --------
    >>> objective_title(["value"]), objective_title(["npv"], "EUR")
    ('Strategic value', 'NPV [EUR]')
    """
    found = sorted(set(bases))
    if len(found) != 1:
        return "Objective (each plan's value basis)" if found else "Objective"
    title = OBJECTIVE_TITLES.get(found[0], f"Objective ({found[0]})")
    return money_title(title, currency) if found[0] == "npv" else title


def plan_bases(plans: Iterable[object]) -> list[str]:
    """The value bases of ``plans`` (objects with ``options.value_basis``; others skipped)."""
    bases = []
    for plan in plans:
        basis = getattr(getattr(plan, "options", None), "value_basis", None)
        if isinstance(basis, str):
            bases.append(basis)
    return bases


def human_label(text: object) -> str:
    """An identifier in words: ``financial_return`` → "Financial return", ``in_flight`` →
    "In flight"; text that already has capitals or spaces is kept ("IT Platform").

    Examples
    --------
    >>> [human_label(t) for t in ["financial_return", "budget", "IT Platform", "Developer"]]
    ['Financial return', 'Budget', 'IT Platform', 'Developer']
    """
    words = str(text)
    if "_" in words or words == words.lower():
        words = words.replace("_", " ").strip()
        return words[:1].upper() + words[1:]
    return words


def project_labels(
    ids: Iterable[object], names: Mapping[str, object] | pd.Series | None = None
) -> list[str]:
    """Each project as "P012 · Name" (the id alone where ``names`` lacks it).

    Parameters
    ----------
    ids : iterable
        Project ids.
    names : Series or mapping, optional
        project_id → name, e.g. ``portfolio.projects["name"]``.

    Examples
    --------
    >>> project_labels(["P1", "P2"], {"P1": "ERP upgrade"})
    ['P1 · ERP upgrade', 'P2']
    """
    lookup = {} if names is None else {str(k): v for k, v in dict(names).items()}
    labels = []
    for project in ids:
        name = lookup.get(str(project))
        has_name = name is not None and not (isinstance(name, float) and np.isnan(name))
        labels.append(f"{project}{PROJECT_SEPARATOR}{name}" if has_name else str(project))
    return labels


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
    costs: pd.DataFrame,
    x: alt.X,
    *,
    by: str = "category",
    opacity: float = 0.85,
    currency: str | None = None,
) -> alt.Chart:
    """Bars of cost per period stacked by group: ``costs`` has columns period, ``by`` and cost
    [currency] (groups as text); ``x`` is the period axis.

    Categories take their fixed colours (:func:`~pmo_analytics.charts.theme.category_scale`),
    other groups the palette. The stack and its legend read in the same order: Run at the
    bottom, then Grow and Transform (then other groups alphabetically), and the legend lists
    them as they are stacked, top first. The stack runs by a numeric rank (an order channel on
    a nominal field makes Vega-Lite warn).
    """
    present = set(costs[by].unique())
    if by == "category":
        known = [c for c in category_colours(present) if c in present]
        groups = [*known, *sorted(present - set(known))]
        colours = category_colours(groups)
        scale = alt.Scale(domain=groups[::-1], range=[colours[g] for g in groups[::-1]])
    else:
        groups = sorted(present)
        scale = alt.Scale(
            domain=groups[::-1], range=[PALETTE[k % len(PALETTE)] for k in range(len(groups))][::-1]
        )
    data = costs.assign(stack_rank=costs[by].map({g: k for k, g in enumerate(groups)}))
    name = human_label(by)
    return (
        alt.Chart(data)
        .mark_bar(opacity=opacity)
        .encode(
            x=x,
            y=alt.Y(
                "sum(cost):Q",
                title=money_title("Cost per period", currency),
                axis=alt.Axis(format=MONEY_FORMAT),
            ),
            color=alt.Color(f"{by}:N", title=name, scale=scale),
            order=alt.Order("stack_rank:Q"),
            tooltip=[
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip(f"{by}:N", title=name),
                alt.Tooltip("sum(cost):Q", title=money_title("Cost", currency), format=",.0f"),
            ],
        )
    )
