"""Shared by the tests of the plan charts (test_charts_roadmap.py, test_charts_plan.py): a small
portfolio and its optimal plan, built once per process, and real rendering through vl-convert."""

from __future__ import annotations

import functools
from pathlib import Path

import altair as alt
import pandas as pd

import pmo_analytics as pa
from pmo_analytics.charts import save_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@functools.cache
def linked_portfolio() -> pa.Portfolio:
    """14 generated projects; seed 11: the optimal plan holds a `follows` link between two
    selected projects (portfolios are immutable, so one serves every test)."""
    return pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=11, dependency_share=0.35)


@functools.cache
def linked_plan() -> pa.Plan:
    """The optimal plan of :func:`linked_portfolio`, checked (no test changes its frames)."""
    plan = pa.optimise(linked_portfolio())
    assert plan.status == "optimal" and pa.check_plan(plan).empty
    return plan


def render(chart: alt.TopLevelMixin, folder: Path, name: str) -> str:
    """Save as SVG and PNG for real; return the SVG text."""
    svg = save_chart(chart, folder / f"{name}.svg").read_text()
    assert svg.startswith("<svg")
    png = save_chart(chart, folder / f"{name}.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 5000
    return svg


def layer_data(chart: alt.LayerChart, i: int) -> pd.DataFrame:
    """The frame behind layer ``i`` (altair lifts data shared by every layer to the top)."""
    data = chart.layer[i].data
    data = chart.data if data is alt.Undefined else data
    assert isinstance(data, pd.DataFrame)
    return data


def encoding(spec: dict, i: int) -> dict:
    return spec["layer"][i]["encoding"]
