"""Scenario files (CONTRACT.md "Scenario files"): every key of the contract example, the
extensions, bad files through the command line (exit 2 naming the key), `plan --scenario`
end to end, and run_scenarios comparisons checked against fresh solves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics import cli
from pmo_analytics.optimise import check_plan, optimise
from pmo_analytics.optimise.options import BalanceRule
from pmo_analytics.scenarios import (
    Scenario,
    ScenarioError,
    apply_scenario,
    parse_scenario,
    plan_scenario,
    read_scenario,
    run_scenarios,
)

SCENARIOS = Path(__file__).parent / "scenarios"
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


def test_name_defaults_to_the_file_stem(tmp_path):
    path = tmp_path / "steady_state.toml"
    path.write_text("[budget]\nscale = 1.0\n")
    assert read_scenario(path).name == "steady_state"
    assert read_scenario(SCENARIOS / "budget_cut.toml").name == "Lean 2028"


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
        ({"budget": {"scale": True}}, "budget.scale = true: must be a number"),
        ({"criteria": {"weights": {"strategic_fit": 0}}}, "at least one weight"),
    ],
)
def test_problems_found_against_the_portfolio_or_in_values(tiny, data, message):
    with pytest.raises(ScenarioError, match=message):
        apply_scenario(tiny, parse_scenario(data))


def test_budget_scale_needs_a_budget_to_scale(tiny):
    no_budget = tiny.replace(budget=tiny.budget.iloc[0:0])
    with pytest.raises(ScenarioError, match="budget.scale = 0.9: the portfolio has no budget.csv"):
        apply_scenario(no_budget, parse_scenario({"budget": {"scale": 0.9}}))
    portfolio, options = apply_scenario(
        no_budget, parse_scenario({"budget": {"scale": 0.9}}), pa.OptimiseOptions(budget=1e6)
    )
    assert options.budget == pytest.approx(9e5) and not portfolio.has_budget


# --------------------------------------------------------------------------- plan --scenario
def test_cli_plan_with_a_scenario_writes_outputs_that_reflect_it(
    tiny, tiny_folder, tmp_path, capsys
):
    scenario = tmp_path / "cut.toml"
    scenario.write_text(
        'name = "Cut and hire"\n'
        "[budget]\nscale = 0.8\n"
        '[capacity]\nadd = [ { role = "Role01", from = "2027Q2", fte = 1.5 } ]\n'
        '[projects]\nforce_out = ["P008"]\n'
        "[solver]\ntime_limit = 30\n"
    )
    out = tmp_path / "out"
    code = cli.run(["plan", str(tiny_folder), "--out", str(out), "--scenario", str(scenario)])
    assert code == 0, capsys.readouterr().err
    plan_csv = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False).set_index(
        "project_id"
    )
    assert plan_csv.loc["P008", "selected"] == "false"
    assert plan_csv.loc["P008", "reason"] == "forced_out"
    use = pd.read_csv(out / "utilisation.csv")
    budget = use[use["resource"] == "budget"].set_index("period")["available"]
    np.testing.assert_allclose(budget.to_numpy(), 0.8 * tiny.budget["amount"].to_numpy())
    role = use[use["resource"] == "Role01"].set_index("period")["available"]
    base = _capacity(tiny, "Role01").to_numpy() + np.array([0, 1.5, 1.5, 1.5])
    np.testing.assert_allclose(role.to_numpy(), base)
    # the same plan as the library gives for the applied scenario
    summary = json.loads((out / "summary.json").read_text())
    portfolio, options = apply_scenario(tiny, read_scenario(scenario))
    plan = optimise(portfolio, options)
    assert summary["selected"] == list(plan.selected)
    assert summary["status"] == plan.status == "optimal"
    assert summary["notes"][0].startswith("scenario: Cut and hire")
    assert check_plan(plan).empty


def test_plan_scenario_names_the_scenario_in_the_notes(tiny):
    plan = plan_scenario(
        tiny, parse_scenario({"name": "No P008", "projects": {"force_out": ["P008"]}})
    )
    assert plan.notes[0] == "scenario: No P008 (force_out: P008)"
    assert plan.summary()["notes"][0].startswith("scenario: No P008")
    assert "P008" not in plan.selected and check_plan(plan).empty


# --------------------------------------------------------------------------- run_scenarios
@pytest.fixture(scope="module")
def comparison(tiny):
    return run_scenarios(
        tiny,
        [
            {"name": "cut 30%", "budget": {"scale": 0.7}},
            {
                "name": "more Role01",
                "capacity": {"scale": {"Role01": 1.5}},
                "budget": {"scale": 1.3},
            },
            {"name": "no P008", "projects": {"force_out": ["P008"]}},
        ],
    )


def test_run_scenarios_side_by_side(tiny, comparison):
    table = comparison.table
    assert list(table.index) == ["base", "cut 30%", "more Role01", "no P008"]
    assert comparison.baseline == "base"
    assert (table["status"] == "optimal").all()
    for name, plan in comparison.plans.items():
        assert check_plan(plan).empty
        assert table.loc[name, "objective"] == pytest.approx(plan.objective)
        assert table.loc[name, "n_selected"] == plan.n_selected
        assert table.loc[name, "spend"] == pytest.approx(plan.total_cost)
        assert plan.notes[0].startswith(f"scenario: {name}")
    # each equals a fresh solve of its applied scenario
    fresh = optimise(*apply_scenario(tiny, parse_scenario({"budget": {"scale": 0.7}})))
    assert table.loc["cut 30%", "objective"] == pytest.approx(fresh.objective)
    assert table.loc["base", "objective"] == pytest.approx(optimise(tiny).objective)
    # less money cannot buy more value; budget utilisation is spend over the scaled budget
    assert table.loc["cut 30%", "objective"] <= table.loc["base", "objective"] + 1e-9
    assert table.loc["cut 30%", "budget"] == pytest.approx(0.7 * tiny.budget["amount"].sum())
    assert table.loc["cut 30%", "budget_utilisation"] == pytest.approx(
        table.loc["cut 30%", "spend"] / table.loc["cut 30%", "budget"]
    )
    assert (
        0
        < table.loc["base", "capacity_utilisation"]
        <= table.loc["base", "peak_utilisation"]
        <= 1 + 1e-9
    )
    assert table.loc["cut 30%", "changes"] == "budget × 0.7"


def test_run_scenarios_differences_match_the_selections(comparison):
    sel, starts, changes = comparison.selection, comparison.starts, comparison.changes
    for name in ["cut 30%", "more Role01", "no P008"]:
        mine = changes[changes["scenario"] == name].set_index("project_id")["change"]
        entered = set(sel.index[sel[name] & ~sel["base"]])
        left = set(sel.index[~sel[name] & sel["base"]])
        moved = set(sel.index[sel[name] & sel["base"] & (starts[name] != starts["base"])])
        assert set(mine[mine == "entered"].index) == entered
        assert set(mine[mine == "left"].index) == left
        assert set(mine[mine == "moved"].index) == moved
        row = comparison.table.loc[name]
        assert (row["entered"], row["left"], row["moved"]) == (len(entered), len(left), len(moved))
    assert (
        "P008" in set(changes.loc[changes["scenario"] == "no P008", "project_id"])
        or not sel.loc["P008", "base"]
    )
    assert not sel.loc["P008", "no P008"]


def test_run_scenarios_checks_every_scenario_before_solving(tiny):
    with pytest.raises(
        ScenarioError, match=r"(?s)bad one: projects.force_in.*worse: capacity.add\[0\].role"
    ):
        run_scenarios(
            tiny,
            [
                {"name": "bad one", "projects": {"force_in": ["P404"]}},
                {
                    "name": "worse",
                    "capacity": {"add": [{"role": "X", "period": "2027Q1", "fte": 1}]},
                },
            ],
        )
    with pytest.raises(ScenarioError, match='name = "twice": scenario names must differ'):
        run_scenarios(tiny, [{"name": "twice"}, {"name": "twice"}])
    with pytest.raises(TypeError, match="give a Scenario, a .toml path or a dict"):
        run_scenarios(tiny, [42])


def test_run_scenarios_from_files_without_a_base_run(tiny, tmp_path):
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text('name = "More Role01"\n[capacity]\nscale = { Role01 = 1.5 }\n')
    second.write_text("[budget]\nscale = 0.6\n")  # no name: the file's stem names it
    result = run_scenarios(tiny, [first, second], base=None)
    assert list(result.table.index) == ["More Role01", "second"]
    assert result.baseline == "More Role01"
    assert set(result.changes["scenario"]) <= {"second"}
    assert result.table.loc["second", "objective"] <= result.table.loc["More Role01", "objective"]
    for plan in result.plans.values():
        assert plan.status == "optimal" and check_plan(plan).empty


# --------------------------------------------------------------------------- the charts
def test_comparison_charts(comparison):
    import vl_convert as vlc

    from pmo_analytics.charts import chart_spec, scenario_changes_chart, scenario_comparison_chart

    spec = chart_spec(scenario_comparison_chart(comparison))
    value, spend = spec["hconcat"]
    rows = spec["datasets"][(value["layer"][0].get("data") or value["data"])["name"]]
    assert [r["scenario"] for r in rows] == list(comparison.table.index)
    assert [r["objective"] for r in rows] == pytest.approx(list(comparison.table["objective"]))
    assert rows[0]["delta"] == "baseline" and rows[1]["delta"].startswith("-")
    ticks = spec["datasets"][(spend["layer"][1].get("data") or spend["data"])["name"]]
    assert [t["budget"] for t in ticks] == pytest.approx(list(comparison.table["budget"]))
    assert "cut 30%" in vlc.vegalite_to_svg(spec)

    spec = chart_spec(scenario_changes_chart(comparison))
    cells = spec["datasets"][spec["data"]["name"]]
    assert len(cells) == len(comparison.changes)
    assert {c["change"] for c in cells} == set(comparison.changes["change"])
    assert vlc.vegalite_to_svg(spec).startswith("<svg")
