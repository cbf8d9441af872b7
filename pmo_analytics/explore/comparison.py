"""Comparing plans of one portfolio: many side by side, or two in detail.

- :func:`compare_plans` puts named plans side by side against the first (the baseline) — the
  :class:`ScenarioComparison` that :func:`pmo_analytics.run_scenarios` returns: a table of
  value, spend and utilisation per plan, the selections and starts, and the projects that
  enter, leave or move.
- :func:`value_left_on_the_table` and :func:`plan_differences` set the optimal mix against
  another plan — the ranked list of :func:`pmo_analytics.ranked_selection`, typically: what
  the optimiser gains in a few numbers, and the projects the two treat differently with each
  plan's reason.

Both read a change the same way (:func:`change_kinds`): a project *enters* when only the
later plan selects it, *leaves* when only the baseline does, and *moves* when both select it
at different starts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ArgumentTypeError, OptionsError
from ..optimise import Plan

__all__ = [
    "VERDICTS",
    "ScenarioComparison",
    "change_kinds",
    "compare_plans",
    "plan_differences",
    "value_left_on_the_table",
]

CHANGES = ("entered", "left", "moved")
CHANGE_COLUMNS = ["scenario", "project_id", "name", "change", "baseline_start", "start"]


def change_kinds(
    was: pd.Series,
    now: pd.Series,
    was_start: pd.Series,
    now_start: pd.Series,
    labels: tuple[str, str, str] = CHANGES,
) -> np.ndarray:
    """Per project: ``labels[0]`` (entered) where only ``now`` selects it, ``labels[1]``
    (left) where only ``was`` does, ``labels[2]`` (moved) where both do at different starts,
    and "" where nothing changed. ``was`` and ``now`` are boolean Series aligned on
    project_id; the starts are aligned likewise.

    Examples
    --------
    >>> was, now = pd.Series([True, True, False]), pd.Series([True, False, True])
    >>> change_kinds(was, now, pd.Series(["Q1", "Q1", ""]), pd.Series(["Q2", "", "Q1"])).tolist()
    ['moved', 'left', 'entered']
    """
    moved = was & now & (was_start != now_start)
    return np.select([~was & now, was & ~now, moved], list(labels), default="")


# --------------------------------------------------------------------------- side by side
@dataclass(frozen=True)
class ScenarioComparison:
    """Plans side by side (from :func:`pmo_analytics.run_scenarios` or :func:`compare_plans`).

    Attributes
    ----------
    table : DataFrame
        One row per scenario (index ``scenario``, the baseline first): status, objective,
        bound, gap, value (strategic), spend (cost in the horizon [currency]), budget (total
        available [currency], NaN without a budget), budget_utilisation (spend / budget),
        capacity_utilisation (FTE used / available over every role and period),
        peak_utilisation (the fullest role-period), n_selected, entered, left, moved (projects
        compared with the baseline), change (objective − the baseline's objective),
        change_low and change_high (the proven range of the difference between the two
        optima: objective − baseline bound, bound − baseline objective; ±∞ where a bound is
        unknown), verdict (``higher``, ``lower``, ``same`` — proven — or ``within the
        search's uncertainty`` when the range holds both signs; ``baseline`` for the
        baseline), seconds, changes (the scenario in words).
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


def compare_plans(
    plans: Mapping[str, Plan], *, descriptions: Mapping[str, str] | None = None
) -> ScenarioComparison:
    """Compare named plans of one portfolio (the first is the baseline).

    Parameters
    ----------
    plans : mapping
        Name → plan, the baseline first.
    descriptions : mapping, optional
        Name → what the plan's scenario changes, in words (the table's ``changes`` column).

    Returns
    -------
    ScenarioComparison

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> cmp = compare_plans({"now": optimise(p), "tight": optimise(p, budget=1e6)})
    >>> cmp.baseline
    'now'
    """
    if not plans:
        raise OptionsError("no plans to compare")
    names = list(plans)
    baseline = names[0]
    selection = pd.DataFrame({n: p.schedule["selected"] for n, p in plans.items()})
    starts = pd.DataFrame(
        {
            n: p.schedule["start"].astype(str).where(p.schedule["selected"], "")
            for n, p in plans.items()
        }
    )
    selection.columns.name = starts.columns.name = "scenario"
    project_names = plans[baseline].schedule["name"]
    diffs = []
    for n in names[1:]:
        change = change_kinds(selection[baseline], selection[n], starts[baseline], starts[n])
        hit = change != ""
        diffs.append(
            pd.DataFrame(
                {
                    "scenario": n,
                    "project_id": selection.index[hit],
                    "name": project_names.to_numpy()[hit],
                    "change": change[hit],
                    "baseline_start": starts[baseline].to_numpy()[hit],
                    "start": starts[n].to_numpy()[hit],
                }
            )
        )
    changes = pd.concat(diffs, ignore_index=True) if diffs else pd.DataFrame(columns=CHANGE_COLUMNS)
    counts = (
        changes.groupby(["scenario", "change"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=names, columns=list(CHANGES), fill_value=0)
        .astype(int)
    )
    table = pd.DataFrame([_measures(plan) for plan in plans.values()], index=names)
    table.index.name = "scenario"
    table = table.join(counts)
    table = table.join(_change_ranges(table, baseline))
    table["seconds"] = [plan.seconds for plan in plans.values()]
    table["changes"] = [(descriptions or {}).get(n, "") for n in names]
    return ScenarioComparison(
        table=table,
        selection=selection,
        starts=starts,
        changes=changes,
        plans=dict(plans),
        baseline=baseline,
    )


#: Words of the comparison's verdict on a scenario's change against the baseline.
VERDICTS = ("higher", "lower", "same", "within the search's uncertainty", "baseline")


def _change_ranges(table: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each plan's objective change against the baseline, with the proven range of the
    difference between the two optima and a verdict in words.

    Examples
    --------
    >>> t = pd.DataFrame({"objective": [10.0, 9.0, 12.0], "bound": [10.5, 9.2, 12.0]},
    ...                  index=["base", "cut", "more"])
    >>> _change_ranges(t, "base")["verdict"].tolist()
    ['baseline', 'lower', 'higher']
    """
    objective = table["objective"].astype(float)
    bound = table["bound"].astype(float).where(lambda b: b.notna(), np.inf)
    bound = bound.where(objective.notna())
    base_objective, base_bound = objective[baseline], bound[baseline]
    low = objective - base_bound
    high = bound - base_objective
    tol = 1e-6 * max(1.0, abs(base_objective) if math.isfinite(base_objective) else 1.0)
    verdict = np.select(
        [low > tol, high < -tol, (low >= -tol) & (high <= tol), low.notna() & high.notna()],
        ["higher", "lower", "same", "within the search's uncertainty"],
        default="",
    )
    out = pd.DataFrame(
        {
            "change": objective - base_objective,
            "change_low": low,
            "change_high": high,
            "verdict": verdict,
        },
        index=table.index,
    )
    out.loc[baseline, "verdict"] = "baseline"
    return out


def _measures(plan: Plan) -> dict:
    """One plan's row of the comparison table (NaN measures where it has no selection)."""
    use = plan.utilisation
    is_budget = use["resource"] == "budget"
    budget = float(use.loc[is_budget, "available"].sum()) if is_budget.any() else math.nan
    if plan.options.budget is not None:
        budget = min(budget, plan.options.budget) if math.isfinite(budget) else plan.options.budget
    roles = use[~is_budget]
    available = float(roles["available"].sum())
    solved = plan.is_solution()
    return {
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "value": plan.value if solved else math.nan,
        "spend": plan.total_cost if solved else math.nan,
        "budget": budget,
        "budget_utilisation": plan.total_cost / budget
        if solved and budget > 0 and math.isfinite(budget)
        else math.nan,
        "capacity_utilisation": float(roles["used"].sum()) / available
        if solved and available > 0
        else math.nan,
        "peak_utilisation": float(roles["utilisation"].max())
        if solved and len(roles)
        else math.nan,
        "n_selected": plan.n_selected,
    }


# --------------------------------------------------------------------------- two in detail
def _check_pair(optimal_plan: Plan, ranked_plan: Plan) -> None:
    for label, plan in (("optimal_plan", optimal_plan), ("ranked_plan", ranked_plan)):
        if not isinstance(plan, Plan):
            raise ArgumentTypeError(f"{label} must be a Plan, not {type(plan).__name__}")
        if not plan.is_solution():
            raise OptionsError(
                f"{label} has no selection (status {plan.status!r}); compare plans that are "
                "optimal or feasible"
            )
    if not optimal_plan.schedule.index.equals(ranked_plan.schedule.index):
        raise OptionsError(
            "the two plans are of different portfolios (their project ids differ); compare "
            "plans of one portfolio"
        )


def value_left_on_the_table(optimal_plan: Plan, ranked_plan: Plan) -> pd.DataFrame:
    """What the optimal mix gains over the ranked list, in a few numbers.

    Parameters
    ----------
    optimal_plan : Plan
        From :func:`pmo_analytics.optimise`.
    ranked_plan : Plan
        From :func:`pmo_analytics.ranked_selection` (or any other plan of the same portfolio).

    Returns
    -------
    DataFrame
        Index ``measure``: value (total strategic value of the selection), objective (what
        the runs maximised), cost (planned cost inside the horizon [currency]), n_selected,
        n_only_here (projects selected in this plan and not in the other), value_per_million
        (strategic value per 1,000,000 of cost). Columns optimal, ranked, difference
        (optimal − ranked) and change (difference / ranked).

    Raises
    ------
    ValueError
        When a plan has no selection or the plans are of different portfolios.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> table = value_left_on_the_table(pa.optimise(p), pa.ranked_selection(p))
    >>> bool(table.at["objective", "difference"] >= 0)
    True
    """
    _check_pair(optimal_plan, ranked_plan)

    def measures(plan: Plan, other: Plan) -> list[float]:
        cost = plan.total_cost
        return [
            plan.value,
            plan.objective,
            cost,
            float(plan.n_selected),
            float(len(plan.selected.difference(other.selected))),
            plan.value / cost * 1e6 if cost > 0 else np.nan,
        ]

    index = pd.Index(
        ["value", "objective", "cost", "n_selected", "n_only_here", "value_per_million"],
        name="measure",
    )
    table = pd.DataFrame(
        {
            "optimal": measures(optimal_plan, ranked_plan),
            "ranked": measures(ranked_plan, optimal_plan),
        },
        index=index,
    )
    table["difference"] = table["optimal"] - table["ranked"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["change"] = table["difference"] / table["ranked"].where(table["ranked"] != 0)
    return table


def plan_differences(optimal_plan: Plan, ranked_plan: Plan) -> pd.DataFrame:
    """The projects the two plans treat differently, and why each plan did what it did.

    Parameters
    ----------
    optimal_plan, ranked_plan : Plan
        Two plans of one portfolio, as for :func:`value_left_on_the_table` (which raises the
        same errors).

    Returns
    -------
    DataFrame
        Indexed by project_id: name, category, value, cost [currency], difference
        (``only_optimal``, ``only_ranked`` or ``moved`` — in both, different start),
        optimal_start, ranked_start (``pd.Period``, NaT when not selected), optimal_reason,
        ranked_reason (each plan's reason: why it is in, or what kept it out). Sorted by
        difference, then value (highest first).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> diff = plan_differences(pa.optimise(p), pa.ranked_selection(p))
    >>> set(diff["difference"]) <= {"only_optimal", "only_ranked", "moved"}
    True
    """
    _check_pair(optimal_plan, ranked_plan)
    a, b = optimal_plan.schedule, ranked_plan.schedule
    labels = ("only_optimal", "only_ranked", "moved")
    kind = pd.Series(
        change_kinds(
            b["selected"].astype(bool), a["selected"].astype(bool), b["start"], a["start"], labels
        ),
        index=a.index,
    )
    out = pd.DataFrame(
        {
            "name": a["name"],
            "category": a["category"],
            "value": a["value"],
            "cost": a["cost"],
            "difference": kind,
            "optimal_start": a["start"],
            "ranked_start": b["start"],
            "optimal_reason": a["reason"],
            "ranked_reason": b["reason"],
        }
    )[kind != ""]
    order = out["difference"].map({label: i for i, label in enumerate(labels)})
    return (
        out.assign(_order=order, _id=out.index)
        .sort_values(["_order", "value", "_id"], ascending=[True, False, True], kind="stable")
        .drop(columns=["_order", "_id"])
    )
