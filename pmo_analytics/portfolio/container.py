"""Portfolio: the validated, immutable container of a project portfolio.

A :class:`Portfolio` holds typed tables — ``projects`` indexed by ``project_id`` and tidy long
tables for the rest — and the planning horizon as an ordered tuple of :class:`pandas.Period`.
It is made by :func:`pmo_analytics.load_portfolio` (which validates) or by
:func:`make_portfolio` from frames that are already typed (synthetic data, scenarios).

Derived project columns (never written back to files):

``duration``
    filled where blank: last offset + 1 over the project's cashflows and demand.
``first_start``, ``last_start``
    the start periods the project may take: its window (earliest_start..latest_start, by
    default the horizon) cut so that it finishes inside the horizon; an in-flight project's
    fixed ``start``; missing for completed and cancelled projects.
``strategic_value``
    ``value`` where given, otherwise the weighted score from scores and criteria weights.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import ArgumentTypeError
from ..scoring import strategic_value
from .schema import DERIVED_PROJECT_COLUMNS, TABLES

_LONG_TABLES = (
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


def _frozen_view(frame: pd.DataFrame) -> pd.DataFrame:
    # With copy-on-write a shallow copy is free and any change made to it stays in the copy.
    return frame.copy(deep=False)


class Portfolio:
    """A validated project portfolio (immutable).

    Attributes
    ----------
    projects : DataFrame
        One row per project, indexed by ``project_id``: the contract columns typed (periods as
        :class:`pandas.Period`, ``duration`` as int, ``mandatory`` as bool, ``value`` and
        ``risk`` as float), extra columns as text, and the derived columns ``first_start``,
        ``last_start`` and ``strategic_value``.
    cashflows, demand, capacity, budget, criteria, scores, comparisons, dependencies, actuals :
        DataFrame
        Tidy long tables in contract columns; an absent optional file is an empty table.
        ``capacity`` has a row for every role and horizon period (missing ones at 0 FTE);
        ``budget`` likewise for every period when the file was given.
    horizon : tuple of Period
        The planning periods, in order.
    warnings : DataFrame
        Non-fatal findings of loading (unknown columns, capacity taken as 0), same columns as
        :attr:`PortfolioValidationError.problems`.

    Every attribute returns a fresh view: changing it never changes the portfolio. Use
    :meth:`replace` for a modified copy.
    """

    __slots__ = ("_horizon", "_tables", "_warnings")

    def __init__(
        self,
        *,
        projects: pd.DataFrame,
        horizon: Iterable[pd.Period],
        warnings: pd.DataFrame | None = None,
        **tables: pd.DataFrame,
    ) -> None:
        unknown = set(tables) - set(_LONG_TABLES)
        if unknown:
            raise ArgumentTypeError(
                f"unknown tables {sorted(unknown)}; valid: {', '.join(_LONG_TABLES)}"
            )
        stored = {"projects": projects}
        for name in _LONG_TABLES:
            stored[name] = tables[name] if name in tables else _empty_table(name)
        object.__setattr__(self, "_tables", stored)
        object.__setattr__(self, "_horizon", tuple(horizon))
        object.__setattr__(
            self,
            "_warnings",
            warnings
            if warnings is not None
            else pd.DataFrame(columns=["file", "row", "column", "value", "rule"]),
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Portfolio is immutable; use .replace(...) for a modified copy")

    def __reduce__(self) -> tuple:
        # pickling (parallel runs send portfolios to worker processes) rebuilds through __init__
        tables = dict(self._tables)
        projects = tables.pop("projects")
        return (_restore, (projects, self._horizon, self._warnings, tables))

    # ------------------------------------------------------------------ tables
    @property
    def projects(self) -> pd.DataFrame:
        return _frozen_view(self._tables["projects"])

    @property
    def cashflows(self) -> pd.DataFrame:
        return _frozen_view(self._tables["cashflows"])

    @property
    def demand(self) -> pd.DataFrame:
        return _frozen_view(self._tables["demand"])

    @property
    def capacity(self) -> pd.DataFrame:
        return _frozen_view(self._tables["capacity"])

    @property
    def budget(self) -> pd.DataFrame:
        return _frozen_view(self._tables["budget"])

    @property
    def criteria(self) -> pd.DataFrame:
        return _frozen_view(self._tables["criteria"])

    @property
    def scores(self) -> pd.DataFrame:
        return _frozen_view(self._tables["scores"])

    @property
    def comparisons(self) -> pd.DataFrame:
        return _frozen_view(self._tables["comparisons"])

    @property
    def dependencies(self) -> pd.DataFrame:
        return _frozen_view(self._tables["dependencies"])

    @property
    def actuals(self) -> pd.DataFrame:
        return _frozen_view(self._tables["actuals"])

    @property
    def horizon(self) -> tuple[pd.Period, ...]:
        return self._horizon

    @property
    def warnings(self) -> pd.DataFrame:
        return _frozen_view(self._warnings)

    # ------------------------------------------------------------------ derived views
    @property
    def freq(self) -> str:
        """Period frequency: ``"Q-DEC"`` (quarters) or ``"M"`` (months)."""
        return self._horizon[0].freqstr

    @property
    def roles(self) -> list[str]:
        """Roles with capacity, sorted."""
        return sorted(self._tables["capacity"]["role"].unique())

    @property
    def has_budget(self) -> bool:
        """True when the portfolio gives a budget per period."""
        return not self._tables["budget"].empty

    def budget_by_period(self) -> pd.Series:
        """Budget per period [currency] over the horizon (``inf`` where no budget is given)."""
        index = pd.PeriodIndex(self._horizon, name="period")
        if not self.has_budget:
            return pd.Series(np.inf, index=index, name="amount")
        return self._tables["budget"].set_index("period")["amount"].reindex(index, fill_value=0.0)

    def capacity_by_role_period(self) -> pd.Series:
        """Capacity [FTE] indexed by (role, period) over the horizon."""
        return self._tables["capacity"].set_index(["role", "period"])["fte"].sort_index()

    def total_cost(self) -> pd.Series:
        """Each project's total planned cost [currency] (sum of its cashflow costs)."""
        costs = self._tables["cashflows"].groupby("project_id")["cost"].sum()
        return costs.reindex(self._tables["projects"].index, fill_value=0.0).rename("cost")

    def candidates(self) -> pd.Index:
        """Projects that may be part of a plan (not completed or cancelled)."""
        projects = self._tables["projects"]
        return projects.index[~projects["status"].isin(CLOSED_STATUSES)]

    def replace(self, **changes: object) -> Portfolio:
        """A new portfolio with some tables (or the horizon) replaced; derived fields recomputed.

        Examples
        --------
        >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
        >>> p = generate_portfolio(5, n_periods=4, n_roles=2, seed=1)
        >>> richer = p.replace(budget=p.budget.assign(amount=p.budget["amount"] * 2))
        >>> bool((richer.budget["amount"] == 2 * p.budget["amount"]).all())
        True
        """
        tables = {name: self._tables[name] for name in ("projects", *_LONG_TABLES)}
        tables["projects"] = tables["projects"].drop(columns=list(DERIVED_PROJECT_COLUMNS))
        horizon = changes.pop("horizon", self._horizon)
        unknown = set(changes) - set(tables)
        if unknown:
            raise ArgumentTypeError(
                f"cannot replace {sorted(unknown)}; valid: projects, horizon, {', '.join(_LONG_TABLES)}"
            )
        tables.update(changes)  # type: ignore[arg-type]
        if "projects" in changes:
            tables["projects"] = tables["projects"].drop(
                columns=[c for c in DERIVED_PROJECT_COLUMNS if c in tables["projects"].columns]
            )
        return make_portfolio(tables, horizon=tuple(horizon), warnings=self._warnings)

    # ------------------------------------------------------------------ equality & display
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Portfolio):
            return NotImplemented
        if self._horizon != other._horizon:
            return False
        return all(_frames_equal(self._tables[name], other._tables[name]) for name in self._tables)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        h = self._horizon
        span = f"{h[0]}..{h[-1]}" if h else "empty"
        return (
            f"Portfolio({len(self._tables['projects'])} projects, horizon {span} "
            f"({len(h)} periods), {len(self.roles)} roles)"
        )


def _restore(
    projects: pd.DataFrame,
    horizon: tuple[pd.Period, ...],
    warnings: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
) -> Portfolio:
    return Portfolio(projects=projects, horizon=horizon, warnings=warnings, **tables)


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_index_type=False)
    except AssertionError:
        return False
    return True


def _empty_table(name: str) -> pd.DataFrame:
    spec = TABLES[name]
    dtypes = {"int": "int64", "float": "float64", "bool": "bool"}
    return pd.DataFrame(
        {c: pd.Series(dtype=dtypes.get(s.kind, object)) for c, s in spec.columns.items() if s.added}
    )


# --------------------------------------------------------------------------- derivations
def default_durations(
    projects: pd.DataFrame, cashflows: pd.DataFrame, demand: pd.DataFrame
) -> pd.Series:
    """Duration [periods] per project: as given, else last offset + 1 over cashflows and demand.

    Missing (NaN) where neither gives one.
    """
    offsets = pd.concat([cashflows[["project_id", "offset"]], demand[["project_id", "offset"]]])
    last = offsets.groupby("project_id")["offset"].max() + 1
    given = pd.to_numeric(projects["duration"], errors="coerce")
    return given.fillna(last.reindex(projects.index)).rename("duration")


def start_windows(projects: pd.DataFrame, horizon: tuple[pd.Period, ...]) -> pd.DataFrame:
    """First and last feasible start period of each project (see module notes).

    ``projects`` needs status, earliest_start, latest_start, start (period dtype) and duration.
    Where no start fits, first_start > last_start; closed projects get NaT.
    """
    freq = horizon[0].freq
    h0, h_end = horizon[0], horizon[-1]
    index = projects.index
    earliest = pd.PeriodIndex(projects["earliest_start"], freq=freq)
    latest = pd.PeriodIndex(projects["latest_start"], freq=freq)
    start = pd.PeriodIndex(projects["start"], freq=freq)
    duration = projects["duration"].fillna(1).astype("int64").to_numpy()
    first = np.maximum(np.where(earliest.isna(), h0.ordinal, earliest.asi8), h0.ordinal)
    last = np.minimum(
        np.where(latest.isna(), h_end.ordinal, latest.asi8), h_end.ordinal - duration + 1
    )
    in_flight = (projects["status"] == "in_flight").to_numpy() & ~start.isna()
    first = np.where(in_flight, start.asi8, first)
    last = np.where(in_flight, start.asi8, last)
    closed = projects["status"].isin(CLOSED_STATUSES).to_numpy()
    nat = np.iinfo(np.int64).min
    first = np.where(closed, nat, first)
    last = np.where(closed, nat, last)
    return pd.DataFrame(
        {
            "first_start": pd.PeriodIndex.from_ordinals(first, freq=freq),
            "last_start": pd.PeriodIndex.from_ordinals(last, freq=freq),
        },
        index=index,
    )


def make_portfolio(
    tables: dict[str, pd.DataFrame],
    *,
    horizon: tuple[pd.Period, ...],
    warnings: pd.DataFrame | None = None,
) -> Portfolio:
    """Build a :class:`Portfolio` from typed tables, deriving the derived project fields.

    ``tables["projects"]`` is indexed by ``project_id``; the other tables are long frames in
    contract columns (absent ones may be missing from the dict). The tables are trusted to be
    valid (use :func:`pmo_analytics.load_portfolio` for user files).
    """

    projects = tables["projects"].copy()
    cashflows = tables["cashflows"] if "cashflows" in tables else _empty_table("cashflows")
    demand = tables["demand"] if "demand" in tables else _empty_table("demand")
    projects["duration"] = default_durations(projects, cashflows, demand).fillna(1).astype("int64")
    windows = start_windows(projects, horizon)
    projects["first_start"] = windows["first_start"]
    projects["last_start"] = windows["last_start"]
    projects["strategic_value"] = strategic_value(
        projects,
        *(
            tables[name] if name in tables else _empty_table(name)
            for name in ("scores", "criteria", "comparisons")
        ),
    )
    rest = {name: tables[name] for name in _LONG_TABLES if name in tables}
    rest["capacity"] = _complete_capacity(rest.get("capacity", _empty_table("capacity")), horizon)
    if "budget" in rest and not rest["budget"].empty:
        rest["budget"] = _complete_budget(rest["budget"], horizon)
    return Portfolio(projects=projects, horizon=horizon, warnings=warnings, **rest)


def _complete_capacity(capacity: pd.DataFrame, horizon: tuple[pd.Period, ...]) -> pd.DataFrame:
    roles = sorted(capacity["role"].unique())
    grid = pd.MultiIndex.from_product(
        [roles, pd.PeriodIndex(horizon, name="period")], names=["role", "period"]
    )
    fte = capacity.groupby(["role", "period"])["fte"].sum().reindex(grid, fill_value=0.0)
    return fte.reset_index()


def _complete_budget(budget: pd.DataFrame, horizon: tuple[pd.Period, ...]) -> pd.DataFrame:
    index = pd.PeriodIndex(horizon, name="period")
    amount = budget.set_index("period")["amount"].reindex(index, fill_value=0.0)
    return amount.reset_index()
