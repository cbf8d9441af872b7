"""Robustness under uncertainty: re-optimise the portfolio under drawn figures (Monte Carlo).

Each sample is the portfolio with drawn costs, demand and values (ranges and draws:
:mod:`pmo_analytics.explore.ranges`); it is re-optimised — in parallel through
:func:`pmo_analytics.parallel.run_parallel` — with the optimiser's batch options (no shadow
prices, no exclusion analysis). The result holds each project's *core index* — the share of
samples whose best plan selects it (Liesiö, Mild & Salo 2007, *Preference programming for
robust portfolio modeling*) — the distribution of the best portfolio value, and the chance
that the *chosen* plan (given, or the plan of the portfolio as it stands) overruns each
period's budget and each role's capacity under the drawn costs and demand, its starts held
fixed (:mod:`pmo_analytics.explore.overrun`).

Related: :func:`pmo_analytics.overrun_risk` judges a fixed plan without re-optimising;
:func:`pmo_analytics.plan_with_contingency` plans against a quantile of cost
(:mod:`pmo_analytics.explore.contingency`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..optimise import (
    OptimiseOptions,
    build_formulation,
    make_room,
    optimise,
    solve_formulation,
)
from ..parallel import run_parallel
from ..portfolio import Portfolio
from .overrun import check_same_horizon, plan_overrun
from .ranges import Draws, Spread, monte_carlo_draws, with_figures

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import OptimiseOptions, Plan

#: The share of the run's search effort each sample gets: its search starts from the chosen
#: plan where that still fits the drawn figures.
SAMPLE_EFFORT = 0.05
#: Default core-index thresholds: ``never`` at or below the first, ``always`` at or above the
#: second share of samples, ``sometimes`` in between.
CORE_THRESHOLDS = (0.1, 0.9)
_SOLVED = ("optimal", "feasible")
_NAT = np.iinfo(np.int64).min


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
        One row per sample: status, objective, bound, gap, seconds, n_selected, value
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
        return int(self.samples["status"].isin(_SOLVED).sum())

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
    cost_spread: Spread = None,
    value_spread: Spread = None,
    demand_spread: Spread = None,
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
    seed, distribution, correlation, cost_spread, value_spread, demand_spread
        How figures are drawn: sample ``i`` from ``numpy.random.default_rng([seed, i])``, by
        ``"pert"`` or ``"triangular"``, one draw per ``"project"`` or per ``"line"``, within
        ranges the spreads give where the portfolio has no ``*_low``/``*_high`` columns.
    thresholds : (float, float)
        Core-index shares: ``never`` at or below the first, ``always`` at or above the second.
    n_jobs : int
        Worker processes (``-1``: all cores).
    backend : optional
        Passed to :func:`pmo_analytics.parallel.run_parallel` (e.g. ``"loky"``; a Dask
        cluster through ``joblib.parallel_config(backend="dask")``).
    progress : bool, optional
        Show a progress bar; default on from 50 samples.
    options : OptimiseOptions, optional
        How each sample is solved (default: the optimiser's), with :data:`SAMPLE_EFFORT` of
        its effort, from the chosen plan where it fits the draw. Searches stop on work, so the
        results depend on neither ``n_jobs``, ``backend`` nor the machine.

    Returns
    -------
    RobustnessResult

    Raises
    ------
    OptionsError
        When nothing is uncertain, or for invalid options.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> r = pa.monte_carlo(p, n_samples=4, cost_spread=0.2, options=pa.OptimiseOptions(effort=2))
    >>> r.options.effort
    0.1
    """
    lo, hi = thresholds
    if not 0.0 <= lo < hi <= 1.0:
        raise OptionsError(f"thresholds={thresholds!r} must be two shares 0 <= low < high <= 1")
    draws = monte_carlo_draws(
        portfolio,
        n_samples=n_samples,
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        cost_spread=cost_spread,
        demand_spread=demand_spread,
        value_spread=value_spread,
    )
    check_same_horizon(portfolio, plan)
    options = (options or OptimiseOptions()).replace(shadow_prices=False)
    if plan is None:
        plan = optimise(portfolio, options)
    batch = options.replace(analysis=False, effort=options.effort * SAMPLE_EFFORT)
    if n_jobs != 1:  # samples run side by side: one thread each (the plans do not depend on it)
        batch = batch.replace(threads=1)
    progress = n_samples >= 50 if progress is None else progress
    records = _solve_samples(portfolio, plan, draws, batch, n_jobs, backend, progress)
    samples, selected, starts = _sample_frame(records, draws)
    overrun, flags = plan_overrun(portfolio, plan, draws, options=batch)
    samples = pd.concat([samples, flags], axis=1)
    return RobustnessResult(
        core_index=_core_index(portfolio, plan, samples, selected, starts, thresholds),
        values=samples["value"].rename("value"),
        overrun=overrun,
        samples=samples,
        plan=plan,
        thresholds=(float(lo), float(hi)),
        n_samples=int(n_samples),
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        options=batch,
    )


def _solve_samples(
    portfolio: Portfolio,
    plan: Plan,
    draws: Draws,
    options: OptimiseOptions,
    n_jobs: int,
    backend: object,
    progress: bool,
) -> list:
    """Each sample's figures solved from ``plan`` (one record per sample, in order)."""
    return run_parallel(
        functools.partial(
            _solve_sample, portfolio=portfolio, options=options, solution=plan.solution
        ),
        zip(draws.cost, draws.fte, draws.value, strict=True),
        n_jobs=n_jobs,
        backend=backend,
        progress=progress,
        desc="Monte Carlo samples",
    )


def _solve_sample(
    figures: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    portfolio: Portfolio,
    options: OptimiseOptions,
    solution: pd.Series | None = None,
) -> dict:
    """Re-optimise one sample (runs in a worker), its search started from ``solution`` (the
    chosen plan's, made to fit the drawn figures): a small record, never the Plan."""

    cost, fte, value = figures
    drawn = with_figures(portfolio, cost=cost, fte=fte, value=value)
    formulation = build_formulation(drawn, options)
    # the chosen plan under the drawn figures is where the sample's search starts
    given = None if solution is None else formulation.column_values(solution)
    # where the drawn figures break it, the least valuable projects on broken limits give way
    start = None if given is None else make_room(formulation, given)
    plan = solve_formulation(drawn, formulation, options, warm_start=start)
    schedule = plan.schedule
    return {
        "status": plan.status,
        "objective": float(plan.objective),
        "bound": float(plan.bound),
        "gap": float(plan.gap),
        "seconds": float(plan.seconds),
        "selected": schedule["selected"].to_numpy(dtype=bool),
        "start": schedule["start"].array.asi8.copy(),  # NaT (_NAT) where not selected
    }


def _sample_frame(records: list[dict], draws: Draws) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One row per sample (index sample), and its selections and starts (one row per sample,
    one column per project)."""
    selected = np.vstack([r["selected"] for r in records])
    starts = np.vstack([r["start"] for r in records])
    frame = pd.DataFrame.from_records(records, exclude=["selected", "start"])
    frame.index = pd.RangeIndex(len(frame), name="sample")
    solved = frame["status"].isin(_SOLVED).to_numpy()
    frame["n_selected"] = selected.sum(axis=1)
    value = np.nansum(np.where(selected, draws.value, 0.0), axis=1)
    frame["value"] = np.where(solved, value, np.nan)
    return frame, selected, starts


def _core_index(
    portfolio: Portfolio,
    plan: Plan,
    samples: pd.DataFrame,
    selected: np.ndarray,
    starts: np.ndarray,
    thresholds: tuple[float, float],
) -> pd.DataFrame:
    """The :attr:`RobustnessResult.core_index` frame."""
    projects = portfolio.projects
    solved = samples["status"].isin(_SOLVED).to_numpy()
    count = selected[solved].sum(axis=0)
    frequency = count / solved.sum() if solved.any() else np.full(len(projects), np.nan)
    lo, hi = thresholds
    core = np.select([frequency >= hi, frequency <= lo], ["always", "never"], default="sometimes")
    core = np.where(np.isnan(frequency), "", core)
    # the start most samples chose (earliest among ties), where any chose one
    chosen = starts[solved]
    flat = pd.DataFrame(
        {"code": np.tile(np.arange(len(projects)), len(chosen)), "start": chosen.ravel()}
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
            "usual_start": pd.PeriodIndex.from_ordinals(
                usual_start, freq=portfolio.horizon[0].freq
            ),
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
