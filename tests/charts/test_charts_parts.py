"""The parts the chart modules share: column checks, period and group labels, stacked cost bars."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from pmo_analytics.charts._parts import (
    NO_GROUP,
    group_labels,
    human_label,
    money_title,
    period_labels,
    project_labels,
    require_columns,
    set_currency,
    stacked_cost_bars,
)
from pmo_analytics.charts.theme import CATEGORY_COLOURS, PALETTE


def test_require_columns_names_what_is_missing_and_what_is_needed():
    frame = pd.DataFrame({"period": [], "cost": []})
    require_columns(frame, ("period", "cost"), "the spend frame")  # complete: no error
    with pytest.raises(
        ValueError,
        match=r"^the spend frame lacks the column\(s\) category, fte; it needs period, "
        r"category, cost, fte$",
    ):
        require_columns(frame, ("period", "category", "cost", "fte"), "the spend frame")


def test_period_labels_keep_the_rows_and_order_the_labels_in_time():
    values = pd.Series([pd.Period("2027Q3"), pd.Period("2026Q4"), pd.Period("2027Q3")])
    labels, order = period_labels(values)
    assert labels.tolist() == ["2027Q3", "2026Q4", "2027Q3"]
    assert order == ["2026Q4", "2027Q3"]
    with pytest.raises(ValueError, match="must hold periods"):
        period_labels(pd.Series(["not a period"]))


def test_group_labels_show_blanks_as_none():
    values = pd.Series(["Run", None, np.nan, "Grow"], dtype=object)
    assert group_labels(values).tolist() == ["Run", NO_GROUP, NO_GROUP, "Grow"]


def stacked(by: str, groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2027Q1"] * len(groups) + ["2027Q2"] * len(groups),
            by: groups * 2,
            "cost": np.arange(2.0 * len(groups)),
        }
    )


def test_stacked_cost_bars_stack_in_the_order_their_legend_lists():
    x = alt.X("period:O")
    chart = stacked_cost_bars(stacked("category", ["Transform", "Run", "Zeta"]), x)
    spec = chart.to_dict()
    order = spec["encoding"]["order"]
    # a quantitative rank: an order channel on a nominal field makes Vega-Lite warn
    assert (order["field"], order["type"]) == ("stack_rank", "quantitative")
    ranks = chart.data.drop_duplicates("category").set_index("category")["stack_rank"]
    # Run at the bottom (rank 0), then Transform, then the other groups
    assert ranks.to_dict() == {"Run": 0, "Transform": 1, "Zeta": 2}
    # the legend lists the groups as they are stacked, top first
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Zeta", "Transform", "Run"]
    assert colour["scale"]["domain"] == sorted(ranks.index, key=ranks.get, reverse=True)
    assert colour["scale"]["range"][1:] == [CATEGORY_COLOURS["Transform"], CATEGORY_COLOURS["Run"]]
    assert (spec["encoding"]["y"]["field"], spec["encoding"]["y"]["aggregate"]) == ("cost", "sum")


def test_stacked_cost_bars_of_other_groups_take_the_palette():
    chart = stacked_cost_bars(
        stacked("business_unit", ["Ops", "Sales"]), alt.X("period:O"), by="business_unit"
    )
    spec = chart.to_dict()
    assert spec["encoding"]["color"]["field"] == "business_unit"
    assert spec["encoding"]["color"]["title"] == "Business unit"
    assert spec["encoding"]["color"]["scale"] == {
        "domain": ["Sales", "Ops"],
        "range": [PALETTE[1], PALETTE[0]],
    }


def test_human_labels_and_project_labels():
    assert human_label("operational_risk_reduction") == "Operational risk reduction"
    assert human_label("in_flight") == "In flight"
    assert human_label("Security Engineer") == "Security Engineer"
    names = pd.Series({"P1": "ERP upgrade", "P2": np.nan})
    assert project_labels(["P1", "P2", "P3"], names) == ["P1 · ERP upgrade", "P2", "P3"]


def test_money_titles_name_the_currency_given_or_set_for_the_session():
    assert money_title("Cost", "EUR") == "Cost [EUR]"
    assert money_title("Cost") == "Cost"
    try:
        set_currency("CHF")
        assert money_title("Cost") == "Cost [CHF]"
        assert money_title("Cost", "") == "Cost"  # explicitly none (the report)
    finally:
        set_currency(None)
    with pytest.raises(ValueError, match="currency must be a code such as 'EUR' or None"):
        set_currency("  ")
