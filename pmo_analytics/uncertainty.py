"""Robustness under uncertainty: Monte Carlo re-optimisation, core index, overrun, contingency.

**Ranges.** Every cost line (cashflows), demand line (demand) and project value has a most
likely figure — the one in the portfolio — and a range around it: the optional columns
``cost_low``/``cost_high`` (cashflows.csv), ``fte_low``/``fte_high`` (demand.csv) and
``value_low``/``value_high`` (projects.csv), or, where a cell is blank, a global spread
(``cost_spread=0.2`` is ±20 %; ``(0.1, 0.4)`` is −10 % / +40 %, the usual shape of IT cost
risk). Neither given: the figure is certain.

**Distributions.** ``"pert"`` (Beta-PERT: mean (low + 4 mode + high) / 6, the classic
three-point estimate) or ``"triangular"``, each between low and high with its peak at the
portfolio's figure. Draws use the inverse distribution function of one uniform number, so

- ``correlation="project"`` (default): one uniform per project is shared by all its cost and
  demand lines — an overrun hits a project's whole budget and team together (comonotonic) —
  and another per project draws its value;
- ``correlation="line"``: every line draws on its own (narrower totals).

Sample ``i`` uses ``numpy.random.default_rng([seed, i])``: the draws, and so the results, are
the same whatever the number of samples before it, the number of workers or the backend.

**Monte Carlo.** Each sample is a portfolio with the drawn costs, demand and values; it is
re-optimised (in parallel through :func:`pmo_analytics.parallel.run_parallel`). The result
holds each project's *core index* — the share of samples whose best plan selects it (Liesiö,
Mild & Salo 2007, *Preference programming for robust portfolio modeling*) — the distribution of
the best portfolio value, and the probability that the *chosen* plan (given, or the plan of the
portfolio as it stands) overruns each period's budget and each role's capacity under the drawn
costs and demand (its starts held fixed).

**Contingency.** :func:`plan_with_contingency` plans against a quantile of each cost line
(e.g. P80) instead of its most likely figure. With ``correlation="project"`` the line
quantiles add up to the same quantile of each project's total cost.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .portfolio import Portfolio

if TYPE_CHECKING:  # pragma: no cover
    from .optimise import OptimiseOptions, Plan

DISTRIBUTIONS = ("pert", "triangular")
CORRELATIONS = ("project", "line")
#: Default core-index thresholds: ``never`` at or below the first, ``always`` at or above the
#: second share of samples, ``sometimes`` in between.
CORE_THRESHOLDS = (0.1, 0.9)
#: Columns read for each uncertain quantity: (table, amount column, low column, high column).
RANGE_COLUMNS = {
    "cost": ("cashflows", "cost", "cost_low", "cost_high"),
    "demand": ("demand", "fte", "fte_low", "fte_high"),
    "value": ("projects", "strategic_value", "value_low", "value_high"),
}
_NAT = np.iinfo(np.int64).min


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


def _spread(name: str, spread: float | tuple[float, float] | None) -> tuple[float, float]:
    """(down, up) shares of a spread option; errors say what is valid."""
    if spread is None:
        return 0.0, 0.0
    if isinstance(spread, int | float) and not isinstance(spread, bool):
        down = up = float(spread)
    elif isinstance(spread, tuple | list) and len(spread) == 2:
        down, up = (float(s) for s in spread)
    else:
        raise ValueError(
            f"{name}={spread!r} is not valid; give a share like 0.2 (±20 %) or a pair "
            "(down, up) like (0.1, 0.4)"
        )
    if not (0.0 <= down <= 1.0 and 0.0 <= up and np.isfinite(up)):
        raise ValueError(
            f"{name}={spread!r} is not valid: the downward share must lie in [0, 1] and the "
            "upward share must be zero or more"
        )
    return down, up


def _numbers(
    frame: pd.DataFrame, column: str, file: str, keys: pd.Series, problems: list[dict]
) -> np.ndarray:
    """The optional column as floats (NaN where absent or blank); bad cells become problems."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.to_numpy(dtype=float, na_value=np.nan)
    text = raw.astype("string").str.strip()
    numbers = pd.to_numeric(text.mask(text == ""), errors="coerce")
    bad = (numbers.isna() & text.notna() & (text != "")).to_numpy()
    problems.extend(
        {
            "file": file,
            "row": pd.NA,
            "column": column,
            "value": str(value),
            "rule": f"not a number ({key})",
        }
        for value, key in zip(text[bad], keys[bad], strict=True)
    )
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _range_frame(
    frame: pd.DataFrame,
    mode: np.ndarray,
    columns: tuple[str, str, str, str],
    spread: tuple[float, float],
    keys: pd.Series,
    problems: list[dict],
) -> pd.DataFrame:
    table, _, low_col, high_col = columns
    file = f"{table}.csv"
    low = _numbers(frame, low_col, file, keys, problems)
    high = _numbers(frame, high_col, file, keys, problems)
    low = np.where(np.isnan(low), mode * (1.0 - spread[0]), low)
    high = np.where(np.isnan(high), mode * (1.0 + spread[1]), high)
    tol = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(mode)))
    checks = (
        (low < -tol, low_col, low, "must not be negative"),
        (low > mode + tol, low_col, low, "must not exceed the most likely figure"),
        (high < mode - tol, high_col, high, "must not be below the most likely figure"),
    )
    for bad, column, values, rule in checks:
        bad = bad & ~np.isnan(mode)
        given = column in frame.columns
        problems.extend(
            {
                "file": file,
                "row": pd.NA,
                "column": column if given else column.replace("_low", "").replace("_high", ""),
                "value": f"{v:g}",
                "rule": f"{rule} ({key}; most likely {m:g})",
            }
            for v, key, m in zip(values[bad], keys[bad], mode[bad], strict=True)
        )
    return pd.DataFrame(
        {"low": np.minimum(low, mode), "mode": mode, "high": np.maximum(high, mode)},
        index=frame.index,
    )


def uncertainty_ranges(
    portfolio: Portfolio,
    *,
    cost_spread: float | tuple[float, float] | None = None,
    demand_spread: float | tuple[float, float] | None = None,
    value_spread: float | tuple[float, float] | None = None,
) -> UncertaintyRanges:
    """Low, most likely and high figure of every cost line, demand line and project value.

    Parameters
    ----------
    portfolio : Portfolio
        Its optional columns ``cost_low``/``cost_high`` (cashflows), ``fte_low``/``fte_high``
        (demand) and ``value_low``/``value_high`` (projects) are read where present.
    cost_spread, demand_spread, value_spread : float or (float, float), optional
        Share below and above the most likely figure for cells without a range column:
        ``0.2`` is ±20 %, ``(0.1, 0.4)`` is −10 % / +40 %. The downward share lies in [0, 1].

    Returns
    -------
    UncertaintyRanges

    Raises
    ------
    PortfolioValidationError
        Listing every range cell that is not a number, negative, or on the wrong side of the
        most likely figure (file, column, value, which line).
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
    from .validation import PortfolioValidationError

    spreads = {
        "cost": _spread("cost_spread", cost_spread),
        "demand": _spread("demand_spread", demand_spread),
        "value": _spread("value_spread", value_spread),
    }
    problems: list[dict] = []
    cashflows = portfolio.cashflows
    cost_keys = (
        "project "
        + cashflows["project_id"].astype(str)
        + ", offset "
        + cashflows["offset"].astype(str)
    )
    cost = _range_frame(
        cashflows,
        cashflows["cost"].to_numpy(dtype=float),
        RANGE_COLUMNS["cost"],
        spreads["cost"],
        cost_keys,
        problems,
    )
    demand_table = portfolio.demand
    demand_keys = (
        "project "
        + demand_table["project_id"].astype(str)
        + ", role "
        + demand_table["role"].astype(str)
        + ", offset "
        + demand_table["offset"].astype(str)
    )
    demand = _range_frame(
        demand_table,
        demand_table["fte"].to_numpy(dtype=float),
        RANGE_COLUMNS["demand"],
        spreads["demand"],
        demand_keys,
        problems,
    )
    projects = portfolio.projects
    value = _range_frame(
        projects,
        projects["strategic_value"].to_numpy(dtype=float),
        RANGE_COLUMNS["value"],
        spreads["value"],
        pd.Series("project " + projects.index.astype(str), index=projects.index),
        problems,
    )
    if problems:
        raise PortfolioValidationError(pd.DataFrame(problems), source="the uncertainty ranges")
    cost.insert(0, "offset", cashflows["offset"].to_numpy())
    cost.insert(0, "project_id", cashflows["project_id"].to_numpy())
    for i, column in enumerate(("project_id", "role", "offset")):
        demand.insert(i, column, demand_table[column].to_numpy())
    return UncertaintyRanges(
        cost=cost.reset_index(drop=True),
        demand=demand.reset_index(drop=True),
        value=value.rename_axis("project_id"),
    )


# --------------------------------------------------------------------------- distributions
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
    _check_choice("distribution", distribution, DISTRIBUTIONS)
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


def _check_choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"{name}={value!r} is not valid; use one of {', '.join(valid)}")


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
    """
    _check_choice("distribution", distribution, DISTRIBUTIONS)
    _check_choice("correlation", correlation, CORRELATIONS)
    index = portfolio.projects.index
    n_projects = len(index)
    cost_code = index.get_indexer(ranges.cost["project_id"])
    fte_code = index.get_indexer(ranges.demand["project_id"])
    n_cost, n_fte = len(cost_code), len(fte_code)
    u_cost = np.empty((n_samples, n_cost))
    u_fte = np.empty((n_samples, n_fte))
    u_value = np.empty((n_samples, n_projects))
    for row, i in enumerate(range(first, first + n_samples)):  # one small draw per sample
        rng = np.random.default_rng([seed, i])
        if correlation == "project":
            effort = rng.random(n_projects)
            u_cost[row], u_fte[row] = effort[cost_code], effort[fte_code]
        else:
            u_cost[row], u_fte[row] = rng.random(n_cost), rng.random(n_fte)
        u_value[row] = rng.random(n_projects)

    def figures(frame: pd.DataFrame, u: np.ndarray) -> np.ndarray:
        cols = [frame[c].to_numpy(dtype=float)[None, :] for c in ("low", "mode", "high")]
        return inverse_cdf(*cols, u, distribution)

    return Draws(
        cost=figures(ranges.cost, u_cost),
        fte=figures(ranges.demand, u_fte),
        value=figures(ranges.value, u_value),
    )


# --------------------------------------------------------------------------- sampled portfolios
def _state(portfolio: Portfolio) -> dict:
    """A picklable copy of a portfolio's tables (a Portfolio itself does not pickle)."""
    tables = {
        name: getattr(portfolio, name)
        for name in (
            "projects",
            "cashflows",
            "demand",
            "capacity",
            "budget",
            "criteria",
            "scores",
            "comparisons",
            "dependencies",
            "actuals",
        )
    }
    return {"tables": tables, "horizon": portfolio.horizon, "warnings": portfolio.warnings}


def _from_state(state: dict) -> Portfolio:
    return Portfolio(horizon=state["horizon"], warnings=state["warnings"], **state["tables"])


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


def _solve_sample(item: tuple, *, state: dict, options: OptimiseOptions) -> dict:
    """Re-optimise one sample (runs in a worker): a small record, never the Plan."""
    from .optimise import optimise

    i, cost, fte, value = item
    sampled = with_figures(_from_state(state), cost=cost, fte=fte, value=value)
    plan = optimise(sampled, options)
    schedule = plan.schedule
    start = np.where(schedule["selected"], schedule["start"].array.asi8, _NAT)
    return {
        "sample": int(i),
        "status": plan.status,
        "objective": float(plan.objective),
        "bound": float(plan.bound),
        "gap": float(plan.gap),
        "seconds": float(plan.seconds),
        "selected": schedule["selected"].to_numpy(dtype=bool),
        "start": start.astype(np.int64),
    }


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class RobustnessResult:
    """What a Monte Carlo of the portfolio says about its plan.

    Attributes
    ----------
    core_index : DataFrame
        Indexed by project_id (candidates): name, category, frequency (share of solved samples
        whose best plan selects the project), n_selected, core (``always`` when frequency ≥
        the upper threshold, ``never`` when ≤ the lower one, else ``sometimes``; see
        ``thresholds``), usual_start (the start most samples chose), in_plan and plan_start
        (the chosen plan), must (mandatory or in flight: selected by rule).
    values : Series
        Strategic value of each sample's best plan (index sample), under that sample's values;
        NaN where a sample had no solution.
    overrun : DataFrame
        The chosen plan under the drawn figures, one row per budget period and role/period:
        resource (``budget`` or a role), period, available, planned (used with the portfolio's
        figures), mean, p95 (used [currency or FTE]), p_overrun (share of samples in which
        use exceeds what is available). With a total budget in the options one more row,
        resource ``total_budget`` (period missing); with a cumulative budget the budget rows
        compare cumulative spend with cumulative budget.
    samples : DataFrame
        One row per sample: sample, status, objective, bound, gap, seconds, n_selected, value
        (= ``values``), plan_value (the chosen plan's strategic value under the sample's
        values), plan_cost (its cost in the horizon under the sample's costs),
        budget_overrun, capacity_overrun (any period / any role-period).
    plan : Plan
        The chosen plan.
    thresholds : (float, float)
    n_samples, seed : int
    distribution, correlation : str
    options : OptimiseOptions
        The options each sample was re-optimised with.
    """

    core_index: pd.DataFrame
    values: pd.Series
    overrun: pd.DataFrame
    samples: pd.DataFrame
    plan: Plan = field(repr=False)
    thresholds: tuple[float, float]
    n_samples: int
    seed: int
    distribution: str
    correlation: str
    options: OptimiseOptions = field(repr=False)

    @property
    def n_solved(self) -> int:
        """Samples whose re-optimisation found a plan (optimal or feasible)."""
        return int(self.samples["status"].isin(["optimal", "feasible"]).sum())

    def summary(self) -> dict:
        """Headline figures: statuses, value quantiles, overrun chances, core counts."""
        values = self.values.dropna()
        q = (
            values.quantile([0.05, 0.5, 0.95])
            if len(values)
            else pd.Series(np.nan, [0.05, 0.5, 0.95])
        )
        counts = self.core_index["core"].value_counts()
        return {
            "n_samples": self.n_samples,
            "n_solved": self.n_solved,
            "statuses": {str(k): int(v) for k, v in self.samples["status"].value_counts().items()},
            "plan_value": float(self.plan.value),
            "value_mean": float(values.mean()) if len(values) else float("nan"),
            "value_p05": float(q.iloc[0]),
            "value_p50": float(q.iloc[1]),
            "value_p95": float(q.iloc[2]),
            "p_budget_overrun": float(self.samples["budget_overrun"].mean()),
            "p_capacity_overrun": float(self.samples["capacity_overrun"].mean()),
            "always": int(counts.get("always", 0)),
            "sometimes": int(counts.get("sometimes", 0)),
            "never": int(counts.get("never", 0)),
        }

    def summary_text(self) -> str:
        """The headline figures in a few lines of plain words."""
        s = self.summary()
        statuses = ", ".join(f"{n} {k}" for k, n in sorted(s["statuses"].items()))
        lo, hi = self.thresholds
        return "\n".join(
            [
                f"{s['n_samples']} samples ({self.distribution}, correlation by "
                f"{self.correlation}), re-optimised: {statuses}",
                f"best value: median {s['value_p50']:,.2f}, 90 % between {s['value_p05']:,.2f} "
                f"and {s['value_p95']:,.2f} (the chosen plan: {s['plan_value']:,.2f} as planned)",
                f"core index: {s['always']} always (≥ {hi:.0%} of samples), {s['sometimes']} "
                f"sometimes, {s['never']} never (≤ {lo:.0%})",
                f"chance the chosen plan overruns: budget in some period {s['p_budget_overrun']:.0%}, "
                f"capacity of some role in some period {s['p_capacity_overrun']:.0%}",
            ]
        )


# --------------------------------------------------------------------------- monte carlo
def monte_carlo(
    portfolio: Portfolio,
    plan: Plan | None = None,
    *,
    n_samples: int = 200,
    seed: int = 0,
    distribution: str = "pert",
    correlation: str = "project",
    cost_spread: float | tuple[float, float] | None = None,
    value_spread: float | tuple[float, float] | None = None,
    demand_spread: float | tuple[float, float] | None = None,
    thresholds: tuple[float, float] = CORE_THRESHOLDS,
    n_jobs: int = 1,
    backend: object = None,
    progress: bool | None = None,
    options: OptimiseOptions | None = None,
) -> RobustnessResult:
    """Re-optimise the portfolio under drawn costs, demand and values; judge the chosen plan.

    Parameters
    ----------
    portfolio : Portfolio
    plan : Plan, optional
        The plan to judge (its starts held fixed under the drawn figures); default the plan of
        ``portfolio`` as it stands, optimised with ``options``.
    n_samples : int
        Number of samples (each one solve).
    seed : int
        Sample ``i`` draws from ``numpy.random.default_rng([seed, i])``.
    distribution : {"pert", "triangular"}
    correlation : {"project", "line"}
        One draw per project for all its cost and demand lines, or one per line (see module
        notes).
    cost_spread, value_spread, demand_spread : float or (float, float), optional
        Ranges where the portfolio gives no ``*_low``/``*_high`` columns (see
        :func:`uncertainty_ranges`).
    thresholds : (float, float)
        Core-index shares: ``never`` at or below the first, ``always`` at or above the second.
    n_jobs : int
        Worker processes (``-1``: all cores); results do not depend on it.
    backend : optional
        Passed to :func:`pmo_analytics.parallel.run_parallel` (e.g. a Dask client).
    progress : bool, optional
        Show a progress bar; default on from 50 samples.
    options : OptimiseOptions, optional
        How each sample is solved. Default: the optimiser's defaults with a 10 s time limit;
        shadow prices are always off (not needed here). With a time limit that stops the
        search, a sample's plan is the best found, not proven (see ``samples["status"]``),
        and may differ between machines of different speed.

    Returns
    -------
    RobustnessResult

    Raises
    ------
    ValueError
        When nothing is uncertain, or for invalid options.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> r = pa.monte_carlo(p, n_samples=4, cost_spread=0.2)
    >>> sorted(r.core_index["core"].unique())  # doctest: +SKIP
    ['always', 'never', 'sometimes']
    """
    from .optimise import OptimiseOptions, optimise
    from .parallel import run_parallel

    lo, hi = thresholds
    if not 0.0 <= lo < hi <= 1.0:
        raise ValueError(f"thresholds={thresholds!r} must be two shares 0 <= low < high <= 1")
    options = (options or OptimiseOptions(time_limit=10.0)).replace(shadow_prices=False)
    draws = _draws_for(
        portfolio,
        plan,
        n_samples=n_samples,
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        spreads={
            "cost_spread": cost_spread,
            "demand_spread": demand_spread,
            "value_spread": value_spread,
        },
    )
    if plan is None:
        plan = optimise(portfolio, options)
    items = [(i, draws.cost[i], draws.fte[i], draws.value[i]) for i in range(n_samples)]
    solve = functools.partial(_solve_sample, state=_state(portfolio), options=options)
    records = run_parallel(
        solve,
        items,
        n_jobs=n_jobs,
        backend=backend,
        progress=n_samples >= 50 if progress is None else progress,
        desc="Monte Carlo samples",
    )
    samples, selected, starts = _sample_frame(records, draws, portfolio)
    overrun, flags = _overrun(portfolio, plan, options, draws)
    samples = pd.concat([samples, flags], axis=1)
    core = _core_index(portfolio, plan, samples, selected, starts, thresholds)
    return RobustnessResult(
        core_index=core,
        values=samples["value"].rename("value"),
        overrun=overrun,
        samples=samples,
        plan=plan,
        thresholds=(float(lo), float(hi)),
        n_samples=int(n_samples),
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        options=options,
    )


def _draws_for(
    portfolio: Portfolio,
    plan: Plan | None,
    *,
    n_samples: int,
    seed: int,
    distribution: str,
    correlation: str,
    spreads: dict,
) -> Draws:
    """Check the arguments shared by :func:`monte_carlo` and :func:`overrun_risk`; draw."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
        raise ValueError(f"n_samples={n_samples!r} must be a whole number of at least 1")
    _check_choice("distribution", distribution, DISTRIBUTIONS)
    _check_choice("correlation", correlation, CORRELATIONS)
    ranges = uncertainty_ranges(portfolio, **spreads)
    if ranges.is_certain:
        raise ValueError(
            "nothing is uncertain: give cost_low/cost_high, fte_low/fte_high or "
            "value_low/value_high columns, or a cost_spread, demand_spread or value_spread"
        )
    if plan is not None and tuple(plan.portfolio.horizon) != tuple(portfolio.horizon):
        raise ValueError(
            f"the plan's horizon {plan.portfolio.horizon[0]}..{plan.portfolio.horizon[-1]} is not "
            f"the portfolio's {portfolio.horizon[0]}..{portfolio.horizon[-1]}"
        )
    return draw_samples(
        portfolio,
        ranges,
        n_samples=int(n_samples),
        seed=seed,
        distribution=distribution,
        correlation=correlation,
    )


@dataclass(frozen=True, eq=False)
class OverrunRisk:
    """How a fixed plan fares under drawn costs, demand and values (no re-optimisation).

    Attributes
    ----------
    overrun : DataFrame
        As :attr:`RobustnessResult.overrun`.
    samples : DataFrame
        One row per sample: plan_value, plan_cost, budget_overrun, capacity_overrun.
    plan : Plan
    """

    overrun: pd.DataFrame
    samples: pd.DataFrame
    plan: Plan = field(repr=False)

    def summary(self) -> dict:
        """Chance of overrunning the budget (any period) and capacity (any role and period),
        and the plan's cost and value quantiles."""
        cost = self.samples["plan_cost"].quantile([0.05, 0.5, 0.95])
        return {
            "n_samples": len(self.samples),
            "p_budget_overrun": float(self.samples["budget_overrun"].mean()),
            "p_capacity_overrun": float(self.samples["capacity_overrun"].mean()),
            "cost_p05": float(cost.iloc[0]),
            "cost_p50": float(cost.iloc[1]),
            "cost_p95": float(cost.iloc[2]),
            "value_mean": float(self.samples["plan_value"].mean()),
        }


def overrun_risk(
    portfolio: Portfolio,
    plan: Plan,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    distribution: str = "pert",
    correlation: str = "project",
    cost_spread: float | tuple[float, float] | None = None,
    value_spread: float | tuple[float, float] | None = None,
    demand_spread: float | tuple[float, float] | None = None,
) -> OverrunRisk:
    """The chance that a plan, as it stands, overruns budget or capacity under uncertainty.

    The plan's selection and starts are held fixed; costs, demand and values are drawn as in
    :func:`monte_carlo` (same seed, same draws) — but nothing is re-optimised, so thousands
    of samples take a moment.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio with its most likely figures and ranges.
    plan : Plan
        A plan over the same horizon, e.g. :func:`plan_with_contingency`'s.
    n_samples, seed, distribution, correlation, cost_spread, value_spread, demand_spread
        See :func:`monte_carlo`.

    Returns
    -------
    OverrunRisk

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> risk = pa.overrun_risk(p, pa.optimise(p), n_samples=500, cost_spread=(0.1, 0.4))
    >>> 0.0 <= risk.summary()["p_budget_overrun"] <= 1.0
    True
    """
    draws = _draws_for(
        portfolio,
        plan,
        n_samples=n_samples,
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        spreads={
            "cost_spread": cost_spread,
            "demand_spread": demand_spread,
            "value_spread": value_spread,
        },
    )
    overrun, flags = _overrun(portfolio, plan, plan.options, draws)
    return OverrunRisk(overrun=overrun, samples=flags, plan=plan)


def _sample_frame(
    records: list[dict], draws: Draws, portfolio: Portfolio
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    selected = np.vstack([r["selected"] for r in records])
    starts = np.vstack([r["start"] for r in records])
    frame = pd.DataFrame(
        {k: [r[k] for r in records] for k in ("sample", "status", "objective", "bound", "gap")}
    )
    frame["seconds"] = [r["seconds"] for r in records]
    solved = frame["status"].isin(["optimal", "feasible"]).to_numpy()
    frame["n_selected"] = selected.sum(axis=1)
    value = np.nansum(np.where(selected, draws.value, 0.0), axis=1)
    frame["value"] = np.where(solved, value, np.nan)
    frame.index = pd.RangeIndex(len(frame), name="sample")
    return frame.drop(columns="sample"), selected, starts


def _place(
    portfolio: Portfolio, starts: pd.Series, project_id: pd.Series, offset: pd.Series
) -> np.ndarray:
    """Period position (0 = the horizon's first) of each line at the plan's starts; -1 where the
    project is not selected or the line falls outside the horizon."""
    origin = portfolio.horizon[0]
    start_pos = pd.PeriodIndex(starts, freq=origin.freq).asi8 - origin.ordinal
    lookup = pd.Series(start_pos, index=starts.index)
    pos = project_id.map(lookup).to_numpy(dtype=float) + offset.to_numpy(dtype=float)
    inside = ~np.isnan(pos) & (pos >= 0) & (pos < len(portfolio.horizon))
    return np.where(inside, pos, -1).astype(np.int64)


def _sum_by(values: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    """Per sample (rows), the sum of the columns sharing a key (columns with key -1 dropped)."""
    from scipy.sparse import csr_matrix

    keep = key >= 0
    cols = np.flatnonzero(keep)
    indicator = csr_matrix(
        (np.ones(len(cols)), (np.arange(len(cols)), key[keep])), shape=(len(cols), n_keys)
    )
    return np.asarray(values[:, cols] @ indicator)


def _overrun(
    portfolio: Portfolio, plan: Plan, options: OptimiseOptions, draws: Draws
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Use of budget and capacity by the chosen plan in every sample, against the limits."""
    starts = plan.starts
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    n_periods = len(periods)
    cashflows, demand = portfolio.cashflows, portfolio.demand
    parts, exceed = [], {}

    def rows(resource, period, available, planned, used) -> pd.DataFrame:
        tol = 1e-9 * np.maximum(1.0, np.abs(available))
        over = used > available[None, :] + tol[None, :]
        exceed[resource] = over
        return pd.DataFrame(
            {
                "resource": resource,
                "period": period,
                "available": available,
                "planned": planned,
                "mean": used.mean(axis=0),
                "p95": np.quantile(used, 0.95, axis=0),
                "p_overrun": over.mean(axis=0),
            }
        )

    cost_pos = _place(portfolio, starts, cashflows["project_id"], cashflows["offset"])
    spend = _sum_by(draws.cost, cost_pos, n_periods)
    planned = _sum_by(cashflows["cost"].to_numpy(dtype=float)[None, :], cost_pos, n_periods)[0]
    if portfolio.has_budget:
        budget = portfolio.budget_by_period().to_numpy(dtype=float)
        if options.cumulative_budget:
            parts.append(
                rows(
                    "budget",
                    periods,
                    np.cumsum(budget),
                    np.cumsum(planned),
                    np.cumsum(spend, axis=1),
                )
            )
        else:
            parts.append(rows("budget", periods, budget, planned, spend))
    if options.budget is not None:
        parts.append(
            rows(
                "total_budget",
                pd.PeriodIndex([pd.NaT], freq=periods.freq),
                np.array([float(options.budget)]),
                planned.sum(keepdims=True),
                spend.sum(axis=1, keepdims=True),
            )
        )
    capacity = portfolio.capacity_by_role_period()
    roles = capacity.index.get_level_values("role")
    role_codes = pd.Index(roles.unique())
    fte_pos = _place(portfolio, starts, demand["project_id"], demand["offset"])
    role_code = role_codes.get_indexer(demand["role"])
    key = np.where((fte_pos >= 0) & (role_code >= 0), role_code * n_periods + fte_pos, -1)
    n_keys = len(role_codes) * n_periods
    used = _sum_by(draws.fte, key, n_keys)
    planned_fte = _sum_by(demand["fte"].to_numpy(dtype=float)[None, :], key, n_keys)[0]
    grid = pd.MultiIndex.from_product([role_codes, periods], names=["role", "period"])
    available = capacity.reindex(grid, fill_value=0.0).to_numpy(dtype=float)
    frame = rows("capacity", grid.get_level_values("period"), available, planned_fte, used)
    frame["resource"] = grid.get_level_values("role").astype(str)
    parts.append(frame)
    overrun = pd.concat(parts, ignore_index=True)
    budget_over = np.zeros(len(draws.cost), dtype=bool)
    for name in ("budget", "total_budget"):
        if name in exceed:
            budget_over |= exceed[name].any(axis=1)
    in_plan = portfolio.projects.index.isin(starts.index)
    flags = pd.DataFrame(
        {
            "plan_value": np.nansum(np.where(in_plan[None, :], draws.value, 0.0), axis=1),
            "plan_cost": spend.sum(axis=1),
            "budget_overrun": budget_over,
            "capacity_overrun": exceed["capacity"].any(axis=1),
        },
        index=pd.RangeIndex(len(draws.cost), name="sample"),
    )
    return overrun, flags


def _core_index(
    portfolio: Portfolio,
    plan: Plan,
    samples: pd.DataFrame,
    selected: np.ndarray,
    starts: np.ndarray,
    thresholds: tuple[float, float],
) -> pd.DataFrame:
    projects = portfolio.projects
    solved = samples["status"].isin(["optimal", "feasible"]).to_numpy()
    chosen = selected[solved]
    n_solved = max(int(solved.sum()), 1)
    count = chosen.sum(axis=0)
    frequency = count / n_solved if solved.any() else np.full(len(projects), np.nan)
    lo, hi = thresholds
    core = np.select([frequency >= hi, frequency <= lo], ["always", "never"], default="sometimes")
    core = np.where(np.isnan(frequency), "", core)
    # the start most samples chose (earliest among ties), where any chose one
    freq = portfolio.horizon[0].freq
    ordinals = starts[solved]
    flat = pd.DataFrame(
        {"code": np.tile(np.arange(len(projects)), len(ordinals)), "start": ordinals.ravel()}
    )
    flat = flat[flat["start"] != _NAT]
    usual = (
        flat.groupby(["code", "start"]).size().rename("n").reset_index()
        .sort_values(["code", "n", "start"], ascending=[True, False, True])
        .drop_duplicates("code")
        .set_index("code")["start"]
    )  # fmt: skip
    usual_start = np.full(len(projects), _NAT, dtype=np.int64)
    usual_start[usual.index.to_numpy()] = usual.to_numpy()
    schedule = plan.schedule.reindex(projects.index)
    out = pd.DataFrame(
        {
            "name": projects["name"],
            "category": projects["category"],
            "frequency": frequency,
            "n_selected": count.astype(np.int64),
            "core": core,
            "usual_start": pd.PeriodIndex.from_ordinals(usual_start, freq=freq),
            "in_plan": schedule["selected"].fillna(False).astype(bool).to_numpy(),
            "plan_start": schedule["start"].to_numpy(),
            "must": (
                projects["mandatory"].astype(bool) | projects["status"].eq("in_flight")
            ).to_numpy(),
        },
        index=projects.index,
    )
    out = out.loc[portfolio.candidates()]
    return out.sort_values(["frequency", "name"], ascending=[False, True], kind="stable")


# --------------------------------------------------------------------------- contingency
def contingency_portfolio(
    portfolio: Portfolio,
    quantile: float = 0.8,
    *,
    distribution: str = "pert",
    cost_spread: float | tuple[float, float] | None = None,
    demand_quantile: float | None = None,
    demand_spread: float | tuple[float, float] | None = None,
) -> Portfolio:
    """The portfolio with every cost line at a quantile of its distribution (e.g. P80).

    Parameters
    ----------
    portfolio : Portfolio
    quantile : float
        In (0, 1): 0.8 plans against the cost each line stays under with 80 % probability.
    distribution : {"pert", "triangular"}
    cost_spread : float or (float, float), optional
        Range for cost lines without ``cost_low``/``cost_high`` (see
        :func:`uncertainty_ranges`).
    demand_quantile : float, optional
        Also set each demand line to this quantile of its FTE (default: demand as planned).
    demand_spread : float or (float, float), optional

    Returns
    -------
    Portfolio
        Same projects, budget and capacity; costs (and demand) at the quantile.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> p80 = pa.contingency_portfolio(p, 0.8, cost_spread=(0.1, 0.4))
    >>> bool((p80.cashflows["cost"] >= p.cashflows["cost"]).all())
    True
    """
    quantiles = {"quantile": quantile, "demand_quantile": demand_quantile}
    for name, q in quantiles.items():
        if q is not None and not 0.0 < float(q) < 1.0:
            raise ValueError(f"{name}={q!r} must be a probability strictly between 0 and 1")
    _check_choice("distribution", distribution, DISTRIBUTIONS)
    ranges = uncertainty_ranges(portfolio, cost_spread=cost_spread, demand_spread=demand_spread)

    def at(frame: pd.DataFrame, q: float) -> np.ndarray:
        cols = [frame[c].to_numpy(dtype=float) for c in ("low", "mode", "high")]
        return inverse_cdf(*cols, np.full(len(frame), float(q)), distribution)

    fte = at(ranges.demand, demand_quantile) if demand_quantile is not None else None
    return with_figures(portfolio, cost=at(ranges.cost, quantile), fte=fte)


def plan_with_contingency(
    portfolio: Portfolio,
    quantile: float = 0.8,
    *,
    distribution: str = "pert",
    cost_spread: float | tuple[float, float] | None = None,
    demand_quantile: float | None = None,
    demand_spread: float | tuple[float, float] | None = None,
    options: OptimiseOptions | None = None,
    **changes: object,
) -> Plan:
    """Optimise against a quantile of cost (a contingency) instead of the most likely cost.

    The plan's ``portfolio`` is :func:`contingency_portfolio`'s: its costs, utilisation and
    checks are at the quantile. Judge it under the full distribution with
    ``monte_carlo(portfolio, plan)``.

    Parameters
    ----------
    portfolio : Portfolio
    quantile, distribution, cost_spread, demand_quantile, demand_spread
        See :func:`contingency_portfolio`.
    options : OptimiseOptions, optional
    **changes
        Any :class:`~pmo_analytics.OptimiseOptions` field.

    Returns
    -------
    Plan

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> plan = pa.plan_with_contingency(p, 0.8, cost_spread=0.3)
    >>> bool(plan.total_cost <= p.budget["amount"].sum())
    True
    """
    from .optimise import optimise

    hedged = contingency_portfolio(
        portfolio,
        quantile,
        distribution=distribution,
        cost_spread=cost_spread,
        demand_quantile=demand_quantile,
        demand_spread=demand_spread,
    )
    return optimise(hedged, options, **changes)
