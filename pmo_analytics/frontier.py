"""Efficient frontiers: the best value at each budget level, and value against risk.

A frontier here is *re-optimised* at every point — the best plan the rules allow at that
level, its selection and start periods free to change — not a ranking curve that adds
projects in a fixed order. The model is built once (:func:`~.optimise.formulation.
build_formulation`) and each point changes only the limit it sweeps: the budget rows'
right-hand sides (:func:`~.optimise.formulation.with_rhs`), or the right-hand side of one
added exposure row. Points run in parallel through :func:`pmo_analytics.parallel.run_parallel`.

Definitions
-----------
budget
    The total budget over the horizon [currency] at a point: the sum of the per-period
    budget (budget.csv) × scale, or the run's total budget × scale, whichever is smaller.
    Every per-period limit (and the total, when the run has one) is scaled alike.
exposure (risk)
    The risk-weighted cost of a selection: Σ risk × cost inside the horizon [currency] over
    the selected projects — the money expected to be spent on projects that fail (risk is
    the probability of failure; a blank risk counts as 0).
knee
    The point farthest above the chord from the first to the last feasible point, with both
    axes scaled to [0, 1] ("Kneedle", Satopää et al. 2011): where extra money (or exposure)
    stops buying value at the rate it did. None when no point lies above the chord.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .optimise import OptimiseOptions, Plan
    from .optimise.formulation import Formulation
    from .portfolio import Portfolio

__all__ = ["Frontier", "efficient_frontier", "risk_frontier", "exposure"]

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
        previous point); plan_from (the point whose selection this point holds: itself, or a
        tighter point whose plan beat what a time-limited search found here — so the
        objective never falls as the limit loosens); current (the plan at today's limit);
        knee; seconds.
    selections : DataFrame
        project_id × point: True where selected.
    starts : DataFrame
        project_id × point: start period label ("" where not selected).
    plans : tuple of Plan
        The plan of each point (its portfolio carries the point's budget, so
        :func:`~pmo_analytics.check_plan` and ``plan.utilisation`` reflect the level).
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
        rows = []
        names = self.plans[0].schedule["name"] if self.plans else pd.Series(dtype=object)
        for point, row in self.points.iterrows():
            for change in ("entered", "left"):
                for pid in filter(None, str(row[change]).split(", ")):
                    rows.append(
                        {
                            "point": point,
                            self.x: row[self.x],
                            "project_id": pid,
                            "name": names.get(pid, ""),
                            "change": change,
                        }
                    )
        return pd.DataFrame(rows, columns=["point", self.x, "project_id", "name", "change"])

    def _repr_html_(self) -> str:
        return self.points._repr_html_()  # type: ignore[operator]


# --------------------------------------------------------------------------- helpers
def _batch_options(options: OptimiseOptions | None) -> OptimiseOptions:
    from .optimise import OptimiseOptions

    # shadow prices cost an extra LP per point and a frontier does not show them
    return (options or OptimiseOptions()).replace(shadow_prices=False)


def _check_value(portfolio: Portfolio, options: OptimiseOptions) -> None:
    if options.value_basis == "npv":
        return
    candidates = portfolio.candidates()
    if len(candidates) and portfolio.projects.loc[candidates, "strategic_value"].isna().all():
        raise ValueError(
            "the portfolio gives no strategic value: add a value column to projects.csv or "
            "scores.csv with criteria.csv (or use value_basis='npv')"
        )


def exposure_coefficients(portfolio: Portfolio, formulation: Formulation) -> pd.Series:
    """Exposure [currency] of each start option: the project's risk × its cost in the horizon.

    Indexed like ``formulation.options`` (project_id, start).
    """
    from .optimise.formulation import placed_entries

    opts = formulation.options
    cost = placed_entries(portfolio.cashflows, opts, "cost", len(portfolio.horizon), [])
    per_col = cost.groupby("col")["coef"].sum().reindex(opts["col"].to_numpy(), fill_value=0.0)
    risk = portfolio.projects["risk"].astype(float).fillna(0.0)
    ids = opts.index.get_level_values("project_id")
    values = per_col.to_numpy() * risk.reindex(ids).to_numpy()
    return pd.Series(values, index=opts.index, name="exposure")


def exposure(plan: Plan) -> float:
    """Risk-weighted cost of a plan's selection: Σ risk × cost in the horizon [currency].

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> exposure(optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1))) > 0
    True
    """
    if not plan.is_solution():
        return math.nan
    from .utilisation import project_load

    spend, _ = project_load(plan.portfolio, plan.starts)
    risk = plan.portfolio.projects["risk"].astype(float).fillna(0.0)
    weights = risk.reindex(spend["project_id"]).to_numpy(dtype=float)
    return float(spend["cost"].to_numpy(dtype=float) @ np.nan_to_num(weights))


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


def _keep_better_tighter_plans(plans: list[Plan]) -> tuple[list[Plan], list[int]]:
    """Points in sweep order (tight to loose): a tighter point's plan obeys every looser limit.

    When a search stopped by its time limit leaves a point worse than a tighter point's plan,
    that plan is kept for it instead (re-read at the point's level, status ``feasible``, with
    a note). Returns the plans and, per point, the point whose selection it holds. Skipped
    for models with helper columns (cumulative budget), whose values the plan does not keep.
    """
    from .optimise.run import assemble_plan

    out, source = list(plans), list(range(len(plans)))
    best: int | None = None
    for i, plan in enumerate(plans):
        model = plan.formulation
        worse = (
            best is not None
            and plan.status != "infeasible"
            and model is not None
            and len(model.columns) == len(model.options)
            and out[best].objective
            > (plan.objective if plan.is_solution() else -math.inf)
            + 1e-9 * max(1.0, abs(out[best].objective))
        )
        if worse:
            kept = out[best].solution.reindex(model.options.index, fill_value=0.0).to_numpy()
            note = (
                f"the search at this level stopped at {plan.objective:,.4g}; the plan of point "
                f"{source[best]} (a tighter limit, so it obeys this one) is better and is kept"
            )
            replaced = assemble_plan(
                plan.portfolio,
                model,
                plan.options,
                kept,
                status="feasible",
                bound=plan.bound,
                solver=plan.solver,
                notes=[note, *plan.notes],
                timings=plan.timings,
            )
            out[i] = dataclasses.replace(replaced, seconds=plan.seconds)
            source[i] = source[best]
        if out[i].is_solution() and (best is None or out[i].objective >= out[best].objective):
            best = i
    return out, source


def _tightest_bounds(plans: list[Plan]) -> np.ndarray:
    """Best proven bound per point: its own, or a looser point's when lower (value can only
    grow as the limit loosens)."""
    bounds = np.array([p.bound if p.is_solution() else math.nan for p in plans], dtype=float)
    tightest = bounds.copy()
    running = math.inf
    for i in range(len(bounds) - 1, -1, -1):
        if np.isfinite(bounds[i]):
            running = min(running, bounds[i])
        if np.isfinite(tightest[i]) or plans[i].is_solution():
            tightest[i] = running if math.isfinite(running) else tightest[i]
    objective = np.array([p.objective if p.is_solution() else math.nan for p in plans])
    return np.maximum(tightest, objective)


def _assemble(
    plans: list[Plan],
    frame: pd.DataFrame,
    x: str,
    kind: str,
    current: int | None,
) -> Frontier:
    """Points, selections and step changes from the plans of a sweep (in sweep order)."""
    plans, source = _keep_better_tighter_plans(plans)
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
    entered, left = [], []
    previous = None
    for i in range(len(plans)):
        if not solved[i]:
            entered.append(_NONE)
            left.append(_NONE)
            continue
        now = selections[i]
        if previous is None:
            entered.append(_NONE)
            left.append(_NONE)
        else:
            was = selections[previous]
            entered.append(", ".join(index[now & ~was]))
            left.append(", ".join(index[was & ~now]))
        previous = i
    points = frame.assign(
        objective=[p.objective if p.is_solution() else math.nan for p in plans],
        bound=_tightest_bounds(plans),
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
    points["plan_from"] = source
    points["n_entered"] = [len(s.split(", ")) if s else 0 for s in entered]
    points["n_left"] = [len(s.split(", ")) if s else 0 for s in left]
    marginal = np.full(len(points), math.nan)
    xs, ys = points[x].to_numpy(float), points["objective"].to_numpy(float)
    last = None
    for i in range(len(points)):
        if not solved[i]:
            continue
        if last is not None and xs[i] > xs[last]:
            marginal[i] = (ys[i] - ys[last]) / (xs[i] - xs[last])
        last = i
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
def _budget_point(task: tuple) -> Plan:
    """Worker: one budget level (module level, so it pickles)."""
    from .optimise.formulation import with_rhs
    from .optimise.run import solve_formulation

    formulation, portfolio, options, scale = task
    model, changes = formulation, {}
    budget = model.block("budget")
    if budget is not None:
        base = portfolio.budget_by_period().reindex(pd.PeriodIndex(budget.rows["period"]))
        model = with_rhs(
            model, "budget", budget.rows["rhs"].to_numpy() + (scale - 1.0) * base.to_numpy()
        )
        changes["budget"] = portfolio.budget.assign(amount=portfolio.budget["amount"] * scale)
    total = model.block("total_budget")
    if total is not None and options.budget is not None:
        model = with_rhs(
            model, "total_budget", total.rows["rhs"].to_numpy() + (scale - 1.0) * options.budget
        )
        options = options.replace(budget=options.budget * scale)
    level = portfolio.replace(**changes) if changes else portfolio
    return solve_formulation(level, model, options)


def efficient_frontier(
    portfolio: Portfolio,
    *,
    budget_scales: Sequence[float] | np.ndarray | None = None,
    levels: Sequence[float] | np.ndarray | None = None,
    options: OptimiseOptions | None = None,
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
        Run options of every point (shadow prices are switched off). A portfolio without
        budget.csv needs ``options.budget`` — else today's level is taken as the cost of
        every candidate project, a budget that binds nothing.
    n_jobs, backend, progress
        Parallel points, see :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    Frontier
        ``kind="budget"``, ``x="budget"``. Today's budget (scale 1) is always a point
        (added when the sweep leaves it out): ``frontier.current``.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> f = efficient_frontier(generate_portfolio(10, n_periods=4, n_roles=2, seed=1),
    ...                        budget_scales=[0.5, 1.0, 1.5])
    >>> bool(f.points["objective"].is_monotonic_increasing)
    True
    """
    from .optimise.formulation import build_formulation
    from .parallel import run_parallel

    options = _batch_options(options)
    _check_value(portfolio, options)
    if budget_scales is not None and levels is not None:
        raise ValueError("give budget_scales or levels, not both")
    if not portfolio.has_budget and options.budget is None:
        reference = float(portfolio.total_cost().reindex(portfolio.candidates()).sum())
        options = options.replace(budget=reference)
    per_period = float(portfolio.budget_by_period().sum())
    today = min(per_period, options.budget if options.budget is not None else math.inf)
    if levels is not None:
        values = np.asarray(levels, dtype=float)
        if (
            values.ndim != 1
            or not len(values)
            or not np.isfinite(values).all()
            or (values < 0).any()
        ):
            raise ValueError(f"levels must be budgets ≥ 0 [currency]; got {levels!r}")
        scales = values / today if today > 0 else values * 0.0
    else:
        scales = np.asarray(
            np.linspace(0.5, 1.5, 11) if budget_scales is None else budget_scales, dtype=float
        )
        if (
            scales.ndim != 1
            or not len(scales)
            or not np.isfinite(scales).all()
            or (scales < 0).any()
        ):
            raise ValueError(f"budget_scales must be factors ≥ 0; got {budget_scales!r}")
    if not np.isclose(scales, 1.0, rtol=0, atol=1e-9).any():
        scales = np.append(scales, 1.0)
    scales = np.unique(np.round(scales, 12))
    formulation = build_formulation(portfolio, options)
    tasks = [(formulation, portfolio, options, float(s)) for s in scales]
    plans = run_parallel(
        _budget_point, tasks, n_jobs=n_jobs, backend=backend, progress=progress, desc="frontier"
    )
    frame = pd.DataFrame({"scale": scales, "budget": scales * today})
    current = int(np.flatnonzero(np.isclose(scales, 1.0, rtol=0, atol=1e-9))[0])
    return _assemble(plans, frame, "budget", "budget", current)


# --------------------------------------------------------------------------- value vs risk
def _risk_block(coefficients: pd.Series, formulation: Formulation, cap: float):
    from .optimise.formulation import Block

    cols = formulation.options["col"].to_numpy()
    nz = coefficients.to_numpy() > 0
    return Block(
        "risk",
        "<=",
        pd.DataFrame({"measure": ["exposure"], "rhs": [float(cap)]}),
        pd.DataFrame({"row": 0, "col": cols[nz], "coef": coefficients.to_numpy()[nz]}),
    )


def _risk_point(task: tuple) -> Plan:
    """Worker: one exposure cap (module level, so it pickles)."""
    from .optimise.formulation import with_rhs
    from .optimise.run import solve_formulation

    formulation, portfolio, options, cap = task
    return solve_formulation(portfolio, with_rhs(formulation, "risk", cap), options)


def _least_exposure(task: tuple) -> float:
    """Worker: the least exposure any plan obeying the rules can have [currency]."""
    from .optimise.model import solve

    formulation, coefficients, options = task
    columns = formulation.columns.assign(objective=0.0)
    objective = columns["objective"].to_numpy().copy()
    objective[formulation.options["col"].to_numpy()] = -coefficients.to_numpy()
    model = dataclasses.replace(formulation, columns=columns.assign(objective=objective))
    result = solve(
        model,
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
    )
    if result.values is None:
        return math.nan
    n_x = len(formulation.options)
    return float(coefficients.to_numpy() @ np.round(result.values[:n_x]))


def _current_plan(task: tuple) -> Plan:
    from .optimise.run import solve_formulation

    formulation, portfolio, options = task
    return solve_formulation(portfolio, formulation, options)


def risk_frontier(
    portfolio: Portfolio,
    *,
    n_points: int = 11,
    epsilons: Sequence[float] | np.ndarray | None = None,
    options: OptimiseOptions | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
) -> Frontier:
    """Value against risk by the ε-constraint method.

    Maximise value subject to exposure = Σ risk × cost in the horizon ≤ ε (see the module
    notes), sweeping ε from the least exposure any plan obeying the rules can have to the
    exposure of today's plan (no cap). The cap is one added constraint row (a ``risk``
    block); every other rule holds at every point.

    Parameters
    ----------
    portfolio : Portfolio
        Needs a ``risk`` column (probability of failure in [0, 1]); blanks count as 0.
    n_points : int, default 11
        Points between the least and today's exposure (both included).
    epsilons : array-like, optional
        Exposure caps [currency] instead (today's plan is still added as a point).
    options : OptimiseOptions, optional
        Run options of every point (shadow prices are switched off).
    n_jobs, backend, progress
        Parallel points, see :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    Frontier
        ``kind="risk"``, ``x="epsilon"``; ``points.exposure`` is each plan's own exposure
        (≤ its epsilon); ``frontier.current`` is today's plan (epsilon = its exposure).

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> f = risk_frontier(generate_portfolio(10, n_periods=4, n_roles=2, seed=1), n_points=3)
    >>> bool((f.points["exposure"] <= f.points["epsilon"] + 1e-6).all())
    True
    """
    from .optimise.formulation import build_formulation
    from .parallel import run_parallel

    options = _batch_options(options)
    _check_value(portfolio, options)
    if "risk" not in portfolio.projects or portfolio.projects["risk"].isna().all():
        raise ValueError(
            "the portfolio gives no risk: add a risk column (probability of failure in [0, 1]) "
            "to projects.csv"
        )
    if epsilons is None and (not isinstance(n_points, int) or n_points < 2):
        raise ValueError(f"n_points must be a whole number ≥ 2; got {n_points!r}")
    formulation = build_formulation(portfolio, options)
    coefficients = exposure_coefficients(portfolio, formulation)
    today, least = run_parallel(
        _risk_or_least,
        [
            ("current", formulation, portfolio, options),
            ("least", formulation, coefficients, options),
        ],
        n_jobs=n_jobs,
        backend=backend,
    )
    if not today.is_solution():
        points = pd.DataFrame({"epsilon": [math.nan]})
        return _assemble([today], points, "epsilon", "risk", 0)
    high = exposure(today)
    if epsilons is None:
        low = least if math.isfinite(least) else 0.0
        caps = np.linspace(min(low, high), high, n_points)[:-1]
    else:
        caps = np.asarray(epsilons, dtype=float)
        if caps.ndim != 1 or not np.isfinite(caps).all() or (caps < 0).any():
            raise ValueError(f"epsilons must be exposure caps ≥ 0 [currency]; got {epsilons!r}")
        caps = np.unique(caps[caps < high - 1e-9 * max(1.0, high)])
    capped = dataclasses.replace(
        formulation, blocks=[*formulation.blocks, _risk_block(coefficients, formulation, high)]
    )
    tasks = [(capped, portfolio, options, float(cap)) for cap in caps]
    plans = run_parallel(
        _risk_point, tasks, n_jobs=n_jobs, backend=backend, progress=progress, desc="risk frontier"
    )
    plans.append(today)
    frame = pd.DataFrame({"epsilon": [*caps, high]})
    return _assemble(plans, frame, "epsilon", "risk", len(plans) - 1)


def _risk_or_least(task: tuple):
    """Worker: today's plan or the least exposure, so the two run side by side."""
    kind, *rest = task
    return _current_plan(tuple(rest)) if kind == "current" else _least_exposure(tuple(rest))
