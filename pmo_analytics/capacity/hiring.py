"""Hiring: the least extra capacity that lets a given set of projects run.

:func:`hiring_needed` answers "what must we hire to deliver these projects?": the fewest extra
FTE per role and period, letting the projects' starts move inside their windows (a MIP over
the starts, built on the optimiser's own formulation with one continuous *hire* column per
capacity row) or keeping them (closed form: the shortfall). The answer is a small
:class:`Hiring` result; :func:`hiring_totals` sums its hires per role.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._vocab import NEEDS_KINDS
from ..exceptions import OptionsError, SolverError
from ..optimise import Formulation, OptimiseOptions, build_formulation, solve_model
from ..portfolio import Portfolio, earliest_starts, project_load
from .demand import FTE_TOL, capacity_demand, require_columns, selection_starts

__all__ = ["Hiring", "hiring_needed", "hiring_totals"]

HIRING_COLUMNS = ["role", "period", "demand", "capacity", "extra_fte"]
HIRING_TOTAL_COLUMNS = [
    "role",
    "extra_fte_periods",
    "peak_extra_fte",
    "periods_short",
    "first_short",
]


@dataclass(frozen=True)
class Hiring:
    """The least extra capacity that lets a set of projects run (from :func:`hiring_needed`).

    Attributes
    ----------
    hires : DataFrame
        One row per role and horizon period: ``role``, ``period``, ``demand`` [FTE] of the
        projects at the chosen starts, ``capacity`` [FTE] and ``extra_fte`` [FTE] (0 where
        none is needed) — what :func:`pmo_analytics.add_capacity` takes.
    starts : Series
        project_id → start period (``pd.Period``) the hires assume.
    status : str
        ``optimal`` (the proven minimum) or ``feasible`` (the search stopped early: the hires
        fit, but fewer might do).
    bound : float
        A proven lower bound on :attr:`total` [FTE × periods].
    """

    hires: pd.DataFrame
    starts: pd.Series
    status: str
    bound: float

    @property
    def total(self) -> float:
        """Σ extra_fte [FTE × periods]: the temporary staff to buy."""
        return float(self.hires["extra_fte"].sum())

    @property
    def totals(self) -> pd.DataFrame:
        """Per-role totals and peaks of the hires (see :func:`hiring_totals`)."""
        return hiring_totals(self.hires)

    def _repr_html_(self) -> str:
        heading = (
            f"<p>{self.status}: {self.total:,.2f} extra FTE-periods "
            f"(at least {self.bound:,.2f}); {len(self.starts)} projects</p>"
        )
        return heading + self.totals._repr_html_()  # type: ignore[operator]


def hiring_needed(
    portfolio: Portfolio,
    projects: object,
    *,
    flexible_starts: bool = True,
    respect_budget: bool = True,
    include_committed: bool = True,
    solver: str = "cbc",
    time_limit: float | None = 60.0,
) -> Hiring:
    """The least extra FTE per role and period that lets every given project run.

    With ``flexible_starts`` each project may start anywhere in its window (and its
    dependencies' timing): a MIP chooses the starts that need the fewest extra FTE-periods in
    total, Σ hire[role, period], where ``hire`` tops up the capacity row of its role and
    period. Without, the projects keep the given starts and the answer is closed form:
    max(0, demand − capacity) in each role and period.

    Extra FTE in a period is independent of the next (contractors or temporary staff); the
    permanent hires that would cover it are the per-role peak (``.totals``).
    Among start choices needing the same total, the solver's pick is arbitrary (no
    tie-break); the hires are then max(0, demand − capacity) at the chosen starts, which
    the MIP's minimum equals when the status is ``optimal``.

    Parameters
    ----------
    portfolio : Portfolio
    projects : iterable of str, Series, or Plan
        The projects that must run: ids, a Series project_id → start period, or a Plan (its
        selected projects and starts). Given starts are the fixed starts when
        ``flexible_starts`` is False (ids: their earliest starts) and the solver's first
        guess otherwise, so a flexible answer never needs more than the fixed one.
    flexible_starts : bool
        Let the starts move inside their windows (True) or keep them (False).
    respect_budget : bool
        Keep the budget per period: starts must also fit the budget (hiring cannot buy
        budget). False ignores the budget.
    include_committed : bool
        Add the work that runs anyway — in-flight and mandatory projects — to ``projects``.
    solver : {"cbc", "highs"}
    time_limit : float or None
        Seconds the solver may search; the status says whether the minimum was proven.

    Returns
    -------
    Hiring
        ``.hires`` (one row per role and horizon period: demand, capacity and the
        ``extra_fte`` needed), ``.starts`` (the starts they assume), ``.status``
        (``optimal``: the proven minimum; ``feasible``: the search stopped early), ``.total``
        (Σ extra_fte [FTE × periods]), ``.bound`` (a proven lower bound on the total) and
        ``.totals`` (per role, :func:`hiring_totals`).

    Raises
    ------
    ValueError
        For unknown or closed ids; for a project that has no start in the horizon, requires
        or follows a project not in the set, or excludes one in it; and when the projects
        cannot fit the budget (with ``respect_budget``) whatever is hired.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3, dependency_share=0)
    >>> hiring = hiring_needed(p, p.candidates()[:5], respect_budget=False)
    >>> list(hiring.hires.columns)
    ['role', 'period', 'demand', 'capacity', 'extra_fte']
    >>> hiring.status, bool(hiring.total >= hiring.bound >= 0)
    ('optimal', True)
    """
    given = selection_starts(portfolio, projects)
    ids = list(given.index)
    if include_committed:
        committed = _committed(portfolio)
        extra = committed.difference(pd.Index(ids))
        given = pd.concat([given, earliest_starts(portfolio).loc[extra]])
        ids = list(given.index)
    _check_rules(portfolio, pd.Index(ids))
    if not flexible_starts or given.empty:
        return _fixed_hires(portfolio, given, respect_budget=respect_budget)
    return _flexible_hires(
        portfolio,
        given,
        respect_budget=respect_budget,
        solver=solver,
        time_limit=time_limit,
    )


def _committed(portfolio: Portfolio) -> pd.Index:
    projects = portfolio.projects.loc[portfolio.candidates()]
    must = projects["status"].eq("in_flight") | projects["mandatory"].astype(bool)
    return projects.index[must.to_numpy()]


def _check_rules(portfolio: Portfolio, ids: pd.Index) -> None:
    """Fail clearly when dependencies or windows make the set impossible whatever is hired."""
    projects = portfolio.projects
    problems = []
    no_window = projects.loc[ids][
        projects.loc[ids, "first_start"] > projects.loc[ids, "last_start"]
    ]
    for pid in no_window.index:
        problems.append(f"{pid} has no start that finishes inside the horizon")
    deps = portfolio.dependencies
    if len(deps):
        mine = deps[deps["project_id"].isin(ids)]
        done = projects["status"].eq("completed")
        chain = mine[mine["kind"].isin(NEEDS_KINDS)]
        for dep in chain.itertuples(index=False):
            if dep.other_id not in ids and not done.get(dep.other_id, False):
                problems.append(
                    f"{dep.project_id} {dep.kind} {dep.other_id}, which is not in the set"
                )
        excl = mine[mine["kind"].eq("excludes") & mine["other_id"].isin(ids)]
        for dep in excl.itertuples(index=False):
            problems.append(f"{dep.project_id} excludes {dep.other_id}; both are in the set")
    if problems:
        raise OptionsError(
            "these projects cannot all run, whatever is hired: "
            + "; ".join(problems)
            + " (add the prerequisites or drop one of each excluded pair)"
        )


def _hiring(portfolio: Portfolio, starts: pd.Series, status: str, *, bound: float) -> Hiring:
    """The hires the projects need at ``starts`` (their shortfall), as a :class:`Hiring`."""
    frame = capacity_demand(portfolio, starts)
    hires = frame[["role", "period", "demand", "capacity"]].assign(
        extra_fte=frame["shortfall"].to_numpy()
    )
    total = float(hires["extra_fte"].sum())
    return Hiring(
        hires=hires, starts=starts.rename("start"), status=status, bound=min(bound, total)
    )


def _budget_overrun(portfolio: Portfolio, starts: pd.Series) -> pd.Series:
    spend, _ = project_load(portfolio, starts)
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    cost = spend.groupby("period")["cost"].sum().reindex(periods, fill_value=0.0)
    budget = portfolio.budget_by_period()
    over = cost - budget
    return over[over > 1e-6 * np.maximum(1.0, budget.abs())]


def _fixed_hires(portfolio: Portfolio, starts: pd.Series, *, respect_budget: bool) -> Hiring:
    if respect_budget and portfolio.has_budget:
        over = _budget_overrun(portfolio, starts)
        if len(over):
            where = ", ".join(f"{p} by {v:,.0f}" for p, v in over.items())
            raise OptionsError(
                f"at these starts the projects overrun the budget in {where}; hiring cannot "
                "fix that: let the starts move (flexible_starts=True), drop projects, or pass "
                "respect_budget=False"
            )
    return _hiring(portfolio, starts, "optimal", bound=math.inf)


def _flexible_hires(
    portfolio: Portfolio,
    given: pd.Series,
    *,
    respect_budget: bool,
    solver: str,
    time_limit: float | None,
) -> Hiring:
    ids = pd.Index(given.index)
    others = portfolio.candidates().difference(ids)
    options = OptimiseOptions(
        force_in=tuple(ids),
        force_out=tuple(others),
        allow_stop_in_flight=True,  # an in-flight project outside the set is forced out
        solver=solver,
        time_limit=time_limit,
        warm_start=False,
        shadow_prices=False,
    )
    formulation = build_formulation(portfolio, options)
    unforceable = [n for n in formulation.notes if n.startswith("cannot force in")]
    if unforceable:
        raise OptionsError(f"these projects cannot run in the horizon: {unforceable[0]}")
    # maximise −Σ hire: the fewest extra FTE-periods, each a slack on one capacity row
    model = (
        formulation.without(*(() if respect_budget else ("budget", "total_budget")))
        .with_objective(pd.Series(0.0, index=formulation.option_index))
        .with_slacks("capacity", objective=-1.0, name="hire")
    )
    warm_x, warm_hires = _warm_start(portfolio, model, given, respect_budget)
    result = solve_model(model, options, warm_start=warm_x, warm_helpers=warm_hires)
    if not result.is_solution():
        if result.status == "infeasible":
            raise OptionsError(
                "the projects cannot all run within "
                + ("the budget and their rules" if respect_budget else "their rules")
                + ", whatever is hired"
                + (
                    " (hiring cannot buy budget: drop projects or pass respect_budget=False)"
                    if respect_budget
                    else ""
                )
            )
        raise SolverError(
            f"the {solver} search found no start plan within {time_limit} s ({result.message}); "
            "allow more time (time_limit) or try solver='highs'"
        )
    # a lower bound on Σ hire; the solvers report it on either side of zero for this
    # all-negative objective, so its size is what counts
    bound = abs(result.bound) if math.isfinite(result.bound) else 0.0
    hiring = _hiring(portfolio, result.starts, result.status, bound=bound)
    if warm_x is not None:
        as_given = _hiring(portfolio, given, "feasible", bound=bound)
        if as_given.total < hiring.total - FTE_TOL:
            return as_given  # the search stopped before it matched the given starts
    return hiring


def _warm_start(
    portfolio: Portfolio, model: Formulation, given: pd.Series, respect_budget: bool
) -> tuple[pd.Series | None, pd.Series | None]:
    """The given starts (option values by label) and the hires they need (slack values by
    column name), when they are a solution of the model; (None, None) otherwise."""
    keys = pd.MultiIndex.from_arrays(
        [given.index, pd.PeriodIndex(given.to_numpy(), freq=portfolio.horizon[0].freq)]
    )
    if not keys.isin(model.option_index).all() or (
        respect_budget and portfolio.has_budget and len(_budget_overrun(portfolio, given))
    ):
        return None, None
    short = capacity_demand(portfolio, given).set_index(["role", "period"])["shortfall"]
    names = model.slack_names("capacity", "hire")
    hires = pd.Series(short.reindex(names.index, fill_value=0.0).to_numpy(), index=names.values)
    return pd.Series(1.0, index=keys), hires


def hiring_totals(hires: pd.DataFrame) -> pd.DataFrame:
    """Per-role totals of hires (:attr:`Hiring.hires`), and one line for all roles.

    Returns
    -------
    DataFrame
        ``role``, ``extra_fte_periods`` [FTE × periods] (Σ extra_fte), ``peak_extra_fte``
        [FTE] (the most needed in any one period: the permanent hires that would cover it),
        ``periods_short`` and ``first_short`` (label of the first period needing extra
        people, blank for none). Roles needing nobody are left out; the last row, role
        ``all roles``, sums them (its peak is that of the total per period).

    Examples
    --------
    >>> import pandas as pd
    >>> hires = pd.DataFrame({"role": ["Dev", "Dev", "QA"], "period": ["2027Q1", "2027Q2", "2027Q1"],
    ...                       "extra_fte": [1.0, 2.0, 0.0]})
    >>> hiring_totals(hires)["peak_extra_fte"].tolist()
    [2.0, 2.0]
    """
    require_columns(hires, ("role", "period", "extra_fte"), "the hiring frame")
    need = hires[hires["extra_fte"] > 0]
    labels = need["period"].astype(str)
    grouped = need.assign(label=labels).groupby("role", sort=True)
    out = pd.DataFrame(
        {
            "extra_fte_periods": grouped["extra_fte"].sum(),
            "peak_extra_fte": grouped["extra_fte"].max(),
            "periods_short": grouped["extra_fte"].size().astype(np.int64),
            "first_short": grouped["label"].first(),
        }
    ).rename_axis("role")
    out = out.sort_values("extra_fte_periods", ascending=False, kind="stable").reset_index()
    per_period = need.groupby(labels)["extra_fte"].sum()
    total = pd.DataFrame(
        {
            "role": ["all roles"],
            "extra_fte_periods": [float(need["extra_fte"].sum())],
            "peak_extra_fte": [float(per_period.max()) if len(per_period) else 0.0],
            "periods_short": [int(per_period.size)],
            "first_short": [per_period.index[0] if len(per_period) else ""],
        }
    )
    return pd.concat([out, total], ignore_index=True)[HIRING_TOTAL_COLUMNS]
