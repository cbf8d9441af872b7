"""Cross-file rules: unknown names, criteria compared with themselves, windows and starts,
durations, coverage of the horizon."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from loading_helpers import as_rows, copy_base, edit, load_quietly, problems_of


@pytest.fixture
def base_copy(tmp_path) -> Path:
    return copy_base(tmp_path / "portfolio")


def test_criterion_compared_with_itself(base_copy):
    edit(
        base_copy,
        "comparisons.csv",
        "CFO,strategic_fit,delivery_risk",
        "CFO,strategic_fit,strategic_fit",
    )
    assert as_rows(problems_of(base_copy)) == [
        ("comparisons.csv", 3, "b", "strategic_fit", "a criterion compared with itself")
    ]


def test_case_only_difference_gets_a_hint(base_copy):
    edit(base_copy, "demand.csv", "P4,Analyst,0,1", "P4,analyst,0,1")
    (rule,) = problems_of(base_copy)["rule"]
    assert rule == "unknown role (not in capacity.csv) (did you mean Analyst?)"


def test_in_flight_start_after_horizon_and_window_before_it(base_copy):
    edit(base_copy, "projects.csv", "in_flight,,,2026Q4,3", "in_flight,,,2028Q2,3")
    edit(
        base_copy,
        "projects.csv",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,",
        "P4,Customer portal,Grow,Sales,CMO,proposed,2028Q1,,",
    )
    rows = as_rows(problems_of(base_copy))
    assert rows == [
        ("projects.csv", 4, "start", "2028Q2", "in_flight start after the horizon 2027Q1..2027Q4"),
        (
            "projects.csv",
            5,
            "earliest_start",
            "2028Q1",
            "window outside the horizon 2027Q1..2027Q4",
        ),
    ]


def test_closed_projects_need_no_window(base_copy):
    edit(
        base_copy,
        "projects.csv",
        "P5,Legacy archive,Run,IT,CIO,completed,,,2026Q1",
        "P5,Legacy archive,Run,IT,CIO,completed,2025Q1,2025Q2,2026Q1",
    )
    assert load_quietly(base_copy).projects.loc["P5", "status"] == "completed"


def test_blank_duration_is_derived_and_an_empty_project_is_noted(base_copy):
    edit(base_copy, "projects.csv", "2027Q1,2027Q2,,2,false", "2027Q1,2027Q2,,,false")
    edit(
        base_copy,
        "projects.csv",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,,1,",
        "P4,Customer portal,Grow,Sales,CMO,proposed,,,,,",
    )
    edit(base_copy, "cashflows.csv", "P4,0,30000,0\n", "")
    edit(base_copy, "demand.csv", "P4,Analyst,0,1\n", "")
    portfolio = load_quietly(base_copy)
    assert portfolio.projects.loc["P1", "duration"] == 3  # last offset 2 (a benefit) + 1
    assert portfolio.projects.loc["P4", "duration"] == 1
    notes = as_rows(portfolio.warnings)
    assert (
        "projects.csv",
        5,
        "duration",
        "",
        "duration is blank and no cashflows or demand give one; taken as 1 period",
    ) in notes


def test_start_of_a_planned_project_is_noted_as_ignored(base_copy):
    edit(base_copy, "projects.csv", "2027Q1,2027Q2,,2,false", "2027Q1,2027Q2,2027Q2,2,false")
    notes = as_rows(load_quietly(base_copy).warnings)
    assert notes == [("projects.csv", 2, "start", "2027Q2", notes[0][4])]
    assert notes[0][4].startswith("start is used only for in_flight projects")


def test_capacity_missing_for_one_role_is_zero_with_a_note(base_copy):
    edit(base_copy, "capacity.csv", "Analyst,2027Q3,2\n", "")
    portfolio = load_quietly(base_copy)
    assert portfolio.capacity_by_role_period()[("Analyst", pd.Period("2027Q3"))] == 0.0
    assert as_rows(portfolio.warnings) == [
        (
            "capacity.csv",
            None,
            "period",
            "2027Q3",
            "no capacity given for role Analyst; taken as 0 FTE",
        )
    ]
