"""Configuration of an optimisation run, in two parts checked in one place.

- :class:`PortfolioRules` — the rules of the portfolio: what to maximise (value basis), budget
  rules, projects forced in or out, in-flight work, balance, starts per period, churn and
  termination costs. They change the answer.
- :class:`SearchSettings` — how hard and how to search: method, effort (the work budget),
  solver, limits, gap, threads, seed, warm start, and which analyses to add to the plan. They change how the answer is found.
- :class:`OptimiseOptions` — both together, as :func:`pmo_analytics.optimise` takes them; any
  field of either part reads and replaces flat (``options.budget``, ``options.time_limit``).

Every option value is checked by :func:`option_problem` against one table (:data:`CHECKS`);
the command line, scenario files and replanning use the same function, so a number is judged
the same way wherever it is given. Configuration is kept apart from results
(:class:`~pmo_analytics.optimise.plan.Plan`), so options can be reused, stored with a scenario
and shown in a report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._vocab import BALANCE_MEASURES, METHODS, SOLVERS, VALUE_BASES
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
class Check:
    """What one option accepts: a kind and, for numbers, bounds (all finite)."""

    kind: str  # "number", "whole", "choice", "bool", "ids", "rules", "starts"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False  # None is allowed
    meaning: str = ""  # e.g. "seconds", said after the rule

    def rule(self) -> str:
        """What a valid value is, in words (e.g. "a number > 0 [seconds]")."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "ids":
            return "a list of project ids"
        if self.kind == "rules":
            return "a list of BalanceRule"
        if self.kind == "starts":
            return "a mapping of project id to start period"
        what = "a whole number" if self.kind == "whole" else "a number"
        if self.low is not None and self.high is not None:
            left, right = ("(" if self.low_open else "["), (")" if self.high_open else "]")
            text = f"{what} in {left}{self.low:g}, {self.high:g}{right}"
            return text + (f" [{self.meaning}]" if self.meaning else "")
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>' if self.low_open else '≥'} {self.low:g}")
        if self.high is not None:
            bounds.append(f"{'<' if self.high_open else '≤'} {self.high:g}")
        text = f"{what} {' and '.join(bounds)}" if bounds else f"a finite {what[2:]}"
        return text + (f" [{self.meaning}]" if self.meaning else "")


#: Every option of :class:`PortfolioRules` and :class:`SearchSettings` and what it accepts.
CHECKS: dict[str, Check] = {
    # rules of the portfolio
    "value_basis": Check("choice", choices=VALUE_BASES),
    "discount_rate": Check("number", low=-1.0, low_open=True, meaning="annual rate"),
    "budget": Check("number", low=0.0, optional=True, meaning="currency"),
    "cumulative_budget": Check("bool"),
    "force_in": Check("ids"),
    "force_out": Check("ids"),
    "allow_stop_in_flight": Check("bool"),
    "balance": Check("rules"),
    "max_starts_per_period": Check("whole", low=0.0, optional=True, meaning="projects"),
    "previous_starts": Check("starts", optional=True),
    "churn_penalty": Check("number", low=0.0, meaning="value per changed project"),
    "termination_cost": Check("number", low=0.0, meaning="share of remaining cost"),
    # settings of the search
    "solver": Check("choice", choices=SOLVERS),
    "method": Check("choice", choices=METHODS),
    "effort": Check("number", low=0.0, low_open=True, meaning="a multiple of the default work"),
    "time_limit": Check("number", low=0.0, low_open=True, optional=True, meaning="seconds"),
    "gap": Check("number", low=0.0, high=1.0, high_open=True, meaning="relative"),
    "threads": Check("whole", low=1.0),
    "seed": Check("whole", low=0.0),
    "node_limit": Check("whole", low=1.0, optional=True, meaning="branch-and-bound nodes"),
    "warm_start": Check("bool"),
    "shadow_prices": Check("bool"),
    "analysis": Check("bool"),
}


def option_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the option ``name``, or None when it is valid.

    The one judge of option values: :class:`PortfolioRules`, :class:`SearchSettings`, the
    command line and scenario files all ask it.

    Examples
    --------
    >>> option_problem("time_limit", 30)
    >>> option_problem("time_limit", float("inf"))
    'time_limit=inf is not valid; use a number > 0 [seconds]'
    >>> option_problem("solver", "gurobi")
    "solver='gurobi' is not valid; use one of cbc, highs"
    """
    check = CHECKS[name]
    if value is None and check.optional:
        return None
    if not _valid(check, value):
        return f"{name}={value!r} is not valid; use {check.rule()}"
    return None


def _valid(check: Check, value: Any) -> bool:
    if check.kind == "choice":
        return isinstance(value, str) and value in check.choices
    if check.kind == "bool":
        return isinstance(value, bool)
    if check.kind == "ids":
        return isinstance(value, tuple | list) and all(isinstance(v, str) for v in value)
    if check.kind == "rules":
        return isinstance(value, tuple | list) and all(isinstance(v, BalanceRule) for v in value)
    if check.kind == "starts":
        return isinstance(value, Mapping)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    number = float(value)
    if not math.isfinite(number) or (check.kind == "whole" and not number.is_integer()):
        return False
    if check.low is not None and (number <= check.low if check.low_open else number < check.low):
        return False
    return check.high is None or (number < check.high if check.high_open else number <= check.high)


def _check_fields(instance: object) -> None:
    """Raise one OptionsError listing every field of ``instance`` that is not valid."""
    problems = [
        problem
        for f in dataclasses.fields(instance)
        if (problem := option_problem(f.name, getattr(instance, f.name))) is not None
    ]
    if problems:
        raise OptionsError("; ".join(problems))


@dataclass(frozen=True)
class PortfolioRules:
    """The rules of the portfolio for one run: they change which plan is best.

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
    previous_starts : dict, optional
        project_id → start period label of a previous plan, for ``churn_penalty``.
    churn_penalty : float
        Value lost per project whose selection or start differs from ``previous_starts``.
    termination_cost : float
        Cost charged in the first horizon period for stopping an in-flight project (when
        ``allow_stop_in_flight``), as a share of its remaining cost in the horizon.

    Examples
    --------
    >>> PortfolioRules(budget=5e6).budget
    5000000.0
    >>> PortfolioRules(budget=-1)
    Traceback (most recent call last):
    ...
    pmo_analytics.exceptions.OptionsError: budget=-1 is not valid; use a number ≥ 0 [currency]
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
    previous_starts: dict[str, str] | None = field(default=None, compare=True)
    churn_penalty: float = 0.0
    termination_cost: float = 0.0

    def __post_init__(self) -> None:
        for name in ("force_in", "force_out", "balance"):
            value = getattr(self, name)
            if not isinstance(value, str | BalanceRule) and hasattr(value, "__iter__"):
                object.__setattr__(self, name, tuple(value))  # lists, sets, pandas Index
        _check_fields(self)
        overlap = sorted(set(self.force_in) & set(self.force_out))
        if overlap:
            raise OptionsError(f"projects both forced in and forced out: {', '.join(overlap)}")


@dataclass(frozen=True)
class SearchSettings:
    """How the optimiser searches for a run's plan: they change how the answer is found.

    Parameters
    ----------
    solver : {"cbc", "highs"}
        The solver of the final search of the whole model, which proves a plan optimal or
        tightens its bound: CBC (bundled with PuLP) or HiGHS (``highspy``). With
        ``method="solver"`` the one solver of the run.
    method : {"search", "solver"}
        ``"search"`` (default): the search engine (:mod:`pmo_analytics.optimise.search`) —
        root searches, a large-neighbourhood search with HiGHS, insertions, and the final
        search with ``solver`` — stopped by its work budget (``effort``), so the same input and
        options give the same plan on any machine and any number of ``threads``.
        ``"solver"``: one run of ``solver`` on the whole model, stopped by ``time_limit`` (or
        ``node_limit``), as before the engine.
    effort : float
        Size of the search's work budget, a multiple of the default (1.0): 4 searches about
        four times as long and finds better plans on hard portfolios. A count of work, not
        time (:class:`pmo_analytics.optimise.search.Budget`).
    time_limit : float or None
        Safety cap [s] (default 60): the search stops when it strikes even if work remains —
        the plan then depends on the machine, and its notes say so. With
        ``method="solver"`` the solver's time limit. A plan whose optimum is not proven is
        returned ``feasible`` with its proven bound and gap. ``None``: no cap.
    gap : float
        Relative optimality gap at which the search may stop (0 = prove the optimum).
    threads : int
        Neighbourhood steps the search runs at once (default 2: the second in a worker
        process); the plan does not depend on it. With ``method="solver"`` the solver's
        threads (CBC with more than one may give other plans between runs).
    seed : int
        Seed of the search's generators and of the solvers.
    node_limit : int, optional
        Nodes of the final search of the whole model (default: the budget's); with
        ``method="solver"`` the solver's node limit — a limit on work rather than time, so a
        stopped run gives the same plan on any machine.
    warm_start : bool
        Hand the construction heuristic's plan to the solver as a starting solution.
    shadow_prices : bool
        Compute shadow prices of budget and capacity after solving (an extra LP).
    analysis : bool
        Work out why each excluded project is out and which limits bind. Batch runs that need
        only the selection (Monte Carlo samples, frontier points) turn it off: excluded
        projects then carry the reason ``not_selected`` and ``binding`` is empty.

    Examples
    --------
    >>> SearchSettings(solver="highs", time_limit=30).solver
    'highs'
    """

    solver: str = "cbc"
    method: str = "search"
    effort: float = 1.0
    time_limit: float | None = 60.0
    gap: float = 0.0
    threads: int = 2
    seed: int = 0
    node_limit: int | None = None
    warm_start: bool = True
    shadow_prices: bool = True
    analysis: bool = True

    def __post_init__(self) -> None:
        _check_fields(self)


RULE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PortfolioRules))
SEARCH_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(SearchSettings))


@dataclass(frozen=True, init=False)
class OptimiseOptions:
    """Options of :func:`pmo_analytics.optimise`: the portfolio's rules and the search settings.

    Give fields of either part flat (``OptimiseOptions(budget=5e6, time_limit=30)``) or the
    parts whole (``OptimiseOptions(rules=..., search=...)``); read them flat
    (``options.budget``) or by part (``options.rules``, ``options.search``). See
    :class:`PortfolioRules` and :class:`SearchSettings` for every field.

    Examples
    --------
    >>> options = OptimiseOptions(budget=5e6, solver="highs")
    >>> options.budget, options.search.solver
    (5000000.0, 'highs')
    >>> options.replace(time_limit=10).time_limit
    10
    """

    rules: PortfolioRules
    search: SearchSettings

    def __init__(
        self,
        rules: PortfolioRules | None = None,
        search: SearchSettings | None = None,
        **fields: Any,
    ) -> None:
        unknown = sorted(set(fields) - set(RULE_FIELDS) - set(SEARCH_FIELDS))
        if unknown:
            raise OptionsError(
                f"unknown option(s) {', '.join(unknown)}; valid: "
                + ", ".join(sorted(RULE_FIELDS + SEARCH_FIELDS))
            )
        rule_changes = {k: v for k, v in fields.items() if k in RULE_FIELDS}
        search_changes = {k: v for k, v in fields.items() if k in SEARCH_FIELDS}
        rules = rules if rules is not None else PortfolioRules()
        search = search if search is not None else SearchSettings()
        problems = [
            problem
            for name, value in fields.items()
            if (problem := option_problem(name, value)) is not None
        ]
        if problems:
            raise OptionsError("; ".join(problems))
        object.__setattr__(
            self, "rules", dataclasses.replace(rules, **rule_changes) if rule_changes else rules
        )
        object.__setattr__(
            self,
            "search",
            dataclasses.replace(search, **search_changes) if search_changes else search,
        )

    def __getattr__(self, name: str) -> Any:
        # flat read access to either part's fields (only called when normal lookup fails)
        if name in RULE_FIELDS:
            return getattr(self.rules, name)
        if name in SEARCH_FIELDS:
            return getattr(self.search, name)
        raise AttributeError(f"'OptimiseOptions' object has no attribute {name!r}")

    def replace(self, **changes: Any) -> OptimiseOptions:
        """A copy with some options changed (fields of either part, or a whole part).

        Examples
        --------
        >>> OptimiseOptions().replace(budget=1e6, solver="highs").budget
        1000000.0
        """
        return OptimiseOptions(
            changes.pop("rules", self.rules), changes.pop("search", self.search), **changes
        )

    def to_dict(self) -> dict:
        """Plain-data form, flat (for summary.json and reports)."""
        out = {**dataclasses.asdict(self.rules), **dataclasses.asdict(self.search)}
        out["balance"] = [dataclasses.asdict(rule) for rule in self.rules.balance]
        return out

    def __repr__(self) -> str:
        changed = [
            f"{f.name}={getattr(part, f.name)!r}"
            for part in (self.rules, self.search)
            for f in dataclasses.fields(part)
            if getattr(part, f.name) != f.default
            and not (f.default is dataclasses.MISSING and getattr(part, f.name) is None)
        ]
        return f"OptimiseOptions({', '.join(changed)})"
