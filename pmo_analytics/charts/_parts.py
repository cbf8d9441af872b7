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


#: Approximate width of one character of a 10 px label [pixels] (Helvetica's average, generous).
CHAR_WIDTH = 5.9
#: Vertical steps tried when a label would overlap another [pixels].
_LABEL_STEPS = (0, -14, 14, -28, 28, -42, 42, -56, 56)


def nice_step(raw: float) -> float:
    """The round number (1, 2, 2.5 or 5 × 10^k) at or above ``raw`` (1 for none).

    Examples
    --------
    >>> nice_step(1.48), nice_step(0.3), nice_step(0.0)
    (2.0, 0.5, 1.0)
    """
    if not np.isfinite(raw) or raw <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-12)))


def nice_ceiling(value: float, ticks: int = 5) -> float:
    """The end of an axis from zero that holds ``value`` in about ``ticks`` round steps.

    Examples
    --------
    >>> nice_ceiling(7.4), nice_ceiling(5.7e6)
    (8.0, 6000000.0)
    """
    step = nice_step(value / ticks)
    return float(np.ceil(value / step - 1e-9) * step) if value > 0 else step


def place_labels(
    x: np.ndarray,
    y: np.ndarray,
    texts: Sequence[str],
    gaps: np.ndarray,
    *,
    width: float,
    height: float,
) -> pd.DataFrame:
    """Where to write each label beside its point so that no two overlap (greedy, in order).

    Parameters
    ----------
    x, y : array
        The points in pixels (y down from the top of the plot).
    texts : sequence of str
        The labels, most important first.
    gaps : array
        Space to leave between each point and its label [pixels] (a bubble's radius).
    width, height : float
        The plot [pixels]; labels stay inside it.

    Returns
    -------
    DataFrame
        One row per label that found a place: index (position in ``texts``), x and y of the
        text's anchor [pixels], align (``left`` or ``right``), moved (True when the label
        sits above or below its point, to be joined to it by a leader line).
    """
    placed: list[tuple[float, float, float, float]] = []
    rows = []
    for k, text in enumerate(texts):
        w, h = CHAR_WIDTH * len(text) + 2, 12.0
        for dy in _LABEL_STEPS:
            for side in (1, -1):
                anchor = x[k] + side * (gaps[k] + 3)
                x0, x1 = (anchor, anchor + w) if side > 0 else (anchor - w, anchor)
                y0, y1 = y[k] + dy - h / 2, y[k] + dy + h / 2
                inside = x0 >= 0 and x1 <= width and y0 >= -4 and y1 <= height
                if inside and not any(
                    x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in placed
                ):
                    placed.append((x0, y0, x1, y1))
                    align = "left" if side > 0 else "right"
                    rows.append((k, anchor, y[k] + dy, align, dy != 0))
                    break
            else:
                continue
            break
    return pd.DataFrame(rows, columns=["index", "x", "y", "align", "moved"]).set_index("index")


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
