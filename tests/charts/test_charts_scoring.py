"""Scoring, AHP, alignment and sensitivity charts: real specs, rendered offline by vl-convert."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics import charts
from pmo_analytics.scoring.ahp import GROUP


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(30, n_periods=8, seed=11)


@pytest.fixture(scope="module")
def scored(portfolio):
    return pa.score_projects(portfolio.scores, portfolio.criteria)


@pytest.fixture(scope="module")
def judgements():
    return pd.DataFrame(
        {
            "stakeholder": ["CFO"] * 3 + ["CIO"] * 3,
            "a": ["x", "x", "y"] * 2,
            "b": ["y", "z", "z"] * 2,
            "ratio": [2.0, 4.0, 2.0, 1 / 5, 5.0, 7.0],
        }
    )


def rendered(chart: alt.TopLevelMixin, tmp_path) -> str:
    """Render to SVG through the real vl-convert and return the text."""
    out = charts.save_chart(chart, tmp_path / "chart.svg")
    text = out.read_text()
    assert text.startswith("<svg")
    return text


def test_criteria_contribution_chart(scored, tmp_path):
    names = {p: f"Project {p}" for p in scored["project_id"]}
    chart = charts.criteria_contribution_chart(scored, top=10, names=names)
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["aggregate"] == "sum"
    # criteria in words, projects by id and name
    words = [c.replace("_", " ").capitalize() for c in pd.unique(scored["criterion"])]
    assert spec["encoding"]["color"]["scale"]["domain"] == words
    best = scored[scored["rank"] == 1]["project_id"].iloc[0]
    assert spec["encoding"]["y"]["sort"][0] == f"{best} · Project {best}"
    assert len(spec["encoding"]["y"]["sort"]) == 10
    svg = rendered(chart, tmp_path)
    assert f"{best} · Project {best}" in svg and "_" not in "".join(words)
    bare = charts.criteria_contribution_chart(scored, top=3).to_dict()
    assert bare["encoding"]["y"]["sort"][0] == best  # without names: the id


def test_ahp_weights_chart_labels_each_stakeholder_with_its_consistency(judgements, tmp_path):
    result = pa.ahp_weights(judgements)
    chart = charts.ahp_weights_chart(result)
    spec = chart.to_dict()
    domain = spec["encoding"]["color"]["scale"]["domain"]
    assert domain[-1].startswith("Group (CR")
    assert domain[-1].endswith(")")
    assert spec["encoding"]["color"]["scale"]["range"][-1] == "#000000"
    cio = result.stakeholder_consistency.loc["CIO", "consistency_ratio"]
    assert cio > 0.10
    assert f"CIO (CR {cio:.3f}) ✗ revisit" in domain
    svg = rendered(chart, tmp_path)
    assert "revisit" in svg
    # the frame works as well as the result
    assert (
        charts.ahp_weights_chart(result.stakeholder_weights).to_dict()["encoding"]["x"]["field"]
        == "weight"
    )
    with pytest.raises(TypeError, match="give an AHPResult"):
        charts.ahp_weights_chart(42)


def test_strategic_alignment_chart(portfolio, tmp_path):
    table = pa.strategic_alignment(portfolio, portfolio.projects.index[:10])
    chart = charts.strategic_alignment_chart(table)
    spec = chart.to_dict()
    assert spec["facet"]["row"]["field"] == "dimension"
    assert spec["spec"]["encoding"]["color"]["scale"]["domain"] == [
        "Value (selection)", "Spend (selection)", "Value (all candidates)", "Target (criteria weight)",
    ]  # fmt: skip
    svg = rendered(chart, tmp_path)
    assert "Business unit" in svg and "business_unit" not in svg
    with pytest.raises(ValueError, match="lacks the column"):
        charts.strategic_alignment_chart(table.drop(columns="value_share"))


def test_tipping_point_chart(scored, tmp_path):
    result = pa.ranking_sensitivity(scored, top_k=5, n_samples=100)
    names = {p: f"Project {p}" for p in scored["project_id"]}
    chart = charts.tipping_point_chart(result, names=names)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "How far each weight can move before the top 5 changes"
    assert len(spec["layer"]) == 4
    svg = rendered(chart, tmp_path)
    entering = result.tipping_points["enters_at_high"].dropna()
    assert not entering.empty
    first = entering.iloc[0].split(", ")[0]
    assert f"+{first} · Project {first}" in svg
    assert (
        charts.tipping_point_chart(result.tipping_points).to_dict()["layer"][0]["mark"]["type"]
        == "bar"
    )


def test_rank_distribution_chart(scored, tmp_path):
    result = pa.ranking_sensitivity(scored, top_k=5, n_samples=200)
    chart = charts.rank_distribution_chart(result, top=8)
    spec = chart.to_dict()
    order = spec["encoding"]["y"]["sort"]
    assert len(order) == 8
    first = result.top_k_probability.index[0]
    assert order[0].startswith(f"{first} (")  # no names given: the id
    assert "in top 5" in order[0]
    rendered(chart, tmp_path)
    plain = charts.rank_distribution_chart(result.rank_distribution, top=3).to_dict()
    assert plain["encoding"]["y"]["sort"] == list(result.top_k_probability.index[:3])
    named = charts.rank_distribution_chart(result, top=2, names={first: "Alpha"}).to_dict()
    assert named["encoding"]["y"]["sort"][0].startswith(f"{first} · Alpha (")
    assert named["encoding"]["color"]["scale"]["scheme"] == "blues"
    with pytest.raises(ValueError, match="lacks probability"):
        charts.rank_distribution_chart(result.rank_distribution.drop(columns="probability"))


def test_charts_on_the_sample_portfolio(sample_portfolio, tmp_path):
    result = pa.ahp_weights(sample_portfolio.comparisons)
    assert GROUP in set(result.stakeholder_weights["stakeholder"])
    rendered(charts.ahp_weights_chart(result), tmp_path)
