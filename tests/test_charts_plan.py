"""The charts of a plan — roadmap, spend vs budget, capacity heatmap — rendered for real.

Every chart is drawn from a real plan of a small generated portfolio (and the capacity heatmap
also from the over-allocated load of every candidate at its earliest start), its Vega-Lite spec
is checked (fields, marks, flags) and it is rendered to SVG and PNG through vl-convert.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.charts import capacity_heatmap, roadmap_chart, save_chart, spend_vs_budget_chart
from pmo_analytics.charts.plan import OVER_COLOUR
from pmo_analytics.charts.theme import CATEGORY_COLOURS, LIMIT_COLOUR

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def portfolio() -> pa.Portfolio:
    # seed 11: the optimal plan holds a `follows` link between two selected projects
    return pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=11, dependency_share=0.35)


@pytest.fixture(scope="module")
def plan(portfolio: pa.Portfolio) -> pa.Plan:
    plan = pa.optimise(portfolio)
    assert plan.status == "optimal" and pa.check_plan(plan).empty
    return plan


@pytest.fixture(scope="module")
def links(portfolio: pa.Portfolio, plan: pa.Plan) -> pd.DataFrame:
    deps = portfolio.dependencies
    chosen = set(plan.selected)
    linked = deps[
        deps["kind"].isin(["follows", "requires"])
        & deps["project_id"].isin(chosen)
        & deps["other_id"].isin(chosen)
    ]
    assert len(linked) >= 1, "the fixture must link two selected projects"
    return linked


@pytest.fixture(scope="module")
def overloaded(portfolio: pa.Portfolio, plan: pa.Plan) -> pd.DataFrame:
    """The plan with two projects it left out squeezed in at their earliest starts: demand
    over capacity in some cells, not in all."""
    left_out = plan.schedule.index[
        ~plan.schedule["selected"] & (plan.schedule["reason"] != "value")
    ]
    extra = pa.earliest_starts(portfolio).reindex(left_out[:2])
    return pa.utilisation(portfolio, pd.concat([plan.starts, extra]))


def render(chart: alt.TopLevelMixin, folder: Path, name: str) -> str:
    """Save as SVG and PNG for real; return the SVG text."""
    svg = save_chart(chart, folder / f"{name}.svg").read_text()
    assert svg.startswith("<svg")
    png = save_chart(chart, folder / f"{name}.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 5000
    return svg


def layer_data(chart: alt.LayerChart, i: int) -> pd.DataFrame:
    """The frame behind layer ``i`` (altair lifts data shared by every layer to the top)."""
    data = chart.layer[i].data
    data = chart.data if data is alt.Undefined else data
    assert isinstance(data, pd.DataFrame)
    return data


def encoding(spec: dict, i: int) -> dict:
    return spec["layer"][i]["encoding"]


# --------------------------------------------------------------------------- roadmap
def test_roadmap_draws_each_selected_project_from_start_to_finish(
    plan: pa.Plan, links: pd.DataFrame, portfolio: pa.Portfolio, tmp_path: Path
) -> None:
    chart = roadmap_chart(plan.schedule, portfolio.dependencies)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "point"]
    bars = encoding(spec, 0)
    assert (bars["x"]["field"], bars["x"]["type"]) == ("start_time", "temporal")
    assert bars["x2"]["field"] == "end_time"
    assert bars["y"]["field"] == "label"
    assert bars["color"]["field"] == "category"
    assert bars["color"]["scale"]["domain"][:3] == list(CATEGORY_COLOURS)
    assert bars["color"]["scale"]["range"][:3] == list(CATEGORY_COLOURS.values())
    assert {t["field"] for t in bars["tooltip"]} >= {
        "name",
        "project_id",
        "start",
        "finish",
        "value",
        "cost",
    }
    assert "timeFormat(datum.value, 'Q%q')" in bars["x"]["axis"]["labelExpr"]

    data = layer_data(chart, 0).set_index("project_id")
    selected = plan.schedule[plan.schedule["selected"]]
    assert sorted(data.index) == sorted(selected.index)
    # one row per project, sorted by start then id, in the y domain
    expected = selected.assign(o=selected["start"].map(lambda p: p.ordinal)).sort_values(
        ["o"], kind="stable"
    )
    order = bars["y"]["scale"]["domain"]
    assert order == data["label"].tolist()
    starts = [selected.at[label.split(" ")[0], "start"].ordinal for label in order]
    assert starts == sorted(starts) and set(order) == set(data["label"])
    assert len(expected) == len(order)
    for pid, row in selected.iterrows():
        assert data.at[pid, "start_time"] == row["start"].start_time
        assert data.at[pid, "end_time"] == (row["finish"] + 1).start_time  # inclusive finish
        assert data.at[pid, "start"] == str(row["start"])
        assert data.at[pid, "committed"] == (row["reason"] in ("mandatory", "in_flight"))

    drawn = layer_data(chart, 1)
    assert sorted(
        zip(drawn["project_id"], drawn["other_id"], drawn["kind"], strict=True)
    ) == sorted(zip(links["project_id"], links["other_id"], links["kind"], strict=True))
    for link in drawn.itertuples():
        assert link.from_time == (plan.schedule.at[link.other_id, "finish"] + 1).start_time
        assert link.to_time == plan.schedule.at[link.project_id, "start"].start_time
        assert link.to_label == data.at[link.project_id, "label"]
    rules = encoding(spec, 1)
    assert (rules["y"]["field"], rules["y2"]["field"]) == ("from_label", "to_label")
    assert rules["strokeDash"]["field"] == "kind"
    assert spec["layer"][2]["mark"]["shape"] == "triangle-right"

    svg = render(chart, tmp_path, "roadmap")
    first = data.sort_values("start_time").index[0]
    assert first in svg and "Roadmap of the selected projects" in svg


def test_roadmap_without_dependencies_is_bars_only(plan: pa.Plan, tmp_path: Path) -> None:
    chart = roadmap_chart(plan.schedule, title="Plan A")
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar"]
    assert spec["title"]["text"] == "Plan A"
    render(chart, tmp_path, "bars")


def test_roadmap_ignores_links_to_projects_left_out(plan: pa.Plan, portfolio: pa.Portfolio) -> None:
    chosen = plan.selected
    left_out = plan.schedule.index[~plan.schedule["selected"]]
    deps = pd.DataFrame(
        {
            "project_id": [chosen[0], chosen[1]],
            "other_id": [left_out[0], chosen[0]],
            "kind": ["requires", "excludes"],
        }
    )
    spec = roadmap_chart(plan.schedule, deps).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar"]


def test_roadmap_reports_missing_columns(plan: pa.Plan) -> None:
    with pytest.raises(ValueError, match="the schedule lacks the column"):
        roadmap_chart(plan.schedule.drop(columns=["finish"]))
    with pytest.raises(ValueError, match=r"the dependencies frame lacks the column\(s\) kind"):
        roadmap_chart(plan.schedule, pd.DataFrame({"project_id": ["P001"], "other_id": ["P002"]}))


# --------------------------------------------------------------------------- spend vs budget
def test_spend_is_stacked_by_category_against_the_budget(
    plan: pa.Plan, portfolio: pa.Portfolio, tmp_path: Path
) -> None:
    chart = spend_vs_budget_chart(plan.spend, plan.utilisation)
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "tick", "text"]
    bars = encoding(spec, 0)
    assert (bars["y"]["field"], bars["y"]["aggregate"]) == ("cost", "sum")
    assert bars["color"]["field"] == "category"
    assert bars["x"]["sort"] == [str(p) for p in portfolio.horizon]
    assert spec["layer"][1]["mark"]["color"] == LIMIT_COLOUR
    assert encoding(spec, 1)["y"]["field"] == "budget"

    stacked = layer_data(chart, 0)
    per_period = stacked.groupby("period")["cost"].sum()
    budget_rows = plan.utilisation[plan.utilisation["resource"] == "budget"]
    used = pd.Series(budget_rows["used"].to_numpy(), index=budget_rows["period"].astype(str))
    assert per_period.reindex(used.index, fill_value=0.0).to_numpy() == pytest.approx(
        used.to_numpy()
    )
    budget = layer_data(chart, 1).set_index("period")
    expected = portfolio.budget_by_period()
    assert budget["budget"].to_numpy() == pytest.approx(expected.to_numpy())
    assert budget["share_text"].iloc[0] == f"{used.iloc[0] / expected.iloc[0]:.0%}"
    svg = render(chart, tmp_path, "spend")
    assert "Spend per period vs budget" in svg


def test_spend_without_a_budget_is_drawn_alone(portfolio: pa.Portfolio, tmp_path: Path) -> None:
    unbudgeted = portfolio.replace(budget=portfolio.budget.iloc[0:0])
    assert not unbudgeted.has_budget
    plan = pa.ranked_selection(unbudgeted)
    chart = spend_vs_budget_chart(plan.spend, plan.utilisation)
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar"]
    assert spec["title"]["subtitle"] == "Planned cost by category; no budget given"
    render(chart, tmp_path, "spend_alone")


def test_spend_chart_reports_missing_columns(plan: pa.Plan) -> None:
    with pytest.raises(ValueError, match=r"the spend frame lacks the column\(s\) category"):
        spend_vs_budget_chart(plan.spend.drop(columns="category"), plan.utilisation)
    with pytest.raises(ValueError, match=r"the utilisation frame lacks the column\(s\) available"):
        spend_vs_budget_chart(plan.spend, plan.utilisation.drop(columns="available"))


# --------------------------------------------------------------------------- capacity heatmap
def test_heatmap_of_a_plan_has_every_role_and_period_and_no_flags(
    plan: pa.Plan, portfolio: pa.Portfolio, tmp_path: Path
) -> None:
    chart = capacity_heatmap(plan.utilisation)
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text"]
    cells = encoding(spec, 0)
    assert (cells["x"]["field"], cells["y"]["field"]) == ("period", "role")
    assert cells["color"]["condition"] == {"test": "datum.over", "value": OVER_COLOUR}
    assert cells["color"]["field"] == "shown"
    assert cells["color"]["scale"] == {"scheme": "viridis", "domain": [0, 1]}
    assert encoding(spec, 1)["text"]["field"] == "text"
    data = layer_data(chart, 0)
    assert len(data) == len(portfolio.roles) * len(portfolio.horizon)
    assert "budget" not in set(data["role"])
    assert not data["over"].any()
    for row in data.itertuples():
        assert row.text == f"{row.used:.2f}".rstrip("0").rstrip(
            "."
        ) + "/" + f"{row.available:.2f}".rstrip("0").rstrip(".")
    assert "no role is over-allocated" in spec["title"]["subtitle"]
    render(chart, tmp_path, "heatmap")


def test_heatmap_flags_every_over_allocated_cell(overloaded: pd.DataFrame, tmp_path: Path) -> None:
    chart = capacity_heatmap(overloaded)
    data = layer_data(chart, 0)
    roles = overloaded[overloaded["resource"] != "budget"]
    expected = (roles["used"] > roles["available"] * (1 + 1e-6)).to_numpy()
    assert expected.any() and not expected.all()
    assert data["over"].to_numpy().tolist() == expected.tolist()
    assert data.loc[data["over"], "text"].str.startswith("! ").all()
    assert not data.loc[~data["over"], "text"].str.startswith("!").any()
    assert (data.loc[data["over"], "shown"] == 1.0).all()  # colour scale capped at 100 %
    spec = chart.to_dict()
    assert encoding(spec, 0)["strokeWidth"]["condition"] == {"test": "datum.over", "value": 3}
    assert f"{expected.sum()} over-allocated cell(s)" in spec["title"]["subtitle"]
    svg = render(chart, tmp_path, "heatmap_over")
    assert svg.count("! ") >= 1


def test_heatmap_flags_demand_where_there_is_no_capacity(portfolio: pa.Portfolio) -> None:
    capacity = portfolio.capacity
    role = portfolio.roles[0]
    gone = portfolio.replace(
        capacity=capacity.assign(fte=capacity["fte"].where(capacity["role"] != role, 0.0))
    )
    load = pa.utilisation(gone, pa.earliest_starts(gone))
    data = layer_data(capacity_heatmap(load), 0)
    mine = data[data["role"] == role]
    assert (mine["over"] == (mine["used"] > 0)).all() and mine["over"].any()
    assert mine["utilisation"].isna().all()  # inf and 0/0 are not drawn on the scale


def test_heatmap_reports_bad_input(plan: pa.Plan) -> None:
    budget_only = plan.utilisation[plan.utilisation["resource"] == "budget"]
    with pytest.raises(ValueError, match="has no role rows"):
        capacity_heatmap(budget_only)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) utilisation"):
        capacity_heatmap(plan.utilisation.drop(columns="utilisation"))


# --------------------------------------------------------------------------- manners
def test_charts_neither_save_nor_show_themselves(
    plan: pa.Plan, portfolio: pa.Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shown: list[object] = []
    monkeypatch.setattr(alt.LayerChart, "show", lambda self, *a, **k: shown.append(self))
    monkeypatch.setattr(alt.LayerChart, "save", lambda self, *a, **k: shown.append(self))
    charts = [
        roadmap_chart(plan.schedule, portfolio.dependencies),
        spend_vs_budget_chart(plan.spend, plan.utilisation),
        capacity_heatmap(plan.utilisation),
    ]
    assert all(isinstance(c, alt.LayerChart) for c in charts)
    assert os.listdir(tmp_path) == [] and shown == []
    assert [
        c.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        for c in charts
    ] == [True] * 3


def test_the_charts_package_exports_the_plan_charts() -> None:
    from pmo_analytics.charts import plan as module

    for name in ("roadmap_chart", "spend_vs_budget_chart", "capacity_heatmap"):
        assert getattr(pa.charts, name) is getattr(module, name)
