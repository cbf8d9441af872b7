"""What each limit is worth: one more step of a budget period or a role's period, re-optimised.

:func:`limit_table` lists every budget period and role × period of a plan with what it uses of
the limit, whether it is full (``tight``), which excluded projects it alone keeps out
(``blocking``: their best start would fit were this limit larger), the step worth evaluating
(1 FTE for a role; for the budget the smallest amount that admits a blocked project) and the LP
estimate of that step (the shadow price × the step) — facts the plan holds, no solver.

:func:`limit_worth` adds the gain of the most promising steps, by re-optimising: the plan's
model with the one limit a step larger, solved from the current plan (and the projects the
step admits as they stand) as a warm start, under the plan's search settings bounded to a node
limit (:class:`LimitSettings`) so that the figures are the same on any machine. A re-solve that
does not prove its optimum still proves a range: the true gain of the step lies in
[``gain_low``, ``gain_high``] = [new plan − current bound, new bound − current plan].
The re-solves run through :func:`pmo_analytics.parallel.run_parallel`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..parallel import run_parallel
from ..scoring import objective_values
from .formulation import Formulation, build_formulation
from .options import Check
from .solution import solve_model

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

#: Columns of ``limits.csv`` (CONTRACT.md), in order.
LIMIT_COLUMNS = [
    "limit",
    "period",
    "used",
    "available",
    "utilisation",
    "tight",
    "blocking",
    "step",
    "gain",
    "gain_low",
    "gain_high",
    "lp_estimate",
]
#: Columns of :func:`project_needs`: what each excluded project's best start needs.
NEED_COLUMNS = ["project_id", "start", "limits", "rules", "text"]
#: Limits that a budget step never goes below [currency]: no step of less than one unit.
_MIN_BUDGET_STEP = 1.0
#: Share of a period's budget taken as the step where no excluded project's best start
#: overruns that period's budget (nothing to admit, so a plain round share).
BUDGET_STEP_SHARE = 0.05


#: The share of the plan's search effort each re-optimised limit gets: its search starts from
#: the plan, which still fits the raised limit.
LIMIT_EFFORT = 0.05


def _tolerance(available: pd.Series) -> pd.Series:
    """How close to the limit counts as at it: 1e-6 relative (at least 1e-6)."""
    return 1e-6 * np.maximum(1.0, available.abs())


@dataclass(frozen=True)
class LimitSettings:
    """How much work :func:`limit_worth` spends on re-optimising steps of the limits.

    Parameters
    ----------
    evaluate : int
        How many of the most promising limits to re-optimise (0: none; the gain columns
        are then blank). Default 10.
    node_limit : int
        Branch-and-bound nodes of each re-solve's search of the whole model (default 300;
        with the engine, ``method="search"``, its final search after :data:`LIMIT_EFFORT` of
        the plan's effort from the plan itself). A limit on work, not on time, so the gains
        are the same on any machine; the plan's other search settings (method, solver, gap,
        seed) are kept, its time limit is not used.
    n_jobs : int or None
        Re-solves run in parallel (see :func:`pmo_analytics.parallel.run_parallel`);
        the figures do not depend on it. Default 1.

    Examples
    --------
    >>> LimitSettings(evaluate=5).node_limit
    300
    >>> LimitSettings(evaluate=-1)
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.OptionsError: evaluate=-1 is not valid; use a whole number ≥ 0 [limits]
    """

    evaluate: int = 10
    node_limit: int = 300
    n_jobs: int | None = 1

    def __post_init__(self) -> None:
        checks = {
            "evaluate": Check("whole", low=0.0, meaning="limits"),
            "node_limit": Check("whole", low=1.0, meaning="branch-and-bound nodes"),
            "n_jobs": Check("whole", optional=True, meaning="workers; -1 every core"),
        }
        problems = [
            f"{name}={getattr(self, name)!r} is not valid; use {check.rule()}"
            for name, check in checks.items()
            if not _accepts(check, getattr(self, name))
        ]
        if self.n_jobs == 0:
            problems.append("n_jobs=0 is not valid; use 1, 2, … or -1 (every core)")
        if problems:
            raise OptionsError("; ".join(problems))


def _accepts(check: Check, value: object) -> bool:
    if value is None:
        return check.optional
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return False
    return check.low is None or value >= check.low


# --------------------------------------------------------------------------- facts
def project_needs(plan: Plan) -> pd.DataFrame:
    """What keeps each excluded candidate out, per project: the limits its best start overruns.

    From the facts the plan holds (:attr:`Plan.conflicts`); no solver.

    Returns
    -------
    DataFrame
        One row per excluded candidate whose best start breaks a row of the model, most
        valuable first: project_id, start (its best start), limits (list of (limit, period)
        pairs it overruns, worst first), rules (list of other rules it breaks: dependency,
        balance, start_limit) and text, e.g. ``P029 needs Architect 2028Q1 and budget
        2028Q2``.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> needs = project_needs(optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3)))
    >>> list(needs.columns)
    ['project_id', 'start', 'limits', 'rules', 'text']
    """
    conflicts = _conflicts(plan)
    if conflicts.empty:
        return pd.DataFrame(columns=NEED_COLUMNS)
    limit = conflicts["family"].isin(["budget", "capacity"])
    word = np.where(conflicts["family"].eq("capacity"), conflicts["resource"].astype(str), "budget")
    label = pd.Series(word, index=conflicts.index) + " " + conflicts["period"].astype(str)
    label = label.where(limit, conflicts["cause"].astype(str))
    label = label.where(~conflicts["family"].eq("total_budget"), "the total budget")
    frame = conflicts.assign(
        label=label,
        pair=list(zip(word, conflicts["period"], strict=True)),
        is_limit=limit | conflicts["family"].eq("total_budget"),
    )
    ids = pd.Index(frame["project_id"].unique(), name="project_id")

    def listed(rows: pd.DataFrame, column: str) -> pd.Series:
        lists = rows.groupby("project_id", sort=False)[column].agg(lambda c: list(dict.fromkeys(c)))
        return lists.reindex(ids)

    out = pd.DataFrame(
        {
            "start": frame.groupby("project_id", sort=False)["start"].first().reindex(ids),
            "limits": listed(frame[limit], "pair"),
            "rules": listed(frame[~frame["is_limit"]], "cause"),
            "needs": listed(frame[frame["is_limit"]], "label"),
        },
        index=ids,
    )
    for column in ("limits", "rules", "needs"):
        out[column] = out[column].apply(lambda v: v if isinstance(v, list) else [])
    value = plan.schedule["value"].reindex(out.index).astype(float).fillna(-np.inf)
    out = out.assign(_key=-value.to_numpy()).sort_values(["_key"], kind="stable")
    out["text"] = [
        _need_words(pid, start, pairs, rules)
        for pid, start, pairs, rules in zip(
            out.index, out["start"], out["limits"], out["rules"], strict=True
        )
    ]
    return out.rename_axis("project_id").reset_index()[NEED_COLUMNS]


def _need_words(pid: str, start: object, pairs: list, rules: list[str], most: int = 4) -> str:
    """``P029 needs Architect 2028Q1 and budget 2028Q2``: the limits its best start overruns,
    grouped by limit (worst first), and the rules it would break."""
    by_limit: dict[str, list] = {}
    for limit, period in pairs:
        by_limit.setdefault(str(limit), []).append(period)
    named = [f"{limit} in {_periods(periods)}" for limit, periods in by_limit.items()]
    if len(named) > most:
        rest = len(named) - most
        named = [*named[:most], f"{rest} more limit{'s' if rest > 1 else ''}"]
    parts = ["more " + "; ".join(named)] if named else []
    if rules:
        words = {
            "dependency": "a dependency",
            "balance": "a balance rule",
            "start_limit": "the limit on starts",
        }
        parts.append("to break " + _and([words.get(r, r) for r in rules]))
    return f"{pid} needs " + " and ".join(parts) + f" (at its best start, {start})"


def _periods(periods: list) -> str:
    """Periods in words, runs of consecutive ones as a range: ``2027Q3–2028Q1 and 2028Q3``."""
    ordered = sorted(pd.Period(p) for p in periods)
    runs: list[list] = []
    for period in ordered:
        if runs and period.ordinal == runs[-1][-1].ordinal + 1:
            runs[-1].append(period)
        else:
            runs.append([period])
    return _and([f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _conflicts(plan: Plan) -> pd.DataFrame:
    """The plan's conflicts of excluded candidates (closed projects and forced-out never)."""
    conflicts = plan.conflicts
    if conflicts is None or conflicts.empty or not plan.is_solution():
        return pd.DataFrame(columns=["project_id", "family", "cause", "resource", "period"])
    reason = plan.schedule["reason"].reindex(conflicts["project_id"]).to_numpy()
    keep = ~pd.Series(reason).isin([*CLOSED_STATUSES, "forced_out", "window"]).to_numpy()
    return conflicts[keep]


def limit_table(plan: Plan) -> pd.DataFrame:
    """Every budget period and role × period of ``plan``: use, tightness, what it keeps out,
    the step to evaluate and its LP estimate (the gain columns blank). No solver.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    DataFrame
        :data:`LIMIT_COLUMNS`: limit (``budget`` or the role), period (label), used and
        available [currency for the budget, FTE for a role], utilisation (used / available),
        tight (used equals available within 1e-6 relative), blocking (the excluded projects
        whose best start would fit were this limit larger, ``;``-separated, most valuable
        first), step (1 FTE for a role; for the budget the smallest amount that admits one of
        its blocked projects, else the smallest overrun of an excluded project's best start
        there, else :data:`BUDGET_STEP_SHARE` of the period's budget — whole currency units),
        gain, gain_low, gain_high (NaN: see :func:`limit_worth`) and lp_estimate (shadow price
        × step: the LP's estimate of the step's worth; NaN without shadow prices).

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> table = limit_table(optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3)))
    >>> table.columns.tolist() == LIMIT_COLUMNS, bool(table["gain"].isna().all())
    (True, True)
    """
    use = plan.utilisation
    frame = pd.DataFrame(
        {
            "limit": use["resource"].astype(str).to_numpy(),
            "period": use["period"].to_numpy(),
            "used": use["used"].astype(float).to_numpy(),
            "available": use["available"].astype(float).to_numpy(),
        }
    )
    if not plan.is_solution():
        frame["used"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["utilisation"] = frame["used"] / frame["available"].where(frame["available"] > 0)
    frame["tight"] = (frame["available"] - frame["used"]) <= _tolerance(frame["available"])
    key = list(zip(frame["limit"], frame["period"], strict=True))
    alone = _single_limit_blocks(plan)
    frame["blocking"] = [";".join(alone.get(k, ())) for k in key]
    frame["step"] = np.where(frame["limit"].eq("budget"), _budget_steps(plan, frame, key), 1.0)
    for column in ("gain", "gain_low", "gain_high"):
        frame[column] = np.nan
    prices = plan.prices
    if len(prices):
        price = prices.set_index(["resource", "period"])["shadow_price"].astype(float)
        frame["lp_estimate"] = (
            price.reindex(pd.MultiIndex.from_tuples(key)).to_numpy() * frame["step"]
        )
    else:
        frame["lp_estimate"] = np.nan
    frame["period"] = frame["period"].astype(str)
    return frame[LIMIT_COLUMNS]


def _limit_hits(plan: Plan) -> pd.DataFrame:
    """Budget and capacity rows the best starts of excluded candidates overrun, with the
    overrun (need − remaining) and whether the project's best start breaks nothing else."""
    conflicts = _conflicts(plan)
    if conflicts.empty:
        return pd.DataFrame(columns=["project_id", "limit", "period", "short", "alone", "value"])
    rows_per_project = conflicts.groupby("project_id")["family"].transform("size")
    hits = conflicts[conflicts["family"].isin(["budget", "capacity"])]
    return pd.DataFrame(
        {
            "project_id": hits["project_id"].to_numpy(),
            "limit": np.where(
                hits["family"].eq("capacity"), hits["resource"].astype(str), "budget"
            ),
            "period": hits["period"].to_numpy(),
            "short": (hits["need"] - hits["remaining"].clip(lower=0.0)).to_numpy(dtype=float),
            "alone": (rows_per_project[hits.index] == 1).to_numpy(),
            "value": plan.schedule["value"].reindex(hits["project_id"]).astype(float).to_numpy(),
        }
    )


def _single_limit_blocks(plan: Plan) -> dict[tuple[str, object], list[str]]:
    """(limit, period) → the excluded projects that limit alone keeps out, most valuable first."""
    hits = _limit_hits(plan)
    alone = hits[hits["alone"].astype(bool)]
    alone = alone.assign(_key=-alone["value"].fillna(-np.inf)).sort_values(
        ["_key", "project_id"], kind="stable"
    )
    return {
        (limit, period): group["project_id"].tolist()
        for (limit, period), group in alone.groupby(["limit", "period"], sort=False)
    }


def _budget_steps(plan: Plan, frame: pd.DataFrame, key: list) -> np.ndarray:
    """The budget step per row (see :func:`limit_table`); NaN for role rows."""
    hits = _limit_hits(plan)
    hits = hits[hits["limit"] == "budget"]
    admit = hits[hits["alone"].astype(bool)].groupby("period")["short"].min()
    relieve = hits.groupby("period")["short"].min()
    periods = frame["period"].to_numpy()
    smallest = (
        pd.Series(admit.reindex(periods).to_numpy())
        .fillna(pd.Series(relieve.reindex(periods).to_numpy()))
        .fillna(pd.Series(frame["available"].to_numpy() * BUDGET_STEP_SHARE))
    )
    step = np.ceil(smallest.to_numpy(dtype=float) - 1e-9)
    return np.where(frame["limit"].eq("budget"), np.maximum(step, _MIN_BUDGET_STEP), np.nan)


# --------------------------------------------------------------------------- re-optimising
def limit_worth(
    plan: Plan,
    settings: LimitSettings | None = None,
    *,
    formulation: Formulation | None = None,
    **changes: object,
) -> pd.DataFrame:
    """:func:`limit_table` with the gain of one more step of the most promising limits.

    Each evaluated limit is raised by its ``step`` in the plan's model and the model is
    re-optimised from the current plan — and the blocked projects the step admits as they
    stand — as a warm start, under the plan's search settings with the node limit of
    ``settings`` instead of its time limit (the same figures on any machine). The most
    promising limits are those whose step admits the most valuable blocked project, or whose
    LP estimate is highest; then the tight ones.

    Parameters
    ----------
    plan : Plan
        A plan with a solution (otherwise the table has no gains).
    settings : LimitSettings, optional
        How many limits to evaluate, the node limit per re-solve, parallel workers.
    formulation : Formulation, optional
        The plan's model (default: built again from the plan's portfolio and options).
    **changes
        Fields of :class:`LimitSettings`, overriding ``settings``.

    Returns
    -------
    DataFrame
        :data:`LIMIT_COLUMNS`; for the evaluated limits ``gain`` (the re-optimised plan's
        objective − the current plan's: value it adds), ``gain_low`` (re-optimised plan −
        the current bound, at least 0) and ``gain_high`` (the re-optimised model's bound − the
        current plan): the true gain of the step lies in [gain_low, gain_high], equal to gain
        where both optima are proven. Blank for the limits not evaluated.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> worth = limit_worth(optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3)),
    ...                     evaluate=2)
    >>> int(worth["gain"].notna().sum()) <= 2
    True
    """
    settings = settings or LimitSettings()
    if changes:
        settings = LimitSettings(**{**settings.__dict__, **changes})
    table = limit_table(plan)
    if not plan.is_solution() or settings.evaluate == 0 or plan.solution is None:
        return table
    chosen = _most_promising(plan, table, settings.evaluate)
    if not len(chosen):
        return table
    model = formulation or build_formulation(plan.portfolio, plan.options)
    # the engine's searches start from the plan (a plan of every raised model): a share of the
    # run's effort each, like a frontier's points; node_limit caps the final search
    options = plan.options.replace(
        node_limit=settings.node_limit,
        time_limit=None,
        effort=plan.options.effort * LIMIT_EFFORT,
        shadow_prices=False,
        analysis=False,
    )
    tasks = [
        (_raised(model, table.loc[i]), options, _warm_start(plan, model, table.loc[i]))
        for i in chosen
    ]
    results = run_parallel(_resolve, tasks, n_jobs=settings.n_jobs, desc="limits")
    new_objective = np.array([r[0] for r in results], dtype=float)
    new_bound = np.array([r[1] for r in results], dtype=float)
    current, current_bound = plan.objective, plan.bound
    if not math.isfinite(current_bound):
        current_bound = math.inf
    # the optimum cannot fall as a limit grows: the new bound also bounds today's optimum
    today = np.minimum(current_bound, new_bound)
    table.loc[chosen, "gain"] = new_objective - current
    table.loc[chosen, "gain_low"] = np.maximum(new_objective - today, 0.0)
    table.loc[chosen, "gain_high"] = new_bound - current
    gains = ["gain", "gain_low", "gain_high"]
    table[gains] = table[gains].round(9) + 0.0  # no "-0.0" in the file
    table.attrs["node_limit"] = settings.node_limit
    return table


def _most_promising(plan: Plan, table: pd.DataFrame, n: int) -> pd.Index:
    """The ``n`` limits most worth re-optimising: by the value of the best blocked project
    the step admits as it stands, or the LP estimate, whichever is higher; then tight ones."""
    hits = _limit_hits(plan)
    period = table["period"]
    key = pd.MultiIndex.from_arrays([table["limit"], period])
    admitted = pd.Series(0.0, index=table.index)
    if len(hits):
        hits = hits.assign(period=hits["period"].astype(str))
        fits = hits[hits["alone"].astype(bool)]
        step = pd.Series(table["step"].to_numpy(), index=key)
        fits = fits[
            fits["short"].to_numpy()
            <= step.reindex(pd.MultiIndex.from_frame(fits[["limit", "period"]])).to_numpy() + 1e-9
        ]
        best = fits.groupby(["limit", "period"])["value"].max()
        admitted = pd.Series(best.reindex(key).fillna(0.0).to_numpy(), index=table.index)
    promise = np.maximum(admitted, table["lp_estimate"].fillna(0.0))
    ranked = table.assign(
        _promise=promise.to_numpy(),
        _tight=table["tight"].astype(int),
        _use=table["utilisation"].fillna(0.0),
    )
    ranked = ranked[(ranked["_promise"] > 1e-9) | ranked["tight"]]
    ranked = ranked.sort_values(
        ["_promise", "_tight", "_use", "limit", "period"],
        ascending=[False, False, False, True, True],
        kind="stable",
    )
    return ranked.index[:n]


def _row_position(model: Formulation, row: pd.Series) -> tuple[str, int]:
    """The family and block row of a limit of :func:`limit_table`."""
    family = "budget" if row["limit"] == "budget" else "capacity"
    rows = model.rows
    mine = rows[
        (rows["family"] == family)
        & (rows["resource"].astype(str) == row["limit"])
        & (rows["period"].astype(str) == row["period"])
    ]
    if mine.empty:
        raise OptionsError(f"the model has no {family} row for {row['limit']} {row['period']}")
    return family, int(mine["block_row"].iloc[0])


def _raised(model: Formulation, row: pd.Series) -> Formulation:
    """The model with one limit a step larger."""
    family, position = _row_position(model, row)
    rhs = model.block(family).rows["rhs"].to_numpy(dtype=float).copy()
    rhs[position] += float(row["step"])
    return model.with_rhs(family, rhs)


def _warm_start(plan: Plan, model: Formulation, row: pd.Series) -> pd.Series:
    """The current plan and, in value order, the projects this limit alone keeps out at their
    best starts, each where it still fits the raised limit."""
    selection = plan.solution.copy()
    raised = _raised(model, row)
    matrix = raised.sparse_matrix()
    rows = raised.rows
    rhs = rows["rhs"].to_numpy(dtype=float)
    sense = rows["sense"].to_numpy()
    conflicts = plan.conflicts
    for pid in [p for p in row["blocking"].split(";") if p]:
        start = conflicts.loc[conflicts["project_id"] == pid, "start"].iloc[0]
        trial = selection.copy()
        trial[(pid, start)] = 1.0
        x = raised.column_values(trial)
        if x is not None and _fits(matrix @ x, rhs, sense):
            selection = trial
    return selection


def _fits(used: np.ndarray, rhs: np.ndarray, sense: np.ndarray) -> bool:
    tol = 1e-6 * np.maximum(1.0, np.abs(rhs))
    ok = np.where(
        sense == "<=",
        used <= rhs + tol,
        np.where(sense == ">=", used >= rhs - tol, np.abs(used - rhs) <= tol),
    )
    return bool(ok.all())


def _resolve(task: tuple) -> tuple[float, float]:
    """Worker: the raised model solved from the warm start → (objective, bound).

    The warm start is a plan of the raised model, so the objective is never below it; the
    bound is NaN when the solver proves none.
    """
    model, options, warm = task
    objective = model.columns["objective"].to_numpy()
    x = model.column_values(warm)
    floor = float(objective @ x) + model.constant
    if options.method == "search":
        from .search import search  # the engine loads the solvers: imported where it runs

        result = search(model, options, x, neighbour=True)
        status, found, bound = result.status, result.objective, result.bound
    else:
        solution = solve_model(model, options.search, warm_start=warm)
        status, found, bound = solution.status, solution.objective, solution.bound
    found = found if status in ("optimal", "feasible") and found is not None else -math.inf
    best = max(found, floor)
    if status == "optimal" and found >= floor - 1e-9 * max(1.0, abs(floor)):
        return best, best
    bound = bound if bound is not None and math.isfinite(bound) else math.nan
    return best, max(bound, best) if math.isfinite(bound) else math.nan


# --------------------------------------------------------------------------- the scale of value
@dataclass(frozen=True)
class ValueScale:
    """What a figure of value is measured against.

    Attributes
    ----------
    total : float
        What all candidates together are worth on the plan's value basis (each at its
        earliest start for ``npv``); NaN when unknown.
    unit : str
        What one unit of value is, in words.
    """

    total: float
    unit: str

    def share(self, amount: float) -> str:
        """``amount`` as a share of :attr:`total`, e.g. ``1.3% of the 384.91 all candidates
        are worth together`` (empty when there is no total)."""
        if not (math.isfinite(self.total) and self.total > 0 and math.isfinite(amount)):
            return ""
        return (
            f"{amount / self.total:.1%} of the {self.total:,.2f} all candidates are worth together"
        )


def value_scale(plan: Plan) -> ValueScale:
    """The scale of the plan's value figures: all candidates' worth and what a unit means.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> scale = value_scale(optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3)))
    >>> scale.total > 0, scale.unit.startswith("one unit")
    (True, True)
    """
    portfolio = plan.portfolio
    options = plan.options
    candidates = portfolio.candidates()
    values = objective_values(
        portfolio, basis=options.value_basis, discount_rate=options.discount_rate
    )
    total = float(values.reindex(candidates).astype(float).fillna(0.0).sum())
    given = portfolio.projects["value"].reindex(candidates).notna().any()
    if options.value_basis == "npv":
        unit = "one unit of currency of net present value at the horizon's start"
    else:
        source = (
            "of the value column of projects.csv"
            if given
            else "of a project's weighted score on the criteria"
        )
        unit = f"one unit {source}" + (
            ", times (1 − risk)" if options.value_basis == "risk_adjusted" else ""
        )
    return ValueScale(total, unit)
