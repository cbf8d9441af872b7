"""Shared helpers of the optimiser tests.

- :func:`assert_valid` — every plan a test produces goes through :func:`pmo_analytics.check_plan`
  (and the status/bound/gap consistency rules); a failure lists the violations.
- :func:`brute_force` — an independent enumeration of every selection × start combination of a
  small portfolio, vectorised with numpy over the combinations. It reads the portfolio's own
  tables (never the optimiser's formulation) and applies every rule of the contract and of the
  run options, so it is a second, independent statement of the model.
- :func:`random_portfolio` and the hypothesis strategies :func:`small_portfolios` and
  :func:`run_options` — small random portfolios with windows, all three dependency kinds,
  mandatory / in-flight / closed projects, budget per period and capacity per role and period,
  and random run options.
- :func:`with_starts` — a copy of a plan with another schedule, to check the checker.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

# the repository root, for ``benchmarks.mknap`` also under a bare ``pytest`` (which puts only
# tests/ on the path); isort places this module's import before the first-party ones
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pmo_analytics import OptimiseOptions, check_plan, make_portfolio  # noqa: E402
from pmo_analytics._vocab import CLOSED_STATUSES  # noqa: E402
from pmo_analytics.optimise import BalanceRule  # noqa: E402

#: Reasons plan.csv may give for an unselected project (contract + documented extensions).
UNSELECTED_REASONS = (
    "budget",
    "dependency",
    "forced_out",
    "window",
    "completed",
    "cancelled",
    "balance",
    "start_limit",
    "value",
)
SELECTED_REASONS = ("mandatory", "in_flight", "selected")
_NONE = -(10**6)  # start position of "not selected"


# --------------------------------------------------------------------------- checking plans
def assert_status_consistent(plan) -> None:
    """optimal ⇒ gap 0 and bound == objective; feasible ⇒ finite bound ≥ objective, gap ≥ 0."""
    if plan.status == "optimal":
        assert plan.gap == 0.0, f"optimal plan with gap {plan.gap}"
        assert plan.bound == plan.objective, (
            f"optimal plan with bound {plan.bound} != objective {plan.objective}"
        )
    elif plan.status == "feasible":
        assert math.isfinite(plan.bound), f"feasible plan without a finite bound ({plan.bound})"
        tol = 1e-6 * max(1.0, abs(plan.objective))
        assert plan.bound >= plan.objective - tol, (
            f"bound {plan.bound} below objective {plan.objective}"
        )
        assert plan.gap >= -1e-9, f"negative gap {plan.gap}"
        expected = (plan.bound - plan.objective) / max(abs(plan.objective), 1e-9)
        assert plan.gap == _approx(expected), (
            f"gap {plan.gap} is not (bound - objective) / |objective| = {expected}"
        )
    else:
        assert plan.status in ("infeasible", "not_solved"), plan.status
        assert plan.n_selected == 0, f"{plan.status} plan selects {list(plan.selected)}"


def _approx(value: float, rel: float = 1e-6):
    import pytest

    return pytest.approx(value, rel=rel, abs=1e-9)


def assert_valid(plan) -> None:
    """Fail, listing every violation, unless ``check_plan`` finds none and the status is honest."""
    assert_status_consistent(plan)
    violations = check_plan(plan)
    assert violations.empty, "check_plan found violations:\n" + violations.to_string()
    table = plan.plan_table()
    unselected = table[~table["selected"]]
    bad = unselected[~unselected["reason"].map(_reason_ok)]
    if plan.is_solution():
        assert bad.empty, "unexpected reasons in plan.csv:\n" + bad.to_string()
        chosen = table[table["selected"]]
        assert chosen["reason"].isin(SELECTED_REASONS).all(), chosen.to_string()


def _reason_ok(reason: str) -> bool:
    return reason in UNSELECTED_REASONS or (
        reason.startswith("capacity:") and len(reason) > len("capacity:")
    )


def with_starts(plan, starts: Mapping[str, pd.Period | None]):
    """A copy of ``plan`` whose schedule selects exactly ``starts`` (project_id → start period).

    selected, start, finish and objective_value follow; the plan's objective is recomputed as
    the sum of the strategic values on the plan's basis where the value does not depend on the
    start (``value``, ``risk_adjusted``), else left as is.
    """
    schedule = plan.schedule.copy()
    freq = plan.portfolio.horizon[0].freq
    chosen = {pid: pd.Period(s, freq=freq) for pid, s in starts.items() if s is not None}
    selected = schedule.index.isin(list(chosen))
    start = pd.PeriodIndex([chosen.get(pid, pd.NaT) for pid in schedule.index], freq=freq)
    duration = plan.portfolio.projects["duration"].reindex(schedule.index).to_numpy()
    finish = pd.PeriodIndex.from_ordinals(
        np.where(selected, start.asi8 + duration - 1, np.iinfo(np.int64).min), freq=freq
    )
    schedule["selected"] = selected
    schedule["start"] = start
    schedule["finish"] = finish
    values = option_values(plan.portfolio, plan.options)
    origin = plan.portfolio.horizon[0].ordinal
    objective_value = [
        values(pid, chosen[pid].ordinal - origin) if pid in chosen else np.nan
        for pid in schedule.index
    ]
    schedule["objective_value"] = objective_value
    objective = float(np.nansum(objective_value))
    return dataclasses.replace(plan, schedule=schedule, objective=objective)


def violations_with(plan, starts: Mapping[str, pd.Period | None]) -> pd.DataFrame:
    """``check_plan`` of the plan with another schedule (see :func:`with_starts`)."""
    return check_plan(with_starts(plan, starts))


def assert_utilisation_matches(plan) -> None:
    """The plan's utilisation table equals spend and demand placed here, period by period.

    Placement is recomputed from the portfolio's tables (cost and demand at offset k fall in
    start + k; only horizon periods count), independently of the library's ``project_load``.
    """
    portfolio = plan.portfolio
    horizon = pd.PeriodIndex(portfolio.horizon)
    origin = horizon[0].ordinal
    rows = []
    for pid, start in plan.starts.items():
        pos = start.ordinal - origin
        flows = portfolio.cashflows[portfolio.cashflows["project_id"] == pid]
        if not portfolio.has_budget:  # utilisation has budget rows only where a budget is given
            flows = flows.iloc[0:0]
        for offset, cost in zip(flows["offset"], flows["cost"], strict=True):
            if 0 <= pos + offset < len(horizon):
                rows.append(("budget", horizon[pos + offset], float(cost)))
        needs = portfolio.demand[portfolio.demand["project_id"] == pid]
        for role, offset, fte in zip(needs["role"], needs["offset"], needs["fte"], strict=True):
            if 0 <= pos + offset < len(horizon):
                rows.append((role, horizon[pos + offset], float(fte)))
    used = (
        pd.DataFrame(rows, columns=["resource", "period", "used"])
        .groupby(["resource", "period"])["used"]
        .sum()
    )
    table = plan.utilisation.set_index(["resource", "period"])
    expected = used.reindex(table.index, fill_value=0.0)
    assert (table["used"] - expected).abs().max() <= 1e-6, pd.concat(
        [table["used"], expected], axis=1
    ).to_string()
    assert set(used.index) <= set(table.index), "load placed in a period or role the table lacks"
    capacity = portfolio.capacity_by_role_period()
    for (role, period), fte in capacity.items():
        assert table.loc[(role, period), "available"] == fte
    if portfolio.has_budget:
        for period, amount in portfolio.budget_by_period().items():
            assert table.loc[("budget", period), "available"] == amount


# --------------------------------------------------------------------------- values
def option_values(portfolio, options: OptimiseOptions):
    """value(project_id, start position) on the run's value basis, computed here.

    ``value``: strategic value; ``risk_adjusted``: strategic value × (1 − risk); ``npv``: the
    project's NPV at its own start (:func:`pmo_analytics.scoring.value_basis.objective_values`) discounted
    to the horizon start at the per-period rate (compounded from the annual rate).
    """
    projects = portfolio.projects
    basis = options.value_basis
    if basis == "value":
        base = projects["strategic_value"].astype(float)
    elif basis == "risk_adjusted":
        base = projects["strategic_value"].astype(float) * (
            1.0 - projects["risk"].fillna(0.0).astype(float)
        )
    else:
        from pmo_analytics.scoring.value_basis import objective_values

        base = objective_values(portfolio, basis="npv", discount_rate=options.discount_rate)
    per_year = 12 if portfolio.freq == "M" else 4
    rate = (1.0 + options.discount_rate) ** (1.0 / per_year) - 1.0

    def value(pid: str, pos: int) -> float:
        v = float(base[pid])
        return v * (1.0 + rate) ** (-pos) if basis == "npv" else v

    return value


# --------------------------------------------------------------------------- brute force
@dataclass(frozen=True)
class Relaxation:
    """Limits loosened before enumerating (to check a diagnosis): added amounts per limit."""

    capacity: dict = field(default_factory=dict)  # (role, Period) -> extra FTE
    budget: dict = field(default_factory=dict)  # Period -> extra currency
    total_budget: float = 0.0
    not_must: frozenset = frozenset()  # must-run projects that may be left out
    drop_balance: frozenset = frozenset()  # indices of balance rules dropped
    starts: dict = field(default_factory=dict)  # Period -> extra starts allowed


@dataclass(frozen=True)
class BruteForce:
    """The enumeration's answer: the optimum (NaN when no combination is feasible) and one plan."""

    feasible: bool
    objective: float
    starts: dict  # project_id -> Period of one optimal plan
    n_combinations: int
    n_feasible: int
    objectives: np.ndarray = field(repr=False)  # every feasible combination's objective


def start_choices(
    portfolio, options: OptimiseOptions, relax: Relaxation | None = None
) -> tuple[dict, set]:
    """Each project's possible start positions (``_NONE`` = not selected), and the must-run set.

    Computed from the contract: closed and forced-out projects are out; in-flight projects keep
    their start (and may be left out with ``allow_stop_in_flight``); others start inside
    earliest..latest (default the horizon) and finish inside the horizon; mandatory, in-flight
    (unless stoppable) and forced-in projects must run.
    """
    relax = relax or Relaxation()
    projects = portfolio.projects
    horizon = portfolio.horizon
    h0, n_periods = horizon[0].ordinal, len(horizon)
    choices, must = {}, set()
    for pid, row in projects.iterrows():
        status = row["status"]
        if status in CLOSED_STATUSES or pid in options.force_out:
            choices[pid] = [_NONE]
            continue
        in_flight = status == "in_flight"
        must_run = (
            bool(row["mandatory"])
            or (in_flight and not options.allow_stop_in_flight)
            or pid in options.force_in
        )
        must_run = must_run and pid not in relax.not_must
        if in_flight:
            starts = [row["start"].ordinal - h0]
        else:
            duration = int(row["duration"])
            lo = 0 if pd.isna(row["earliest_start"]) else max(row["earliest_start"].ordinal - h0, 0)
            hi = n_periods - duration
            if not pd.isna(row["latest_start"]):
                hi = min(hi, row["latest_start"].ordinal - h0)
            starts = list(range(lo, hi + 1))
        if must_run:
            must.add(pid)
            choices[pid] = starts
        else:
            choices[pid] = [_NONE, *starts]
    return choices, must


def count_combinations(portfolio, options: OptimiseOptions | None = None) -> int:
    choices, _ = start_choices(portfolio, options or OptimiseOptions())
    return int(np.prod([len(c) for c in choices.values()], dtype=np.int64))


def brute_force(
    portfolio,
    options: OptimiseOptions | None = None,
    *,
    relax: Relaxation | None = None,
    limit: int = 300_000,
) -> BruteForce:
    """Enumerate every selection × start combination; the best value within every rule.

    Vectorised over the combinations: each project's per-choice cost, demand, value and start
    vectors are gathered with the combination's choice index and summed.
    """
    options = options or OptimiseOptions()
    relax = relax or Relaxation()
    projects = portfolio.projects
    horizon = portfolio.horizon
    periods = pd.PeriodIndex(horizon)
    n_periods = len(horizon)
    roles = portfolio.roles
    n_roles = len(roles)
    choices, must = start_choices(portfolio, options, relax)
    ids = list(projects.index)
    sizes = [len(choices[pid]) for pid in ids]
    n_comb = int(np.prod(sizes, dtype=np.int64))
    if n_comb > limit:
        raise ValueError(f"{n_comb} combinations exceed the brute-force limit {limit}")
    if any(size == 0 for size in sizes):  # a must-run project without any start
        return BruteForce(False, math.nan, {}, n_comb, 0, np.zeros(0))
    index = np.indices(sizes, dtype=np.int16).reshape(len(ids), -1)  # (project, combination)

    value_of = option_values(portfolio, options)
    cashflows = portfolio.cashflows
    demand = portfolio.demand
    role_pos = {r: i for i, r in enumerate(roles)}
    cost = np.zeros((n_comb, n_periods))
    fte = np.zeros((n_comb, n_roles * n_periods))
    value = np.zeros(n_comb)
    horizon_spend = np.zeros((n_comb, len(ids)))
    new_starts = np.zeros((n_comb, n_periods))
    start_pos = np.empty((n_comb, len(ids)), dtype=np.int64)
    for i, pid in enumerate(ids):
        opts = choices[pid]
        k = len(opts)
        c = np.zeros((k, n_periods))
        d = np.zeros((k, n_roles * n_periods))
        v = np.zeros(k)
        s = np.zeros((k, n_periods))
        flows = cashflows[cashflows["project_id"] == pid]
        needs = demand[demand["project_id"] == pid]
        in_flight = projects.at[pid, "status"] == "in_flight"
        for j, pos in enumerate(opts):
            if pos == _NONE:
                continue
            t = pos + flows["offset"].to_numpy()
            inside = (t >= 0) & (t < n_periods)
            np.add.at(c[j], t[inside], flows["cost"].to_numpy(dtype=float)[inside])
            t = pos + needs["offset"].to_numpy()
            inside = (t >= 0) & (t < n_periods)
            rows = np.array([role_pos[r] for r in needs["role"]], dtype=np.int64)
            np.add.at(
                d[j], (rows * n_periods + t)[inside], needs["fte"].to_numpy(dtype=float)[inside]
            )
            v[j] = value_of(pid, pos)
            if not in_flight and 0 <= pos < n_periods:
                s[j, pos] = 1.0
        spend = c.sum(axis=1)
        if in_flight and options.allow_stop_in_flight and options.termination_cost > 0:
            # stopping costs a share of the remaining (in-horizon) cost, paid in the first
            # period; in-flight work forced out is stopped for certain and pays it too
            t = projects.at[pid, "start"].ordinal - horizon[0].ordinal + flows["offset"].to_numpy()
            inside = (t >= 0) & (t < n_periods)
            remaining = flows["cost"].to_numpy(dtype=float)[inside].sum()
            c[[j for j, pos in enumerate(opts) if pos == _NONE], 0] += (
                options.termination_cost * remaining
            )
        pick = index[i]
        cost += c[pick]
        fte += d[pick]
        value += v[pick]
        horizon_spend[:, i] = spend[pick]
        new_starts += s[pick]
        start_pos[:, i] = np.asarray(opts, dtype=np.int64)[pick]
    selected = start_pos != _NONE
    ok = np.ones(n_comb, dtype=bool)

    def within(used: np.ndarray, limit: np.ndarray) -> np.ndarray:
        return np.all(used <= limit + 1e-6 * np.maximum(1.0, np.abs(limit)), axis=-1)

    if portfolio.has_budget:
        budget = portfolio.budget_by_period().to_numpy(dtype=float).copy()
        for period, extra in relax.budget.items():
            budget[periods.get_loc(period)] += extra
        if options.cumulative_budget:
            ok &= within(np.cumsum(cost, axis=1), np.cumsum(budget))
        else:
            ok &= within(cost, budget)
    if options.budget is not None:
        ok &= within(
            cost.sum(axis=1, keepdims=True), np.array([options.budget + relax.total_budget])
        )
    capacity = np.zeros(n_roles * n_periods)
    for (role, period), amount in portfolio.capacity_by_role_period().items():
        capacity[role_pos[role] * n_periods + periods.get_loc(period)] = amount
    for (role, period), extra in relax.capacity.items():
        capacity[role_pos[role] * n_periods + periods.get_loc(period)] += extra
    ok &= within(fte, capacity)

    col = {pid: i for i, pid in enumerate(ids)}
    duration = projects["duration"]
    for dep in portfolio.dependencies.itertuples(index=False):
        p, o, kind = col[dep.project_id], col[dep.other_id], dep.kind
        if kind == "excludes":
            ok &= ~(selected[:, p] & selected[:, o])
            continue
        if projects.at[dep.other_id, "status"] == "completed":
            continue  # the prerequisite is done
        ok &= ~selected[:, p] | selected[:, o]
        if kind == "follows":
            after = start_pos[:, p] >= start_pos[:, o] + int(duration[dep.other_id])
            ok &= ~selected[:, p] | after

    for r, rule in enumerate(options.balance):
        if r in relax.drop_balance:
            continue
        member = (projects[rule.by].astype(str) == str(rule.group)).reindex(ids).to_numpy()
        weight = horizon_spend if rule.measure == "spend" else selected.astype(float)
        weight = np.where(selected, weight, 0.0)
        total = weight.sum(axis=1)
        group = weight[:, member].sum(axis=1)
        tol = 1e-9 * np.maximum(1.0, total)
        if rule.min_share is not None:
            ok &= group >= rule.min_share * total - tol
        if rule.max_share is not None:
            ok &= group <= rule.max_share * total + tol

    if options.max_starts_per_period is not None:
        limit_starts = np.full(n_periods, float(options.max_starts_per_period))
        for period, extra in relax.starts.items():
            limit_starts[periods.get_loc(period)] += extra
        ok &= within(new_starts, limit_starts)

    n_ok = int(ok.sum())
    if n_ok == 0:
        return BruteForce(False, math.nan, {}, n_comb, 0, np.zeros(0))
    feasible_values = value[ok]
    best = int(np.flatnonzero(ok)[np.argmax(feasible_values)])
    origin = horizon[0]
    starts = {
        pid: origin + int(start_pos[best, i]) for i, pid in enumerate(ids) if selected[best, i]
    }
    return BruteForce(True, float(value[best]), starts, n_comb, n_ok, feasible_values)


def relaxation_of(plan) -> Relaxation:
    """The relaxation an infeasible plan's diagnosis proposes, as a :class:`Relaxation`."""
    diagnosis = plan.diagnosis
    capacity, budget, starts = {}, {}, {}
    total, not_must, drop = 0.0, set(), set()
    eps = 1e-6
    for row in diagnosis.itertuples(index=False):
        short = float(row.shortfall) if pd.notna(row.shortfall) else 0.0
        if row.family == "capacity":
            key = (row.resource, pd.Period(row.period))
            capacity[key] = capacity.get(key, 0.0) + short + eps * max(1.0, short)
        elif row.family == "budget":
            key = pd.Period(row.period)
            budget[key] = budget.get(key, 0.0) + short + eps * max(1.0, short)
        elif row.family == "total_budget":
            total += short + eps * max(1.0, short)
        elif row.family == "forced":
            not_must.add(row.project_id)
        elif row.family == "balance":
            by, group = str(row.resource).split("=", 1)
            drop |= {
                i
                for i, rule in enumerate(plan.options.balance)
                if rule.by == by and str(rule.group) == group
            }
        elif row.family == "starts":
            key = pd.Period(row.period)
            starts[key] = starts.get(key, 0.0) + short + eps
        else:
            raise AssertionError(
                f"diagnosis family {row.family!r} is not one the tests know: {row.message}"
            )
    return Relaxation(capacity, budget, total, frozenset(not_must), frozenset(drop), starts)


# --------------------------------------------------------------------------- random portfolios
CATEGORIES = ("Run", "Grow", "Transform")
UNITS = ("Finance", "Sales")


def random_portfolio(
    seed: int,
    *,
    n_projects: int = 8,
    n_periods: int = 4,
    n_roles: int = 2,
    tightness: float = 0.5,
    freq: str = "Q",
    with_budget: bool = True,
    in_flight_share: float = 0.1,
    mandatory_share: float = 0.1,
    closed_share: float = 0.1,
    dependency_share: float = 0.3,
    max_width: int = 3,
    max_combinations: int = 20_000,
    cover_must: bool = True,
):
    """A small random portfolio built with ``make_portfolio`` (integer money, half-FTE steps).

    Budget and capacity are ``tightness`` × an even spread of all the work; with ``cover_must``
    they are raised to what mandatory and in-flight work needs at its earliest start (the
    portfolio may still be infeasible through dependencies or run options). Windows are narrowed (deterministically) until the selection × start combinations, counted
    with every in-flight project stoppable, are at most ``max_combinations``.
    """
    rng = np.random.default_rng(seed)
    n, T = n_projects, n_periods
    first = pd.Period("2027Q1" if freq == "Q" else "2027-01", freq=freq)
    horizon = tuple(pd.period_range(first, periods=T, freq=freq))
    ids = np.array([f"P{i:02d}" for i in range(1, n + 1)], dtype=object)
    roles = [f"Role{r}" for r in range(1, n_roles + 1)]

    duration = rng.integers(1, min(3, T) + 1, size=n)
    u = rng.random(n)
    status = np.where(
        u < in_flight_share,
        "in_flight",
        np.where(
            u < in_flight_share + closed_share,
            rng.choice(["completed", "cancelled"], size=n),
            rng.choice(["proposed", "approved", "on_hold"], p=[0.7, 0.2, 0.1], size=n),
        ),
    ).astype(object)
    in_flight = status == "in_flight"
    closed = np.isin(status, CLOSED_STATUSES)
    mandatory = (rng.random(n) < mandatory_share) & ~in_flight & ~closed
    # windows: earliest in 0..T-dur (an optional project now and then cannot fit: "window")
    misfit = (rng.random(n) < 0.08) & ~mandatory
    earliest = np.where(misfit, T - duration + 1, (rng.random(n) * (T - duration + 1)).astype(int))
    width = rng.integers(1, max_width + 1, size=n)
    open_start = rng.random(n) < 0.15
    open_end = rng.random(n) < 0.15
    in_flight_start = rng.integers(-2, 2, size=n)

    values = rng.integers(0, 41, size=n).astype(float)
    risk = rng.choice([0.0, 0.1, 0.25, 0.5], size=n)

    # cashflows: cost during the project, benefits for two periods after it
    rows = []
    for i, pid in enumerate(ids):
        for k in range(duration[i]):
            rows.append((pid, k, float(rng.integers(0, 10) * 1000), 0.0))
        for k in range(duration[i], duration[i] + 2):
            rows.append((pid, k, 0.0, float(rng.integers(0, 12) * 1000)))
    cashflows = pd.DataFrame(rows, columns=["project_id", "offset", "cost", "benefit"])
    drows = []
    for i, pid in enumerate(ids):
        chosen = rng.choice(roles, size=rng.integers(1, n_roles + 1), replace=False)
        for role in chosen:
            for k in range(duration[i]):
                drows.append((pid, role, k, float(rng.integers(0, 7)) / 2))
    demand = pd.DataFrame(drows, columns=["project_id", "role", "offset", "fte"])

    spread = demand.groupby("role")["fte"].sum().reindex(roles, fill_value=0.0) / T * tightness
    cap = np.round(spread.to_numpy()[:, None] * rng.uniform(0.6, 1.4, size=(n_roles, T)) * 2) / 2
    budget_amount = np.round(
        cashflows["cost"].sum() / T * tightness * rng.uniform(0.6, 1.4, size=T), -3
    )
    if cover_must:
        fixed = np.where(in_flight, in_flight_start, np.maximum(earliest, 0))
        must = in_flight | mandatory
        owner = pd.Series(np.arange(n), index=ids)
        row = owner[cashflows["project_id"]].to_numpy()
        when = fixed[row] + cashflows["offset"].to_numpy()
        keep = must[row] & (when >= 0) & (when < T)
        need = np.bincount(when[keep], weights=cashflows["cost"].to_numpy()[keep], minlength=T)
        budget_amount = np.maximum(budget_amount, need)
        row = owner[demand["project_id"]].to_numpy()
        when = fixed[row] + demand["offset"].to_numpy()
        keep = must[row] & (when >= 0) & (when < T)
        role_index = pd.Series(np.arange(n_roles), index=roles)[demand["role"]].to_numpy()
        need = np.bincount(
            (role_index * T + when)[keep],
            weights=demand["fte"].to_numpy()[keep],
            minlength=n_roles * T,
        )
        cap = np.maximum(cap, need.reshape(n_roles, T))
    budget = pd.DataFrame({"period": pd.PeriodIndex(horizon, freq=freq), "amount": budget_amount})
    capacity = pd.DataFrame(
        {
            "role": np.repeat(roles, T),
            "period": pd.PeriodIndex(list(horizon) * n_roles, freq=freq),
            "fte": cap.ravel(),
        }
    )

    # dependencies: later projects on earlier ones (no cycle), all three kinds
    pairs = {}
    for _ in range(int(round(dependency_share * n))):
        a, b = rng.choice(n, size=2, replace=False)
        hi, lo = max(a, b), min(a, b)
        pairs[(ids[hi], ids[lo])] = rng.choice(["requires", "follows", "excludes"])
    dependencies = pd.DataFrame(
        [(p, o, k) for (p, o), k in pairs.items()], columns=["project_id", "other_id", "kind"]
    )

    def build(width: np.ndarray):
        latest = earliest + width - 1

        def period(pos: np.ndarray) -> pd.PeriodIndex:
            return pd.PeriodIndex.from_ordinals(pos.astype(np.int64) + first.ordinal, freq=freq)

        projects = pd.DataFrame(
            {
                "name": [f"Project {p}" for p in ids],
                "category": rng_choices[0],
                "business_unit": rng_choices[1],
                "sponsor": "CIO",
                "status": status,
                "earliest_start": period(earliest).where(~(in_flight | open_start), pd.NaT),
                "latest_start": period(latest).where(~(in_flight | open_end), pd.NaT),
                "start": period(in_flight_start).where(in_flight, pd.NaT),
                "duration": duration.astype(np.int64),
                "mandatory": mandatory,
                "value": values,
                "risk": risk,
            },
            index=pd.Index(ids, name="project_id"),
        )
        tables = {
            "projects": projects,
            "cashflows": cashflows,
            "demand": demand,
            "capacity": capacity,
            "dependencies": dependencies,
        }
        if with_budget:
            tables["budget"] = budget
        return make_portfolio(tables, horizon=horizon)

    rng_choices = (rng.choice(CATEGORIES, size=n), rng.choice(UNITS, size=n))
    width = width.copy()
    while True:
        portfolio = build(width)
        stoppable = OptimiseOptions(allow_stop_in_flight=True)
        choices, _ = start_choices(portfolio, stoppable)
        sizes = np.array([len(choices[pid]) for pid in ids])
        if np.prod(sizes, dtype=np.int64) <= max_combinations:
            return portfolio
        # narrow the window (or open end) of the project with the most choices
        i = int(np.argmax(sizes))
        open_start[i] = False
        open_end[i] = False
        width[i] = max(1, min(width[i], sizes[i] - 1) - 1)


@st.composite
def small_portfolios(draw, *, max_projects: int = 10, max_combinations: int = 20_000):
    """A hypothesis strategy of :func:`random_portfolio` portfolios (knobs drawn, data seeded)."""
    return random_portfolio(
        draw(st.integers(0, 2**32 - 1)),
        n_projects=draw(st.integers(2, max_projects)),
        n_periods=draw(st.integers(2, 5)),
        n_roles=draw(st.integers(1, 3)),
        tightness=draw(st.sampled_from([0.3, 0.5, 0.8, 1.2])),
        freq=draw(st.sampled_from(["Q", "M"])),
        with_budget=draw(st.booleans()),
        in_flight_share=draw(st.sampled_from([0.0, 0.1, 0.25])),
        mandatory_share=draw(st.sampled_from([0.0, 0.1, 0.25])),
        closed_share=draw(st.sampled_from([0.0, 0.1])),
        dependency_share=draw(st.sampled_from([0.0, 0.3, 0.6])),
        max_combinations=max_combinations,
        cover_must=draw(st.sampled_from([True, True, True, False])),
    )


def optional_candidates(portfolio) -> list[str]:
    """Projects that may be forced in or out without touching must-run work: open, not
    mandatory, not in flight, with at least one start."""
    projects = portfolio.projects
    ok = (
        ~projects["status"].isin(CLOSED_STATUSES)
        & ~projects["mandatory"].astype(bool)
        & projects["status"].ne("in_flight")
        & (projects["first_start"] <= projects["last_start"]).fillna(False).astype(bool)
    )
    return list(projects.index[ok])


@st.composite
def run_options(
    draw, portfolio, *, require: str | None = None, solver: str = "cbc"
) -> OptimiseOptions:
    """Random run options for ``portfolio``; ``require`` switches one option family on.

    Families: cumulative_budget, total_budget, balance, max_starts, force_in, force_out,
    allow_stop_in_flight, risk_adjusted, npv.
    """

    def on(family: str, p: st.SearchStrategy) -> bool:
        return True if require == family else draw(p)

    flag = st.booleans()
    changes: dict = {"solver": solver, "shadow_prices": draw(st.sampled_from([False, False, True]))}
    basis = "value"
    if require in ("risk_adjusted", "npv"):
        basis = require
    elif require is None:
        basis = draw(st.sampled_from(["value", "value", "risk_adjusted", "npv"]))
    changes["value_basis"] = basis
    changes["cumulative_budget"] = on("cumulative_budget", flag)
    total_cost = float(portfolio.cashflows["cost"].sum())
    if on("total_budget", st.booleans()):
        changes["budget"] = float(draw(st.sampled_from([0.2, 0.4, 0.7])) * total_cost)
    if on("balance", st.booleans()):
        rules = []
        for _ in range(draw(st.integers(1, 2))):
            by = draw(st.sampled_from(["category", "business_unit"]))
            group = draw(st.sampled_from(CATEGORIES if by == "category" else UNITS))
            low = draw(st.sampled_from([None, 0.1, 0.3, 0.5]))
            high = draw(
                st.sampled_from([None, 0.5, 0.7, 0.9] if low is not None else [0.3, 0.5, 0.7])
            )
            if low is not None and high is not None and low > high:
                low, high = high, low
            rules.append(
                BalanceRule(
                    by=by,
                    group=group,
                    min_share=low,
                    max_share=high,
                    measure=draw(st.sampled_from(["spend", "count"])),
                )
            )
        changes["balance"] = tuple(rules)
    if on("max_starts", st.booleans()):
        changes["max_starts_per_period"] = draw(st.integers(0 if require is None else 1, 2))
    # mostly projects that may start, now and then any open one (must-run work, no start)
    projects = portfolio.projects
    open_ = list(projects.index[~projects["status"].isin(CLOSED_STATUSES)])
    free = optional_candidates(portfolio) if draw(st.integers(0, 3)) else open_
    if free and on("force_in", st.booleans()):
        changes["force_in"] = tuple(
            draw(st.lists(st.sampled_from(free), min_size=1, max_size=2, unique=True))
        )
    # force_out may hit anything, mandatory and in-flight work included (force_out wins)
    rest = [p for p in projects.index if p not in changes.get("force_in", ())]
    if rest and on("force_out", st.booleans()):
        changes["force_out"] = tuple(
            draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
        )
    if on("allow_stop_in_flight", st.booleans()):
        changes["allow_stop_in_flight"] = True
        changes["termination_cost"] = draw(st.sampled_from([0.0, 0.5]))
    return OptimiseOptions(**changes)


# --------------------------------------------------------------------------- hand-made portfolios
def toy_portfolio(
    projects: list[dict],
    *,
    demand: list[tuple] = (),
    cashflows: list[tuple] = (),
    capacity: dict[str, float | list[float]] | None = None,
    budget: float | list[float] | None = None,
    dependencies: list[tuple] = (),
    first: str = "2027Q1",
    n_periods: int = 4,
):
    """A small portfolio from plain rows, for cases that are checked by hand.

    projects: dicts with project_id and any contract columns (defaults: proposed, duration 1,
    not mandatory, value 1, risk 0, category "Run"); demand: (project_id, role, offset, fte);
    cashflows: (project_id, offset, cost[, benefit]); capacity: role → FTE (one number for
    every period or one per period); budget: per period (one number or a list);
    dependencies: (project_id, other_id, kind).
    """
    start = pd.Period(first)
    freq = start.freq
    horizon = tuple(pd.period_range(start, periods=n_periods, freq=freq))
    frame = pd.DataFrame(projects).set_index("project_id")
    defaults = {
        "name": None,
        "category": "Run",
        "business_unit": "IT",
        "sponsor": "CIO",
        "status": "proposed",
        "duration": 1,
        "mandatory": False,
        "value": 1.0,
        "risk": 0.0,
    }
    for column, default in defaults.items():
        if column not in frame:
            frame[column] = default
        frame[column] = frame[column].astype(object).where(frame[column].notna(), default)
    frame["name"] = [
        f"Project {pid}" if name is None else name
        for pid, name in zip(frame.index, frame["name"], strict=True)
    ]
    for column in ("earliest_start", "latest_start", "start"):
        values = (
            frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)
        )
        frame[column] = pd.PeriodIndex(
            [pd.Period(v, freq=freq) if isinstance(v, str) else pd.NaT for v in values], freq=freq
        )
    frame["duration"] = frame["duration"].astype(np.int64)
    frame["mandatory"] = frame["mandatory"].astype(bool)
    frame["value"] = frame["value"].astype(float)
    frame["risk"] = frame["risk"].astype(float)
    frame = frame[list(defaults) + ["earliest_start", "latest_start", "start"]]
    flows = pd.DataFrame(
        [(*row, 0.0) if len(row) == 3 else row for row in cashflows],
        columns=["project_id", "offset", "cost", "benefit"],
    ).astype({"offset": np.int64, "cost": float, "benefit": float})
    needs = pd.DataFrame(list(demand), columns=["project_id", "role", "offset", "fte"]).astype(
        {"offset": np.int64, "fte": float}
    )
    capacity = capacity or {}
    cap_rows = []
    for role, amount in capacity.items():
        amounts = amount if isinstance(amount, list | tuple) else [amount] * n_periods
        cap_rows += [(role, p, float(a)) for p, a in zip(horizon, amounts, strict=True)]
    cap = pd.DataFrame(cap_rows, columns=["role", "period", "fte"])
    cap["period"] = pd.PeriodIndex(cap["period"], freq=freq)
    tables = {
        "projects": frame,
        "cashflows": flows,
        "demand": needs,
        "capacity": cap,
        "dependencies": pd.DataFrame(
            list(dependencies), columns=["project_id", "other_id", "kind"]
        ),
    }
    if budget is not None:
        amounts = budget if isinstance(budget, list | tuple) else [budget] * n_periods
        tables["budget"] = pd.DataFrame(
            {"period": pd.PeriodIndex(horizon, freq=freq), "amount": [float(a) for a in amounts]}
        )
    return make_portfolio(tables, horizon=horizon)
