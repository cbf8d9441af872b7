"""Synthetic portfolios of any size, valid by construction and deterministic under a seed.

For tests and benchmarks: the same shape as a real portfolio (windows, time-phased costs,
benefits and demand, criteria and scores, dependencies of all kinds, mandatory and in-flight
projects with earned-value actuals), built with vectorised numpy rather than loops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .._vocab import DEPENDENCY_KINDS
from .container import Portfolio, make_portfolio

CATEGORIES = ("Run", "Grow", "Transform")
BUSINESS_UNITS = (
    "Finance",
    "Operations",
    "Sales & Marketing",
    "HR",
    "IT Platform",
    "Risk & Compliance",
)
CRITERIA = (
    ("strategic_fit", "benefit"),
    ("financial_return", "benefit"),
    ("customer_impact", "benefit"),
    ("regulatory_need", "benefit"),
    ("delivery_risk", "cost"),
)


def _ragged_arange(lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(k) for k in lengths])`` without the Python loop."""
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(3, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def generate_portfolio(
    n_projects: int = 60,
    n_periods: int = 8,
    n_roles: int = 6,
    seed: int = 0,
    *,
    window: int = 4,
    max_duration: int = 6,
    tightness: float = 0.5,
    first_period: str = "2027Q1",
    mandatory_share: float = 0.03,
    in_flight_share: float = 0.06,
    dependency_share: float = 0.08,
    roles_per_project: int = 3,
    with_scores: bool = True,
    with_value: bool = True,
) -> Portfolio:
    """A valid random portfolio, the same for the same arguments.

    Parameters
    ----------
    n_projects, n_periods, n_roles : int
        Size: projects, horizon periods (quarters from ``first_period``), roles.
    seed : int
        Seed of the random generator; the same seed gives the same portfolio.
    window : int
        Start options per project (earliest_start..latest_start spans this many periods).
    max_duration : int
        Longest project [periods] (capped at the horizon).
    tightness : float
        Budget and capacity per period as a share of what every candidate, spread evenly,
        would need (0.5: roughly half can be funded). Never below what mandatory and
        in-flight work needs.
    mandatory_share, in_flight_share, dependency_share : float
        Shares of projects that are mandatory, in flight, and carry a dependency.
    roles_per_project : int
        Roles each project draws on (at most ``n_roles``).
    with_scores, with_value : bool
        Write criteria scores; give ``value`` (else strategic value comes from the scores).

    Returns
    -------
    Portfolio

    Examples
    --------
    >>> p = generate_portfolio(20, n_periods=8, n_roles=4, seed=7)
    >>> len(p.projects), len(p.horizon), len(p.roles)
    (20, 8, 4)
    >>> generate_portfolio(20, n_periods=8, n_roles=4, seed=7) == p
    True
    """
    rng = np.random.default_rng(seed)
    first = pd.Period(first_period)
    shape = _shape(rng, int(n_projects), int(n_periods), first, window, max_duration)
    shape = shape.with_flags(rng, mandatory_share, in_flight_share)
    roles = np.array([f"Role{r:02d}" for r in range(1, n_roles + 1)], dtype=object)
    projects = _projects(rng, shape, with_value)
    flows = _cashflows(rng, shape)
    demand = _demand(rng, shape, roles, min(roles_per_project, n_roles))
    budget, capacity = _limits(shape, flows.table, demand, roles, tightness)
    criteria = pd.DataFrame(
        {
            "criterion": [c for c, _ in CRITERIA],
            "weight": [0.3, 0.25, 0.2, 0.15, 0.1],
            "direction": [d for _, d in CRITERIA],
        }
    )
    scores = pd.DataFrame(
        {
            "project_id": np.repeat(shape.ids, len(CRITERIA)),
            "criterion": np.tile([c for c, _ in CRITERIA], shape.n),
            "score": rng.integers(0, 11, size=shape.n * len(CRITERIA)).astype(float),
        }
    )
    tables = {
        "projects": projects,
        "cashflows": flows.table,
        "demand": demand,
        "capacity": capacity,
        "budget": budget,
        "criteria": criteria,
        "scores": scores if with_scores else scores.iloc[0:0],
        "dependencies": _dependencies(rng, shape, dependency_share),
        "actuals": _actuals(rng, shape, flows),
    }
    for name, frame in tables.items():  # text as pandas text, also in empty tables
        text = [c for c in frame.columns if frame[c].dtype == object]
        tables[name] = frame.astype(dict.fromkeys(text, "str"))
    tables["projects"].index = tables["projects"].index.astype("str")
    return make_portfolio(tables, horizon=shape.horizon)


@dataclass(frozen=True)
class _Shape:
    """Each project's timing: duration, window, in-flight start (positions from the first
    period), and which projects are in flight or mandatory."""

    ids: np.ndarray
    first: pd.Period
    horizon_len: int
    duration: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    status: np.ndarray
    in_flight: np.ndarray
    mandatory: np.ndarray
    start_pos: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def horizon(self) -> tuple[pd.Period, ...]:
        return tuple(pd.period_range(self.first, periods=self.horizon_len, freq=self.first.freq))

    def period_at(self, pos: np.ndarray) -> pd.PeriodIndex:
        first = self.first
        return pd.PeriodIndex.from_ordinals(pos.astype(np.int64) + first.ordinal, freq=first.freq)

    def with_flags(
        self, rng: np.random.Generator, mandatory_share: float, in_flight_share: float
    ) -> _Shape:
        """Statuses: some approved, some in flight (started up to two periods before the
        horizon), some mandatory."""
        n = self.n
        status = np.full(n, "proposed", dtype=object)
        status[rng.random(n) < 0.15] = "approved"
        in_flight = rng.random(n) < in_flight_share
        mandatory = (rng.random(n) < mandatory_share) & ~in_flight
        status[in_flight] = "in_flight"
        started = -rng.integers(0, 3, size=n)
        start_pos = np.where(in_flight, np.maximum(started, -(self.duration - 1)), 0)
        return replace(
            self, status=status, in_flight=in_flight, mandatory=mandatory, start_pos=start_pos
        )


def _shape(
    rng: np.random.Generator,
    n: int,
    horizon_len: int,
    first: pd.Period,
    window: int,
    max_duration: int,
) -> _Shape:
    duration = rng.integers(1, min(max_duration, horizon_len) + 1, size=n)
    slack = horizon_len - duration
    earliest = (rng.random(n) * (slack + 1)).astype(int)
    latest = np.minimum(earliest + window - 1, slack)
    none = np.zeros(n, dtype=bool)
    return _Shape(
        _ids("P", n), first, horizon_len, duration, earliest, latest, none, none, none, none
    )


def _projects(rng: np.random.Generator, shape: _Shape, with_value: bool) -> pd.DataFrame:
    n, in_flight = shape.n, shape.in_flight
    value = np.round(rng.lognormal(mean=3.0, sigma=0.6, size=n), 1)
    risk = np.round(rng.beta(2, 8, size=n), 2)
    return pd.DataFrame(
        {
            "name": [f"Project {i}" for i in shape.ids],
            "category": rng.choice(CATEGORIES, size=n),
            "business_unit": rng.choice(BUSINESS_UNITS, size=n),
            "sponsor": rng.choice(["CFO", "COO", "CIO", "CMO", "CHRO"], size=n),
            "status": shape.status,
            "earliest_start": shape.period_at(shape.earliest).where(~in_flight, pd.NaT),
            "latest_start": shape.period_at(shape.latest).where(~in_flight, pd.NaT),
            "start": shape.period_at(shape.start_pos).where(in_flight, pd.NaT),
            "duration": shape.duration.astype(np.int64),
            "mandatory": shape.mandatory,
            "value": value if with_value else np.nan,
            "risk": risk,
        },
        index=pd.Index(shape.ids, name="project_id"),
    )


@dataclass(frozen=True)
class _Flows:
    """Cash flows, and the lines they were drawn as (for the actuals of in-flight work)."""

    table: pd.DataFrame
    owner: np.ndarray
    offsets: np.ndarray
    during: np.ndarray
    cost: np.ndarray


def _cashflows(rng: np.random.Generator, shape: _Shape) -> _Flows:
    """Cost in every period of a project, benefits for four periods after it."""
    n, duration = shape.n, shape.duration
    cost_level = np.round(rng.lognormal(mean=11.5, sigma=0.5, size=n), -3)
    offsets = _ragged_arange(duration + 4)
    owner = np.repeat(np.arange(n), duration + 4)
    during = offsets < duration[owner]
    cost = np.where(
        during, np.round(cost_level[owner] * rng.uniform(0.6, 1.4, owner.size), -3), 0.0
    )
    benefit = np.where(
        during,
        0.0,
        np.round(cost_level[owner] * duration[owner] * rng.uniform(0.2, 0.45, owner.size), -3),
    )
    table = pd.DataFrame(
        {
            "project_id": shape.ids[owner],
            "offset": offsets.astype(np.int64),
            "cost": cost,
            "benefit": benefit,
        }
    )
    return _Flows(table, owner, offsets, during, cost)


def _demand(rng: np.random.Generator, shape: _Shape, roles: np.ndarray, k: int) -> pd.DataFrame:
    """Each project draws on ``k`` roles in every period it runs."""
    n, duration = shape.n, shape.duration
    role_choice = np.argsort(rng.random((n, len(roles))), axis=1)[:, :k]
    d_owner = np.repeat(np.arange(n), duration * k)
    local = _ragged_arange(duration * k)  # offset-major: every role of offset 0, then 1, ...
    d_offset = local // max(k, 1)
    d_role = role_choice[d_owner, local % max(k, 1)] if k else np.zeros(0, dtype=np.int64)
    fte = np.round(rng.uniform(0.25, 3.0, size=d_owner.size), 2)
    return pd.DataFrame(
        {
            "project_id": shape.ids[d_owner],
            "role": roles[d_role],
            "offset": d_offset.astype(np.int64),
            "fte": fte,
        }
    )


def _limits(
    shape: _Shape,
    cashflows: pd.DataFrame,
    demand: pd.DataFrame,
    roles: np.ndarray,
    tightness: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Budget and capacity: a share of the even spread of all candidates, never below what
    the forced work (mandatory, in flight) needs."""
    horizon_len = shape.horizon_len
    fixed_pos = np.where(shape.in_flight, shape.start_pos, shape.earliest)
    forced = shape.in_flight | shape.mandatory
    periods_index = pd.PeriodIndex(shape.horizon, name="period")

    def forced_load(frame: pd.DataFrame, amount: str, by: list[str]) -> pd.Series:
        row = np.searchsorted(shape.ids, frame["project_id"].to_numpy())  # ids are sorted
        when = fixed_pos[row] + frame["offset"].to_numpy()
        keep = forced[row] & (when >= 0) & (when < horizon_len)
        part = frame[keep].assign(period=shape.period_at(when[keep]))
        return part.groupby([*by, "period"])[amount].sum()

    spread_cost = cashflows["cost"].sum() / horizon_len * tightness
    forced_cost = forced_load(cashflows, "cost", []).reindex(periods_index, fill_value=0.0)
    amount = np.maximum(
        np.round(spread_cost, -3), np.ceil(forced_cost.to_numpy() * 1.25 / 1000) * 1000
    )
    budget = pd.DataFrame({"period": periods_index, "amount": amount.astype(float)})

    spread_fte = (demand.groupby("role")["fte"].sum() / horizon_len * tightness).reindex(
        roles, fill_value=0.0
    )
    grid = pd.MultiIndex.from_product([roles, periods_index], names=["role", "period"])
    forced_fte = forced_load(demand, "fte", ["role"]).reindex(grid, fill_value=0.0)
    capacity_fte = np.maximum(
        np.round(spread_fte.reindex(grid.get_level_values("role")).to_numpy(), 1),
        np.ceil(forced_fte.to_numpy() * 1.25 * 10) / 10,
    )
    capacity = pd.DataFrame(
        {
            "role": grid.get_level_values("role"),
            "period": grid.get_level_values("period"),
            "fte": capacity_fte,
        }
    )
    return budget, capacity


def _dependencies(rng: np.random.Generator, shape: _Shape, share: float) -> pd.DataFrame:
    """Later projects on earlier ones (so no cycle); none touch forced work."""
    n_dep = int(round(share * shape.n))
    free = np.flatnonzero(~(shape.in_flight | shape.mandatory))
    if not n_dep or free.size < 2:
        return pd.DataFrame(columns=["project_id", "other_id", "kind"])
    a = rng.choice(free, size=n_dep)
    b = rng.choice(free, size=n_dep)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    kinds = rng.choice(list(DEPENDENCY_KINDS), size=n_dep)
    ids = shape.ids
    return (
        pd.DataFrame({"project_id": ids[hi[keep]], "other_id": ids[lo[keep]], "kind": kinds[keep]})
        .drop_duplicates(subset=["project_id", "other_id"])
        .reset_index(drop=True)
    )


def _actuals(rng: np.random.Generator, shape: _Shape, flows: _Flows) -> pd.DataFrame:
    """Earned-value actuals of in-flight work for the periods before the horizon."""
    when = shape.start_pos[flows.owner] + flows.offsets
    past = shape.in_flight[flows.owner] & flows.during & (when < 0)
    planned = flows.cost[past]
    earned = np.round(planned * rng.uniform(0.75, 1.05, planned.size), -2)
    actual = np.round(earned * rng.uniform(0.9, 1.3, planned.size), -2)
    return pd.DataFrame(
        {
            "project_id": shape.ids[flows.owner[past]],
            "period": shape.period_at(when[past]),
            "planned_value": planned,
            "earned_value": earned,
            "actual_cost": actual,
        }
    )
