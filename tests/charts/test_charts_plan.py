"""The charts of a plan's resources — spend vs budget, capacity heatmap — rendered for real.

Every chart is drawn from a real plan of a small generated portfolio (and the capacity heatmap
also from the over-allocated load of every candidate at its earliest start), its Vega-Lite spec
is checked (fields, marks, flags) and it is rendered to SVG and PNG through vl-convert. (The
roadmap is tested in test_charts_roadmap.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from chart_helpers import encoding, layer_data, linked_plan, linked_portfolio, render

import pmo_analytics as pa
from pmo_analytics.charts import capacity_heatmap, roadmap_chart, spend_vs_budget_chart
from pmo_analytics.charts.plan import OVER_COLOUR
from pmo_analytics.charts.theme import LIMIT_COLOUR, SEQUENTIAL_SCHEME


@pytest.fixture(scope="module")
def portfolio() -> pa.Portfolio:
    return linked_portfolio()


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return linked_plan()


@pytest.fixture(scope="module")
def overloaded(portfolio: pa.Portfolio, plan: pa.Plan) -> pd.DataFrame:
    """The plan with two projects it left out squeezed in at their earliest starts: demand
    over capacity in some cells, not in all."""
    left_out = plan.schedule.index[
        ~plan.schedule["selected"] & (plan.schedule["reason"] != "value")
    ]
    extra = pa.earliest_starts(portfolio).reindex(left_out[:2])
    return pa.utilisation(portfolio, pd.concat([plan.starts, extra]))


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
    assert cells["color"]["scale"] == {"scheme": SEQUENTIAL_SCHEME, "domain": [0, 1]}
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

    for name in ("spend_vs_budget_chart", "capacity_heatmap"):
        assert getattr(pa.charts, name) is getattr(module, name)


def test_spend_stacks_the_categories_by_a_numeric_rank(plan: pa.Plan) -> None:
    chart = spend_vs_budget_chart(plan.spend, plan.utilisation)
    order = encoding(chart.to_dict(), 0)["order"]
    # an order channel on the nominal category made Vega-Lite warn in the browser
    assert (order["field"], order["type"]) == ("stack_rank", "quantitative")
    ranks = layer_data(chart, 0).drop_duplicates("category").set_index("category")["stack_rank"]
    assert ranks.sort_index().tolist() == list(range(len(ranks)))
