"""project_overview, spend_by_group and the portfolio charts, rendered for real (vl-convert)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.charts import (
    chart_spec,
    cost_vs_budget_chart,
    portfolio_bubble_chart,
    save_chart,
)
from pmo_analytics.charts.theme import CATEGORY_COLOURS, LIMIT_COLOUR
from pmo_analytics.portfolio.overview import OVERVIEW_COLUMNS, project_overview, spend_by_group
from pmo_analytics.portfolio.utilisation import earliest_starts, utilisation

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample() -> pa.Portfolio:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return pa.load_portfolio(SAMPLE)


@pytest.fixture(scope="module")
def overview(sample: pa.Portfolio) -> pd.DataFrame:
    return project_overview(sample)


@pytest.fixture(scope="module")
def load(sample: pa.Portfolio) -> pd.DataFrame:
    return utilisation(sample, earliest_starts(sample))


def _data(spec: dict, layer: dict | None = None) -> list[dict]:
    """The inline rows of a chart (or layer) spec."""
    name = (layer or spec)["data"]["name"]
    return spec["datasets"][name]


# --------------------------------------------------------------------------- overview frames
def test_overview_has_one_row_per_project_with_totals(
    sample: pa.Portfolio, overview: pd.DataFrame
) -> None:
    assert list(overview.columns) == OVERVIEW_COLUMNS
    assert overview.index.equals(sample.projects.index)
    pd.testing.assert_series_equal(overview["cost"], sample.total_cost(), check_names=False)
    erp = overview.loc["P001"]
    assert erp["name"] == "ERP upgrade to S/4HANA"
    cashflows = sample.cashflows.query("project_id == 'P001'")
    assert erp["benefit"] == cashflows["benefit"].sum() > 0
    assert erp["fte"] == pytest.approx(sample.demand.query("project_id == 'P001'")["fte"].sum())
    assert erp["first_start"] == erp["last_start"] == pd.Period("2026Q2")
    closed = overview[overview["status"].isin(["completed", "cancelled"])]
    assert len(closed) and closed["first_start"].isna().all()
    assert overview["mandatory"].dtype == bool


def test_overview_of_a_project_without_demand_or_cashflows_is_zero() -> None:
    portfolio = pa.generate_portfolio(5, n_periods=4, n_roles=2, seed=4)
    lonely = portfolio.demand[portfolio.demand["project_id"] != "P001"]
    overview = project_overview(portfolio.replace(demand=lonely))
    assert overview.loc["P001", "fte"] == 0.0
    assert overview.loc["P002", "fte"] > 0


def test_spend_by_group_adds_up_to_the_cost_per_period(
    sample: pa.Portfolio, load: pd.DataFrame
) -> None:
    starts = earliest_starts(sample)
    spend = spend_by_group(sample, starts)
    assert list(spend.columns) == ["period", "category", "cost"]
    assert set(spend["category"]) == {"Run", "Grow", "Transform"}
    per_period = spend.groupby("period")["cost"].sum()
    budget = load[load["resource"] == "budget"].set_index("period")["used"]
    pd.testing.assert_series_equal(per_period, budget.loc[per_period.index], check_names=False)
    by_unit = spend_by_group(sample, starts, by="business_unit")
    assert by_unit["business_unit"].nunique() == 6
    assert by_unit["cost"].sum() == pytest.approx(spend["cost"].sum())


def test_spend_by_group_rejects_an_unknown_column(sample: pa.Portfolio) -> None:
    with pytest.raises(KeyError, match="cannot group spend by 'colour'.*valid: name"):
        spend_by_group(sample, earliest_starts(sample), by="colour")


# --------------------------------------------------------------------------- bubble chart
def test_bubble_chart_encodes_value_cost_demand_and_category(overview: pd.DataFrame) -> None:
    candidates = overview[~overview["status"].isin(["completed", "cancelled"])]
    spec = chart_spec(portfolio_bubble_chart(candidates, currency="EUR"))
    bubbles, leaders, *names = spec["layer"]
    encoding = bubbles["encoding"]
    assert bubbles["mark"]["type"] == "circle" and leaders["mark"]["type"] == "rule"
    assert [layer["mark"]["type"] for layer in names] == ["text", "text"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("cost", "strategic_value")
    assert encoding["x"]["title"] == "Total cost [EUR]"
    assert encoding["y"]["scale"]["domain"][0] == 0 == encoding["x"]["scale"]["domain"][0]
    assert encoding["size"]["field"] == "fte"
    assert encoding["color"]["field"] == "category"
    scale = encoding["color"]["scale"]
    assert scale["domain"][:3] == list(CATEGORY_COLOURS)
    assert scale["range"][:3] == list(CATEGORY_COLOURS.values())
    tooltip = {t["field"] for t in encoding["tooltip"]}
    assert tooltip == {
        "name",
        "project_id",
        "business_unit",
        "status",
        "strategic_value",
        "cost",
        "fte",
    }
    rows = _data(spec, bubbles)
    assert len(rows) == len(candidates)
    erp = next(r for r in rows if r["project_id"] == "P001")
    assert erp["cost"] == candidates.loc["P001", "cost"]
    assert erp["label"] == f"P001 · {candidates.loc['P001', 'name']}"
    assert spec["config"]["font"].startswith("Helvetica")  # the project theme
    # the 5 most valuable and the 5 most expensive are named beside their bubble
    written = [r for layer in names for r in _data(spec, layer)]
    named = {r["project_id"] for r in written}
    top_value = candidates.sort_values("strategic_value", ascending=False).index[:5]
    top_cost = candidates.sort_values("cost", ascending=False).index[:5]
    assert named == {*top_value, *top_cost}
    assert "5 most valuable and the 5 most expensive" in spec["title"]["subtitle"]
    # no two labels overlap (boxes of 5.9 px per character, 12 px high, around the anchor)
    boxes = []
    for r in written:
        px = r["label_x"] / encoding["x"]["scale"]["domain"][1] * 560
        py = 300 - r["label_y"] / encoding["y"]["scale"]["domain"][1] * 300
        w = 5.9 * len(r["label"])
        boxes.append((px if r["align"] == "left" else px - w, py - 6, w, 12))
    for k, (x0, y0, w0, h0) in enumerate(boxes):
        for x1, y1, w1, h1 in boxes[k + 1 :]:
            assert not (x0 < x1 + w1 and x1 < x0 + w0 and y0 < y1 + h1 and y1 < y0 + h0)
    chosen = chart_spec(portfolio_bubble_chart(candidates, labels=["P001"]))
    assert [r["project_id"] for layer in chosen["layer"][2:] for r in _data(chosen, layer)] == [
        "P001"
    ]
    unlabelled = chart_spec(portfolio_bubble_chart(candidates, labels=0))
    assert not [r for layer in unlabelled["layer"][2:] for r in _data(unlabelled, layer)]


def test_bubble_chart_renders_to_svg_and_png(overview: pd.DataFrame, tmp_path: Path) -> None:
    chart = portfolio_bubble_chart(overview)
    svg = save_chart(chart, tmp_path / "bubble.svg").read_text()
    assert svg.startswith("<svg") and "Strategic value" in svg
    assert svg.count("<path") >= len(overview)  # one mark per project at least
    png = save_chart(chart, tmp_path / "bubble.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_bubble_chart_names_a_missing_column(overview: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="lacks the column.*fte"):
        portfolio_bubble_chart(overview.drop(columns="fte"))


# --------------------------------------------------------------------------- cost vs budget
def test_cost_vs_budget_draws_cost_bars_under_the_budget_line(load: pd.DataFrame) -> None:
    spec = chart_spec(cost_vs_budget_chart(load))
    bars, line = spec["layer"]
    assert (bars["mark"]["type"], line["mark"]["type"]) == ("bar", "line")
    assert line["mark"]["color"] == LIMIT_COLOUR
    assert bars["encoding"]["x"]["field"] == line["encoding"]["x"]["field"] == "period"
    assert (bars["encoding"]["y"]["field"], line["encoding"]["y"]["field"]) == ("cost", "budget")
    budget = load[load["resource"] == "budget"]
    rows = _data(spec, spec)  # both layers share the top-level data
    assert [r["period"] for r in rows] == [str(p) for p in budget["period"]]
    assert [r["cost"] for r in rows] == budget["used"].tolist()
    assert [r["budget"] for r in rows] == budget["available"].tolist()
    assert bars["encoding"]["x"]["sort"] == [str(p) for p in budget["period"]]


def test_cost_vs_budget_stacks_spend_by_category(
    sample: pa.Portfolio, load: pd.DataFrame, tmp_path: Path
) -> None:
    spend = spend_by_group(sample, earliest_starts(sample))
    chart = cost_vs_budget_chart(load, spend)
    spec = chart_spec(chart)
    bars, line = spec["layer"]
    assert bars["encoding"]["color"]["field"] == "category"
    scale = bars["encoding"]["color"]["scale"]
    # legend top to bottom as stacked top to bottom: Transform, Grow, Run
    assert scale["domain"] == ["Transform", "Grow", "Run"]
    assert scale["range"] == [CATEGORY_COLOURS[c] for c in scale["domain"]]
    assert bars["encoding"]["y"]["aggregate"] == "sum"
    stacked = _data(spec, bars)
    assert sum(r["cost"] for r in stacked) == pytest.approx(spend["cost"].sum())
    assert line["encoding"]["y"]["field"] == "budget"
    svg = save_chart(chart, tmp_path / "cost.svg").read_text()
    assert svg.startswith("<svg") and "Transform" in svg and "2028Q4" in svg
    png = save_chart(chart, tmp_path / "cost.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 20_000


def test_cost_vs_budget_needs_a_budget(load: pd.DataFrame) -> None:
    roles_only = load[load["resource"] != "budget"]
    with pytest.raises(ValueError, match="no budget rows"):
        cost_vs_budget_chart(roles_only)
    with pytest.raises(ValueError, match="spend frame lacks the column.*category"):
        cost_vs_budget_chart(load, pd.DataFrame({"period": ["2027Q1"], "cost": [1.0]}))
