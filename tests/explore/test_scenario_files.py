"""Reading and checking scenario files on their own: names, every problem of a file at once,
values of the wrong kind or out of range (CONTRACT.md "Scenario files")."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_analytics.exceptions import ScenarioError
from pmo_analytics.explore import apply_scenario
from pmo_analytics.explore.scenario_files import parse_scenario, read_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"


def test_name_defaults_to_the_file_stem(tmp_path):
    path = tmp_path / "steady_state.toml"
    path.write_text("[budget]\nscale = 1.0\n")
    assert read_scenario(path).name == "steady_state"
    assert read_scenario(SCENARIOS / "budget_cut.toml").name == "Lean 2028"


def test_every_problem_of_a_file_is_reported_at_once():
    with pytest.raises(ScenarioError, match="12 problems") as caught:
        read_scenario(SCENARIOS / "bad_many_problems.toml")
    keys = [key for key, _, _ in caught.value.problems]
    assert keys == [
        "colour",
        "name",
        "budget.scale",
        "budget.cumulative",
        "capacity.scale.Developer",
        "capacity.add[0]",
        "projects.force_in",
        "objective.value_basis",
        "balance[0]",
        "solver.name",
        "solver.time_limit",
        "solver.gap",
    ]
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert 'objective.value_basis = "profit": must be one of value, npv, risk_adjusted' in message
    assert "solver.gap = 1.0: must be a number in [0, 1)" in message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"projects": {"force_in": ["P001"], "force_out": ["P001"]}},
            "both forced in and forced out",
        ),
        (
            {
                "capacity": {
                    "add": [{"role": "Role01", "period": "2027Q1", "from": "2027Q1", "fte": 1}]
                }
            },
            "not both",
        ),
        ({"solver": {"threads": 1.5}}, "solver.threads = 1.5: must be a whole number"),
        ({"solver": {"method": "fast"}}, 'solver.method = "fast": must be one of search, solver'),
        ({"solver": {"effort": 0}}, "solver.effort = 0.*> 0"),
        ({"budget": {"scale": True}}, "budget.scale = true: must be a number"),
        ({"criteria": {"weights": {"strategic_fit": 0}}}, "at least one weight"),
    ],
)
def test_problems_in_the_values(data, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)


def test_the_engine_settings_in_the_solver_section(sample_portfolio):
    # extensions: [solver] method and effort reach the run's options
    scenario = parse_scenario({"solver": {"method": "solver", "effort": 2.5}})
    assert (scenario.method, scenario.effort) == ("solver", 2.5)
    _, options = apply_scenario(sample_portfolio, scenario)
    assert (options.method, options.effort) == ("solver", 2.5)
