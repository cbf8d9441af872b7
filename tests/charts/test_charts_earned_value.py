"""Earned-value charts, rendered for real with vl-convert."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import pmo_analytics as pa
import pmo_analytics.charts  # makes pa.charts available
from pmo_analytics.charts.theme import PALETTE


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(200, n_periods=8, n_roles=3, seed=6, in_flight_share=0.25)


@pytest.fixture(scope="module")
def ev(portfolio):
    return pa.earned_value(portfolio)


def test_s_curves_render_for_one_and_several_projects(portfolio, ev, tmp_path):
    curves = pa.earned_value_curves(portfolio)
    one = pa.charts.earned_value_chart(curves, projects=[ev.index[0]], currency="EUR")
    spec = one.to_dict()
    assert "facet" not in spec
    layers = spec["layer"]
    assert layers[0]["encoding"]["strokeDash"]["scale"]["range"][-1] == [6, 4]  # EAC dashed
    # drawn in this order: planned value wide and light underneath, earned value on top, so
    # a project exactly on plan shows both lines
    drawn = [layer["transform"][0]["filter"] for layer in layers]
    assert "'Planned value (PV)'" in drawn[0] and "'Earned value (EV)'" in drawn[-1]
    assert layers[0]["mark"]["strokeWidth"] >= 2 * layers[-1]["mark"]["strokeWidth"]
    assert layers[0]["encoding"]["y"]["title"] == "Cumulative amount [EUR]"
    svg = pa.charts.save_chart(one, tmp_path / "one.svg").read_text()
    assert svg.startswith("<svg") and "Forecast cost (EAC)" in svg
    assert f"{ev.index[0]} · {ev['name'].iloc[0]}" in json.dumps(spec, ensure_ascii=False)

    several = pa.charts.earned_value_chart(curves, projects=list(ev.index[:4]), columns=2)
    spec = several.to_dict()
    assert spec["columns"] == 2 and spec["facet"]["field"] == "project"
    assert spec["resolve"]["scale"]["y"] == "independent"
    png = pa.charts.save_chart(several, tmp_path / "several.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no curves for NOPE"):
        pa.charts.earned_value_chart(curves, projects=["NOPE"])
    with pytest.raises(ValueError, match="lacks the column"):
        pa.charts.earned_value_chart(curves.drop(columns="series"))


def test_quadrant_uses_colour_blind_safe_rag_colours_and_labels_quadrants(ev, tmp_path):
    chart = pa.charts.cpi_spi_chart(ev)
    spec = json.dumps(chart.to_dict())
    for colour in (PALETTE[2], PALETTE[1], PALETTE[5]):  # Okabe-Ito green, orange, vermilion
        assert colour in spec
    assert pa.charts.RAG_COLOURS["red"] == PALETTE[5]
    svg = pa.charts.save_chart(chart, tmp_path / "quadrant.svg").read_text()
    for label in (
        "Behind schedule, under budget",
        "Ahead of schedule, under budget",
        "Behind schedule, over budget",
        "Ahead of schedule, over budget",
    ):
        assert label in svg
    assert f"{ev.index[0]} · {ev['name'].iloc[0]}"[:20] in svg  # points name their project


def test_quadrant_leaves_out_projects_without_indices_and_says_so(ev, tmp_path):
    frame = ev.copy()
    frame.iloc[0, frame.columns.get_loc("cpi")] = float("nan")
    chart = pa.charts.cpi_spi_chart(frame, thresholds=pa.RagThresholds(schedule_index="spi"))
    spec = chart.to_dict()
    assert spec["title"]["subtitle"][1] == "1 left out: no cost or planned value yet"
    assert "SPI (>1 ahead)" in json.dumps(spec)
    saved = json.loads(pa.charts.save_chart(chart, tmp_path / "quadrant.json").read_text())
    assert len(saved["layer"]) == 4


def test_trend_chart_renders_projects_and_groups(portfolio, tmp_path):
    history = pa.earned_value_history(portfolio)
    first = list(history["project_id"].unique()[:3])
    chart = pa.charts.performance_trend_chart(
        history, units=first, names=portfolio.projects["name"]
    )
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "measure"
    rule, lines = spec["spec"]["layer"]
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["y"] == {"datum": 1}
    assert lines["encoding"]["color"]["title"] == "Project"
    svg = pa.charts.save_chart(chart, tmp_path / "trend.svg").read_text()
    assert f"{first[0]} · {portfolio.projects.loc[first[0], 'name']}"[:20] in svg
    trend = pa.portfolio_trend(portfolio, by="category")
    chart = pa.charts.performance_trend_chart(
        trend, unit="category", measures=["cpi", "spi", "spi_t"]
    )
    svg = pa.charts.save_chart(chart, tmp_path / "groups.svg").read_text()
    assert "SPI(t)" in svg
    with pytest.raises(ValueError, match="lacks the column"):
        pa.charts.performance_trend_chart(pd.DataFrame({"period": []}))
