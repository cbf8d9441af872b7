"""Quarterly replanning: rolling forward and re-optimising.

Small portfolios solved to optimality: replanning an unchanged portfolio reproduces the
previous plan (with and without a churn penalty); rolling the horizon one quarter forward keeps
the projects started last quarter, now in flight; every plan passes the plan checker.
"""

from __future__ import annotations

import pandas as pd
import pytest
from replan_helpers import (
    OPTIONS,
    first_plan,
    next_quarter,
    quarter_portfolio,
    same_plan,
    without_derived,
)

import pmo_analytics as pa
from pmo_analytics.optimise import check_plan
from pmo_analytics.replan.changes import CHANGE_COLUMNS
from pmo_analytics.replan.previous_plan import PreviousPlan
from pmo_analytics.replan.roll_forward import roll_forward
from pmo_analytics.report.outputs import write_plan_outputs


@pytest.fixture(scope="module")
def portfolio():
    return quarter_portfolio()


@pytest.fixture(scope="module")
def first():
    return first_plan()


@pytest.fixture()
def previous_dir(tmp_path, first):
    # the contract files are what replanning reads; the leadership pack is not needed
    return write_plan_outputs(first, tmp_path / "q1", pack=False)


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
    projects = without_derived(q2)
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
    projects = without_derived(portfolio)
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
    projects = without_derived(portfolio)
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
    projects = without_derived(portfolio)
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


def test_periods_of_another_frequency_are_refused(portfolio, first):
    table = PreviousPlan.from_plan(first).table.copy()
    months = pd.PeriodIndex([pd.NaT] * len(table), freq="M")
    table["start"] = months.where(~table["selected"], pd.Period("2027-01", "M"))
    with pytest.raises(ValueError, match="not of the portfolio's frequency"):
        pa.replan(portfolio, PreviousPlan(table=table))


def test_invalid_replan_options_are_refused(portfolio, first):
    with pytest.raises(ValueError, match="applies only when stop_in_flight"):
        pa.replan(portfolio, first, termination_cost=0.2)
    with pytest.raises(ValueError, match="churn_penalty=-1"):
        pa.replan(portfolio, first, churn_penalty=-1)
