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
    first = bars["encoding"]["y"]["sort"][0].split(" · ")[0]
    assert shown.at[first, "frequency"] == shown["frequency"].max()
    assert "Core index" in rendered(chart, tmp_path)
    with pytest.raises(ValueError, match="lacks frequency"):
        charts.core_index_chart(result.core_index.drop(columns="frequency"))


def test_value_distribution_counts_samples_in_whole_numbers_and_names_its_lines(result, tmp_path):
    chart = charts.value_distribution_chart(result)
    spec = chart.to_dict()
    bars, lines = spec["layer"]
    counts = spec["datasets"][bars["data"]["name"]]
    assert sum(row["samples"] for row in counts) == result.values.notna().sum()
    # the count axis: whole numbers from zero, each once (it read 0, 1, 1, 2, 2)
    ticks = bars["encoding"]["y"]["axis"]["values"]
    assert ticks[0] == 0 and all(isinstance(t, int) for t in ticks)
    assert len(set(ticks)) == len(ticks) and ticks[-1] >= max(row["samples"] for row in counts)
    # the median and the chosen plan told apart by a legend, not by a colour named in words
    marks = spec["datasets"][lines["data"]["name"]]
    assert [m["mark"] for m in marks] == ["Median of the samples", "Chosen plan, as planned"]
    assert marks[1]["value"] == pytest.approx(result.plan.value)
    assert lines["encoding"]["color"]["scale"]["domain"] == [m["mark"] for m in marks]
    for word in ("red", "orange", "vermilion"):
        assert word not in spec["title"]["subtitle"].lower()
    svg = rendered(chart, tmp_path)
    assert "Chosen plan, as planned" in svg
    alone = charts.value_distribution_chart(result.values).to_dict()
    assert [m["mark"] for m in alone["datasets"][alone["layer"][1]["data"]["name"]]] == [
        "Median of the samples"
    ]
    with pytest.raises(TypeError, match="values Series"):
        charts.value_distribution_chart([1.0, 2.0])


def test_overrun_chart_is_darker_where_an_overrun_is_likelier(result, tmp_path):
    heat = charts.overrun_chart(result)
    spec = heat.to_dict()
    assert spec["encoding"]["color"]["field"] == "p_overrun"
    assert spec["encoding"]["color"]["scale"] == {"domain": [0, 1], "scheme": "blues"}
    assert spec["encoding"]["y"]["sort"][0] == "Budget"
    assert "overruns" in rendered(heat, tmp_path)
