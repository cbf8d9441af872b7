"""Every chart keeps the theme's conventions (``pmo_analytics.charts.theme``).

Each chart function the package exports is drawn from real results (the sample portfolio's
scores, AHP judgements and earned value; a small generated portfolio's plan, scenarios,
frontier, capacity and Monte Carlo) and its Vega-Lite spec is walked:

- colour scales of quantities use the sequential scheme (more = darker) or the over-limit one,
  never reversed;
- no title, subtitle, axis or legend title says ``[currency]`` literally, shows an identifier
  in snake_case or names a colour in words;
- positional value axes start at zero, except the few that show on the chart why not;
- it renders (vl-convert, PNG) — the PNGs land in ``tests/artifacts/charts/`` for a look.

A chart function added to the package without a case here fails the first test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import altair as alt
import pytest
from chart_helpers import PNG_SIGNATURE, linked_plan, linked_portfolio
from uncertainty_helpers import small_result

import pmo_analytics as pa
from pmo_analytics import charts
from pmo_analytics.charts.theme import DIVERGING_SCHEME, OVER_SCHEME, SEQUENTIAL_SCHEME

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "charts"
#: Positional axes that do not start at zero, and what on the chart says why.
NOT_FROM_ZERO = {
    ("cpi_spi_chart", "x"): "indices around 1: reference lines and quadrants at 1",
    ("cpi_spi_chart", "y"): "indices around 1: reference lines and quadrants at 1",
    ("performance_trend_chart", "y"): "indices around 1: the dashed line at 1",
    ("value_distribution_chart", "x"): "a histogram's bins; the counts start at zero",
}
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
COLOUR_WORDS = re.compile(r"\b(red|orange|green|blue|yellow|purple|vermilion|grey|gray)\b", re.I)


def _cases(sample: pa.Portfolio) -> dict[str, Callable[[], alt.TopLevelMixin]]:
    """Each exported chart function, drawn from real results."""
    names = sample.projects["name"]
    scored = pa.score_projects(sample.scores, sample.criteria)
    ahp = pa.ahp_weights(sample.comparisons)
    sensitivity = pa.ranking_sensitivity(scored, top_k=10, n_samples=200)
    portfolio, plan = linked_portfolio(), linked_plan()
    overview = pa.project_overview(sample)
    usage = pa.utilisation(sample, pa.earliest_starts(sample))
    spend = pa.spend_by_group(sample, pa.earliest_starts(sample))
    ev = pa.earned_value(sample)
    in_flight = ev[ev["status"] == "in_flight"]
    history = pa.earned_value_history(sample)
    options = pa.OptimiseOptions(time_limit=20, shadow_prices=False)
    comparison = pa.run_scenarios(
        portfolio, [{"name": "Budget -30%", "budget": {"scale": 0.7}}], options=options
    )
    role = portfolio.roles[0]
    return {
        "portfolio_bubble_chart": lambda: charts.portfolio_bubble_chart(overview),
        "cost_vs_budget_chart": lambda: charts.cost_vs_budget_chart(usage, spend),
        "criteria_contribution_chart": lambda: charts.criteria_contribution_chart(
            scored, names=names
        ),
        "ahp_weights_chart": lambda: charts.ahp_weights_chart(ahp),
        "strategic_alignment_chart": lambda: charts.strategic_alignment_chart(
            pa.strategic_alignment(sample, sample.projects.index[:20])
        ),
        "tipping_point_chart": lambda: charts.tipping_point_chart(sensitivity, names=names),
        "rank_distribution_chart": lambda: charts.rank_distribution_chart(sensitivity, names=names),
        "roadmap_chart": lambda: charts.roadmap_chart(plan.schedule, portfolio.dependencies),
        "spend_vs_budget_chart": lambda: charts.spend_vs_budget_chart(plan.spend, plan.utilisation),
        "capacity_heatmap": lambda: charts.capacity_heatmap(usage),
        "capacity_shortfall_heatmap": lambda: charts.capacity_shortfall_heatmap(
            pa.capacity_demand(sample)
        ),
        "value_of_hiring_chart": lambda: charts.value_of_hiring_chart(
            pa.value_of_capacity(portfolio, role, steps=(1, 2), options=options)
        ),
        "frontier_chart": lambda: charts.frontier_chart(
            pa.efficient_frontier(portfolio, budget_scales=[0.6, 0.8, 1.0], options=options)
        ),
        "scenario_comparison_chart": lambda: charts.scenario_comparison_chart(comparison),
        "scenario_changes_chart": lambda: charts.scenario_changes_chart(comparison),
        "earned_value_chart": lambda: charts.earned_value_chart(
            pa.earned_value_curves(sample), projects=list(in_flight.index[:4]), columns=2
        ),
        "cpi_spi_chart": lambda: charts.cpi_spi_chart(in_flight),
        "performance_trend_chart": lambda: charts.performance_trend_chart(
            history, units=list(in_flight.index[:4]), names=names
        ),
        "core_index_chart": lambda: charts.core_index_chart(small_result()),
        "value_distribution_chart": lambda: charts.value_distribution_chart(small_result()),
        "overrun_chart": lambda: charts.overrun_chart(small_result()),
    }


@pytest.fixture(scope="module")
def drawn(sample_portfolio: pa.Portfolio) -> dict[str, dict]:
    """Every chart's spec (with the theme), each also rendered to PNG in the artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    specs = {}
    for name, make in _cases(sample_portfolio).items():
        chart = make()
        path = charts.save_chart(chart, ARTIFACTS / f"{name}.png")
        assert path.read_bytes().startswith(PNG_SIGNATURE), name
        specs[name] = charts.chart_spec(chart)
    return specs


def test_every_exported_chart_function_is_checked(drawn: dict[str, dict]) -> None:
    exported = {
        n for n in charts.__all__ if n.endswith(("_chart", "_heatmap")) and n != "save_chart"
    }
    assert exported == set(drawn)


def _walk(node: object, key: str = "") -> Iterator[tuple[str, object]]:
    """Every (key, value) in a spec, depth first."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


def _titles(spec: dict) -> list[str]:
    """Every title and subtitle text in a spec (charts, axes, legends, tooltips excluded)."""
    found = []
    for key, value in _walk({k: v for k, v in spec.items() if k not in ("datasets", "data")}):
        if key in ("title", "subtitle", "text") and isinstance(value, str):
            found.append(value)
        elif key in ("title", "subtitle") and isinstance(value, list):
            found += [str(v) for v in value]
    return found


def test_quantities_are_coloured_more_is_darker(drawn: dict[str, dict]) -> None:
    for name, spec in drawn.items():
        for key, value in _walk(spec):
            if key == "scale" and isinstance(value, dict) and "scheme" in value:
                assert value["scheme"] in (SEQUENTIAL_SCHEME, OVER_SCHEME), (name, value)
                assert not value.get("reverse"), (name, value)
                assert value["scheme"] != DIVERGING_SCHEME or "domainMid" in value, name


def test_titles_are_in_words_with_real_units_and_no_colour_names(drawn: dict[str, dict]) -> None:
    for name, spec in drawn.items():
        for text in _titles(spec):
            assert "[currency]" not in text, (name, text)
            assert not SNAKE.search(text), (name, text)
            assert not COLOUR_WORDS.search(text), (name, text)


def test_value_axes_start_at_zero_unless_the_chart_shows_why(drawn: dict[str, dict]) -> None:
    cut = set()
    for name, spec in drawn.items():
        for key, value in _walk(spec):
            if (
                key in ("x", "y")
                and isinstance(value, dict)
                and value.get("type") == "quantitative"
            ):
                scale = value.get("scale", {})
                if scale.get("zero") is False or (
                    "domain" in scale
                    and isinstance(scale["domain"], list)
                    and scale["domain"][0] > 0
                ):
                    cut.add((name, key))
    assert cut <= set(NOT_FROM_ZERO), cut - set(NOT_FROM_ZERO)


def test_the_walk_sees_titles_and_scales(drawn: dict[str, dict]) -> None:
    """The checks above look at something: titles of every chart, the heatmaps' schemes."""
    assert all(_titles(spec) for spec in drawn.values())
    titles = _titles(drawn["frontier_chart"])
    assert "Strategic value" in titles and "Budget over the horizon" in titles
    schemes = [
        v["scheme"] for k, v in _walk(drawn["overrun_chart"]) if k == "scale" and "scheme" in v
    ]
    assert schemes == [SEQUENTIAL_SCHEME]
