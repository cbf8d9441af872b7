"""Reading the previous plan: its files round-trip, and every problem of broken files is
listed at once with file, row and rule."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from replan_helpers import first_plan, quarter_portfolio

from pmo_analytics.exceptions import PreviousPlanError
from pmo_analytics.replan.previous_plan import PreviousPlan, read_previous_plan
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
