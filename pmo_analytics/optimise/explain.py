"""Plans in plain words: the run's summary and why one project is in or out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES, DEPENDENCY_KINDS
from ..exceptions import UnknownNameError
from .formulation import build_formulation
from .limits import ValueScale, value_scale
from .reasons import best_start, start_conflicts

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan


#: How many collisions an explanation names before summing up the rest.
_MAX_BLOCKERS = 4


#: How many moved starts a what-if names before it says "and N more".
_MOVES_SHOWN = 6


def _money(v: float) -> str:
    return f"{v:,.0f}"


def search_words(plan: Plan) -> str:
    """How the plan was searched, in words: the engine and its effort, or the one solver.

    Examples
    --------
    >>> from types import SimpleNamespace as Run
    >>> search_words(Run(options=Run(method="search", effort=1.0), solver="cbc"))
    'the search engine, effort 1'
    >>> search_words(Run(options=Run(method="solver", effort=1.0), solver="highs"))
    'the highs solver alone'
    """
    if plan.options.method == "search":
        return f"the search engine, effort {plan.options.effort:g}"
    return f"the {plan.solver} solver alone"


def plan_summary_text(plan: Plan, *, top: int = 50, limits: pd.DataFrame | None = None) -> str:
    """What the command line prints after a run: status, value, spend, the selected projects."""
    lines = []
    status = plan.status
    if status == "optimal":
        head = "optimal (proven)"
    elif status == "feasible":
        head = f"feasible — best plan found; optimum not proven (bound {plan.bound:,.2f}, gap {plan.gap:.2%})"
    else:
        head = status
    lines.append(f"status      {head}")
    if plan.is_solution():
        lines.append(f"objective   {plan.objective:,.2f} ({plan.options.value_basis})")
        if objective_words(plan):
            lines.append(f"            {objective_words(plan)}")
        lines.append(f"selected    {plan.n_selected} of {len(plan.schedule)} projects")
        lines.append(f"cost        {_money(plan.total_cost)} in the horizon")
    lines.append(f"search      {search_words(plan)}, {plan.seconds:.1f} s")
    for note in plan.notes:
        lines.append(f"note        {note}")
    if len(plan.diagnosis):
        lines.append("")
        lines.append("No plan satisfies the rules. The smallest relaxation that would:")
        lines.extend(f"  - {m}" for m in plan.diagnosis["message"])
    if plan.is_solution():
        table = plan.plan_table()
        chosen = table[table["selected"]].sort_values(["start", "project_id"])
        lines.append("")
        shown = chosen.head(top)
        lines.append(
            shown[
                ["project_id", "name", "category", "start", "finish", "value", "cost", "reason"]
            ].to_string(
                index=False, formatters={"value": "{:,.2f}".format, "cost": "{:,.0f}".format}
            )
        )
        if len(chosen) > top:
            lines.append(f"... and {len(chosen) - top} more (see plan.csv)")
        lines.append("")
        lines.append(
            limits_text(plan, limits)
            if limits is not None
            else "what one more step of each limit is worth: limits.csv (pmo_analytics.limit_worth)"
        )
    return "\n".join(lines)


def objective_words(plan: Plan) -> str:
    """The objective explained where it is not the plain value: with a churn penalty,
    ``objective 243.53 = value 251.53 − churn penalty 8.00 (1.00 for each of the 8 projects
    moved, dropped or newly selected against the previous plan)``;
    empty otherwise."""
    options = plan.options
    if not plan.is_solution() or options.churn_penalty <= 0 or options.previous_starts is None:
        return ""
    chosen = plan.schedule["selected"].astype(bool)
    base = float(plan.schedule.loc[chosen, "objective_value"].astype(float).sum())
    penalty = base - plan.objective
    changed = int(round(penalty / options.churn_penalty))
    basis = "value" if options.value_basis == "value" else f"{options.value_basis} value"
    return (
        f"objective {plan.objective:,.2f} = {basis} {base:,.2f} − churn penalty {penalty:,.2f} "
        f"({options.churn_penalty:,.2f} for each of the {changed} project"
        f"{'s' if changed != 1 else ''} moved, dropped or newly selected against the previous "
        "plan)"
    )


def _step_words(row: object) -> str:
    if row.limit == "budget":
        return f"{_money(row.step)} more budget"
    return f"{row.step:,.2f} more {row.limit} FTE"


def _gain_words(row: object, scale: ValueScale) -> str:
    """What one step of a limit is worth, from the re-optimisation, with its proven range."""
    share = scale.share(row.gain)
    head = f"gains {row.gain:,.2f}" + (f" ({share})" if share and row.gain > 0 else "")
    if abs(row.gain_high - row.gain_low) <= 1e-6 * max(1.0, abs(row.gain_high)):
        return f"{head}, proven"
    return f"{head}; the best plan's gain is proven to lie between {row.gain_low:,.2f} and {row.gain_high:,.2f}"


def limits_text(plan: Plan, limits: pd.DataFrame, *, top: int = 5) -> str:
    """The limits' worth in words (:func:`~pmo_analytics.optimise.limit_worth`'s table): the
    ``top`` steps worth most by re-optimisation, each with its proven range and the LP
    estimate (labelled as one), and the scale of value."""
    scale = value_scale(plan)
    evaluated = limits[limits["gain"].notna()]
    evaluated = evaluated.sort_values(["gain", "gain_high"], ascending=False, kind="stable").head(
        top
    )
    nodes = limits.attrs.get("node_limit")
    effort = f" (at most {nodes:,} nodes of whole-model search each)" if nodes else ""
    lines = [
        f"what one more step of a limit is worth, re-optimised from this plan{effort} "
        f"(value: {scale.unit}; all candidates together are worth {scale.total:,.2f}):"
    ]
    if evaluated.empty:
        lines.append("  no limit was re-optimised")
    for row in evaluated.itertuples(index=False):
        unit = "" if row.limit == "budget" else " FTE"
        used = _money(row.used) if row.limit == "budget" else f"{row.used:,.2f}"
        available = _money(row.available) if row.limit == "budget" else f"{row.available:,.2f}"
        lp = "" if pd.isna(row.lp_estimate) else f"; LP estimate {row.lp_estimate:,.2f}"
        lines.append(
            f"  {row.limit} {row.period} ({used} of {available}{unit} used): "
            f"{_step_words(row)} {_gain_words(row, scale)}{lp}"
        )
    alone = limits[limits["blocking"] != ""]
    for row in alone.itertuples(index=False):
        lines.append(
            f"  {row.limit} {row.period} alone keeps out {row.blocking.replace(';', ', ')}"
        )
    return "\n".join(lines)


def _blockers(conflicts: pd.DataFrame) -> tuple[list[str], list[str]]:
    """What a start would overrun (needs) and which rules it would break, in words, from the
    rows of :func:`~.reasons.start_conflicts`."""
    needs, rules = [], []
    for row in conflicts.itertuples(index=False):
        left = max(row.remaining, 0)
        if row.family == "capacity":
            needs.append(
                f"{row.need:,.2f} {row.resource} FTE in {row.period} where {left:,.2f} remain "
                f"(capacity {row.rhs:,.2f})"
            )
        elif row.family == "budget":
            needs.append(
                f"{_money(row.need)} in {row.period} where {_money(left)} of the budget remain"
            )
        elif row.family == "total_budget":
            needs.append(f"{_money(row.need)} of the total budget where {_money(left)} remain")
        elif row.family in DEPENDENCY_KINDS:
            rules.append(_DEPENDENCY_WORDS[row.family].format(other=row.other_id))
        elif row.family == "balance":
            rules.append("it would upset a balance rule on the portfolio's mix")
        elif row.family == "starts":
            rules.append(f"it would break the limit on projects starting in {row.period}")
    return list(dict.fromkeys(needs)), list(dict.fromkeys(rules))


_DEPENDENCY_WORDS = {
    "excludes": "it and {other} exclude each other, and {other} is in the plan",
    "follows": "it must follow {other}, which is not in the plan early enough",
    "requires": "it requires {other}, which is not in the plan",
}


def _best_start_facts(plan: Plan, project_id: str) -> tuple[object, pd.DataFrame]:
    """The best start of an excluded project and what it would break: from the facts the plan
    holds (:attr:`Plan.conflicts`) where it has them, else worked out from its model (no
    solver either way)."""
    conflicts = plan.conflicts
    if conflicts is not None and plan.options.analysis:
        mine = conflicts[conflicts["project_id"] == project_id]
        if len(mine):
            return mine["start"].iloc[0], mine
    model = build_formulation(plan.portfolio, plan.options)
    start = best_start(plan, project_id, formulation=model)
    return start, start_conflicts(plan, project_id, start, formulation=model)


def explain_project(plan: Plan, project_id: str) -> str:
    """Why ``project_id`` is in or out of ``plan``, in plain words (see :meth:`Plan.explain`).

    From facts the plan holds — its schedule and reasons, and what the project's best start
    would break (:func:`~.reasons.start_conflicts`); no solver is called. What forcing the
    project in would cost is :func:`~pmo_analytics.optimise.what_if`, which re-solves.
    """
    schedule = plan.schedule
    if project_id not in schedule.index:
        raise UnknownNameError(
            f"{project_id!r} is not a project of this portfolio (e.g. {', '.join(schedule.index[:3])})"
        )
    row = schedule.loc[project_id]
    name = f"{project_id} {row['name']}"
    candidates = schedule[~schedule["reason"].isin(CLOSED_STATUSES)]
    rank = (
        int(candidates["value"].rank(ascending=False, method="min").get(project_id, np.nan))
        if project_id in candidates.index and pd.notna(row["value"])
        else None
    )
    total = float(candidates["value"].astype(float).sum())
    share = (
        f"; {row['value'] / total:.1%} of the {total:,.2f} all candidates are worth together"
        if total > 0 and pd.notna(row["value"])
        else ""
    )
    value_text = f"strategic value {row['value']:,.2f}" + (
        f" (rank {rank} of {len(candidates)} candidates{share})" if rank else ""
    )
    if row["selected"]:
        duration = plan.portfolio.projects.at[project_id, "duration"]
        why = {
            "mandatory": "it is mandatory",
            "in_flight": "it is in flight and continues",
        }.get(row["reason"], "it earns its place on value within the limits")
        if project_id in plan.options.force_in:
            why = "it was forced in"
        return (
            f"{name} is in the plan: starts {row['start']}, finishes {row['finish']} ({duration} periods); "
            f"{why}. {value_text}, cost {_money(row['cost'])}."
        )
    reason = row["reason"]
    if reason in CLOSED_STATUSES:
        return f"{name} is not a candidate: its status is {reason}."
    if reason == "forced_out":
        return f"{name} is not in the plan: it was forced out. {value_text}."
    if reason == "window":
        return f"{name} is not in the plan: it cannot finish inside the horizon from any start of its window."
    if not plan.is_solution():
        return f"{name} is not in the plan: no plan satisfies the rules ({plan.status})."
    start, conflicts = _best_start_facts(plan, project_id)
    needs, rules = _blockers(conflicts)
    if needs or rules:
        need_text = ""
        if needs:
            shown = needs[:_MAX_BLOCKERS]
            more = len(needs) - len(shown)
            tail = f"; and {more} smaller overrun{'s' if more > 1 else ''}" if more else ""
            need_text = f"at its best start {start} it would need " + "; ".join(shown) + tail
        rule_text = "; ".join(rules)
        if rules and needs:  # the reason first, then what else stands in the way
            body = (
                f"{rule_text}; and even then {need_text}"
                if reason == "dependency"
                else f"even {need_text}; and {rule_text}"
            )
        else:
            body = rule_text or f"even {need_text}"
        text = f"{name} is not in the plan ({reason}): {body}."
    else:
        text = (
            f"{name} is not in the plan: it would fit at {start}, but it adds too little "
            f"under the objective ({value_text})."
        )
    text += f" {value_text[0].upper()}{value_text[1:]}, cost {_money(row['cost'])}."
    return text
