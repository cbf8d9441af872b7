"""Plan: the result of one optimisation run — status, figures and frames.

A Plan holds frames, not algorithms: the schedule (every project: selected, start, finish,
value, cost, reason), spend and demand against budget and capacity per period, the binding
limits with their shadow prices, the solver's status, bound and gap, and — when the rules
cannot all hold — the diagnosis. It keeps its selection (start option values by label), not
the model: :meth:`Plan.explain` words why a project is in or out from these facts; what
forcing one in would cost is :func:`~pmo_analytics.optimise.what_if`; writing and rendering
the plan's files is :mod:`pmo_analytics.report`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .._vocab import PLAN_STATUSES
from .explain import explain_project, plan_summary_text
from .options import OptimiseOptions

if TYPE_CHECKING:  # pragma: no cover
    from ..portfolio import Portfolio

#: Columns of ``plan.csv`` (CONTRACT.md), in order.
PLAN_COLUMNS = [
    "project_id",
    "name",
    "category",
    "selected",
    "start",
    "finish",
    "value",
    "cost",
    "reason",
]
STATUSES = PLAN_STATUSES
#: Columns of ``Plan.binding``: the budget and capacity limits that bind, most valuable first.
BINDING_COLUMNS = [
    "resource",
    "period",
    "used",
    "available",
    "slack",
    "utilisation",
    "shadow_price",
    "blocked",
]
#: Columns of ``Plan.diagnosis``: one row per limit or rule the smallest relaxation changes.
DIAGNOSIS_COLUMNS = [
    "family",
    "resource",
    "period",
    "project_id",
    "needed",
    "available",
    "shortfall",
    "message",
]


@dataclass(frozen=True, eq=False)
class Plan:
    """The project mix and start periods chosen by :func:`pmo_analytics.optimise`.

    Attributes
    ----------
    status : str
        ``optimal`` (proven), ``feasible`` (a plan; a limit stopped the search — see
        ``bound`` and ``gap``), ``infeasible`` (see ``diagnosis``) or ``not_solved``.
    objective : float
        What was maximised (the value basis of ``options``) for the selected projects.
    bound : float
        The best proven upper bound on the objective (NaN when unknown).
    gap : float
        Relative gap ``(bound − objective) / |objective|``; 0 when optimal.
    solver : str
    seconds : float
        Wall-clock seconds of the whole run (build, heuristic, solve, analysis).
    schedule : DataFrame
        One row per project (index project_id): name, category, business_unit, status,
        mandatory, selected, start, finish, value (strategic value), objective_value, cost
        (total planned cost [currency]), reason.
    utilisation : DataFrame
        resource (a role, or ``budget``), period, used, available, utilisation.
    spend : DataFrame
        period, category, cost [currency] of the selected projects (tidy, for stacking).
    binding : DataFrame
        Limits that bind — (nearly) full, or in the way of an excluded project: resource,
        period, used, available, slack, utilisation, shadow_price, blocked (excluded
        projects whose best start overruns this limit, most of them along with other limits:
        what one limit *alone* keeps out, and what a step of it is worth, is
        :func:`~pmo_analytics.optimise.limit_worth`).
    prices : DataFrame
        Shadow price of every budget and capacity limit: resource, period, shadow_price —
        the marginal value of one more unit (per FTE for roles, per unit of currency for the
        budget) in the LP that keeps the plan's selection and lets excluded projects in
        fractionally; empty when ``options.shadow_prices`` is off.
    diagnosis : DataFrame
        For an infeasible run: the smallest relaxation that would make the rules hold, one
        row per relaxed limit with a plain-words ``message``; empty otherwise.
    conflicts : DataFrame
        What the best start of each excluded project would break in this plan (the facts
        behind its reason): project_id, start, family, cause, resource, period, need,
        remaining, rhs, overrun, other_id (see
        :func:`~pmo_analytics.optimise.start_conflicts`); empty without the analysis.
    options : OptimiseOptions
    portfolio : Portfolio
        The portfolio the plan was made for.
    solution : Series
        The selection: value of every start option, indexed by (project_id, start).
    notes : list of str
        Anything worth knowing about the run (heuristic fallback, projects not forceable).
    """

    status: str
    objective: float
    bound: float
    gap: float
    solver: str
    seconds: float
    schedule: pd.DataFrame
    utilisation: pd.DataFrame
    spend: pd.DataFrame
    binding: pd.DataFrame
    prices: pd.DataFrame
    diagnosis: pd.DataFrame
    options: OptimiseOptions
    portfolio: Portfolio = field(repr=False)
    solution: pd.Series | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    timings: dict = field(default_factory=dict)
    conflicts: pd.DataFrame | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ views
    @property
    def selected(self) -> pd.Index:
        """project_ids of the selected projects, in schedule order."""
        return self.schedule.index[self.schedule["selected"]]

    @property
    def n_selected(self) -> int:
        return int(self.schedule["selected"].sum())

    @property
    def starts(self) -> pd.Series:
        """Start period of each selected project (index project_id)."""
        return self.schedule.loc[self.schedule["selected"], "start"]

    @property
    def value(self) -> float:
        """Total strategic value of the selection."""
        return float(self.schedule.loc[self.schedule["selected"], "value"].sum())

    @property
    def total_cost(self) -> float:
        """Planned cost of the selected projects inside the horizon [currency]."""
        return float(self.spend["cost"].sum())

    @property
    def shadow_prices(self) -> pd.DataFrame:
        """Shadow prices of budget and capacity limits with a nonzero price, highest first."""
        priced = self.prices[self.prices["shadow_price"].fillna(0.0) > 1e-9]
        return priced.sort_values("shadow_price", ascending=False, kind="stable").reset_index(
            drop=True
        )

    def is_solution(self) -> bool:
        """True when the plan is a solution (optimal or feasible)."""
        return self.status in ("optimal", "feasible")

    def plan_table(self) -> pd.DataFrame:
        """The ``plan.csv`` table (CONTRACT.md columns; periods as labels)."""
        table = self.schedule.reset_index()
        out = table[PLAN_COLUMNS].copy()
        for column in ("start", "finish"):
            out[column] = out[column].map(lambda p: "" if p is None or p is pd.NaT else str(p))
        out["category"] = out["category"].fillna("")
        return out

    def utilisation_table(self) -> pd.DataFrame:
        """The ``utilisation.csv`` table (periods as labels)."""
        out = self.utilisation.copy()
        out["period"] = out["period"].astype(str)
        return out

    def explain(self, project_id: str) -> str:
        """Why ``project_id`` is in or out of the plan, in plain words (no re-solve).

        What forcing an excluded project in would cost: :func:`pmo_analytics.what_if`.

        Examples
        --------
        >>> plan.explain("P012")  # doctest: +SKIP
        'P012 Customer 360 analytics is not in the plan (capacity:Architect): ...'
        """

        return explain_project(self, project_id)

    def summary_text(self, limits: pd.DataFrame | None = None) -> str:
        """A short text summary, as the command line prints it (with ``limits``, the table of
        :func:`~pmo_analytics.optimise.limit_worth`, what one more step of a limit is worth)."""
        return plan_summary_text(self, limits=limits)

    def __repr__(self) -> str:
        return (
            f"Plan(status={self.status!r}, objective={self.objective:,.2f}, bound={self.bound:,.2f}, "
            f"gap={self.gap:.2%}, selected={self.n_selected}/{len(self.schedule)}, solver={self.solver!r})"
        )

    def _repr_html_(self) -> str:
        return f"<pre class='pmo-plan'>{html.escape(self.summary_text())}</pre>"
