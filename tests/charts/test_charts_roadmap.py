"""The roadmap of a plan, rendered for real: one bar per selected project from its start to its
finish, coloured by category, with arrows from each prerequisite to its dependent project.

The chart is drawn from a real plan of a small generated portfolio, its Vega-Lite spec is checked
(fields, marks, links) and it is rendered to SVG and PNG through vl-convert.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from chart_helpers import encoding, layer_data, linked_plan, linked_portfolio, render

import pmo_analytics as pa
from pmo_analytics.charts import roadmap_chart
from pmo_analytics.charts.theme import CATEGORY_COLOURS


@pytest.fixture(scope="module")
def portfolio() -> pa.Portfolio:
    return linked_portfolio()


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return linked_plan()


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
        mine = plan.schedule.at[link.project_id, "start"].start_time
        theirs = plan.schedule.at[link.other_id, "start"].start_time
        if link.kind == "follows":  # from the prerequisite's end to the start: forward in time
            assert link.from_time == (plan.schedule.at[link.other_id, "finish"] + 1).start_time
            assert link.to_time == mine
        else:  # requires: no order in time, a vertical line at the later start
            assert link.from_time == link.to_time == max(mine, theirs)
        assert link.from_time <= link.to_time  # no link runs back in time
        assert link.to_label == data.at[link.project_id, "label"]
    heads = layer_data(chart, 2)
    assert set(heads["kind"]) <= {"follows"}  # arrow heads only where order matters
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


def test_the_charts_package_exports_the_roadmap() -> None:
    from pmo_analytics.charts import roadmap as module

    assert pa.charts.roadmap_chart is module.roadmap_chart


def test_a_requires_link_never_runs_back_in_time() -> None:
    """A portal that requires a gateway yet starts first: joined straight across at the later
    start, with no arrow head (requires says nothing of order); a follows link keeps its arrow."""
    periods = pd.PeriodIndex(["2027Q1", "2027Q3", "2028Q1"], freq="Q")
    schedule = pd.DataFrame(
        {
            "name": ["Portal", "Gateway", "App"],
            "category": ["Grow"] * 3,
            "selected": True,
            "start": periods,
            "finish": periods + 1,
        },
        index=pd.Index(["P031", "P040", "P032"], name="project_id"),
    )
    deps = pd.DataFrame(
        {
            "project_id": ["P031", "P032"],
            "other_id": ["P040", "P031"],
            "kind": ["requires", "follows"],
        }
    )
    chart = roadmap_chart(schedule, deps)
    drawn = layer_data(chart, 1).set_index("project_id")
    gateway_start = pd.Period("2027Q3", freq="Q").start_time
    assert drawn.at["P031", "from_time"] == drawn.at["P031", "to_time"] == gateway_start
    assert drawn.at["P032", "from_time"] == pd.Period("2027Q3", freq="Q").start_time
    assert drawn.at["P032", "to_time"] == pd.Period("2028Q1", freq="Q").start_time
    assert layer_data(chart, 2)["project_id"].tolist() == ["P032"]
