"""The capacity charts: shortfall heatmap and value-of-hiring curve, rendered with vl-convert."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.charts import (
    capacity_shortfall_heatmap,
    chart_spec,
    save_chart,
    value_of_hiring_chart,
)
from pmo_analytics.charts.capacity import SHORT_OUTLINE
from pmo_analytics.charts.theme import OVER_SCHEME, SEQUENTIAL_SCHEME


def _rows(spec: dict, layer: dict) -> list[dict]:
    """The inline rows of a layer (altair hoists data shared by every layer to the top)."""
    return spec["datasets"][layer.get("data", spec.get("data"))["name"]]


@pytest.fixture(scope="module")
def frame(sample_portfolio: pa.Portfolio) -> pd.DataFrame:
    return pa.capacity_demand(sample_portfolio)


def value_frame() -> pd.DataFrame:
    """Two roles, the second with a time-limited (feasible) step."""
    rows = []
    for role, gains, statuses in (
        ("Developer", [0.0, 4.0, 6.0, 7.0], ["optimal"] * 4),
        ("Tester", [0.0, 1.0, 1.0, 3.0], ["optimal", "optimal", "feasible", "optimal"]),
    ):
        for k, (gain, status) in enumerate(zip(gains, statuses, strict=True)):
            rows.append(
                {
                    "role": role,
                    "period": "all",
                    "fte_added": float(k),
                    "status": status,
                    "value_gained": gain,
                    "gain_low": gain,
                    "gain_high": gain + (2.5 if status == "feasible" else 0.0),
                    "gained_per_fte": gain / k if k else np.nan,
                    "marginal_gain": np.nan,
                    "shadow_price": 5.0,
                    "entered": "P001" if k else "",
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- heatmap
def test_heatmap_marks_every_short_cell_with_the_fte_missing(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    chart = capacity_shortfall_heatmap(frame)
    spec = chart_spec(chart)
    within, over, text = spec["layer"]
    assert [layer["mark"]["type"] for layer in (within, over, text)] == ["rect", "rect", "text"]
    cells = within
    rows = _rows(spec, cells)
    assert len(rows) == len(frame)
    short = [r for r in rows if r["short"]]
    assert len(short) == int((frame["shortfall"] > 0).sum()) > 0
    for r in short:
        assert r["text"] == f"−{r['shortfall']:.1f}"
    for r in rows:
        if not r["short"]:
            assert r["text"] == f"{r['utilisation']:.0%}"
    # cells within capacity: the sequential scale, busier = darker, up to 100 %; cells short of
    # people: outlined, on the over-limit scale from 100 % to the worst
    assert within["transform"] == [{"filter": "!datum.short"}]
    assert within["encoding"]["color"]["scale"] == {"domain": [0, 1], "scheme": SEQUENTIAL_SCHEME}
    assert over["transform"] == [{"filter": "datum.short"}]
    assert over["mark"]["stroke"] == SHORT_OUTLINE
    scale = over["encoding"]["color"]["scale"]
    assert scale["scheme"] == OVER_SCHEME and "reverse" not in scale
    assert scale["domain"] == [1, pytest.approx(frame["utilisation"].max())]
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    # roles ordered worst first: Developer lacks the most FTE-quarters on the sample
    order = cells["encoding"]["y"]["sort"]
    assert order[0] == pa.bottlenecks(frame, top=1)["role"].iloc[0] == "Developer"
    assert cells["encoding"]["x"]["sort"][0] == "2027Q1"
    svg = save_chart(chart, tmp_path / "heatmap.svg").read_text()
    assert svg.startswith("<svg") and "Developer" in svg and "−101.8" in svg
    png = save_chart(chart, tmp_path / "heatmap.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_of_a_plan_has_no_short_cells(
    small_portfolio: pa.Portfolio, tmp_path: Path
) -> None:
    plan = pa.optimise(small_portfolio, shadow_prices=False)
    chart = capacity_shortfall_heatmap(pa.capacity_demand(small_portfolio, plan))
    spec = chart_spec(chart)
    rows = _rows(spec, spec["layer"][0])
    assert not any(r["short"] for r in rows)
    assert "no role is short" in spec["title"]["subtitle"]
    assert spec["layer"][1]["encoding"]["color"]["scale"]["domain"] == [1, 1.5]
    assert save_chart(chart, tmp_path / "plan.svg").read_text().startswith("<svg")


def test_heatmap_draws_demand_without_capacity_at_the_top() -> None:
    frame = pd.DataFrame(
        {
            "role": ["Dev", "Dev"],
            "period": pd.PeriodIndex(["2027Q1", "2027Q2"], freq="Q"),
            "demand": [2.0, 0.0],
            "capacity": [0.0, 0.0],
            "utilisation": [np.inf, np.nan],
            "shortfall": [2.0, 0.0],
        }
    )
    spec = chart_spec(capacity_shortfall_heatmap(frame))
    rows = _rows(spec, spec["layer"][0])
    assert rows[0]["shown"] == 1.5 and rows[0]["text"] == "−2.0"
    assert rows[1]["shown"] is None and rows[1]["text"] == ""


def test_heatmap_errors(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="lacks the column.*shortfall"):
        capacity_shortfall_heatmap(frame.drop(columns="shortfall"))
    with pytest.raises(ValueError, match="the capacity frame is empty"):
        capacity_shortfall_heatmap(frame.iloc[:0])


# --------------------------------------------------------------------------- value of hiring
def test_value_chart_lines_band_and_hollow_unproven_points(tmp_path: Path) -> None:
    data = value_frame()
    chart = value_of_hiring_chart(data)
    spec = chart_spec(chart)
    band, line, points = spec["layer"]
    assert (band["mark"]["type"], line["mark"]["type"], points["mark"]["type"]) == (
        "area",
        "line",
        "point",
    )
    rows = _rows(spec, line)
    assert [r["series"] for r in rows] == ["Developer"] * 4 + ["Tester"] * 4
    assert [r["value_gained"] for r in rows] == data["value_gained"].tolist()
    assert [r["proven"] for r in rows].count(False) == 1
    assert band["encoding"]["y"]["field"] == "gain_low"
    assert band["encoding"]["y2"]["field"] == "gain_high"
    fill = points["encoding"]["fill"]
    assert fill["condition"]["test"] == "datum.proven" and fill["value"] == "#ffffff"
    assert points["encoding"]["color"]["sort"] == ["Developer", "Tester"]
    svg = save_chart(chart, tmp_path / "value.svg").read_text()
    assert svg.startswith("<svg") and "Tester" in svg


def test_value_chart_names_periods_and_draws_the_shadow_price(tmp_path: Path) -> None:
    data = value_frame().assign(period="2027Q3")
    spec = chart_spec(value_of_hiring_chart(data, show_shadow_price=True))
    assert len(spec["layer"]) == 4
    rows = _rows(spec, spec["layer"][3])
    assert rows[0]["series"] == "Developer in 2027Q3"
    assert [r["predicted"] for r in rows[:4]] == [0.0, 5.0, 10.0, 15.0]
    assert "shadow price" in spec["title"]["subtitle"]
    # without prices (NaN) nothing dashed is drawn
    plain = chart_spec(
        value_of_hiring_chart(data.assign(shadow_price=np.nan), show_shadow_price=True)
    )
    assert len(plain["layer"]) == 3
    png = save_chart(value_of_hiring_chart(data, show_shadow_price=True), tmp_path / "v.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_value_chart_of_a_real_run(small_portfolio: pa.Portfolio, tmp_path: Path) -> None:
    worth = pa.value_of_capacity(small_portfolio, "Role01", steps=(1,))
    chart = value_of_hiring_chart(worth)
    rows = _rows(chart_spec(chart), chart_spec(chart)["layer"][1])
    assert [r["fte_added"] for r in rows] == [0.0, 1.0]
    assert save_chart(chart, tmp_path / "real.svg").read_text().startswith("<svg")


def test_value_chart_errors() -> None:
    with pytest.raises(ValueError, match="lacks the column.*gain_high"):
        value_of_hiring_chart(value_frame().drop(columns="gain_high"))
    with pytest.raises(ValueError, match="the value-of-capacity frame is empty"):
        value_of_hiring_chart(value_frame().iloc[:0])
