"""Scenario files: overrides on a base portfolio for one run, and comparisons of many runs.

A scenario (CONTRACT.md, "Scenario files") is a TOML file whose every key is optional::

    name = "Budget -10%"
    [budget]      scale, amounts = {period = amount}, cumulative, total (extension)
    [capacity]    scale = {role = factor} (or one factor for every role),
                  add = [{role, period | from/to, fte}]
    [projects]    force_in, force_out, allow_stop_in_flight,
                  termination_cost, max_starts_per_period (extensions)
    [objective]   value_basis, discount_rate
    [[balance]]   by, group, min_share, max_share, measure (extension: spend | count)
    [solver]      name, time_limit, gap, threads and seed (extensions)
    [criteria]    weights = {criterion = weight} (extension: recomputes strategic values)

:func:`read_scenario` / :func:`parse_scenario` check the file on its own (keys, kinds,
ranges) and :func:`apply_scenario` checks it against the portfolio (periods, roles, projects,
criteria, columns); both collect every problem into one :class:`ScenarioError`.
:func:`run_scenarios` optimises several scenarios (in parallel through
:func:`pmo_analytics.parallel.run_parallel`) and compares them side by side.

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

import dataclasses
import json
import math
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .optimise import OptimiseOptions, Plan
    from .portfolio import Portfolio

__all__ = [
    "CapacityChange",
    "Scenario",
    "ScenarioComparison",
    "ScenarioError",
    "apply_scenario",
    "parse_scenario",
    "plan_scenario",
    "read_scenario",
    "run_scenarios",
]

_SOLVERS = ("cbc", "highs")
_VALUE_BASES = ("value", "npv", "risk_adjusted")
_MEASURES = ("spend", "count")

#: Valid keys per table of a scenario file (top level = "").
KEYS: dict[str, tuple[str, ...]] = {
    "": ("name", "budget", "capacity", "projects", "objective", "balance", "solver", "criteria"),
    "budget": ("scale", "amounts", "cumulative", "total"),
    "capacity": ("scale", "add"),
    "capacity.add": ("role", "period", "from", "to", "fte"),
    "projects": (
        "force_in",
        "force_out",
        "allow_stop_in_flight",
        "termination_cost",
        "max_starts_per_period",
    ),
    "objective": ("value_basis", "discount_rate"),
    "balance": ("by", "group", "min_share", "max_share", "measure"),
    "solver": ("name", "time_limit", "gap", "threads", "seed"),
    "criteria": ("weights",),
}


# --------------------------------------------------------------------------- the error
class ScenarioError(ValueError):
    """A scenario breaks the scenario contract; ``.problems`` lists every problem found.

    ``.problems`` is a list of ``(key, value, rule)``: the key path as written in the file
    (``capacity.add[0].role``), the offending value as TOML text and what would be valid.

    Examples
    --------
    >>> err = ScenarioError([("budget.scale", "-1", "must be a number ≥ 0")], source="cut.toml")
    >>> print(err)
    1 problem in scenario cut.toml:
      - budget.scale = -1: must be a number ≥ 0
    """

    def __init__(self, problems: Iterable[tuple[str, str, str]], *, source: str = "") -> None:
        self.problems = [tuple(p) for p in problems]
        self.source = source
        n = len(self.problems)
        where = f"scenario {source}" if source else "the scenario"
        lines = [f"{n} problem{'s' if n != 1 else ''} in {where}:"]
        for key, value, rule in self.problems:
            shown = f"{key} = {value}" if value != "" else key
            lines.append(f"  - {shown}: {rule}")
        super().__init__("\n".join(lines))


def _key(name: Any) -> str:
    """A key as written in a dotted TOML path (quoted only where TOML needs it)."""
    text = str(name)
    return text if text and all(ch.isalnum() or ch in "-_" for ch in text) else json.dumps(text)


def _toml(value: Any) -> str:
    """``value`` as it reads in a TOML file (for messages)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


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

    Made by :func:`read_scenario` (a TOML file) or :func:`parse_scenario` (a dict of the same
    shape); applied by :func:`apply_scenario`. Period labels, roles and project ids are kept as
    written and checked against the portfolio when applied.
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
    criteria_weights: tuple[tuple[str, float], ...] | None = None
    source: str = field(default="", compare=False)

    def describe(self) -> list[str]:
        """The scenario's changes in words, one line each (empty for a plain base run).

        Examples
        --------
        >>> parse_scenario({"budget": {"scale": 0.9}}).describe()
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
        for key in (
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
        ):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"{key} = {_toml(value)}")
        if self.balance is not None:
            lines += [rule.describe() for rule in self.balance] or ["no balance rules"]
        if self.criteria_weights is not None:
            weights = ", ".join(f"{c} {w:g}" for c, w in self.criteria_weights)
            lines.append(f"criteria weights: {weights}")
        return lines


# --------------------------------------------------------------------------- parsing
class _Checker:
    """Collects problems while reading a scenario mapping."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str, str]] = []

    def add(self, key: str, value: Any, rule: str) -> None:
        self.problems.append((key, "" if value is _MISSING else _toml(value), rule))

    def table(self, data: Any, key: str, section: str) -> dict:
        """``data`` as a table with only the keys valid in ``section`` (others reported)."""
        if not isinstance(data, Mapping):
            self.add(key, data, f"must be a table ([{key}] or {{ ... }})")
            return {}
        valid = KEYS[section]
        for name in data:
            if name not in valid:
                where = f"[{section}]" if section else "the top level"
                path = f"{key}.{name}" if key else str(name)
                self.add(path, _MISSING, f"unknown key; valid keys in {where}: {', '.join(valid)}")
        return {k: v for k, v in data.items() if k in valid}

    def number(
        self,
        value: Any,
        key: str,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        high_open: bool = False,
        integer: bool = False,
    ) -> float | None:
        kind = "a whole number" if integer else "a number"
        parts = []
        if low is not None:
            parts.append(f"{'>' if low_open else '≥'} {low:g}")
        if high is not None:
            parts.append(f"{'<' if high_open else '≤'} {high:g}")
        rule = f"must be {kind}" + (f" {' and '.join(parts)}" if parts else "")
        if low is not None and high is not None:
            left, right = ("(" if low_open else "["), (")" if high_open else "]")
            rule = f"must be {kind} in {left}{low:g}, {high:g}{right}"
        ok_type = isinstance(value, int | float) and not isinstance(value, bool)
        if integer:
            ok_type = isinstance(value, int) and not isinstance(value, bool)
        if not ok_type or not math.isfinite(value):
            self.add(key, value, rule)
            return None
        too_low = low is not None and (value <= low if low_open else value < low)
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low or too_high:
            self.add(key, value, rule)
            return None
        return value  # as written (an int stays an int), so messages quote the file

    def boolean(self, value: Any, key: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(key, value, "must be true or false")
            return None
        return value

    def text(self, value: Any, key: str, *, choices: tuple[str, ...] | None = None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            valid = f"one of {', '.join(choices)}" if choices else "a non-empty string"
            self.add(key, value, f"must be {valid}")
            return None
        if choices is not None and value not in choices:
            self.add(key, value, f"must be one of {', '.join(choices)}")
            return None
        return value

    def period(self, value: Any, key: str) -> str | None:
        import pandas as pd

        if not isinstance(value, str):
            self.add(key, value, 'must be a period label such as "2027Q3" or "2027-09"')
            return None
        try:
            pd.Period(value)
        except (ValueError, TypeError):
            self.add(key, value, 'is not a period label; write e.g. "2027Q3" or "2027-09"')
            return None
        return value

    def ids(self, value: Any, key: str) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.add(key, value, 'must be a list of project ids, e.g. ["P003", "P010"]')
            return None
        return tuple(dict.fromkeys(value))


_MISSING = object()
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


def _parse_budget(c: _Checker, data: Any, out: dict) -> None:
    budget = c.table(data, "budget", "budget")
    if "scale" in budget:
        out["budget_scale"] = c.number(budget["scale"], "budget.scale", low=0)
    if "amounts" in budget:
        amounts = budget["amounts"]
        if not isinstance(amounts, Mapping):
            c.add(
                "budget.amounts",
                amounts,
                'must be a table of period = amount, e.g. { "2027Q3" = 1200000 }',
            )
        else:
            pairs = []
            for label, amount in amounts.items():
                key = f"budget.amounts.{_key(label)}"
                period = c.period(label, key)
                value = c.number(amount, key, low=0)
                if period is not None and value is not None:
                    pairs.append((period, value))
            out["budget_amounts"] = tuple(pairs)
    if "cumulative" in budget:
        out["budget_cumulative"] = c.boolean(budget["cumulative"], "budget.cumulative")
    if "total" in budget:
        out["budget_total"] = c.number(budget["total"], "budget.total", low=0)


def _parse_capacity(c: _Checker, data: Any, out: dict) -> None:
    capacity = c.table(data, "capacity", "capacity")
    if "scale" in capacity:
        scale = capacity["scale"]
        if isinstance(scale, Mapping):
            pairs = []
            for role, factor in scale.items():
                value = c.number(factor, f"capacity.scale.{_key(role)}", low=0)
                if value is not None:
                    pairs.append((str(role), value))
            out["capacity_scale"] = tuple(pairs)
        elif isinstance(scale, int | float) and not isinstance(scale, bool):
            out["capacity_scale_all"] = c.number(scale, "capacity.scale", low=0)
        else:
            c.add(
                "capacity.scale",
                scale,
                "must be a table of role = factor (e.g. { Developer = 1.1 }) or one factor ≥ 0",
            )
    if "add" in capacity:
        adds = capacity["add"]
        if not isinstance(adds, list):
            c.add(
                "capacity.add",
                adds,
                'must be a list of tables, e.g. [ { role = "Developer", period = "2027Q3", fte = 2.0 } ]',
            )
            adds = []
        changes = []
        for i, entry in enumerate(adds):
            key = f"capacity.add[{i}]"
            entry = c.table(entry, key, "capacity.add")
            if not entry:
                if not c.problems or c.problems[-1][0] != key:
                    c.add(key, _MISSING, "needs role, fte and period (or from / to)")
                continue
            missing = [k for k in ("role", "fte") if k not in entry]
            if "period" not in entry and "from" not in entry and "to" not in entry:
                missing.append("period (or from / to)")
            if missing:
                c.add(key, entry, f"missing {', '.join(missing)}")
                continue
            if "period" in entry and ("from" in entry or "to" in entry):
                c.add(key, entry, "give either period (one period) or from / to (a run), not both")
                continue
            role = c.text(entry["role"], f"{key}.role")
            fte = c.number(entry["fte"], f"{key}.fte")
            period = c.period(entry["period"], f"{key}.period") if "period" in entry else None
            start = c.period(entry["from"], f"{key}.from") if "from" in entry else None
            end = c.period(entry["to"], f"{key}.to") if "to" in entry else None
            if role is not None and fte is not None:
                changes.append(CapacityChange(role, fte, period, start, end))
        out["capacity_add"] = tuple(changes)


def _parse_projects(c: _Checker, data: Any, out: dict) -> None:
    projects = c.table(data, "projects", "projects")
    for key in ("force_in", "force_out"):
        if key in projects:
            out[key] = c.ids(projects[key], f"projects.{key}")
    both = sorted(set(out.get("force_in") or ()) & set(out.get("force_out") or ()))
    if both:
        c.add("projects.force_in", list(both), "projects cannot be both forced in and forced out")
    if "allow_stop_in_flight" in projects:
        out["allow_stop_in_flight"] = c.boolean(
            projects["allow_stop_in_flight"], "projects.allow_stop_in_flight"
        )
    if "termination_cost" in projects:
        out["termination_cost"] = c.number(
            projects["termination_cost"], "projects.termination_cost", low=0
        )
    if "max_starts_per_period" in projects:
        out["max_starts_per_period"] = c.number(
            projects["max_starts_per_period"], "projects.max_starts_per_period", low=0, integer=True
        )


def _parse_balance(c: _Checker, data: Any, out: dict) -> None:
    from .optimise.options import BalanceRule

    if not isinstance(data, list):
        c.add("balance", data, "must be an array of tables ([[balance]] sections)")
        return
    rules = []
    for i, entry in enumerate(data):
        key = f"balance[{i}]"
        entry = c.table(entry, key, "balance")
        before = len(c.problems)
        by = c.text(entry.get("by", _MISSING), f"{key}.by")
        group = entry.get("group", _MISSING)
        if isinstance(group, int | float) and not isinstance(group, bool):
            group = str(group)
        group = c.text(group, f"{key}.group")
        shares = {}
        for name in ("min_share", "max_share"):
            if name in entry:
                shares[name] = c.number(entry[name], f"{key}.{name}", low=0, high=1)
        measure = c.text(entry.get("measure", "spend"), f"{key}.measure", choices=_MEASURES)
        if "min_share" not in entry and "max_share" not in entry:
            c.add(key, entry, "needs min_share or max_share (a share of spend in [0, 1])")
        lo, hi = shares.get("min_share"), shares.get("max_share")
        if lo is not None and hi is not None and lo > hi:
            c.add(f"{key}.min_share", lo, f"must not exceed max_share ({hi:g})")
        if len(c.problems) == before:
            rules.append(BalanceRule(by, group, lo, hi, measure))  # type: ignore[arg-type]
    out["balance"] = tuple(rules)


def _parse_criteria(c: _Checker, data: Any, out: dict) -> None:
    criteria = c.table(data, "criteria", "criteria")
    if "weights" not in criteria:
        return
    weights = criteria["weights"]
    if not isinstance(weights, Mapping) or not weights:
        c.add(
            "criteria.weights",
            weights,
            "must be a table of criterion = weight, e.g. { strategic_alignment = 0.3 }",
        )
        return
    pairs = []
    for name, weight in weights.items():
        value = c.number(weight, f"criteria.weights.{_key(name)}", low=0)
        if value is not None:
            pairs.append((str(name), value))
    if len(pairs) == len(weights) and sum(w for _, w in pairs) <= 0:
        c.add("criteria.weights", weights, "at least one weight must be more than 0")
    out["criteria_weights"] = tuple(pairs)


def parse_scenario(data: Mapping[str, Any], *, source: str = "") -> Scenario:
    """A :class:`Scenario` from a mapping shaped like the TOML file.

    Parameters
    ----------
    data : mapping
        As ``tomllib`` reads a scenario file (see the module notes for the keys).
    source : str
        Where it came from, for messages.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every unknown key and every value of the wrong kind or out of range.

    Examples
    --------
    >>> s = parse_scenario({"name": "Budget -10%", "budget": {"scale": 0.9}})
    >>> s.name, s.budget_scale
    ('Budget -10%', 0.9)
    >>> parse_scenario({"budget": {"scale": "lots"}})
    Traceback (most recent call last):
    ...
    pmo_analytics.scenarios.ScenarioError: 1 problem in the scenario:
      - budget.scale = "lots": must be a number ≥ 0
    """
    c = _Checker()
    top = c.table(data, "", "")
    out: dict[str, Any] = {}
    if "name" in top:
        out["name"] = c.text(top["name"], "name")
    if "budget" in top:
        _parse_budget(c, top["budget"], out)
    if "capacity" in top:
        _parse_capacity(c, top["capacity"], out)
    if "projects" in top:
        _parse_projects(c, top["projects"], out)
    if "objective" in top:
        objective = c.table(top["objective"], "objective", "objective")
        if "value_basis" in objective:
            out["value_basis"] = c.text(
                objective["value_basis"], "objective.value_basis", choices=_VALUE_BASES
            )
        if "discount_rate" in objective:
            out["discount_rate"] = c.number(
                objective["discount_rate"], "objective.discount_rate", low=0, high=1, high_open=True
            )
    if "balance" in top:
        _parse_balance(c, top["balance"], out)
    if "solver" in top:
        solver = c.table(top["solver"], "solver", "solver")
        if "name" in solver:
            out["solver"] = c.text(solver["name"], "solver.name", choices=_SOLVERS)
        if "time_limit" in solver:
            out["time_limit"] = c.number(
                solver["time_limit"], "solver.time_limit", low=0, low_open=True
            )
        if "gap" in solver:
            out["gap"] = c.number(solver["gap"], "solver.gap", low=0, high=1, high_open=True)
        if "threads" in solver:
            out["threads"] = c.number(solver["threads"], "solver.threads", low=1, integer=True)
        if "seed" in solver:
            out["seed"] = c.number(solver["seed"], "solver.seed", low=0, integer=True)
    if "criteria" in top:
        _parse_criteria(c, top["criteria"], out)
    if c.problems:
        raise ScenarioError(c.problems, source=source)
    out["name"] = out.get("name") or ""
    return Scenario(**out, source=source)


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a scenario file (TOML).

    Parameters
    ----------
    path : path
        The ``.toml`` file. Its stem names the scenario when the file gives no ``name``.

    Returns
    -------
    Scenario

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ScenarioError
        When the file is not valid TOML, or has unknown keys or values of the wrong kind.

    Examples
    --------
    >>> scenario = read_scenario("tests/scenarios/contract_example.toml")  # doctest: +SKIP
    >>> scenario.name  # doctest: +SKIP
    'Budget -10%'
    """
    path = Path(path)
    text = path.read_bytes()
    try:
        data = tomllib.loads(text.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ScenarioError(
            [("(file)", "", f"is not UTF-8 text ({err.reason})")], source=str(path)
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(
            [("(file)", "", f"is not valid TOML: {err}")], source=str(path)
        ) from None
    scenario = parse_scenario(data, source=str(path))
    if not scenario.name:
        scenario = dataclasses.replace(scenario, name=path.stem)
    return scenario


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
        From :func:`read_scenario` or :func:`parse_scenario`.
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
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> q, o = apply_scenario(p, parse_scenario({"budget": {"scale": 0.5}}))
    >>> float(q.budget["amount"].sum()) == 0.5 * float(p.budget["amount"].sum())
    True
    """
    import pandas as pd

    from .optimise import OptimiseOptions

    options = options or OptimiseOptions()
    c = _Checker()
    horizon = pd.PeriodIndex(portfolio.horizon)
    freq = portfolio.horizon[0].freq
    labels = [str(p) for p in portfolio.horizon]
    span = f"{labels[0]}..{labels[-1]}"

    def period_in_horizon(label: str, key: str, value: Any = _MISSING) -> pd.Period | None:
        try:
            period = pd.Period(label, freq=freq)
        except (ValueError, TypeError):
            period = None
        if period is None or period not in horizon or str(period) != str(pd.Period(label)):
            shown = label if value is _MISSING else value
            c.add(
                key,
                shown,
                f"{label} is not a period of the horizon; valid: {span} (labels like {labels[0]})",
            )
            return None
        return period

    changes: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}

    # budget
    touches_budget = scenario.budget_scale is not None or scenario.budget_amounts
    if touches_budget:
        budget = portfolio.budget
        if budget.empty and scenario.budget_amounts:
            given = {str(p) for p, _ in scenario.budget_amounts}
            if not set(labels) <= given:
                c.add(
                    "budget.amounts",
                    dict(scenario.budget_amounts),
                    "the portfolio has no budget.csv: give an amount for every period "
                    f"({span}) or use budget.total",
                )
            budget = pd.DataFrame({"period": horizon, "amount": math.inf})
        if scenario.budget_scale is not None:
            if portfolio.budget.empty and options.budget is None and scenario.budget_total is None:
                c.add(
                    "budget.scale",
                    scenario.budget_scale,
                    "the portfolio has no budget.csv and the run no total budget to scale; "
                    "set budget.total or budget.amounts",
                )
            budget = budget.assign(amount=budget["amount"] * scenario.budget_scale)
            if options.budget is not None:
                changes["budget"] = options.budget * scenario.budget_scale
        for label, amount in scenario.budget_amounts:
            period = period_in_horizon(label, f"budget.amounts.{_key(label)}", amount)
            if period is not None:
                budget.loc[budget["period"] == period, "amount"] = amount
        if not portfolio.budget.empty or scenario.budget_amounts:
            tables["budget"] = budget
    if scenario.budget_total is not None:
        changes["budget"] = scenario.budget_total
    if scenario.budget_cumulative is not None:
        changes["cumulative_budget"] = scenario.budget_cumulative

    # capacity
    if scenario.capacity_scale or scenario.capacity_scale_all is not None or scenario.capacity_add:
        capacity = portfolio.capacity
        roles = portfolio.roles
        factor = pd.Series(1.0, index=pd.Index(roles, name="role"))
        if scenario.capacity_scale_all is not None:
            factor[:] = scenario.capacity_scale_all
        for role, f in scenario.capacity_scale:
            if role not in factor.index:
                c.add(f"capacity.scale.{_key(role)}", f, f"unknown role; valid: {', '.join(roles)}")
            else:
                factor[role] = f
        capacity = capacity.assign(fte=capacity["fte"] * capacity["role"].map(factor).to_numpy())
        for i, change in enumerate(scenario.capacity_add):
            key = f"capacity.add[{i}]"
            if change.role not in roles:
                c.add(f"{key}.role", change.role, f"unknown role; valid: {', '.join(roles)}")
                continue
            if change.period is not None:
                period = period_in_horizon(change.period, f"{key}.period")
                if period is None:
                    continue
                first = last = period
            else:
                first = (
                    period_in_horizon(change.start, f"{key}.from") if change.start else horizon[0]
                )
                last = period_in_horizon(change.end, f"{key}.to") if change.end else horizon[-1]
                if first is None or last is None:
                    continue
                if first > last:
                    c.add(f"{key}.to", change.end, f"must not be before from ({change.start})")
                    continue
            hit = (capacity["role"] == change.role) & capacity["period"].between(first, last)
            capacity.loc[hit, "fte"] = capacity.loc[hit, "fte"] + change.fte
        below = capacity[capacity["fte"] < -1e-9]
        for role, period, fte in below[["role", "period", "fte"]].itertuples(index=False):
            c.add(
                "capacity",
                _MISSING,
                f"{role} capacity in {period} would be {fte:g} FTE; it cannot fall below 0",
            )
        tables["capacity"] = capacity.assign(fte=capacity["fte"].clip(lower=0.0))

    # projects
    known = portfolio.projects.index
    for key in ("force_in", "force_out"):
        ids = getattr(scenario, key)
        if ids is None:
            continue
        unknown = [p for p in ids if p not in known]
        if unknown:
            c.add(
                f"projects.{key}",
                unknown,
                f"unknown project id{'s' if len(unknown) > 1 else ''}; valid ids are those of "
                f"projects.csv ({_id_span(known)})",
            )
        changes[key] = ids
    for key in (
        "allow_stop_in_flight",
        "termination_cost",
        "max_starts_per_period",
        "value_basis",
        "discount_rate",
        "time_limit",
        "gap",
        "threads",
        "seed",
    ):
        value = getattr(scenario, key)
        if value is not None:
            changes[key] = value
    if scenario.solver is not None:
        changes["solver"] = scenario.solver

    # balance rules
    if scenario.balance is not None:
        projects = portfolio.projects
        for i, rule in enumerate(scenario.balance):
            if rule.by not in projects.columns:
                columns = [str(col) for col in projects.columns if col not in _NOT_GROUPS]
                c.add(
                    f"balance[{i}].by",
                    rule.by,
                    f"not a projects.csv column; valid: {', '.join(columns)}",
                )
                continue
            groups = sorted(projects[rule.by].dropna().astype(str).unique())
            if str(rule.group) not in groups:
                c.add(
                    f"balance[{i}].group",
                    rule.group,
                    f"no project has {rule.by} = {rule.group}; valid: {', '.join(groups)}",
                )
        changes["balance"] = scenario.balance

    # criteria weights
    if scenario.criteria_weights is not None:
        criteria = portfolio.criteria
        names = list(criteria["criterion"].astype(str))
        weights = dict(scenario.criteria_weights)
        for name in weights:
            if name not in names:
                c.add(
                    f"criteria.weights.{_key(name)}",
                    weights[name],
                    f"unknown criterion; valid: {', '.join(names) or '(criteria.csv is empty)'}",
                )
        tables["criteria"] = criteria.assign(
            weight=criteria["criterion"].astype(str).map(weights).fillna(0.0).astype(float)
        )

    if c.problems:
        raise ScenarioError(c.problems, source=scenario.source or scenario.name)
    try:
        new_options = options.replace(**changes)
    except ValueError as err:  # rules that only the combination of options can break
        raise ScenarioError([("", "", str(err))], source=scenario.source or scenario.name) from None
    new_portfolio = portfolio.replace(**tables) if tables else portfolio
    return new_portfolio, new_options


def _id_span(ids: pd.Index) -> str:
    shown = list(map(str, ids[:5]))
    return ", ".join(shown) + (f", … ({len(ids)} in all)" if len(ids) > 5 else "")


def plan_scenario(
    portfolio: Portfolio, scenario: Scenario, options: OptimiseOptions | None = None
) -> Plan:
    """Optimise the portfolio under one scenario; the plan's notes name the scenario.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> plan = plan_scenario(generate_portfolio(10, n_periods=4, n_roles=2, seed=1),
    ...                      parse_scenario({"name": "lean", "budget": {"scale": 0.8}}))
    >>> plan.notes[0]
    'scenario: lean (budget × 0.8)'
    """
    from .optimise import optimise

    scenario_portfolio, scenario_options = apply_scenario(portfolio, scenario, options)
    plan = optimise(scenario_portfolio, scenario_options)
    return with_scenario_name(plan, scenario)


def with_scenario_name(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with a first note naming the scenario it was made under."""
    what = "; ".join(scenario.describe())
    note = f"scenario: {scenario.name or '(unnamed)'}" + (f" ({what})" if what else "")
    return dataclasses.replace(plan, notes=(note, *plan.notes))


# --------------------------------------------------------------------------- comparing
@dataclass(frozen=True)
class ScenarioComparison:
    """Scenarios side by side (from :func:`run_scenarios`).

    Attributes
    ----------
    table : DataFrame
        One row per scenario (index ``scenario``, the baseline first): status, objective,
        bound, gap, value (strategic), spend (cost in the horizon [currency]), budget (total
        available [currency], NaN without a budget), budget_utilisation (spend / budget),
        capacity_utilisation (FTE used / available over every role and period),
        peak_utilisation (the fullest role-period), n_selected, entered, left, moved (projects
        compared with the baseline), seconds, changes (the scenario in words).
    selection : DataFrame
        project_id × scenario: True where selected.
    starts : DataFrame
        project_id × scenario: the start period label ("" where not selected).
    changes : DataFrame
        Differences from the baseline, one row per (scenario, project): scenario, project_id,
        name, change (entered, left, moved), baseline_start, start.
    plans : dict
        scenario name → :class:`~pmo_analytics.Plan`.
    baseline : str
        The scenario the others are compared with.
    """

    table: pd.DataFrame
    selection: pd.DataFrame
    starts: pd.DataFrame
    changes: pd.DataFrame
    plans: dict[str, Plan]
    baseline: str

    def _repr_html_(self) -> str:
        return self.table.drop(columns=["changes"])._repr_html_()  # type: ignore[operator]


def _solve_task(task: tuple[Portfolio, OptimiseOptions]) -> Plan:
    """Worker: one scenario's optimisation (module level, so it pickles)."""
    from .optimise import optimise

    portfolio, options = task
    return optimise(portfolio, options)


def _as_scenario(item: Scenario | str | os.PathLike[str] | Mapping[str, Any], i: int) -> Scenario:
    if isinstance(item, Scenario):
        scenario = item
    elif isinstance(item, str | os.PathLike):
        scenario = read_scenario(item)
    elif isinstance(item, Mapping):
        scenario = parse_scenario(item, source=f"#{i + 1}")
    else:
        raise TypeError(
            f"scenario #{i + 1} is a {type(item).__name__}; give a Scenario, a .toml path or a dict"
        )
    return scenario if scenario.name else dataclasses.replace(scenario, name=f"scenario {i + 1}")


def run_scenarios(
    portfolio: Portfolio,
    scenarios: Iterable[Scenario | str | os.PathLike[str] | Mapping[str, Any]],
    *,
    options: OptimiseOptions | None = None,
    base: str | None = "base",
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
) -> ScenarioComparison:
    """Optimise the portfolio under each scenario and compare the plans side by side.

    Parameters
    ----------
    portfolio : Portfolio
        The base portfolio.
    scenarios : iterable
        :class:`Scenario` objects, paths of .toml files, or dicts shaped like the files.
        Names must differ (unnamed ones become "scenario N").
    options : OptimiseOptions, optional
        Base run options for every scenario (default ``OptimiseOptions(shadow_prices=False)``;
        set a ``time_limit`` for large portfolios).
    base : str or None, default "base"
        Name of an extra run of the portfolio as it is, first in the table and the baseline
        of the differences; None compares with the first scenario instead.
    n_jobs, backend, progress
        Parallel runs, see :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    ScenarioError
        When any scenario is invalid or does not fit the portfolio (all of them checked
        before anything is solved), or two scenarios share a name.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> cmp = run_scenarios(p, [{"name": "cut", "budget": {"scale": 0.7}}])
    >>> list(cmp.table.index)
    ['base', 'cut']
    """

    from .optimise import OptimiseOptions
    from .parallel import run_parallel

    options = options or OptimiseOptions(shadow_prices=False)
    named = [_as_scenario(item, i) for i, item in enumerate(scenarios)]
    if base is not None:
        named.insert(0, Scenario(name=base))
    if not named:
        raise ValueError("no scenarios to run: give at least one, or keep the base run")
    names = [s.name for s in named]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScenarioError(
            [("name", _toml(n), "scenario names must differ") for n in twice], source="batch"
        )
    tasks, problems = [], []
    for scenario in named:
        try:
            tasks.append(apply_scenario(portfolio, scenario, options))
        except ScenarioError as err:
            problems += [(f"{scenario.name}: {k}", v, r) for k, v, r in err.problems]
    if problems:
        raise ScenarioError(problems, source="batch")
    plans = run_parallel(
        _solve_task, tasks, n_jobs=n_jobs, backend=backend, progress=progress, desc="scenarios"
    )
    plans = [with_scenario_name(plan, s) for plan, s in zip(plans, named, strict=True)]
    return compare_plans(dict(zip(names, plans, strict=True)), scenarios=named)


def compare_plans(
    plans: Mapping[str, Plan], *, scenarios: list[Scenario] | None = None
) -> ScenarioComparison:
    """Compare named plans of one portfolio (the first is the baseline).

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> cmp = compare_plans({"now": optimise(p), "tight": optimise(p, budget=1e6)})
    >>> cmp.baseline
    'now'
    """
    import numpy as np
    import pandas as pd

    if not plans:
        raise ValueError("no plans to compare")
    names = list(plans)
    baseline = names[0]
    selection = pd.DataFrame({n: p.schedule["selected"] for n, p in plans.items()})
    selection.columns.name = "scenario"
    starts = pd.DataFrame(
        {
            n: p.schedule["start"].astype(str).where(p.schedule["selected"], "")
            for n, p in plans.items()
        }
    )
    starts.columns.name = "scenario"
    schedule = plans[baseline].schedule
    diffs = []
    for n in names[1:]:
        was, now = selection[baseline], selection[n]
        moved = was & now & (starts[baseline] != starts[n])
        change = np.select([~was & now, was & ~now, moved], ["entered", "left", "moved"], "")
        hit = change != ""
        diffs.append(
            pd.DataFrame(
                {
                    "scenario": n,
                    "project_id": selection.index[hit],
                    "name": schedule["name"].to_numpy()[hit],
                    "change": change[hit],
                    "baseline_start": starts[baseline].to_numpy()[hit],
                    "start": starts[n].to_numpy()[hit],
                }
            )
        )
    columns = ["scenario", "project_id", "name", "change", "baseline_start", "start"]
    changes = pd.concat(diffs, ignore_index=True) if diffs else pd.DataFrame(columns=columns)
    counts = changes.groupby(["scenario", "change"]).size().unstack(fill_value=0)
    described = {s.name: "; ".join(s.describe()) for s in scenarios or []}
    rows = []
    for n, plan in plans.items():
        use = plan.utilisation
        is_budget = use["resource"] == "budget"
        budget = float(use.loc[is_budget, "available"].sum()) if is_budget.any() else math.nan
        if plan.options.budget is not None:
            budget = (
                min(budget, plan.options.budget) if math.isfinite(budget) else plan.options.budget
            )
        roles = use[~is_budget]
        available = float(roles["available"].sum())
        rows.append(
            {
                "scenario": n,
                "status": plan.status,
                "objective": plan.objective,
                "bound": plan.bound,
                "gap": plan.gap,
                "value": plan.value if plan.is_solution() else math.nan,
                "spend": plan.total_cost if plan.is_solution() else math.nan,
                "budget": budget,
                "budget_utilisation": plan.total_cost / budget
                if plan.is_solution() and budget > 0 and math.isfinite(budget)
                else math.nan,
                "capacity_utilisation": float(roles["used"].sum()) / available
                if plan.is_solution() and available > 0
                else math.nan,
                "peak_utilisation": float(roles["utilisation"].max())
                if plan.is_solution() and len(roles)
                else math.nan,
                "n_selected": plan.n_selected,
                "entered": int(counts.get("entered", pd.Series()).get(n, 0)),
                "left": int(counts.get("left", pd.Series()).get(n, 0)),
                "moved": int(counts.get("moved", pd.Series()).get(n, 0)),
                "seconds": plan.seconds,
                "changes": described.get(n, ""),
            }
        )
    table = pd.DataFrame(rows).set_index("scenario")
    return ScenarioComparison(
        table=table,
        selection=selection,
        starts=starts,
        changes=changes,
        plans=dict(plans),
        baseline=baseline,
    )
