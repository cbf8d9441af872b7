"""Running scenarios: `plan --scenario` end to end, plan_scenario naming its scenario, and
run_scenarios comparisons checked against fresh solves; the comparison charts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics import cli
from pmo_analytics.exceptions import ScenarioError
from pmo_analytics.explore.scenario_files import parse_scenario, read_scenario
from pmo_analytics.explore.scenario_runs import plan_scenario, run_scenarios
from pmo_analytics.explore.scenarios import apply_scenario
from pmo_analytics.optimise import check_plan, optimise
from pmo_analytics.report import plan_summary


def _capacity(portfolio, role: str) -> pd.Series:
    cap = portfolio.capacity
    return cap[cap["role"] == role].set_index("period")["fte"]


@pytest.fixture(scope="module")
def tiny():
    return pa.generate_portfolio(10, n_periods=4, n_roles=2, seed=1)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory, tiny):
    folder = tmp_path_factory.mktemp("tiny") / "portfolio"
    pa.write_portfolio(tiny, folder)
    return folder


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
    assert plan_summary(plan)["notes"][0].startswith("scenario: No P008")
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
