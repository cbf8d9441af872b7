"""Uncertainty ranges around a portfolio's figures, and the random draws made from them.

**Ranges.** Every cost line (cashflows), demand line (demand) and project value has a most
likely figure — the one in the portfolio — and a range around it: the optional contract
columns ``cost_low``/``cost_high`` (cashflows), ``fte_low``/``fte_high`` (demand) and
``value_low``/``value_high`` (projects), typed and checked by the loader (low ≤ most likely ≤
high), or, where a cell is blank or the column absent, a global spread (``cost_spread=0.2`` is
±20 %; ``(0.1, 0.4)`` is −10 % / +40 %, the usual shape of IT cost risk). Neither given: the
figure is certain.

**Distributions.** ``"pert"`` (Beta-PERT: mean (low + 4 mode + high) / 6, the classic
three-point estimate) or ``"triangular"``, each between low and high with its peak at the
portfolio's figure. A figure is drawn through the inverse distribution function of one
uniform number (:func:`inverse_cdf`), so

- ``correlation="project"`` (default): one uniform per project is shared by all its cost and
  demand lines — an overrun hits a project's whole budget and team together (comonotonic) —
  and another per project draws its value;
- ``correlation="line"``: every line draws on its own (narrower totals).

Sample ``i`` uses ``numpy.random.default_rng([seed, i])``: its draws are the same whatever
the number of samples before it, the number of workers or the backend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..portfolio import Portfolio

DISTRIBUTIONS = ("pert", "triangular")
CORRELATIONS = ("project", "line")
#: Columns read for each uncertain quantity: table, key columns kept, most likely figure, low
#: column, high column.
RANGE_COLUMNS = {
    "cost": ("cashflows", ("project_id", "offset"), "cost", "cost_low", "cost_high"),
    "demand": ("demand", ("project_id", "role", "offset"), "fte", "fte_low", "fte_high"),
    "value": ("projects", (), "strategic_value", "value_low", "value_high"),
}

Spread = float | tuple[float, float] | None


# --------------------------------------------------------------------------- ranges
@dataclass(frozen=True, eq=False)
class UncertaintyRanges:
    """Low, most likely (``mode``) and high figure of every uncertain input.

    Attributes
    ----------
    cost : DataFrame
        One row per cashflows line, in its order: project_id, offset, low, mode, high
        [currency].
    demand : DataFrame
        One row per demand line, in its order: project_id, role, offset, low, mode, high [FTE].
    value : DataFrame
        Indexed by project_id (every project): low, mode, high [value units]; NaN for projects
        without a strategic value.
    """

    cost: pd.DataFrame
    demand: pd.DataFrame
    value: pd.DataFrame

    @property
    def is_certain(self) -> bool:
        """True when no figure has a range (nothing to simulate)."""
        return all(
            bool(((frame["high"] - frame["low"]).fillna(0.0) <= 0).all())
            for frame in (self.cost, self.demand, self.value)
        )


def _spread(name: str, spread: Spread) -> tuple[float, float]:
    """(down, up) shares of a spread option; errors say what is valid."""
    if spread is None:
        return 0.0, 0.0
    if isinstance(spread, int | float) and not isinstance(spread, bool):
        down = up = float(spread)
    elif isinstance(spread, tuple | list) and len(spread) == 2:
        down, up = (float(s) for s in spread)
    else:
        raise OptionsError(
            f"{name}={spread!r} is not valid; give a share like 0.2 (±20 %) or a pair "
            "(down, up) like (0.1, 0.4)"
        )
    if not (0.0 <= down <= 1.0 and 0.0 <= up and np.isfinite(up)):
        raise OptionsError(
            f"{name}={spread!r} is not valid: the downward share must lie in [0, 1] and the "
            "upward share must be zero or more"
        )
    return down, up


def _given(frame: pd.DataFrame, column: str, default: np.ndarray) -> np.ndarray:
    """The optional range column where given, ``default`` where it is blank or absent."""
    if column not in frame.columns:
        return default
    given = frame[column].to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(given), default, given)


def _bracket(
    frame: pd.DataFrame,
    columns: tuple[str, tuple[str, ...], str, str, str],
    spread: tuple[float, float],
) -> pd.DataFrame:
    """Key columns, low, mode, high of each row of ``frame`` (its index kept)."""
    _, keys, likely, low_column, high_column = columns
    mode = frame[likely].to_numpy(dtype=float)
    low = _given(frame, low_column, mode * (1.0 - spread[0]))
    high = _given(frame, high_column, mode * (1.0 + spread[1]))
    # the loader checks low <= value <= high; a value taken from scores may lie outside
    return frame[list(keys)].assign(
        low=np.minimum(low, mode), mode=mode, high=np.maximum(high, mode)
    )


def uncertainty_ranges(
    portfolio: Portfolio,
    *,
    cost_spread: Spread = None,
    demand_spread: Spread = None,
    value_spread: Spread = None,
) -> UncertaintyRanges:
    """Low, most likely and high figure of every cost line, demand line and project value.

    Parameters
    ----------
    portfolio : Portfolio
        Its optional columns ``cost_low``/``cost_high`` (cashflows), ``fte_low``/``fte_high``
        (demand) and ``value_low``/``value_high`` (projects) are read where present (the
        loader has checked them; a portfolio made in code may carry them or not).
    cost_spread, demand_spread, value_spread : float or (float, float), optional
        Share below and above the most likely figure for cells without a range column:
        ``0.2`` is ±20 %, ``(0.1, 0.4)`` is −10 % / +40 %. The downward share lies in [0, 1].

    Returns
    -------
    UncertaintyRanges

    Raises
    ------
    ValueError
        For a spread that is not a share or a pair of shares.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> r = pa.uncertainty_ranges(p, cost_spread=(0.1, 0.3))
    >>> bool(((r.cost["high"] - r.cost["mode"]) >= 0).all())
    True
    """
    spreads = {
        "cost": _spread("cost_spread", cost_spread),
        "demand": _spread("demand_spread", demand_spread),
        "value": _spread("value_spread", value_spread),
    }
    frames = {
        name: _bracket(getattr(portfolio, columns[0]), columns, spreads[name])
        for name, columns in RANGE_COLUMNS.items()
    }
    return UncertaintyRanges(
        cost=frames["cost"].reset_index(drop=True),
        demand=frames["demand"].reset_index(drop=True),
        value=frames["value"],
    )


# --------------------------------------------------------------------------- distributions
def check_choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    """Refuse ``value`` unless it is one of ``valid`` (e.g. a distribution's name)."""
    if value not in valid:
        raise OptionsError(f"{name}={value!r} is not valid; use one of {', '.join(valid)}")


def inverse_cdf(
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    u: np.ndarray,
    distribution: str = "pert",
) -> np.ndarray:
    """The figure at probability ``u`` of a PERT or triangular distribution (vectorised).

    All arguments broadcast; where ``high == low`` the result is ``mode``.

    Examples
    --------
    >>> import numpy as np
    >>> float(inverse_cdf(np.array(0.0), np.array(1.0), np.array(2.0), np.array(0.5)))
    1.0
    """
    check_choice("distribution", distribution, DISTRIBUTIONS)
    low, mode, high, u = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (low, mode, high, u))
    )
    width = high - low
    certain = ~(width > 0)  # also NaN
    safe = np.where(certain, 1.0, width)
    left = np.clip((mode - low) / safe, 0.0, 1.0)  # where the peak lies, as a share
    if distribution == "pert":
        from scipy.special import betaincinv

        share = betaincinv(1.0 + 4.0 * left, 1.0 + 4.0 * (1.0 - left), u)
    else:
        share = np.where(
            u < left,
            np.sqrt(u * left),
            1.0 - np.sqrt(np.maximum((1.0 - u) * (1.0 - left), 0.0)),
        )
    return np.where(certain, mode, low + safe * share)


def figures_at(ranges: pd.DataFrame, u: np.ndarray | float, distribution: str) -> np.ndarray:
    """The figure of each row of a ranges frame (low, mode, high) at probability ``u``.

    ``u`` broadcasts against the rows: a number (a quantile of every line) or an array of one
    column per row and one row per sample.
    """
    low, mode, high = (ranges[c].to_numpy(dtype=float) for c in ("low", "mode", "high"))
    return inverse_cdf(low, mode, high, u, distribution)


@dataclass(frozen=True, eq=False)
class Draws:
    """Drawn figures [currency, FTE, value units]: one row per sample; one column per cashflows
    line (``cost``), demand line (``fte``) and project (``value``), in the portfolio's order."""

    cost: np.ndarray
    fte: np.ndarray
    value: np.ndarray


def draw_samples(
    portfolio: Portfolio,
    ranges: UncertaintyRanges,
    *,
    n_samples: int,
    seed: int = 0,
    distribution: str = "pert",
    correlation: str = "project",
    first: int = 0,
) -> Draws:
    """Draw ``n_samples`` figures for every line (samples ``first .. first + n_samples - 1``).

    Sample ``i`` is drawn from ``numpy.random.default_rng([seed, i])`` alone: uniforms for the
    projects' effort (or for each cost line, then each demand line), then for the projects'
    values, turned into figures by :func:`inverse_cdf` over all lines at once.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> draws = draw_samples(p, pa.uncertainty_ranges(p, cost_spread=0.2), n_samples=3)
    >>> draws.cost.shape == (3, len(p.cashflows))
    True
    """
    check_choice("distribution", distribution, DISTRIBUTIONS)
    check_choice("correlation", correlation, CORRELATIONS)
    index = portfolio.projects.index
    n_projects = len(index)
    cost_code = index.get_indexer(ranges.cost["project_id"])
    fte_code = index.get_indexer(ranges.demand["project_id"])
    n_cost, n_fte = len(cost_code), len(fte_code)
    u_cost = np.empty((n_samples, n_cost))
    u_fte = np.empty((n_samples, n_fte))
    u_value = np.empty((n_samples, n_projects))
    for row, i in enumerate(range(first, first + n_samples)):  # one small stream per sample
        rng = np.random.default_rng([seed, i])
        if correlation == "project":
            effort = rng.random(n_projects)
            u_cost[row], u_fte[row] = effort[cost_code], effort[fte_code]
        else:
            u_cost[row], u_fte[row] = rng.random(n_cost), rng.random(n_fte)
        u_value[row] = rng.random(n_projects)
    return Draws(
        cost=figures_at(ranges.cost, u_cost, distribution),
        fte=figures_at(ranges.demand, u_fte, distribution),
        value=figures_at(ranges.value, u_value, distribution),
    )


def monte_carlo_draws(
    portfolio: Portfolio,
    *,
    n_samples: int,
    seed: int,
    distribution: str,
    correlation: str,
    cost_spread: Spread,
    demand_spread: Spread,
    value_spread: Spread,
) -> Draws:
    """The draws of a Monte Carlo: its arguments checked, the ranges built, the samples drawn.

    Raises ``ValueError`` for a bad sample count, distribution, correlation or spread, and
    when nothing is uncertain (no range column and no spread).
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
        raise OptionsError(f"n_samples={n_samples!r} must be a whole number of at least 1")
    check_choice("distribution", distribution, DISTRIBUTIONS)
    check_choice("correlation", correlation, CORRELATIONS)
    ranges = uncertainty_ranges(
        portfolio, cost_spread=cost_spread, demand_spread=demand_spread, value_spread=value_spread
    )
    if ranges.is_certain:
        raise OptionsError(
            "nothing is uncertain: give cost_low/cost_high, fte_low/fte_high or "
            "value_low/value_high columns, or a cost_spread, demand_spread or value_spread"
        )
    return draw_samples(
        portfolio,
        ranges,
        n_samples=int(n_samples),
        seed=seed,
        distribution=distribution,
        correlation=correlation,
    )


# --------------------------------------------------------------------------- drawn portfolios
def with_figures(
    portfolio: Portfolio,
    *,
    cost: np.ndarray | None = None,
    fte: np.ndarray | None = None,
    value: np.ndarray | None = None,
) -> Portfolio:
    """The portfolio with new cost per cashflows line, FTE per demand line, value per project.

    Arrays follow the order of ``portfolio.cashflows``, ``portfolio.demand`` and
    ``portfolio.projects``; a value replaces the ``value`` column (so it becomes the strategic
    value) where it is not NaN.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> doubled = with_figures(p, cost=2 * p.cashflows["cost"].to_numpy())
    >>> bool(doubled.total_cost().sum() == 2 * p.total_cost().sum())
    True
    """
    changes: dict[str, pd.DataFrame] = {}
    if cost is not None:
        changes["cashflows"] = portfolio.cashflows.assign(cost=np.asarray(cost, dtype=float))
    if fte is not None:
        changes["demand"] = portfolio.demand.assign(fte=np.asarray(fte, dtype=float))
    if value is not None:
        projects = portfolio.projects
        given = np.asarray(value, dtype=float)
        changes["projects"] = projects.assign(
            value=np.where(np.isnan(given), projects["value"].to_numpy(dtype=float), given)
        )
    return portfolio.replace(**changes) if changes else portfolio
