"""The parts the chart modules share: column checks, period and group labels, stacked cost bars."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from pmo_analytics.charts._parts import (
    NO_GROUP,
    group_labels,
    period_labels,
    require_columns,
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


def test_stacked_cost_bars_stack_by_a_numeric_rank_in_group_order():
    x = alt.X("period:O")
    chart = stacked_cost_bars(stacked("category", ["Transform", "Run", "Zeta"]), x)
    spec = chart.to_dict()
    order = spec["encoding"]["order"]
    # a quantitative rank: an order channel on a nominal field makes Vega-Lite warn
    assert (order["field"], order["type"]) == ("stack_rank", "quantitative")
    ranks = chart.data.drop_duplicates("category").set_index("category")["stack_rank"]
    assert ranks.to_dict() == {"Transform": 1, "Run": 0, "Zeta": 2}
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == [*CATEGORY_COLOURS, "Zeta"]
    assert (spec["encoding"]["y"]["field"], spec["encoding"]["y"]["aggregate"]) == ("cost", "sum")


def test_stacked_cost_bars_of_other_groups_take_the_palette():
    chart = stacked_cost_bars(
        stacked("business_unit", ["Ops", "Sales"]), alt.X("period:O"), by="business_unit"
    )
    spec = chart.to_dict()
    assert spec["encoding"]["color"]["field"] == "business_unit"
    assert spec["encoding"]["color"]["title"] == "Business unit"
    assert spec["encoding"]["color"]["scale"] == {"range": PALETTE}
