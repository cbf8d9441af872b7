"""Configuration of an optimisation run: what to maximise, which rules, which solver.

Configuration is kept apart from results (:class:`~pmo_analytics.optimise.plan.Plan`), so one
:class:`OptimiseOptions` can be reused, changed with :meth:`OptimiseOptions.replace`, stored
with a scenario and shown in a report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .._vocab import BALANCE_MEASURES, SOLVERS, VALUE_BASES
from ..exceptions import OptionsError


@dataclass(frozen=True)
class BalanceRule:
    """Minimum and/or maximum share of the portfolio that goes to one group.

    Parameters
    ----------
    by : str
        A projects column, e.g. ``"category"`` or ``"business_unit"``.
    group : str
        The group's label in that column, e.g. ``"Run"``.
    min_share, max_share : float, optional
        Bounds on the group's share, in [0, 1].
    measure : {"spend", "count"}
        Share of total spend over the horizon [currency] (contract default) or of the number
        of selected projects.

    Examples
    --------
    >>> BalanceRule(by="category", group="Run", min_share=0.2)
    BalanceRule(by='category', group='Run', min_share=0.2, max_share=None, measure='spend')
    """

    by: str
    group: str
    min_share: float | None = None
    max_share: float | None = None
    measure: str = "spend"

    def __post_init__(self) -> None:
        if self.min_share is None and self.max_share is None:
            raise OptionsError(
                f"balance rule for {self.by}={self.group!r} needs min_share or max_share"
            )
        for name in ("min_share", "max_share"):
            share = getattr(self, name)
            if share is not None and not 0.0 <= share <= 1.0:
                raise OptionsError(f"balance rule {name}={share} must lie in [0, 1]")
        if (
            self.min_share is not None
            and self.max_share is not None
            and self.min_share > self.max_share
        ):
            raise OptionsError(
                f"balance rule min_share {self.min_share} exceeds max_share {self.max_share}"
            )
        if self.measure not in BALANCE_MEASURES:
            raise OptionsError(
                f"balance measure {self.measure!r} is not valid; use one of {', '.join(BALANCE_MEASURES)}"
            )

    def describe(self) -> str:
        """The rule in words, e.g. "Run at least 20 % of spend"."""
        parts = []
        if self.min_share is not None:
            parts.append(f"at least {self.min_share:.0%}")
        if self.max_share is not None:
            parts.append(f"at most {self.max_share:.0%}")
        what = "of spend" if self.measure == "spend" else "of selected projects"
        return f"{self.by} {self.group}: {' and '.join(parts)} {what}"


@dataclass(frozen=True)
class OptimiseOptions:
    """Options of :func:`pmo_analytics.optimise`.

    Parameters
    ----------
    value_basis : {"value", "npv", "risk_adjusted"}
        What to maximise: strategic value (contract definition), NPV of the cash flows
        discounted to the horizon start (so the start period matters), or value × (1 − risk).
    discount_rate : float
        Annual discount rate for ``value_basis="npv"``.
    budget : float, optional
        Total budget over the horizon [currency], on top of any per-period budget.
    cumulative_budget : bool
        Unspent budget of a period carries forward to later periods.
    force_in, force_out : tuple of str
        Projects that must / must not be selected.
    allow_stop_in_flight : bool
        In-flight projects may be stopped (their remaining cost in the horizon is freed);
        by default they continue.
    balance : tuple of BalanceRule
        Minimum / maximum shares per category, business unit or any projects column.
    max_starts_per_period : int, optional
        At most this many new projects start in any one period.
    solver : {"cbc", "highs"}
        CBC (bundled with PuLP) or HiGHS (``highspy``).
    time_limit : float or None
        Seconds the solver may search (default 60); the best plan found is returned, marked
        ``feasible`` with its bound and gap when the optimum is not proven in time. ``None``
        searches until the optimum is proven, however long that takes.
    gap : float
        Relative optimality gap at which the search may stop (0 = prove the optimum).
    threads : int
        Solver threads (1 keeps runs reproducible).
    seed : int
        Solver random seed.
    warm_start : bool
        Hand the construction heuristic's plan to the solver as a starting solution.
    shadow_prices : bool
        Compute shadow prices of budget and capacity after solving (an extra LP).
    analysis : bool
        Work out why each excluded project is out and which limits bind. Batch runs that need
        only the selection (Monte Carlo samples, frontier points) turn it off: excluded
        projects then carry the reason ``not_selected`` and ``binding`` is empty.
    node_limit : int, optional
        Stop the search after this many branch-and-bound nodes — a limit on work rather than
        time, so a stopped run gives the same plan on any machine.
    previous_starts : dict, optional
        project_id → start period label of a previous plan, for ``churn_penalty``.
    churn_penalty : float
        Value lost per project whose selection or start differs from ``previous_starts``.
    termination_cost : float
        Cost charged in the first horizon period for stopping an in-flight project (when
        ``allow_stop_in_flight``), as a share of its remaining cost in the horizon.
    """

    value_basis: str = "value"
    discount_rate: float = 0.08
    budget: float | None = None
    cumulative_budget: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()
    allow_stop_in_flight: bool = False
    balance: tuple[BalanceRule, ...] = ()
    max_starts_per_period: int | None = None
    solver: str = "cbc"
    time_limit: float | None = 60.0
    gap: float = 0.0
    threads: int = 1
    seed: int = 0
    warm_start: bool = True
    shadow_prices: bool = True
    analysis: bool = True
    node_limit: int | None = None
    previous_starts: dict[str, str] | None = field(default=None, compare=True)
    churn_penalty: float = 0.0
    termination_cost: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "force_in", tuple(self.force_in))
        object.__setattr__(self, "force_out", tuple(self.force_out))
        object.__setattr__(self, "balance", tuple(self.balance))
        if self.solver not in SOLVERS:
            raise OptionsError(
                f"solver={self.solver!r} is not valid; use one of {', '.join(SOLVERS)}"
            )
        if self.value_basis not in VALUE_BASES:
            raise OptionsError(
                f"value_basis={self.value_basis!r} is not valid; use one of {', '.join(VALUE_BASES)}"
            )
        if self.time_limit is not None and not self.time_limit > 0:
            raise OptionsError(f"time_limit={self.time_limit} must be a positive number of seconds")
        if not 0.0 <= self.gap < 1.0:
            raise OptionsError(f"gap={self.gap} must be a fraction in [0, 1)")
        if self.budget is not None and self.budget < 0:
            raise OptionsError(f"budget={self.budget} must not be negative")
        if self.max_starts_per_period is not None and self.max_starts_per_period < 0:
            raise OptionsError("max_starts_per_period must not be negative")
        if self.node_limit is not None and self.node_limit < 1:
            raise OptionsError(f"node_limit={self.node_limit} must be at least 1")
        if self.threads < 1:
            raise OptionsError(f"threads={self.threads} must be at least 1")
        if self.churn_penalty < 0 or self.termination_cost < 0:
            raise OptionsError("churn_penalty and termination_cost must not be negative")
        overlap = sorted(set(self.force_in) & set(self.force_out))
        if overlap:
            raise OptionsError(f"projects both forced in and forced out: {', '.join(overlap)}")

    def replace(self, **changes: object) -> OptimiseOptions:
        """A copy with some options changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain-data form (for summary.json and reports)."""
        out = dataclasses.asdict(self)
        out["balance"] = [dataclasses.asdict(rule) for rule in self.balance]
        return out
