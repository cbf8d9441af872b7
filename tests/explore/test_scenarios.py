"""Applying scenarios (CONTRACT.md "Scenario files"): every key of the contract example and
the extensions on the sample, problems found against the portfolio, and bad files through the
command line (exit 2 naming the key)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics import cli
from pmo_analytics.exceptions import ScenarioError
from pmo_analytics.explore.scenario_files import parse_scenario, read_scenario
from pmo_analytics.explore.scenarios import Scenario, apply_scenario
from pmo_analytics.optimise.options import BalanceRule

SCENARIOS = Path(__file__).parents[1] / "scenarios"
Q = "Q-DEC"


def _capacity(portfolio, role: str) -> pd.Series:
    cap = portfolio.capacity
    return cap[cap["role"] == role].set_index("period")["fte"]


def _budget(portfolio) -> pd.Series:
    return portfolio.budget_by_period()


@pytest.fixture(scope="module")
def tiny():
    return pa.generate_portfolio(10, n_periods=4, n_roles=2, seed=1)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory, tiny):
    folder = tmp_path_factory.mktemp("tiny") / "portfolio"
    pa.write_portfolio(tiny, folder)
    return folder


# --------------------------------------------------------------------------- every key
def test_contract_example_parses_and_applies_on_the_sample(sample_portfolio):
    scenario = read_scenario(SCENARIOS / "contract_example.toml")
    assert scenario.name == "Budget -10%"
    portfolio, options = apply_scenario(sample_portfolio, scenario)

    # [budget]: every period × 0.9, then 2027Q3 set explicitly; cumulative off
    base, now = _budget(sample_portfolio), _budget(portfolio)
    q3 = pd.Period("2027Q3", Q)
    assert now[q3] == 1_200_000
    others = now.index != q3
    np.testing.assert_allclose(now[others], 0.9 * base[others])
    assert options.cumulative_budget is False
    # [capacity]: Developer × 1.1 everywhere, + 2 FTE in 2027Q3; other roles untouched
    dev_base, dev = _capacity(sample_portfolio, "Developer"), _capacity(portfolio, "Developer")
    expected = 1.1 * dev_base
    expected[q3] += 2.0
    np.testing.assert_allclose(dev, expected)
    pd.testing.assert_series_equal(
        _capacity(portfolio, "Tester"), _capacity(sample_portfolio, "Tester")
    )
    # [projects], [objective], [[balance]], [solver]
    assert options.force_in == ("P003",)
    assert options.force_out == ("P010",)
    assert options.allow_stop_in_flight is False
    assert (options.value_basis, options.discount_rate) == ("value", 0.08)
    assert options.balance == (BalanceRule("category", "Run", min_share=0.2),)
    assert (options.solver, options.time_limit, options.gap) == ("highs", 60.0, 0.0)
    # the base portfolio is untouched
    assert _budget(sample_portfolio)[q3] == 5_150_000


def test_budget_keys(sample_portfolio):
    portfolio, options = apply_scenario(
        sample_portfolio, read_scenario(SCENARIOS / "budget_cut.toml")
    )
    base, now = _budget(sample_portfolio), _budget(portfolio)
    q1 = pd.Period("2028Q1", Q)
    assert now[q1] == 3_000_000
    np.testing.assert_allclose(now[now.index != q1], 0.8 * base[base.index != q1])
    assert options.cumulative_budget is True
    assert options.budget == 30_000_000


def test_budget_scale_also_scales_a_total_budget_given_with_the_options(tiny):
    _, options = apply_scenario(
        tiny, parse_scenario({"budget": {"scale": 0.5}}), pa.OptimiseOptions(budget=1e6)
    )
    assert options.budget == 5e5


def test_capacity_keys(sample_portfolio):
    portfolio, _ = apply_scenario(
        sample_portfolio, read_scenario(SCENARIOS / "capacity_changes.toml")
    )
    periods = pd.PeriodIndex(sample_portfolio.horizon)
    dev = 0.9 * _capacity(sample_portfolio, "Developer")
    dev[pd.Period("2027Q3", Q)] += 2.0
    np.testing.assert_allclose(_capacity(portfolio, "Developer"), dev)
    data = 0.9 * _capacity(sample_portfolio, "Data Engineer")
    data[periods >= pd.Period("2028Q1", Q)] += 1.5  # a hire stays on (from, no to)
    np.testing.assert_allclose(_capacity(portfolio, "Data Engineer"), data)
    tester = 0.9 * _capacity(sample_portfolio, "Tester")
    run = (periods >= pd.Period("2027Q2", Q)) & (periods <= pd.Period("2027Q4", Q))
    tester[run] -= 1.0
    np.testing.assert_allclose(_capacity(portfolio, "Tester"), tester)
    np.testing.assert_allclose(
        _capacity(portfolio, "Architect"), 0.9 * _capacity(sample_portfolio, "Architect")
    )


def test_capacity_scale_per_role(sample_portfolio):
    portfolio, _ = apply_scenario(
        sample_portfolio, read_scenario(SCENARIOS / "capacity_per_role.toml")
    )
    for role, factor in {"Architect": 1.5, "Business Analyst": 0.5, "Developer": 1.0}.items():
        np.testing.assert_allclose(
            _capacity(portfolio, role), factor * _capacity(sample_portfolio, role)
        )


def test_projects_objective_and_solver_keys(sample_portfolio):
    portfolio, options = apply_scenario(
        sample_portfolio, read_scenario(SCENARIOS / "projects_objective_solver.toml")
    )
    assert portfolio is sample_portfolio  # nothing in the tables changes
    assert options.force_in == ("P012", "P020") and options.force_out == ("P001",)
    assert options.allow_stop_in_flight is True and options.termination_cost == 0.1
    assert options.max_starts_per_period == 6
    assert (options.value_basis, options.discount_rate) == ("npv", 0.1)
    assert (options.solver, options.time_limit, options.gap) == ("cbc", 12.5, 0.01)
    assert (options.threads, options.seed) == (2, 7)


def test_balance_rules(sample_portfolio):
    _, options = apply_scenario(sample_portfolio, read_scenario(SCENARIOS / "balance_rules.toml"))
    assert options.balance == (
        BalanceRule("category", "Run", min_share=0.25),
        BalanceRule("business_unit", "Finance", max_share=0.4, measure="count"),
    )


def test_criteria_weights_recompute_strategic_values(sample_portfolio):
    portfolio, _ = apply_scenario(
        sample_portfolio, read_scenario(SCENARIOS / "criteria_weights.toml")
    )
    scores = sample_portfolio.scores.pivot(index="project_id", columns="criterion", values="score")
    # weights 3 : 1 normalised to 0.75 / 0.25, on the scores' own scale (missing = 0)
    expected = 0.75 * scores["strategic_alignment"].fillna(0) + 0.25 * scores[
        "customer_impact"
    ].fillna(0)
    scored = sample_portfolio.projects["value"].isna()
    got = portfolio.projects.loc[scored, "strategic_value"]
    np.testing.assert_allclose(got, expected.reindex(got.index))
    assert not np.allclose(got, sample_portfolio.projects.loc[scored, "strategic_value"])


def test_scenario_keys_replace_options_and_keep_the_rest(tiny):
    base = pa.OptimiseOptions(time_limit=5, force_in=("P002",), seed=3)
    _, options = apply_scenario(tiny, parse_scenario({"projects": {"force_out": ["P001"]}}), base)
    assert options.force_out == ("P001",)
    assert (options.force_in, options.time_limit, options.seed) == (("P002",), 5, 3)


def test_an_empty_scenario_changes_nothing(tiny):
    portfolio, options = apply_scenario(tiny, parse_scenario({}))
    assert portfolio is tiny and options == pa.OptimiseOptions()
    assert Scenario().describe() == []


# --------------------------------------------------------------------------- bad scenarios
BAD = [
    ("bad_unknown_key.toml", ["budget.scael", "unknown key", "scale, amounts, cumulative"]),
    ("bad_wrong_type.toml", ["budget.scale", "ninety percent", "must be a number"]),
    ("bad_share_out_of_range.toml", ["balance[0].min_share = 1.5", "in [0, 1]"]),
    ("bad_unknown_role.toml", ["capacity.add[0].role", "Wizard", "unknown role; valid: Role01"]),
    (
        "bad_unknown_period.toml",
        ["budget.amounts.2031Q3", "not a period of the horizon", "2027Q1..2027Q4"],
    ),
    ("bad_unknown_project.toml", ["projects.force_in", "P999", "unknown project id"]),
    ("bad_not_toml.toml", ["not valid TOML", "line 1"]),
]


@pytest.mark.parametrize(("name", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenarios_exit_2_naming_the_key(name, expected, tiny_folder, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.run(
        ["plan", str(tiny_folder), "--out", str(out), "--scenario", str(SCENARIOS / name)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    for text in expected:
        assert text in err
    assert "Traceback" not in err
    assert not out.exists()  # nothing written


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"capacity": {"add": [{"role": "Role01", "period": "2027Q1", "fte": -1e6}]}},
            "cannot fall below 0",
        ),
        (
            {"capacity": {"add": [{"role": "Role01", "from": "2027Q3", "to": "2027Q1", "fte": 1}]}},
            r"capacity.add\[0\].to.*must not be before",
        ),
        ({"capacity": {"scale": {"Role09": 2}}}, "capacity.scale.Role09 = 2: unknown role"),
        ({"budget": {"amounts": {"2027-09": 1}}}, "2027-09 is not a period of the horizon"),
        (
            {"balance": [{"by": "colour", "group": "Run", "min_share": 0.1}]},
            r"balance\[0\].by.*not a projects.csv column",
        ),
        (
            {"balance": [{"by": "category", "group": "Runn", "min_share": 0.1}]},
            "no project has category = Runn; valid: Grow, Run, Transform",
        ),
        (
            {"criteria": {"weights": {"beauty": 1}}},
            "criteria.weights.beauty = 1: unknown criterion",
        ),
    ],
)
def test_problems_found_against_the_portfolio(tiny, data, message):
    scenario = parse_scenario(data)  # valid on its own
    with pytest.raises(ScenarioError, match=message):
        apply_scenario(tiny, scenario)


def test_budget_scale_needs_a_budget_to_scale(tiny):
    no_budget = tiny.replace(budget=tiny.budget.iloc[0:0])
    with pytest.raises(ScenarioError, match="budget.scale = 0.9: the portfolio has no budget.csv"):
        apply_scenario(no_budget, parse_scenario({"budget": {"scale": 0.9}}))
    portfolio, options = apply_scenario(
        no_budget, parse_scenario({"budget": {"scale": 0.9}}), pa.OptimiseOptions(budget=1e6)
    )
    assert options.budget == pytest.approx(9e5) and not portfolio.has_budget
