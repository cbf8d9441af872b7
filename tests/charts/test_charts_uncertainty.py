"""The robustness charts: core index, value distribution and overrun heatmap, rendered with
vl-convert."""

from __future__ import annotations

import pytest
from uncertainty_helpers import small_result

from pmo_analytics import charts


@pytest.fixture(scope="module")
def result():
    return small_result()


def rendered(chart, tmp_path) -> str:
    out = charts.save_chart(chart, tmp_path / "chart.svg")
    text = out.read_text()
    assert text.startswith("<svg")
    return text


def test_core_index_chart(result, tmp_path):
    chart = charts.core_index_chart(result)
    spec = chart.to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["field"] == "frequency"
    core = result.core_index
    shown = core[(core["frequency"] > 0) & ~core["must"]]
    assert len(bars["encoding"]["y"]["sort"]) == len(shown)
    everything = charts.core_index_chart(result, show_must=True).to_dict()["layer"][0]
    assert len(everything["encoding"]["y"]["sort"]) == (core["frequency"] > 0).sum()
    first = bars["encoding"]["y"]["sort"][0].split(" ")[0]
    assert shown.at[first, "frequency"] == shown["frequency"].max()
    assert "Core index" in rendered(chart, tmp_path)
    with pytest.raises(ValueError, match="lacks frequency"):
        charts.core_index_chart(result.core_index.drop(columns="frequency"))


def test_value_distribution_and_overrun_charts(result, tmp_path):
    chart = charts.value_distribution_chart(result)
    layers = chart.to_dict()["layer"]
    assert layers[-1]["encoding"]["x"]["field"] == "plan_value"
    rendered(chart, tmp_path)
    heat = charts.overrun_chart(result)
    spec = heat.to_dict()
    assert spec["encoding"]["color"]["field"] == "p_overrun"
    assert spec["encoding"]["y"]["sort"][0] == "budget"
    assert "overruns" in rendered(heat, tmp_path)
    alone = charts.value_distribution_chart(result.values, plan_value=1.0).to_dict()
    marker = alone["datasets"][alone["layer"][-1]["data"]["name"]]
    assert marker == [{"plan_value": 1.0, "label": "chosen plan"}]
    assert len(charts.value_distribution_chart(result.values).to_dict()["layer"]) == 2
    with pytest.raises(TypeError, match="values Series"):
        charts.value_distribution_chart([1.0, 2.0])
