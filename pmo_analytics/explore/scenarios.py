"""Scenarios: overrides on a base portfolio and its run options, and applying them.

A :class:`Scenario` is what a scenario file (CONTRACT.md, "Scenario files"; read and checked
on its own by :mod:`pmo_analytics.explore.scenario_files`) asks to change. :func:`apply_scenario`
checks it against the portfolio (periods, roles, projects, criteria, columns) and returns
the changed portfolio and options; every problem is collected into one
:class:`ScenarioError`. Running and comparing scenarios: :mod:`pmo_analytics.explore.scenario_runs`.

Semantics
---------
- Budget: ``scale`` multiplies every period's amount of budget.csv (and a total budget over
  the horizon, when the run has one); ``amounts`` then set single periods; ``total`` sets the
  total budget over the horizon [currency] (on top of the per-period limits).
- Capacity: ``scale`` multiplies a role's FTE in every period; ``add`` then adds FTE (negative
  for attrition) to one ``period`` — or, with ``from`` (and optionally ``to``, inclusive), to
  every period of that run, the way a hire stays on. Capacity may not fall below zero.
- Every other key replaces the matching :class:`~pmo_analytics.OptimiseOptions` field; keys a
  scenario leaves out keep the options passed in.
- Criteria weights replace criteria.csv's weights (criteria not named weigh 0); they change
  the strategic value of projects whose ``value`` column is blank (scored projects).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..exceptions import Problem, ScenarioError
from ..optimise import OptimiseOptions

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import OptimiseOptions
    from ..portfolio import Portfolio

__all__ = ["CapacityChange", "Scenario", "ScenarioError", "apply_scenario"]

#: Scenario fields that replace the run option of the same name as they are.
OPTION_FIELDS = (
    "allow_stop_in_flight",
    "termination_cost",
    "max_starts_per_period",
    "value_basis",
    "discount_rate",
    "solver",
    "time_limit",
    "gap",
    "threads",
    "seed",
    "method",
    "effort",
)
#: projects columns that hold numbers or derived fields, not groups to balance
_NOT_GROUPS = (
    "earliest_start",
    "latest_start",
    "start",
    "duration",
    "value",
    "risk",
    "first_start",
    "last_start",
    "strategic_value",
)

#: The value of a problem that concerns a key, not the value written there.
NO_VALUE = object()


# --------------------------------------------------------------------------- the error


def toml_key(name: Any) -> str:
    """A key as written in a dotted TOML path (quoted only where TOML needs it)."""
    text = str(name)
    return text if text and all(ch.isalnum() or ch in "-_" for ch in text) else json.dumps(text)


def toml_text(value: Any) -> str:
    """``value`` as it reads in a TOML file (for messages)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_text(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return str(value)


def problem(key: str, value: Any, rule: str) -> Problem:
    """A problem as :class:`ScenarioError` lists it: the key, the value as TOML text (none
    for ``NO_VALUE``; cut at 80 characters) and the rule broken."""
    if value is NO_VALUE:
        return (key, "", rule)
    text = toml_text(value)
    return (key, text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…", rule)


#: Longest value a problem shows [characters]; a longer one is cut with an ellipsis.
_SHOWN = 80


# --------------------------------------------------------------------------- the scenario
@dataclass(frozen=True)
class CapacityChange:
    """FTE added to a role (negative: attrition) in one period or from a period on.

    ``period`` names one period; otherwise ``start`` (the file's ``from``) and ``end`` (its
    ``to``, inclusive) bound a run of periods, an open end meaning the horizon's edge.
    """

    role: str
    fte: float
    period: str | None = None
    start: str | None = None
    end: str | None = None

    def describe(self) -> str:
        when = self.period or f"{self.start or 'start'}..{self.end or 'end'}"
        return f"{self.role} {self.fte:+g} FTE in {when}"


@dataclass(frozen=True)
class Scenario:
    """One scenario: overrides on a portfolio and its run options (None / () = not given).

    Made by :func:`~pmo_analytics.read_scenario` (a TOML file) or
    :func:`~pmo_analytics.parse_scenario` (a dict of the same shape); applied by
    :func:`apply_scenario`. Period labels, roles and project ids are kept as written and
    checked against the portfolio when applied.
    """

    name: str = ""
    budget_scale: float | None = None
    budget_amounts: tuple[tuple[str, float], ...] = ()
    budget_cumulative: bool | None = None
    budget_total: float | None = None
    capacity_scale: tuple[tuple[str, float], ...] = ()
    capacity_scale_all: float | None = None
    capacity_add: tuple[CapacityChange, ...] = ()
    force_in: tuple[str, ...] | None = None
    force_out: tuple[str, ...] | None = None
    allow_stop_in_flight: bool | None = None
    termination_cost: float | None = None
    max_starts_per_period: int | None = None
    value_basis: str | None = None
    discount_rate: float | None = None
    balance: tuple[Any, ...] | None = None  # BalanceRule
    solver: str | None = None
    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    seed: int | None = None
    method: str | None = None
    effort: float | None = None
    criteria_weights: tuple[tuple[str, float], ...] | None = None
    source: str = field(default="", compare=False)

    def describe(self) -> list[str]:
        """The scenario's changes in words, one line each (empty for a plain base run).

        Examples
        --------
        >>> Scenario(budget_scale=0.9).describe()
        ['budget × 0.9']
        """
        lines = []
        if self.budget_scale is not None:
            lines.append(f"budget × {self.budget_scale:g}")
        lines += [f"budget {p} = {a:,.0f}" for p, a in self.budget_amounts]
        if self.budget_total is not None:
            lines.append(f"total budget = {self.budget_total:,.0f}")
        if self.budget_cumulative is not None:
            lines.append(f"cumulative budget: {str(self.budget_cumulative).lower()}")
        if self.capacity_scale_all is not None:
            lines.append(f"capacity × {self.capacity_scale_all:g}")
        lines += [f"{role} capacity × {f:g}" for role, f in self.capacity_scale]
        lines += [change.describe() for change in self.capacity_add]
        for key in ("force_in", "force_out"):
            ids = getattr(self, key)
            if ids is not None:
                lines.append(f"{key}: {', '.join(ids) or '(none)'}")
        for key in OPTION_FIELDS:
            value = getattr(self, key)
            if value is not None:
                lines.append(f"{key} = {toml_text(value)}")
        if self.balance is not None:
            lines += [rule.describe() for rule in self.balance] or ["no balance rules"]
        if self.criteria_weights is not None:
            weights = ", ".join(f"{c} {w:g}" for c, w in self.criteria_weights)
            lines.append(f"criteria weights: {weights}")
        return lines


# --------------------------------------------------------------------------- applying
def apply_scenario(
    portfolio: Portfolio, scenario: Scenario, options: OptimiseOptions | None = None
) -> tuple[Portfolio, OptimiseOptions]:
    """The portfolio and run options with a scenario's overrides applied.

    Parameters
    ----------
    portfolio : Portfolio
        The base portfolio (not changed).
    scenario : Scenario
        From :func:`~pmo_analytics.read_scenario` or :func:`~pmo_analytics.parse_scenario`.
    options : OptimiseOptions, optional
        The base run options (defaults: ``OptimiseOptions()``); the scenario's keys replace
        the matching fields.

    Returns
    -------
    (Portfolio, OptimiseOptions)

    Raises
    ------
    ScenarioError
        Listing every period outside the horizon, unknown role, project, criterion or
        projects column, and any capacity that would fall below zero.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> q, o = apply_scenario(p, Scenario(budget_scale=0.5))
    >>> float(q.budget["amount"].sum()) == 0.5 * float(p.budget["amount"].sum())
    True
    """

    options = options or OptimiseOptions()
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    changes: dict[str, Any] = {
        key: getattr(scenario, key)
        for key in ("force_in", "force_out", "balance", *OPTION_FIELDS)
        if getattr(scenario, key) is not None
    }
    if scenario.budget_scale is not None or scenario.budget_amounts:
        budget, total = _scaled_budget(portfolio, scenario, options, problems)
        if budget is not None:
            tables["budget"] = budget
        if total is not None:
            changes["budget"] = total
    if scenario.budget_total is not None:
        changes["budget"] = scenario.budget_total
    if scenario.budget_cumulative is not None:
        changes["cumulative_budget"] = scenario.budget_cumulative
    if scenario.capacity_scale or scenario.capacity_scale_all is not None or scenario.capacity_add:
        tables["capacity"] = _changed_capacity(portfolio, scenario, problems)
    _check_projects_and_balance(portfolio, scenario, problems)
    if scenario.criteria_weights is not None:
        tables["criteria"] = _weighted_criteria(
            portfolio, dict(scenario.criteria_weights), problems
        )

    source = scenario.source or scenario.name
    if problems:
        raise ScenarioError(problems, source=source)
    try:
        new_options = options.replace(**changes)
    except ValueError as err:  # rules that only the combination of options can break
        raise ScenarioError([problem("", NO_VALUE, str(err))], source=source) from None
    return (portfolio.replace(**tables) if tables else portfolio), new_options


def _in_horizon(
    portfolio: Portfolio, label: str, key: str, problems: list[Problem], shown: Any = None
) -> pd.Period | None:
    """``label`` as a period of the horizon, or None with a problem naming ``key``."""
    freq = portfolio.horizon[0].freq
    try:
        period = pd.Period(label, freq=freq)
    except (ValueError, TypeError):
        period = None
    if period is None or period not in portfolio.horizon or str(period) != str(pd.Period(label)):
        first, last = portfolio.horizon[0], portfolio.horizon[-1]
        problems.append(
            problem(
                key,
                label if shown is None else shown,
                f"{label} is not a period of the horizon; valid: {first}..{last} "
                f"(labels like {first})",
            )
        )
        return None
    return period


def _scaled_budget(
    portfolio: Portfolio, scenario: Scenario, options: OptimiseOptions, problems: list[Problem]
) -> tuple[pd.DataFrame | None, float | None]:
    """The budget table after ``scale`` and ``amounts`` (None: unchanged), and the scaled
    total budget of the run (None: unchanged)."""
    budget = portfolio.budget
    horizon = pd.PeriodIndex(portfolio.horizon)
    span = f"{horizon[0]}..{horizon[-1]}"
    if budget.empty and scenario.budget_amounts:
        if not {str(p) for p in horizon} <= {str(p) for p, _ in scenario.budget_amounts}:
            problems.append(
                problem(
                    "budget.amounts",
                    dict(scenario.budget_amounts),
                    "the portfolio has no budget.csv: give an amount for every period "
                    f"({span}) or use budget.total",
                )
            )
        budget = pd.DataFrame({"period": horizon, "amount": math.inf})
    total = None
    if scenario.budget_scale is not None:
        if portfolio.budget.empty and options.budget is None and scenario.budget_total is None:
            problems.append(
                problem(
                    "budget.scale",
                    scenario.budget_scale,
                    "the portfolio has no budget.csv and the run no total budget to scale; "
                    "set budget.total or budget.amounts",
                )
            )
        budget = budget.assign(amount=budget["amount"] * scenario.budget_scale)
        if options.budget is not None:
            total = options.budget * scenario.budget_scale
    for label, amount in scenario.budget_amounts:
        period = _in_horizon(
            portfolio, label, f"budget.amounts.{toml_key(label)}", problems, amount
        )
        if period is not None:
            budget.loc[budget["period"] == period, "amount"] = amount
    changed = not portfolio.budget.empty or scenario.budget_amounts
    return (budget if changed else None), total


def _changed_capacity(
    portfolio: Portfolio, scenario: Scenario, problems: list[Problem]
) -> pd.DataFrame:
    """The capacity table after ``scale`` and ``add`` (clipped at 0, with a problem where a
    change would take it below)."""
    roles = portfolio.roles
    unknown_role = f"unknown role; valid: {', '.join(roles)}"
    factor = pd.Series(1.0, index=pd.Index(roles, name="role"))
    if scenario.capacity_scale_all is not None:
        factor[:] = scenario.capacity_scale_all
    for role, f in scenario.capacity_scale:
        if role not in factor.index:
            problems.append(problem(f"capacity.scale.{toml_key(role)}", f, unknown_role))
        else:
            factor[role] = f
    capacity = portfolio.capacity
    capacity = capacity.assign(fte=capacity["fte"] * capacity["role"].map(factor).to_numpy())
    for i, change in enumerate(scenario.capacity_add):
        key = f"capacity.add[{i}]"
        if change.role not in roles:
            problems.append(problem(f"{key}.role", change.role, unknown_role))
            continue
        if change.period is not None:
            first = last = _in_horizon(portfolio, change.period, f"{key}.period", problems)
        else:
            first = (
                _in_horizon(portfolio, change.start, f"{key}.from", problems)
                if change.start
                else portfolio.horizon[0]
            )
            last = (
                _in_horizon(portfolio, change.end, f"{key}.to", problems)
                if change.end
                else portfolio.horizon[-1]
            )
        if first is None or last is None:
            continue
        if first > last:
            problems.append(
                problem(f"{key}.to", change.end, f"must not be before from ({change.start})")
            )
            continue
        hit = (capacity["role"] == change.role) & capacity["period"].between(first, last)
        capacity.loc[hit, "fte"] = capacity.loc[hit, "fte"] + change.fte
    below = capacity[capacity["fte"] < -1e-9]
    problems += [
        problem(
            "capacity",
            NO_VALUE,
            f"{role} capacity in {period} would be {fte:g} FTE; it cannot fall below 0",
        )
        for role, period, fte in below[["role", "period", "fte"]].itertuples(index=False)
    ]
    return capacity.assign(fte=capacity["fte"].clip(lower=0.0))


def _check_projects_and_balance(
    portfolio: Portfolio, scenario: Scenario, problems: list[Problem]
) -> None:
    """Problems with the forced project ids and the balance rules' columns and groups."""
    projects = portfolio.projects
    known = projects.index
    for key in ("force_in", "force_out"):
        unknown = [p for p in getattr(scenario, key) or () if p not in known]
        if unknown:
            shown = ", ".join(map(str, known[:5])) + (
                f", … ({len(known)} in all)" if len(known) > 5 else ""
            )
            problems.append(
                problem(
                    f"projects.{key}",
                    unknown,
                    f"unknown project id{'s' if len(unknown) > 1 else ''}; valid ids are those "
                    f"of projects.csv ({shown})",
                )
            )
    for i, rule in enumerate(scenario.balance or ()):
        if rule.by not in projects.columns:
            columns = [str(col) for col in projects.columns if col not in _NOT_GROUPS]
            problems.append(
                problem(
                    f"balance[{i}].by",
                    rule.by,
                    f"not a projects.csv column; valid: {', '.join(columns)}",
                )
            )
            continue
        groups = sorted(projects[rule.by].dropna().astype(str).unique())
        if str(rule.group) not in groups:
            problems.append(
                problem(
                    f"balance[{i}].group",
                    rule.group,
                    f"no project has {rule.by} = {rule.group}; valid: {', '.join(groups)}",
                )
            )


def _weighted_criteria(
    portfolio: Portfolio, weights: dict[str, float], problems: list[Problem]
) -> pd.DataFrame:
    """criteria.csv with the scenario's weights (criteria not named weigh 0)."""
    criteria = portfolio.criteria
    names = list(criteria["criterion"].astype(str))
    problems += [
        problem(
            f"criteria.weights.{toml_key(name)}",
            weight,
            f"unknown criterion; valid: {', '.join(names) or '(criteria.csv is empty)'}",
        )
        for name, weight in weights.items()
        if name not in names
    ]
    return criteria.assign(
        weight=criteria["criterion"].astype(str).map(weights).fillna(0.0).astype(float)
    )
