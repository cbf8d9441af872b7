"""Capacity: demand against capacity per role and period, the bottlenecks, the hires needed to
fit a set of projects, and what extra capacity is worth.

Every view places demand through :func:`pmo_analytics.utilisation.project_load` (the same
mechanism as a Plan's utilisation), so the figures here always agree with the plan's.

- :func:`capacity_demand` — a tidy role × period frame (demand, capacity, utilisation,
  shortfall) for any selection: a Plan, starts per project, a list of projects, or every
  candidate at its earliest start.
- :func:`bottlenecks` — the roles that bind, ranked by total shortfall and peak utilisation.
- :func:`hiring_needed` — the least extra FTE per role and period that lets a given set of
  projects run (a MIP over their start periods when starts are free; closed form when fixed).
- :func:`value_of_capacity` — re-optimise with +1, +2, … FTE of a role and report the value
  each step adds.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .optimise.options import OptimiseOptions
from .optimise.plan import Plan
from .portfolio import Portfolio
from .utilisation import earliest_starts, project_load

CAPACITY_COLUMNS = [
    "role",
    "period",
    "demand",
    "capacity",
    "utilisation",
    "shortfall",
    "n_projects",
]
BOTTLENECK_COLUMNS = [
    "role",
    "total_shortfall",
    "peak_shortfall",
    "periods_short",
    "peak_utilisation",
    "mean_utilisation",
    "binding_periods",
]
HIRING_COLUMNS = ["role", "period", "demand", "capacity", "extra_fte", "status"]
HIRING_TOTAL_COLUMNS = [
    "role",
    "extra_fte_periods",
    "peak_extra_fte",
    "periods_short",
    "first_short",
]
VALUE_COLUMNS = [
    "role",
    "period",
    "fte_added",
    "status",
    "objective",
    "bound",
    "gap",
    "value_gained",
    "gained_per_fte",
    "marginal_gain",
    "gain_low",
    "gain_high",
    "shadow_price",
    "n_selected",
    "entered",
    "left",
    "carried",
    "seconds",
]
#: Default solver time limit [s] of each re-optimisation in :func:`value_of_capacity`.
VALUE_TIME_LIMIT = 20.0
#: Shortfalls below this many FTE are rounding noise of FTE sums and count as none.
_FTE_TOL = 1e-9


# --------------------------------------------------------------------------- selections
def _as_starts(portfolio: Portfolio, selection: object) -> pd.Series:
    """Start period per project_id for a Plan, a Series of starts, ids, or None (everything)."""
    projects = portfolio.projects
    freq = portfolio.horizon[0].freq
    if selection is None:
        return earliest_starts(portfolio)
    if isinstance(selection, Plan):
        return selection.starts.rename("start")
    if isinstance(selection, pd.Series):
        unknown = sorted(set(map(str, selection.index)) - set(projects.index))
        if unknown:
            raise ValueError(
                f"unknown project ids in the starts: {', '.join(unknown)}; "
                f"valid ids are those of portfolio.projects (e.g. {projects.index[0]})"
            )
        values = selection.dropna()
        try:
            periods = pd.PeriodIndex([pd.Period(v, freq=freq) for v in values], freq=freq)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"starts must be periods of the portfolio's frequency ({portfolio.freq}), "
                f"pd.Period or labels like {portfolio.horizon[0]}: {err}"
            ) from err
        return pd.Series(periods, index=values.index.astype(str), name="start")
    ids = [selection] if isinstance(selection, str) else list(selection)  # type: ignore[call-overload]
    unknown = sorted(set(ids) - set(projects.index))
    if unknown:
        raise ValueError(
            f"unknown project ids: {', '.join(map(str, unknown))}; "
            f"valid ids are those of portfolio.projects (e.g. {projects.index[0]})"
        )
    earliest = earliest_starts(portfolio)
    closed = sorted(set(ids) - set(earliest.index))
    if closed:
        raise ValueError(
            f"projects that are completed or cancelled cannot be placed: {', '.join(closed)}; "
            "pick candidates (portfolio.candidates())"
        )
    return earliest.loc[pd.Index(ids).unique()]


def capacity_demand(portfolio: Portfolio, selection: object = None) -> pd.DataFrame:
    """Demand against capacity per role and period for a selection of projects.

    Parameters
    ----------
    portfolio : Portfolio
    selection : Plan, Series, iterable of str, or None
        Which projects run, and when: a :class:`~pmo_analytics.Plan` (its selected projects
        at their planned starts), a Series project_id → start (``pd.Period`` or a label like
        ``2027Q1``), project ids (each at its earliest feasible start,
        :func:`pmo_analytics.earliest_starts`), or ``None`` — every candidate at its earliest
        start ("if everything ran").

    Returns
    -------
    DataFrame
        One row per role and horizon period (sorted): ``role``, ``period`` (``pd.Period``),
        ``demand`` [FTE], ``capacity`` [FTE], ``utilisation`` (demand / capacity; NaN where
        both are 0, ``inf`` where there is demand but no capacity), ``shortfall``
        [FTE] = max(0, demand − capacity), ``n_projects`` (projects drawing on the role then).

    Raises
    ------
    ValueError
        For unknown or closed project ids, or starts that are not periods.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> frame = capacity_demand(p)
    >>> list(frame.columns)
    ['role', 'period', 'demand', 'capacity', 'utilisation', 'shortfall', 'n_projects']
    >>> len(frame) == len(p.roles) * len(p.horizon)
    True
    """
    starts = _as_starts(portfolio, selection)
    _, demand = project_load(portfolio, starts)
    capacity = portfolio.capacity_by_role_period()
    grouped = demand[demand["fte"] > 0].groupby(["role", "period"])
    used = grouped["fte"].sum().reindex(capacity.index, fill_value=0.0)
    count = grouped["project_id"].nunique().reindex(capacity.index, fill_value=0)
    frame = capacity.rename("capacity").reset_index()
    frame["demand"] = used.to_numpy(dtype=float)
    frame["capacity"] = frame["capacity"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["utilisation"] = frame["demand"] / frame["capacity"]
    short = frame["demand"] - frame["capacity"]
    frame["shortfall"] = short.where(short > _FTE_TOL * np.maximum(1.0, frame["capacity"]), 0.0)
    frame["n_projects"] = count.to_numpy(dtype=np.int64)
    return frame[CAPACITY_COLUMNS]


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} lacks the column(s) {', '.join(missing)}; it needs {', '.join(columns)} "
            "(see capacity_demand)"
        )


def bottlenecks(
    frame: pd.DataFrame, *, top: int | None = 5, tolerance: float = 0.005
) -> pd.DataFrame:
    """The roles where the people constraints bite, worst first.

    Parameters
    ----------
    frame : DataFrame
        A :func:`capacity_demand` frame (role, period, demand, capacity, utilisation,
        shortfall).
    top : int or None
        How many roles to return (``None``: every role).
    tolerance : float
        A role binds in a period when its utilisation is at least ``1 − tolerance`` (full,
        as a plan's binding limits count it) — or when it is short.

    Returns
    -------
    DataFrame
        One row per role: ``total_shortfall`` [FTE × periods], ``peak_shortfall`` [FTE],
        ``periods_short`` (periods with a shortfall), ``peak_utilisation``,
        ``mean_utilisation`` (total demand / total capacity over the horizon) and
        ``binding_periods`` (the periods where it binds, as labels joined by ", "). Ranked by
        total shortfall, then peak utilisation, then mean utilisation.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> worst = bottlenecks(capacity_demand(p), top=1)
    >>> len(worst)
    1
    """
    _require(frame, ("role", "period", "demand", "capacity", "utilisation", "shortfall"), "frame")
    if top is not None and top < 1:
        raise ValueError(f"top={top} must be a positive number of roles (or None for all)")
    data = frame.assign(
        binds=(frame["utilisation"] >= 1.0 - tolerance) | (frame["shortfall"] > 0),
        label=frame["period"].astype(str),
        short=frame["shortfall"] > 0,
    )
    grouped = data.groupby("role", sort=True)
    demand = grouped["demand"].sum()
    capacity = grouped["capacity"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = demand / capacity
    out = pd.DataFrame(
        {
            "total_shortfall": grouped["shortfall"].sum(),
            "peak_shortfall": grouped["shortfall"].max(),
            "periods_short": grouped["short"].sum().astype(np.int64),
            "peak_utilisation": grouped["utilisation"].max(),
            "mean_utilisation": mean,
            "binding_periods": data[data["binds"]].groupby("role")["label"].agg(", ".join),
        }
    )
    out["binding_periods"] = out["binding_periods"].fillna("")
    out = out.rename_axis("role").reset_index()
    out = out.sort_values(
        ["total_shortfall", "peak_utilisation", "mean_utilisation", "role"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    return out[BOTTLENECK_COLUMNS].head(len(out) if top is None else top)


# --------------------------------------------------------------------------- adding capacity
def add_capacity(portfolio: Portfolio, extra: pd.DataFrame) -> Portfolio:
    """The portfolio with extra FTE added to some roles and periods (hires, or − attrition).

    Parameters
    ----------
    portfolio : Portfolio
    extra : DataFrame
        ``role``, ``period`` (``pd.Period`` or label) and the FTE to add in ``extra_fte``
        (as :func:`hiring_needed` returns it) or ``fte``. Several rows of one role and period
        add up.

    Returns
    -------
    Portfolio
        A new portfolio whose capacity is the old one plus ``extra``.

    Raises
    ------
    ValueError
        For an unknown role, a period outside the horizon, or a capacity that would fall
        below 0.

    Examples
    --------
    >>> import pandas as pd, pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> q = add_capacity(p, pd.DataFrame({"role": ["Role01"], "period": ["2027Q2"], "fte": [2.0]}))
    >>> float(q.capacity["fte"].sum() - p.capacity["fte"].sum())
    2.0
    """
    column = "extra_fte" if "extra_fte" in extra.columns else "fte"
    _require(extra, ("role", "period", column), "the extra capacity frame")
    freq = portfolio.horizon[0].freq
    roles = set(portfolio.roles)
    unknown = sorted(set(extra["role"].astype(str)) - roles)
    if unknown:
        raise ValueError(
            f"unknown roles in the extra capacity: {', '.join(unknown)}; valid: {', '.join(sorted(roles))}"
        )
    try:
        periods = pd.PeriodIndex([pd.Period(p, freq=freq) for p in extra["period"]], freq=freq)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"extra capacity periods must be periods like {portfolio.horizon[0]}: {err}"
        ) from err
    outside = sorted({str(p) for p in periods} - {str(p) for p in portfolio.horizon})
    if outside:
        raise ValueError(
            f"periods outside the horizon {portfolio.horizon[0]}..{portfolio.horizon[-1]}: "
            f"{', '.join(outside)}"
        )
    add = (
        pd.DataFrame(
            {
                "role": extra["role"].astype(str).to_numpy(),
                "period": periods,
                "fte": extra[column].to_numpy(dtype=float),
            }
        )
        .groupby(["role", "period"])["fte"]
        .sum()
    )
    capacity = portfolio.capacity_by_role_period()
    fte = capacity.add(add.reindex(capacity.index, fill_value=0.0))
    negative = fte[fte < -_FTE_TOL]
    if len(negative):
        where = ", ".join(f"{r} {p}" for r, p in negative.index[:5])
        raise ValueError(
            f"capacity would fall below 0 FTE in {where}; remove at most what is there"
        )
    return portfolio.replace(capacity=fte.clip(lower=0.0).rename("fte").reset_index())


def _with_role_fte(
    portfolio: Portfolio, role: str, fte: float, period: pd.Period | None
) -> Portfolio:
    """+``fte`` of ``role`` in every period (``period`` None) or in one period."""
    periods = list(portfolio.horizon) if period is None else [period]
    extra = pd.DataFrame({"role": role, "period": pd.PeriodIndex(periods), "fte": float(fte)})
    return add_capacity(portfolio, extra)


# --------------------------------------------------------------------------- hiring
def hiring_needed(
    portfolio: Portfolio,
    projects: object,
    *,
    flexible_starts: bool = True,
    respect_budget: bool = True,
    include_committed: bool = True,
    solver: str = "cbc",
    time_limit: float | None = 60.0,
) -> pd.DataFrame:
    """The least extra FTE per role and period that lets every given project run.

    With ``flexible_starts`` each project may start anywhere in its window (and its
    dependencies' timing): a MIP chooses the starts that need the fewest extra FTE-periods in
    total, Σ hire[role, period], where ``hire`` tops up the capacity row of its role and
    period. Without, the projects keep the given starts and the answer is closed form:
    max(0, demand − capacity) in each role and period.

    Extra FTE in a period is independent of the next (contractors or temporary staff); the
    permanent hires that would cover it are the per-role peak in :func:`hiring_totals`.
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
    DataFrame
        One row per role and horizon period: ``role``, ``period``, ``demand`` [FTE] of the
        projects at the chosen starts, ``capacity`` [FTE], ``extra_fte`` [FTE] (0 where none
        is needed) and ``status`` (``optimal``: proven minimum; ``feasible``: the search
        stopped early, the hires fit but may not be the least). ``attrs`` holds ``starts``
        (Series project_id → Period), ``total`` (Σ extra_fte [FTE × periods]) and ``bound``
        (a proven lower bound on the total).

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
    >>> hires = hiring_needed(p, p.candidates()[:5], respect_budget=False)
    >>> list(hires.columns)
    ['role', 'period', 'demand', 'capacity', 'extra_fte', 'status']
    >>> bool((hires["extra_fte"] >= 0).all())
    True
    """
    given = _as_starts(portfolio, projects)
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
        chain = mine[mine["kind"].isin(["requires", "follows"])]
        for dep in chain.itertuples(index=False):
            if dep.other_id not in ids and not done.get(dep.other_id, False):
                problems.append(
                    f"{dep.project_id} {dep.kind} {dep.other_id}, which is not in the set"
                )
        excl = mine[mine["kind"].eq("excludes") & mine["other_id"].isin(ids)]
        for dep in excl.itertuples(index=False):
            problems.append(f"{dep.project_id} excludes {dep.other_id}; both are in the set")
    if problems:
        raise ValueError(
            "these projects cannot all run, whatever is hired: "
            + "; ".join(problems)
            + " (add the prerequisites or drop one of each excluded pair)"
        )


def _hiring_frame(
    portfolio: Portfolio, starts: pd.Series, status: str, *, bound: float
) -> pd.DataFrame:
    frame = capacity_demand(portfolio, starts)
    out = frame[["role", "period", "demand", "capacity"]].assign(
        extra_fte=frame["shortfall"].to_numpy(), status=status
    )
    out = out[HIRING_COLUMNS]
    total = float(out["extra_fte"].sum())
    out.attrs.update(starts=starts.rename("start"), total=total, bound=min(bound, total))
    return out


def _budget_overrun(portfolio: Portfolio, starts: pd.Series) -> pd.Series:
    spend, _ = project_load(portfolio, starts)
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    cost = spend.groupby("period")["cost"].sum().reindex(periods, fill_value=0.0)
    budget = portfolio.budget_by_period()
    over = cost - budget
    return over[over > 1e-6 * np.maximum(1.0, budget.abs())]


def _fixed_hires(portfolio: Portfolio, starts: pd.Series, *, respect_budget: bool) -> pd.DataFrame:
    if respect_budget and portfolio.has_budget:
        over = _budget_overrun(portfolio, starts)
        if len(over):
            where = ", ".join(f"{p} by {v:,.0f}" for p, v in over.items())
            raise ValueError(
                f"at these starts the projects overrun the budget in {where}; hiring cannot "
                "fix that: let the starts move (flexible_starts=True), drop projects, or pass "
                "respect_budget=False"
            )
    frame = _hiring_frame(portfolio, starts, "optimal", bound=math.inf)
    frame.attrs["bound"] = frame.attrs["total"]
    return frame


def _flexible_hires(
    portfolio: Portfolio,
    given: pd.Series,
    *,
    respect_budget: bool,
    solver: str,
    time_limit: float | None,
) -> pd.DataFrame:
    from .optimise.formulation import Block, build_formulation
    from .optimise.model import solve

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
        raise ValueError(f"these projects cannot run in the horizon: {unforceable[0]}")
    blocks = [
        b
        for b in formulation.blocks
        if respect_budget or b.family not in ("budget", "total_budget")
    ]
    capacity = next(b for b in blocks if b.family == "capacity")
    n_cols = len(formulation.columns)
    columns = formulation.columns.assign(objective=0.0)
    hires = pd.DataFrame(
        {
            "name": [f"hire_{r}" for r in range(capacity.size)],
            "lb": 0.0,
            "ub": np.inf,
            "binary": False,
            "objective": -1.0,  # maximise −Σ hire: the fewest extra FTE-periods
        }
    )
    entries = pd.concat(
        [
            capacity.entries,
            pd.DataFrame(
                {
                    "row": np.arange(capacity.size),
                    "col": n_cols + np.arange(capacity.size),
                    "coef": -1.0,
                }
            ),
        ],
        ignore_index=True,
    )
    blocks = [
        Block(b.family, b.sense, b.rows, entries) if b.family == "capacity" else b for b in blocks
    ]
    model = dataclasses.replace(
        formulation,
        columns=pd.concat([columns, hires], ignore_index=True),
        blocks=blocks,
        constant=0.0,
    )
    warm = _warm_start(portfolio, model, given, capacity.rows, n_cols, respect_budget)
    result = solve(model, solver=solver, time_limit=time_limit, warm_start=warm)
    if result.values is None:
        if result.status == "infeasible":
            raise ValueError(
                "the projects cannot all run within "
                + ("the budget and their rules" if respect_budget else "their rules")
                + ", whatever is hired"
                + (
                    " (hiring cannot buy budget: drop projects or pass respect_budget=False)"
                    if respect_budget
                    else ""
                )
            )
        raise RuntimeError(
            f"the {solver} search found no start plan within {time_limit} s ({result.message}); "
            "allow more time (time_limit) or try solver='highs'"
        )
    x = result.values[: len(model.options)]
    chosen = model.options[x > 0.5]
    starts = pd.Series(
        chosen.index.get_level_values("start"),
        index=chosen.index.get_level_values("project_id"),
        name="start",
    )
    # a lower bound on Σ hire; the solvers report it on either side of zero for this
    # all-negative objective, so its size is what counts
    bound = abs(result.bound) if result.bound is not None else 0.0
    frame = _hiring_frame(portfolio, starts, result.status, bound=bound)
    if warm is not None:
        as_given = _hiring_frame(portfolio, given, "feasible", bound=bound)
        if as_given.attrs["total"] < frame.attrs["total"] - _FTE_TOL:
            return as_given  # the search stopped before it matched the given starts
    return frame


def _warm_start(
    portfolio: Portfolio,
    model,
    given: pd.Series,
    rows: pd.DataFrame,
    n_cols: int,
    respect_budget: bool,
) -> np.ndarray | None:
    """The given starts and the hires they need, when they are a solution of the model."""
    options = model.options
    keys = pd.MultiIndex.from_arrays(
        [given.index, pd.PeriodIndex(given.to_numpy(), freq=portfolio.horizon[0].freq)]
    )
    at = options.index.get_indexer(keys)
    if (at < 0).any() or (
        respect_budget and portfolio.has_budget and len(_budget_overrun(portfolio, given))
    ):
        return None
    values = np.zeros(len(model.columns))
    values[options["col"].to_numpy()[at]] = 1.0
    short = capacity_demand(portfolio, given).set_index(["role", "period"])["shortfall"]
    labels = pd.MultiIndex.from_frame(rows[["role", "period"]])
    values[n_cols:] = short.reindex(labels, fill_value=0.0).to_numpy()
    return values


def hiring_totals(hires: pd.DataFrame) -> pd.DataFrame:
    """Per-role totals of a :func:`hiring_needed` frame, and one line for all roles.

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
    _require(hires, ("role", "period", "extra_fte"), "the hiring frame")
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


# --------------------------------------------------------------------------- value of capacity
def value_of_capacity(
    portfolio: Portfolio,
    role: str,
    *,
    period: object = None,
    steps: Iterable[float] = (1, 2, 3, 4),
    options: OptimiseOptions | None = None,
    baseline: Plan | None = None,
) -> pd.DataFrame:
    """What +1, +2, … FTE of one role would be worth: re-optimise and compare.

    Each step adds ``k`` FTE of ``role`` — in every period of the horizon, or in ``period``
    only — and re-optimises the portfolio. The value gained is the re-optimised objective
    minus the baseline's (the plan without extra people).

    The figures are exact only where the plans are ``optimal``; a time-limited search
    (``feasible``) gives a plan and a bound, and the true gain lies in
    [``gain_low``, ``gain_high``]. Two facts tighten them: a plan of step k is still a plan
    with more people, so when a re-solve finds less than the step before, the earlier plan
    is reported (``carried``); and the best value cannot fall as capacity grows, so each
    step's bound is the least bound of it and every later step.

    The ``shadow_price`` column is the baseline plan's marginal value of the role (summed
    over the periods where the FTE are added), from an LP around that plan: the value of a
    *small* extra amount, with the plan's other choices fixed. The re-optimised gain per
    whole FTE is the honest figure: people come in whole units, whole projects enter, and
    the rest of the plan may be rearranged around them.

    Parameters
    ----------
    portfolio : Portfolio
    role : str
        A role of the portfolio.
    period : Period or str, optional
        Add the FTE in this period only (default: in every period).
    steps : iterable of float
        FTE to add, e.g. ``(1, 2, 3, 4)``; each > 0.
    options : OptimiseOptions, optional
        Options of every run (their ``shadow_prices`` is turned off for the re-solves).
        Default: the baseline's options, else ``OptimiseOptions(time_limit=20)``.
    baseline : Plan, optional
        The plan without extra capacity, made for this portfolio (saves one solve). It
        needs shadow prices (``shadow_prices=True``, the default) for the ``shadow_price``
        column; otherwise that column is NaN.

    Returns
    -------
    DataFrame
        One row for the baseline (``fte_added`` 0) and one per step: ``role``, ``period``
        (label, or ``all``), ``fte_added`` [FTE], ``status``, ``objective``, ``bound``,
        ``gap``, ``value_gained`` (objective − baseline objective), ``gained_per_fte``,
        ``marginal_gain`` (over the previous step), ``gain_low`` and ``gain_high`` (proven
        range of the true gain), ``shadow_price`` (value per FTE), ``n_selected``,
        ``entered`` and ``left`` (project ids joined by ", ", against the baseline),
        ``carried`` and ``seconds``.

    Raises
    ------
    ValueError
        For an unknown role, a period outside the horizon, no or non-positive steps, or a
        baseline made for another portfolio.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> worth = value_of_capacity(p, "Role01", steps=(1, 2))
    >>> worth["fte_added"].tolist()
    [0.0, 1.0, 2.0]
    """
    frame, _ = _value_runs(
        portfolio, role, period=period, steps=steps, options=options, baseline=baseline
    )
    return frame


def _value_runs(
    portfolio: Portfolio,
    role: str,
    *,
    period: object = None,
    steps: Iterable[float] = (1, 2, 3, 4),
    options: OptimiseOptions | None = None,
    baseline: Plan | None = None,
) -> tuple[pd.DataFrame, list[Plan]]:
    """:func:`value_of_capacity` and the plan reported for each row (for checks)."""
    from .optimise.formulation import build_formulation, with_rhs
    from .optimise.run import optimise, solve_formulation

    if role not in portfolio.roles:
        raise ValueError(f"unknown role {role!r}; valid: {', '.join(portfolio.roles)}")
    at = None
    if period is not None:
        try:
            at = pd.Period(period, freq=portfolio.horizon[0].freq)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"period={period!r} is not a period like {portfolio.horizon[0]}"
            ) from err
        if at not in portfolio.horizon:
            raise ValueError(
                f"period {at} is outside the horizon {portfolio.horizon[0]}..{portfolio.horizon[-1]}"
            )
    sizes = sorted({float(k) for k in steps})
    if not sizes or sizes[0] <= 0:
        raise ValueError(
            f"steps={tuple(steps)} must be one or more FTE amounts > 0, e.g. (1, 2, 3, 4)"
        )
    if baseline is not None:
        if not (baseline.portfolio is portfolio or baseline.portfolio == portfolio):
            raise ValueError("the baseline plan was made for another portfolio; pass its portfolio")
        options = options or baseline.options
    options = (options or OptimiseOptions(time_limit=VALUE_TIME_LIMIT)).replace(shadow_prices=False)
    if baseline is None:
        baseline = optimise(portfolio, options.replace(shadow_prices=True))

    formulation = build_formulation(portfolio, options)
    rows = formulation.block("capacity").rows
    labels = pd.MultiIndex.from_frame(rows[["role", "period"]])
    plans: list[Plan] = [baseline]
    seconds = [baseline.seconds]
    carried = [False]
    for k in sizes:
        bigger = _with_role_fte(portfolio, role, k, at)
        rhs = bigger.capacity_by_role_period().reindex(labels).to_numpy(dtype=float)
        started = time.perf_counter()
        plan = solve_formulation(bigger, with_rhs(formulation, "capacity", rhs), options)
        seconds.append(time.perf_counter() - started)
        best = plans[-1]
        keep = best.is_solution() and (
            not plan.is_solution()
            or plan.objective < best.objective - 1e-9 * max(1.0, abs(best.objective))
        )
        plans.append(best if keep else plan)
        carried.append(keep)

    objective = np.array([p.objective if p.is_solution() else np.nan for p in plans])
    bound = np.array([p.bound if p.is_solution() else np.nan for p in plans], dtype=float)
    # the best value cannot fall as capacity grows: a later step's bound also bounds this one
    bound = np.fmin.accumulate(bound[::-1])[::-1]
    bound = np.fmax(bound, objective)
    found = np.isfinite(objective)
    exact = found & (np.abs(bound - objective) <= 1e-9 * np.maximum(1.0, np.abs(objective)))
    status = np.where(
        exact,
        "optimal",
        np.where(found, "feasible", np.array([p.status for p in plans], dtype=object)),
    )
    fte = np.array([0.0, *sizes])
    gained = objective - objective[0]
    base_selected = set(baseline.selected)
    label = "all" if at is None else str(at)
    frame = pd.DataFrame(
        {
            "role": role,
            "period": label,
            "fte_added": fte,
            "status": status,
            "objective": objective,
            "bound": bound,
            "gap": (bound - objective) / np.maximum(np.abs(objective), 1e-9),
            "value_gained": gained,
            "gained_per_fte": np.where(fte > 0, gained / np.where(fte > 0, fte, 1.0), np.nan),
            "marginal_gain": np.concatenate([[np.nan], np.diff(objective)]),
            "gain_low": np.maximum(objective - bound[0], 0.0),
            "gain_high": bound - objective[0],
            "shadow_price": _role_shadow_price(baseline, role, at),
            "n_selected": [p.n_selected for p in plans],
            "entered": [", ".join(sorted(set(p.selected) - base_selected)) for p in plans],
            "left": [", ".join(sorted(base_selected - set(p.selected))) for p in plans],
            "carried": carried,
            "seconds": seconds,
        }
    )
    frame.loc[0, ["gain_low", "gain_high"]] = 0.0  # the baseline gains nothing over itself
    return frame[VALUE_COLUMNS], plans


def _role_shadow_price(plan: Plan, role: str, period: pd.Period | None) -> float:
    """The plan's shadow price of ``role`` summed over the periods (or in one)."""
    if not plan.options.shadow_prices or not plan.is_solution():
        return math.nan
    rows = plan.prices[plan.prices["resource"] == role]
    if period is not None:
        rows = rows[rows["period"] == period]
    prices = rows["shadow_price"]
    if prices.isna().all() and len(prices):
        return math.nan
    return float(prices.fillna(0.0).sum())
