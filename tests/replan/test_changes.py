"""What changed and why: every kind of change and its wording, against a hand-made previous
plan and through replans whose news forces a change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from replan_helpers import OPTIONS, first_plan, quarter_portfolio, without_derived

import pmo_analytics as pa
from pmo_analytics.optimise import check_plan
from pmo_analytics.replan.changes import describe_changes
from pmo_analytics.replan.previous_plan import PreviousPlan


@pytest.fixture(scope="module")
def portfolio():
    return quarter_portfolio()


@pytest.fixture(scope="module")
def first():
    return first_plan()


def test_finished_work_is_no_change_but_cancelled_work_is_dropped(portfolio, first):
    schedule = first.schedule
    done = schedule.index[schedule["reason"].eq("in_flight")][0]
    cancelled = schedule.index[schedule["reason"].eq("selected")][0]
    projects = without_derived(portfolio)
    projects.loc[done, "status"] = "completed"
    projects.loc[cancelled, "status"] = "cancelled"
    result = pa.replan(portfolio.replace(projects=projects), first, options=OPTIONS)
    assert check_plan(result.plan).empty
    changes = result.changes.set_index("project_id")
    assert done not in changes.index
    assert changes.at[cancelled, "change"] == "dropped"
    assert changes.at[cancelled, "reason"] == "its status is now cancelled"


def test_each_kind_of_change_is_named_with_its_reason(portfolio, first):
    """A hand-made previous plan against a known new plan: every kind and its wording."""
    schedule = first.schedule
    chosen = [p for p in first.selected if schedule.at[p, "reason"] == "selected"]
    excluded = [
        p
        for p in schedule.index[~schedule["selected"]]
        if schedule.at[p, "reason"] not in ("window",)
    ]
    table = PreviousPlan.from_plan(first).table.copy()
    moved_later, moved_earlier, newly = chosen[0], chosen[1], chosen[2]
    freq = portfolio.horizon[0].freq
    # previously it started one period earlier / later than it does now
    table.loc[moved_later, "start"] = schedule.at[moved_later, "start"] - 1
    table.loc[moved_earlier, "start"] = schedule.at[moved_earlier, "start"] + 1
    table.loc[newly, ["selected", "start"]] = [False, pd.NaT]
    table.loc[newly, "reason"] = "budget"
    dropped = excluded[0]
    table.loc[dropped, ["selected", "start"]] = [True, portfolio.horizon[0]]
    gone = pd.DataFrame(
        {"name": ["Retired idea"], "category": ["Run"], "reason": ["selected"], "selected": [True],
         "start": pd.PeriodIndex([portfolio.horizon[1]], freq=freq),
         "finish": pd.PeriodIndex([portfolio.horizon[1]], freq=freq), "value": [1.0], "cost": [1.0]},
        index=pd.Index(["OLD9"], name="project_id"),
    )  # fmt: skip
    previous = PreviousPlan(table=pd.concat([table, gone]))
    changes = describe_changes(first, previous).set_index("project_id")
    assert changes.at[moved_later, "change"] == "deferred"
    assert changes.at[moved_later, "reason"].startswith(
        f"start moved from {schedule.at[moved_later, 'start'] - 1} to {schedule.at[moved_later, 'start']}"
    )
    assert changes.at[moved_earlier, "change"] == "pulled_forward"
    assert changes.at[newly, "change"] == "newly_selected"
    assert changes.at[newly, "reason"].startswith("previously not in the plan (budget)")
    assert changes.at[dropped, "change"] == "dropped"
    reason = first.schedule.at[dropped, "reason"]
    assert changes.at[dropped, "reason"].startswith(f"not in the new plan ({reason})")
    assert changes.at["OLD9", "change"] == "dropped"
    assert changes.at["OLD9", "reason"] == "no longer in the portfolio"
    assert len(changes) == 5
    order = ["dropped", "deferred", "pulled_forward", "newly_selected"]
    assert [k for k in order if k in set(changes["change"])] == list(
        dict.fromkeys(changes["change"])
    )


def test_a_deferral_names_the_limit_it_would_hit(portfolio, first):
    """Cut the budget of a selected project's start period: it moves and the reason says why."""
    schedule = first.schedule
    movable = [
        p
        for p in first.selected
        if schedule.at[p, "reason"] == "selected"
        and portfolio.projects.at[p, "last_start"] > schedule.at[p, "start"]
    ]
    assert movable
    pid = movable[0]
    start = schedule.at[pid, "start"]
    budget = portfolio.budget.copy()
    used = first.utilisation
    spent = used[(used["resource"] == "budget") & (used["period"] == start)]["used"].iloc[0]
    mine = portfolio.cashflows[
        (portfolio.cashflows["project_id"] == pid) & (portfolio.cashflows["offset"] == 0)
    ]["cost"].sum()
    budget.loc[budget["period"] == start, "amount"] = spent - mine / 2
    cut = portfolio.replace(budget=budget)
    result = pa.replan(cut, first, options=OPTIONS, churn_penalty=1e4)
    assert check_plan(result.plan).empty
    changes = result.changes.set_index("project_id")
    moved = changes[changes["change"].isin(["deferred", "pulled_forward", "dropped"])]
    assert len(moved) >= 1  # something had to give in that period
    deferred = changes[changes["change"] == "deferred"]
    for reason in deferred["reason"]:
        assert "would need" in reason or "would still fit" in reason
    assert any(f"in {start} where" in r for r in moved["reason"]) or any(
        "budget" in r for r in moved["reason"]
    )
    assert np.isfinite(result.plan.objective)
