"""Efficient frontiers: the best value at each level of a limit, re-optimised per point.

A frontier here is *re-optimised* at every point — the best plan the rules allow at that
level, its selection and start periods free to change — not a ranking curve that adds
projects in a fixed order. The model is built once (:func:`~.optimise.formulation.
build_formulation`) and each point changes only the limit it sweeps: the budget rows'
right-hand sides (:meth:`~pmo_analytics.optimise.Formulation.with_rhs`) for :func:`efficient_frontier`,
or the right-hand side of one added exposure row for :func:`pmo_analytics.explore.risk.risk_frontier`.
:func:`pmo_analytics.explore.sweep.sweep` solves the points from the tightest level up, each search
starting from the plan of the point before (which fits the looser limit too), so value never
falls as the limit loosens; neighbouring points run in chains, the chains in parallel.
:class:`Frontier` holds the points, their plans and what changes from one to the next.

Definitions
-----------
budget
    The total budget over the horizon [currency] at a point: the sum of the per-period
    budget (budget.csv) × scale, or the run's total budget × scale, whichever is smaller.
    Every per-period limit (and the total, when the run has one) is scaled alike.
exposure (risk)
    The risk-weighted cost of a selection: Σ risk × cost inside the horizon [currency]
    (:func:`pmo_analytics.explore.exposure.exposure`).
knee
    The point farthest above the chord from the first to the last feasible point, with both
    axes scaled to [0, 1] ("Kneedle", Satopää et al. 2011): where extra money (or exposure)
    stops buying value at the rate it did. None when no point lies above the chord.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..optimise import Formulation, OptimiseOptions, Plan, build_formulation, check_inputs
from ..portfolio import Portfolio
from .exposure import exposure
from .sweep import Level, sweep, tightest_bounds

__all__ = ["Frontier", "efficient_frontier"]

#: The share of the run's search effort each point of a frontier (or sweep) gets: its search
#: starts from the neighbouring point's plan (:mod:`pmo_analytics.sweep`).
POINT_EFFORT = 0.05

_NONE = ""


@dataclass(frozen=True)
class Frontier:
    """A frontier: one re-optimised plan per point.

    Attributes
    ----------
    points : DataFrame
        One row per point, in increasing order of the swept limit (index ``point``):
        scale and budget [currency] (budget frontier) or epsilon (exposure cap [currency],
        risk frontier); objective; bound (the best proven upper bound at this level: the
        point's own, or a looser point's when lower, since value can only grow as the limit
        loosens) and gap against it; status; n_selected, spend (cost in the horizon
        [currency]), exposure [currency], value (strategic); entered and left (project ids,
        comma separated, against the previous point with a plan), n_entered, n_left;
        marginal (objective gained per unit of currency of the swept limit since the
        previous point); current (the plan at today's limit); knee; seconds. The objective
        never falls as the limit loosens (see :mod:`pmo_analytics.explore.sweep`).
    selections : DataFrame
        project_id × point: True where selected.
    starts : DataFrame
        project_id × point: start period label ("" where not selected).
    plans : tuple of Plan
        The plan of each point (its portfolio carries the point's budget, so
        :func:`~pmo_analytics.check_plan` and ``plan.utilisation`` reflect the level). The
        points compare selections: their plans skip shadow prices and the reasons of the
        projects left out (``reason`` ``not_selected``; ``pa.optimise`` a level for those).
    kind : str
        ``"budget"`` or ``"risk"``.
    x : str
        The points column swept: ``"budget"`` or ``"epsilon"``.
    knee_rule : str
        How the knee was chosen (see the module notes).
    """

    points: pd.DataFrame
    selections: pd.DataFrame
    starts: pd.DataFrame
    plans: tuple[Plan, ...]
    kind: str
    x: str
    knee_rule: str = "largest distance above the chord, axes scaled to [0, 1]"

    @property
    def knee(self) -> pd.Series | None:
        """The knee point's row (None when there is none)."""
        hit = self.points[self.points["knee"]]
        return hit.iloc[0] if len(hit) else None

    @property
    def current(self) -> pd.Series | None:
        """The row of the point at today's limit (None when the sweep left it out)."""
        hit = self.points[self.points["current"]]
        return hit.iloc[0] if len(hit) else None

    def changes(self) -> pd.DataFrame:
        """What enters and leaves at each step, one row per (point, project).

        Columns: point, project_id, name, change (entered / left), and the swept limit.
        """
        names = self.plans[0].schedule["name"] if self.plans else pd.Series(dtype=object)
        steps = self.points[[self.x, "entered", "left"]].reset_index()
        long = steps.melt(id_vars=["point", self.x], var_name="change", value_name="project_id")
        long["project_id"] = long["project_id"].astype(str).str.split(", ")
        long = long.explode("project_id")
        long = long[long["project_id"] != ""].sort_values(["point", "change"], kind="stable")
        long["name"] = long["project_id"].map(names).fillna("")
        return long[["point", self.x, "project_id", "name", "change"]].reset_index(drop=True)

    def _repr_html_(self) -> str:
        return self.points._repr_html_()  # type: ignore[operator]


# --------------------------------------------------------------------------- helpers
def batch_options(options: OptimiseOptions | None) -> OptimiseOptions:

    # a frontier compares selections: shadow prices (an extra LP per point) and the reasons
    # of the projects left out are not shown; each point's search starts from the plan of the
    # point before, so it gets a share of the run's effort
    options = options or OptimiseOptions()
    return options.replace(
        shadow_prices=False, analysis=False, effort=options.effort * POINT_EFFORT
    )


def _knee(x: np.ndarray, y: np.ndarray) -> int | None:
    """Position of the point farthest above the chord (axes scaled to [0, 1]), or None."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return None
    xs, ys = x[ok], y[ok]
    span_x, span_y = xs.max() - xs.min(), ys.max() - ys.min()
    if span_x <= 0 or span_y <= 0:
        return None
    u, v = (xs - xs.min()) / span_x, (ys - ys.min()) / span_y
    chord = v[0] + (v[-1] - v[0]) * (u - u[0]) / max(u[-1] - u[0], 1e-12)
    above = v - chord
    best = int(np.argmax(above))
    if above[best] <= 1e-9:
        return None
    return int(np.flatnonzero(ok)[best])


def assemble_frontier(
    plans: list[Plan],
    frame: pd.DataFrame,
    x: str,
    kind: str,
    current: int | None,
) -> Frontier:
    """Points, selections and step changes from the plans of a sweep (in sweep order)."""

    index = plans[0].schedule.index
    selections = pd.DataFrame(
        {i: p.schedule["selected"].reindex(index, fill_value=False) for i, p in enumerate(plans)}
    )
    selections.columns.name = "point"
    starts = pd.DataFrame(
        {
            i: p.schedule["start"].astype(str).where(p.schedule["selected"], _NONE)
            for i, p in enumerate(plans)
        }
    )
    starts.columns.name = "point"
    solved = np.array([p.is_solution() for p in plans])
    # each point against the previous point with a plan
    with_plan = np.flatnonzero(solved)
    now = selections.to_numpy()[:, with_plan[1:]]
    was = selections.to_numpy()[:, with_plan[:-1]]
    entered, left = np.full((2, len(plans)), _NONE, dtype=object)
    n_entered, n_left = np.zeros((2, len(plans)), dtype=np.int64)
    for names, count, change in ((entered, n_entered, now & ~was), (left, n_left, was & ~now)):
        names[with_plan[1:]] = [", ".join(index[m]) for m in change.T]
        count[with_plan[1:]] = change.sum(axis=0)
    points = frame.assign(
        objective=[p.objective if p.is_solution() else math.nan for p in plans],
        bound=tightest_bounds(plans),
        status=[p.status for p in plans],
        n_selected=[p.n_selected for p in plans],
        spend=[p.total_cost if p.is_solution() else math.nan for p in plans],
        exposure=[exposure(p) for p in plans],
        value=[p.value if p.is_solution() else math.nan for p in plans],
        entered=entered,
        left=left,
    )
    gap = (points["bound"] - points["objective"]) / points["objective"].abs().clip(lower=1e-9)
    points.insert(points.columns.get_loc("bound") + 1, "gap", gap.where(solved, math.nan))
    points["n_entered"], points["n_left"] = n_entered, n_left
    xs, ys = points[x].to_numpy(float), points["objective"].to_numpy(float)
    dx, dy = np.diff(xs[with_plan]), np.diff(ys[with_plan])
    marginal = np.full(len(points), math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        marginal[with_plan[1:]] = np.where(dx > 0, dy / dx, math.nan)
    points["marginal"] = marginal
    points["current"] = np.arange(len(points)) == (current if current is not None else -1)
    knee = _knee(xs, np.where(solved, ys, math.nan))
    points["knee"] = np.arange(len(points)) == (knee if knee is not None else -1)
    points["seconds"] = [p.seconds for p in plans]
    points.index.name = "point"
    return Frontier(
        points=points,
        selections=selections,
        starts=starts,
        plans=tuple(plans),
        kind=kind,
        x=x,
    )


# --------------------------------------------------------------------------- value vs budget
def _budget_level(
    formulation: Formulation, portfolio: Portfolio, options: OptimiseOptions, scale: float
) -> Level:
    """Today's budget × ``scale``: every per-period limit and any total budget alike."""
    model, changes = formulation, {}
    budget = model.block("budget")
    if budget is not None:
        base = portfolio.budget_by_period().reindex(pd.PeriodIndex(budget.rows["period"]))
        model = model.with_rhs(
            "budget", budget.rows["rhs"].to_numpy() + (scale - 1.0) * base.to_numpy()
        )
        changes["budget"] = portfolio.budget.assign(amount=portfolio.budget["amount"] * scale)
    total = model.block("total_budget")
    if total is not None and options.budget is not None:
        model = model.with_rhs(
            "total_budget", total.rows["rhs"].to_numpy() + (scale - 1.0) * options.budget
        )
        options = options.replace(budget=options.budget * scale)
    return model, (portfolio.replace(**changes) if changes else portfolio), options


def as_levels(values: object, what: str, *, empty: bool = False) -> np.ndarray:
    """``values`` as a 1-d array of finite numbers ≥ 0 (ValueError naming ``what`` they must
    be otherwise)."""
    array = np.asarray(values, dtype=float)
    if (
        array.ndim != 1
        or not (len(array) or empty)
        or not np.isfinite(array).all()
        or (array < 0).any()
    ):
        raise OptionsError(f"{what}; got {values!r}")
    return array


def efficient_frontier(
    portfolio: Portfolio,
    *,
    budget_scales: Sequence[float] | np.ndarray | None = None,
    levels: Sequence[float] | np.ndarray | None = None,
    options: OptimiseOptions | None = None,
    baseline: Plan | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
) -> Frontier:
    """The best value at each budget level: value against budget, re-optimised per point.

    Parameters
    ----------
    portfolio : Portfolio
    budget_scales : array-like, optional
        Multiples of today's budget (default ``np.linspace(0.5, 1.5, 11)``): every
        per-period amount and any total budget are scaled alike.
    levels : array-like, optional
        Total budgets over the horizon [currency] instead of scales (not both).
    options : OptimiseOptions, optional
        Run options of every point (shadow prices and the reasons of excluded projects are
        switched off). A portfolio without
        budget.csv needs ``options.budget`` — else today's level is taken as the cost of
        every candidate project, a budget that binds nothing.
    baseline : Plan, optional
        Today's plan of ``portfolio`` (e.g. ``optimise(portfolio, options)``, searched with the
        full effort): no point at or above today's budget is worth less — a frontier point
        gets only a share of the effort, and would otherwise often come out below it.
    n_jobs, backend, progress
        Parallel chains of points, see :func:`pmo_analytics.explore.sweep.sweep` and
        :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    Frontier
        ``kind="budget"``, ``x="budget"``. Today's budget (scale 1) is always a point
        (added when the sweep leaves it out): ``frontier.current``.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> f = efficient_frontier(generate_portfolio(10, n_periods=4, n_roles=2, seed=1),
    ...                        budget_scales=[0.5, 1.0, 1.5])
    >>> bool(f.points["objective"].is_monotonic_increasing)
    True
    """

    options = batch_options(options)
    check_inputs(portfolio, options)
    if budget_scales is not None and levels is not None:
        raise OptionsError("give budget_scales or levels, not both")
    if not portfolio.has_budget and options.budget is None:
        reference = float(portfolio.total_cost().reindex(portfolio.candidates()).sum())
        options = options.replace(budget=reference)
    per_period = float(portfolio.budget_by_period().sum())
    today = min(per_period, options.budget if options.budget is not None else math.inf)
    if levels is not None:
        values = as_levels(levels, "levels must be budgets ≥ 0 [currency]")
        scales = values / today if today > 0 else values * 0.0
    else:
        scales = as_levels(
            np.linspace(0.5, 1.5, 11) if budget_scales is None else budget_scales,
            "budget_scales must be factors ≥ 0",
        )
    if not np.isclose(scales, 1.0, rtol=0, atol=1e-9).any():
        scales = np.append(scales, 1.0)
    scales = np.unique(np.round(scales, 12))
    current = int(np.flatnonzero(np.isclose(scales, 1.0, rtol=0, atol=1e-9))[0])
    formulation = build_formulation(portfolio, options)
    if baseline is not None and not (
        baseline.is_solution()
        and baseline.solution is not None
        and formulation.fits(baseline.solution)
    ):
        raise OptionsError(
            "the baseline plan does not satisfy the frontier's rules at today's budget: make "
            "it with optimise(portfolio, options) on the same portfolio and options"
        )
    plans = sweep(
        formulation,
        portfolio,
        options,
        _budget_level,
        [float(s) for s in scales],
        floor=None if baseline is None else (current, baseline),
        n_jobs=n_jobs,
        backend=backend,
        progress=progress,
        desc="frontier",
    )
    frame = pd.DataFrame({"scale": scales, "budget": scales * today})
    return assemble_frontier(plans, frame, "budget", "budget", current)
