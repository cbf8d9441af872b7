"""Quarterly replanning: reading the previous plan, rolling forward, and what changed and why.

Small portfolios solved to optimality: replanning an unchanged portfolio reproduces the
previous plan (with and without a churn penalty); rolling the horizon one quarter forward keeps
the projects started last quarter, now in flight; every plan passes the plan checker.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.optimise import OptimiseOptions, check_plan, optimise
from pmo_analytics.outputs import write_plan_outputs
from pmo_analytics.replan import (
    CHANGE_COLUMNS,
    PreviousPlan,
    PreviousPlanError,
    describe_changes,
    read_previous_plan,
    roll_forward,
)

OPTIONS = OptimiseOptions(time_limit=30.0, shadow_prices=False)


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=5)


@pytest.fixture(scope="module")
def first(portfolio):
    plan = optimise(portfolio, OPTIONS)
    assert plan.status == "optimal"
    assert check_plan(plan).empty
    return plan


@pytest.fixture()
def previous_dir(tmp_path, first):
    # the contract files are what replanning reads; the leadership pack is not needed
    return write_plan_outputs(first, tmp_path / "q1", pack=False)


def next_quarter(portfolio: pa.Portfolio) -> pa.Portfolio:
    """The same portfolio one quarter on: the first quarter dropped, one more at the end."""
    h = portfolio.horizon
    new = h[-1] + 1
    budget = portfolio.budget
    capacity = portfolio.capacity
    budget = pd.concat(
        [budget[budget["period"] > h[0]], budget[budget["period"] == h[-1]].assign(period=new)],
        ignore_index=True,
    )
    capacity = pd.concat(
        [
            capacity[capacity["period"] > h[0]],
            capacity[capacity["period"] == h[-1]].assign(period=new),
        ],
        ignore_index=True,
    )
    return portfolio.replace(budget=budget, capacity=capacity, horizon=(*h[1:], new))


def same_plan(a, b) -> None:
    assert sorted(a.selected) == sorted(b.selected)
    pd.testing.assert_series_equal(a.starts.sort_index(), b.starts.sort_index())


# --------------------------------------------------------------------------- the previous plan
def test_previous_plan_round_trips_through_its_files(first, previous_dir):
    previous = read_previous_plan(previous_dir)
    assert sorted(previous.selected) == sorted(first.selected)
    pd.testing.assert_series_equal(
        previous.starts.sort_index(), first.starts.sort_index(), check_names=False
    )
    assert previous.summary["status"] == "optimal"
    in_memory = PreviousPlan.from_plan(first)
    pd.testing.assert_series_equal(previous.starts, in_memory.starts)


def test_missing_folder_and_files_are_bad_input(tmp_path):
    with pytest.raises(PreviousPlanError, match="does not exist"):
        read_previous_plan(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PreviousPlanError, match="2 problems") as caught:
        read_previous_plan(tmp_path / "empty")
    assert set(caught.value.problems["file"]) == {"plan.csv", "summary.json"}


def test_every_problem_of_a_broken_plan_is_listed(previous_dir):
    table = pd.read_csv(previous_dir / "plan.csv", dtype=str, keep_default_na=False)
    chosen = table.index[table["selected"] == "true"]
    left_out = table.index[table["selected"] == "false"]
    table.loc[chosen[0], "selected"] = "maybe"
    table.loc[chosen[1], "start"] = ""
    table.loc[chosen[2], "start"] = "next spring"
    table.loc[left_out[0], "start"] = "2027Q2"
    table.loc[left_out[1], "project_id"] = table.at[left_out[2], "project_id"]
    table.to_csv(previous_dir / "plan.csv", index=False)
    summary = json.loads((previous_dir / "summary.json").read_text())
    summary["status"] = "great"
    (previous_dir / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(PreviousPlanError, match="problems in the previous plan") as caught:
        read_previous_plan(previous_dir)
    problems = caught.value.problems
    rules = problems["rule"].tolist()
    assert any("must be true or false" in r for r in rules)
    assert any("is selected but has no start" in r for r in rules)
    assert any("not a period label" in r for r in rules)
    assert any("not selected" in r for r in rules)
    assert any("duplicate project_id" in r for r in rules)
    assert any("must be one of optimal" in r for r in rules)
    # the summary's list disagrees with plan.csv for the project no longer marked selected
    assert any("summary.json lists it as selected" in r for r in rules)
    # rows as the user sees them: header = row 1
    bad_flag = problems[problems["rule"] == "must be true or false"]
    assert bad_flag["row"].tolist() == [chosen[0] + 2]


def test_a_plan_without_its_columns_or_valid_json_is_refused(previous_dir):
    (previous_dir / "summary.json").write_text("{not json")
    table = pd.read_csv(previous_dir / "plan.csv", dtype=str, keep_default_na=False)
    table.drop(columns="start").to_csv(previous_dir / "plan.csv", index=False)
    with pytest.raises(PreviousPlanError, match="required column missing") as caught:
        read_previous_plan(previous_dir)
    assert "not valid JSON" in str(caught.value)


def test_periods_of_another_frequency_are_refused(portfolio, first):
    table = PreviousPlan.from_plan(first).table.copy()
    months = pd.PeriodIndex([pd.NaT] * len(table), freq="M")
    table["start"] = months.where(~table["selected"], pd.Period("2027-01", "M"))
    with pytest.raises(ValueError, match="not of the portfolio's frequency"):
        pa.replan(portfolio, PreviousPlan(table=table))


# --------------------------------------------------------------------------- unchanged portfolio
@pytest.mark.parametrize("churn_penalty", [0.0, 5.0])
def test_an_unchanged_portfolio_reproduces_the_previous_plan(
    portfolio, first, previous_dir, churn_penalty
):
    result = pa.replan(portfolio, previous_dir, options=OPTIONS, churn_penalty=churn_penalty)
    assert result.plan.status == "optimal"
    assert check_plan(result.plan).empty
    same_plan(result.plan, first)
    assert result.changes.empty
    assert list(result.changes.columns) == CHANGE_COLUMNS
    assert result.started.empty
    assert result.summary_text() == "no changes against the previous plan"


# --------------------------------------------------------------------------- a quarter on
def test_a_quarter_on_last_quarters_starts_are_in_flight_and_kept(portfolio, first):
    q2 = next_quarter(portfolio)
    result = pa.replan(q2, first, options=OPTIONS)
    plan = result.plan
    assert plan.is_solution() and check_plan(plan).empty
    h0 = portfolio.horizon[0]
    began = first.starts[first.starts == h0].index
    began = began[portfolio.projects.loc[began, "status"] != "in_flight"]
    assert len(began) >= 1
    rolled = plan.portfolio.projects
    # by plan still running in the new horizon: in flight, kept at the planned start
    finish = first.schedule.loc[began, "finish"]
    running = began[(finish >= q2.horizon[0]).to_numpy()]
    assert (rolled.loc[running, "status"] == "in_flight").all()
    assert plan.schedule.loc[running, "selected"].all()
    assert (plan.schedule.loc[running, "start"] == h0).all()
    done = began.difference(running)
    assert (rolled.loc[done, "status"] == "completed").all()
    started = result.changes[result.changes["change"] == "started"]
    assert sorted(started["project_id"]) == sorted(began)
    assert started["reason"].str.contains("planned to start in " + str(h0)).all()
    assert set(result.started.index) == set(began)
    # nothing else claims to have started
    assert not result.changes["project_id"].duplicated().any()


def test_the_portfolios_own_word_wins_when_rolling_forward(portfolio, first):
    q2 = next_quarter(portfolio)
    h0 = portfolio.horizon[0]
    began = first.starts[first.starts == h0].index
    began = list(began[portfolio.projects.loc[began, "status"] != "in_flight"])
    held = began[0]
    projects = q2.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    projects.loc[held, "status"] = "on_hold"
    rolled, record = roll_forward(q2.replace(projects=projects), PreviousPlan.from_plan(first))
    assert held not in record.index
    assert rolled.projects.at[held, "status"] == "on_hold"
    result = pa.replan(q2.replace(projects=projects), first, options=OPTIONS)
    row = result.changes.set_index("project_id").loc[held]
    assert row["change"] in ("deferred", "dropped")
    if row["change"] == "deferred":
        assert f"did not start in {h0} as planned (status on_hold)" in row["reason"]


def test_a_churn_penalty_keeps_the_previous_plan_through_small_changes(portfolio, first):
    # nudge the value of the best excluded project just above a selected one's
    out = first.schedule[~first.schedule["selected"] & first.schedule["reason"].ne("window")]
    projects = portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    projects["value"] = portfolio.projects["strategic_value"]
    projects.loc[out.index, "value"] = projects.loc[out.index, "value"] * 1.6
    nudged = portfolio.replace(projects=projects)
    free = pa.replan(nudged, first, options=OPTIONS)
    assert not free.changes.empty
    kept = pa.replan(nudged, first, options=OPTIONS, churn_penalty=1000.0)
    assert kept.plan.status == "optimal" and check_plan(kept.plan).empty
    same_plan(kept.plan, first)
    assert kept.changes.empty


def test_a_new_valuable_candidate_is_newly_selected(portfolio, first):
    projects = portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    template = projects.loc[[first.selected[0]]].copy()
    template.index = pd.Index(["NEW1"], name="project_id")
    template["status"] = "proposed"
    template["name"] = "Quick win"
    template["mandatory"] = False
    template["value"] = 1e6
    template["start"] = pd.PeriodIndex([pd.NaT], freq="Q-DEC")
    cost = portfolio.cashflows[portfolio.cashflows["project_id"] == first.selected[0]]
    demand = portfolio.demand[portfolio.demand["project_id"] == first.selected[0]]
    grown = portfolio.replace(
        projects=pd.concat([projects, template]),
        cashflows=pd.concat(
            [portfolio.cashflows, cost.assign(project_id="NEW1")], ignore_index=True
        ),
        demand=pd.concat([portfolio.demand, demand.assign(project_id="NEW1")], ignore_index=True),
    )
    result = pa.replan(grown, first, options=OPTIONS)
    assert check_plan(result.plan).empty
    row = result.changes.set_index("project_id").loc["NEW1"]
    assert row["change"] == "newly_selected"
    assert row["reason"].startswith("a new candidate")
    assert row["previous_start"] == ""


def test_stopping_in_flight_work_frees_its_remaining_cost(portfolio, first):
    flying = portfolio.projects.index[portfolio.projects["status"] == "in_flight"]
    assert len(flying)
    target = flying[0]
    projects = portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    projects["value"] = portfolio.projects["strategic_value"]
    projects.loc[target, "value"] = 0.001  # worth next to nothing any more
    worthless = portfolio.replace(projects=projects)
    kept = pa.replan(worthless, first, options=OPTIONS)
    assert kept.plan.schedule.at[target, "selected"]  # stopping not allowed: it continues
    stopped = pa.replan(worthless, first, options=OPTIONS, stop_in_flight=True)
    assert check_plan(stopped.plan).empty
    assert not stopped.plan.schedule.at[target, "selected"]
    row = stopped.changes.set_index("project_id").loc[target]
    assert row["change"] == "stopped"
    assert "stopping it frees" in row["reason"] and "sunk cost" in row["reason"]
    assert stopped.continuing.at[target, "remaining_value"] <= 0.001 + 1e-12
    # a termination cost larger than any period's budget makes stopping impossible
    huge = (
        100.0
        * float(portfolio.budget["amount"].max())
        / max(float(portfolio.total_cost()[target]), 1.0)
    )
    dear = pa.replan(worthless, first, options=OPTIONS, stop_in_flight=True, termination_cost=huge)
    assert dear.plan.schedule.at[target, "selected"]


def test_finished_work_is_no_change_but_cancelled_work_is_dropped(portfolio, first):
    schedule = first.schedule
    done = schedule.index[schedule["reason"].eq("in_flight")][0]
    cancelled = schedule.index[schedule["reason"].eq("selected")][0]
    projects = portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    projects.loc[done, "status"] = "completed"
    projects.loc[cancelled, "status"] = "cancelled"
    result = pa.replan(portfolio.replace(projects=projects), first, options=OPTIONS)
    assert check_plan(result.plan).empty
    changes = result.changes.set_index("project_id")
    assert done not in changes.index
    assert changes.at[cancelled, "change"] == "dropped"
    assert changes.at[cancelled, "reason"] == "its status is now cancelled"


def test_invalid_replan_options_are_refused(portfolio, first):
    with pytest.raises(ValueError, match="applies only when stop_in_flight"):
        pa.replan(portfolio, first, termination_cost=0.2)
    with pytest.raises(ValueError, match="churn_penalty=-1"):
        pa.replan(portfolio, first, churn_penalty=-1)


# --------------------------------------------------------------------------- classification
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
