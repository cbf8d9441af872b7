"""Scenario files: reading a TOML file and checking it against the scenario contract.

A scenario file (CONTRACT.md, "Scenario files") has every key optional::

    name = "Budget -10%"
    [budget]      scale, amounts = {period = amount}, cumulative, total (extension)
    [capacity]    scale = {role = factor} (or one factor for every role),
                  add = [{role, period | from/to, fte}]
    [projects]    force_in, force_out, allow_stop_in_flight,
                  termination_cost, max_starts_per_period (extensions)
    [objective]   value_basis, discount_rate
    [[balance]]   by, group, min_share, max_share, measure (extension: spend | count)
    [solver]      name, time_limit, gap; threads, seed, method and effort (extensions)
    [criteria]    weights = {criterion = weight} (extension: recomputes strategic values)

:func:`read_scenario` and :func:`parse_scenario` check the file on its own — unknown keys,
values of the wrong kind, ranges — and collect every problem into one
:class:`~pmo_analytics.ScenarioError`; what the keys mean, and the checks against a
portfolio, are in :mod:`pmo_analytics.explore.scenarios`.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._vocab import BALANCE_MEASURES
from ..optimise import CHECKS, BalanceRule, option_problem
from ..portfolio import MAX_NESTING, MAX_SCENARIO_BYTES, nesting_depth, read_bounded
from .scenarios import (
    NO_VALUE,
    CapacityChange,
    Problem,
    Scenario,
    ScenarioError,
    problem,
    toml_key,
)

__all__ = ["KEYS", "parse_scenario", "read_scenario"]

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
    "solver": ("name", "time_limit", "gap", "threads", "seed", "method", "effort"),
    "criteria": ("weights",),
}


class _Checker:
    """Collects problems while reading a scenario mapping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, key: str, value: Any, rule: str) -> None:
        self.problems.append(problem(key, value, rule))

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
                self.add(path, NO_VALUE, f"unknown key; valid keys in {where}: {', '.join(valid)}")
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

    def option(self, value: Any, key: str, name: str) -> Any:
        """A run option (``name``, a field of OptimiseOptions) judged as everywhere else."""
        if option_problem(name, value) is not None:
            self.add(key, value, f"must be {CHECKS[name].rule()}")
            return None
        return value

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
                key = f"budget.amounts.{toml_key(label)}"
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
                value = c.number(factor, f"capacity.scale.{toml_key(role)}", low=0)
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
                    c.add(key, NO_VALUE, "needs role, fte and period (or from / to)")
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
        out["termination_cost"] = c.option(
            projects["termination_cost"], "projects.termination_cost", "termination_cost"
        )
    if "max_starts_per_period" in projects:
        out["max_starts_per_period"] = c.option(
            projects["max_starts_per_period"],
            "projects.max_starts_per_period",
            "max_starts_per_period",
        )


def _parse_balance(c: _Checker, data: Any, out: dict) -> None:
    if not isinstance(data, list):
        c.add("balance", data, "must be an array of tables ([[balance]] sections)")
        return
    rules = []
    for i, entry in enumerate(data):
        key = f"balance[{i}]"
        entry = c.table(entry, key, "balance")
        before = len(c.problems)
        by = c.text(entry.get("by", NO_VALUE), f"{key}.by")
        group = entry.get("group", NO_VALUE)
        if isinstance(group, int | float) and not isinstance(group, bool):
            group = str(group)
        group = c.text(group, f"{key}.group")
        shares = {}
        for name in ("min_share", "max_share"):
            if name in entry:
                shares[name] = c.number(entry[name], f"{key}.{name}", low=0, high=1)
        measure = c.text(entry.get("measure", "spend"), f"{key}.measure", choices=BALANCE_MEASURES)
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
        value = c.number(weight, f"criteria.weights.{toml_key(name)}", low=0)
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
    pmo_analytics.exceptions.ScenarioError: 1 problem in the scenario:
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
            out["value_basis"] = c.option(
                objective["value_basis"], "objective.value_basis", "value_basis"
            )
        if "discount_rate" in objective:
            out["discount_rate"] = c.option(
                objective["discount_rate"], "objective.discount_rate", "discount_rate"
            )
    if "balance" in top:
        _parse_balance(c, top["balance"], out)
    if "solver" in top:
        solver = c.table(top["solver"], "solver", "solver")
        for key, name in (("name", "solver"), *((k, k) for k in KEYS["solver"][1:])):
            if key in solver:
                out[name] = c.option(solver[key], f"solver.{key}", name)
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
    if not path.exists():
        raise FileNotFoundError(f"scenario file {path} does not exist")
    text, why = read_bounded(path, MAX_SCENARIO_BYTES)
    if text is None:
        raise ScenarioError([("(file)", "", why)], source=str(path))
    deep = f"nests tables or lists more than {MAX_NESTING} levels deep (the limit)"
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
    except RecursionError:  # the parser recurses once per level of nesting
        raise ScenarioError([("(file)", "", deep)], source=str(path)) from None
    if nesting_depth(data) > MAX_NESTING:
        raise ScenarioError([("(file)", "", deep)], source=str(path))
    scenario = parse_scenario(data, source=str(path))
    if not scenario.name:
        scenario = dataclasses.replace(scenario, name=path.stem)
    return scenario
