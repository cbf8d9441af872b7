"""report.html: one self-contained, escaped page with the plan's figures, charts and explanations.

(What each section says is tested in test_report_sections.py, the page in a real browser in
test_report_browser.py.)
"""

from __future__ import annotations

import json
import re

import markupsafe
import pandas as pd
import pytest
from report_helpers import nasty_plan, text_of

import pmo_analytics as pa
from pmo_analytics.report.html import CHART_IDS, report_html


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return nasty_plan()


@pytest.fixture(scope="module")
def frames(plan) -> dict[str, pd.DataFrame]:
    comparison = pd.DataFrame(
        {"scenario": ["Base", "<img src=x onerror=alert(2)>"], "objective": [plan.objective, 1.5]}
    )
    frontier = pd.DataFrame({"budget": [1e6, 2e6, 3e6], "objective": [10.0, 20.0, 22.0]})
    return {"comparison": comparison, "frontier": frontier}


@pytest.fixture(scope="module")
def page(plan, frames) -> str:
    return report_html(plan, **frames, explain=3)


def chart_specs(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="pmo-chart-specs">(.*?)</script>', page, re.S
    )
    assert match, "the chart specs are missing"
    return json.loads(match.group(1))


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    # nothing that would load from elsewhere: no external scripts, styles, images or frames
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script type="application/json" id="pmo-chart-specs">',
        "<script>",
        "<script>",
    ]
    markup = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    for pattern in (
        r"<link\b",
        r"<img\b",
        r"<iframe\b",
        r"@import",
        r"url\(",
        r"<[a-z][^>]*\b(?:src|href)=",
    ):
        assert not re.search(pattern, markup), pattern
    # the Vega libraries are inlined
    assert "window.vegaEmbed=" in page and "window.vegaLite=" in page
    for spec in chart_specs(page).values():
        assert "url" not in spec.get("data", {}), spec["data"]
        assert "datasets" in spec


def test_user_text_is_escaped(page):
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    visible = text_of(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in visible
    assert "&lt;img src=x onerror=alert(2)&gt;" in visible
    assert "Zürich Ærø 東京" in visible
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in visible  # markupsafe's entities
    # inside the embedded chart data too: no "<" can close the script element early
    raw = re.search(r'id="pmo-chart-specs">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw and ">" not in raw
    assert "\\u003cscript\\u003ealert(1)" in raw
    names = json.dumps(chart_specs(page), ensure_ascii=False)
    assert "<script>alert(1)</script>" in names and "Zürich Ærø 東京" in names


def test_charts_for_the_plan_and_the_optional_frames(page):
    specs = chart_specs(page)
    assert list(specs) == list(CHART_IDS)
    for chart_id in CHART_IDS:
        assert f'<div class="pmo-chart" id="{chart_id}"></div>' in page
    assert specs["chart-roadmap"]["layer"][0]["mark"]["type"] == "bar"
    assert specs["chart-frontier"]["layer"][0]["mark"]["type"] == "line"
    assert specs["chart-comparison"]["mark"]["type"] == "bar"
    assert specs["chart-roadmap"]["config"]["font"].startswith("Helvetica")  # the theme


def test_frames_without_chart_columns_are_tables_only_and_the_title_is_escaped(plan):
    odd = pd.DataFrame({"scenario_label": ["a", "b"], "spend": [1.0, 2.0]})
    page = report_html(plan, comparison=odd, frontier=odd, explain=0, title="Q3 <board> pack")
    assert set(chart_specs(page)) == {"chart-roadmap", "chart-spend", "chart-capacity"}
    assert page.count("<th>Scenario label</th>") == 2
    assert page.count("Q3 &lt;board&gt; pack") == 2  # <title> and <h1>
    assert 'id="excluded"' not in page


def test_result_objects_give_their_frames(plan):
    class Comparison:  # shaped like pmo_analytics.explore.scenarios.ScenarioComparison
        table = pd.DataFrame(
            {"objective": [3.0, 2.0], "budget_utilisation": [0.5, 0.25]},
            index=pd.Index(["base", "cut"], name="scenario"),
        )

    page = report_html(plan, comparison=Comparison(), explain=0)
    assert chart_specs(page)["chart-comparison"]["mark"]["type"] == "bar"
    assert "<th>Scenario</th>" in page and "<td>cut</td>" in page
    assert '<td class="num">25.0%</td>' in page  # a utilisation column reads as a share
    with pytest.raises(TypeError, match=r"expected a DataFrame or an object with a \.points"):
        report_html(plan, frontier=[1, 2], explain=0)


def test_infeasible_plan_shows_the_diagnosis_without_charts():
    portfolio = pa.generate_portfolio(10, n_periods=5, n_roles=2, seed=5, mandatory_share=0.3)
    plan = pa.optimise(portfolio, budget=1000)
    assert plan.status == "infeasible"
    page = report_html(plan)
    assert "Plan status: infeasible" in page
    assert "Why no plan satisfies the rules" in page
    for message in plan.diagnosis["message"]:
        assert str(markupsafe.escape(message)) in page
    assert "<script" not in page  # no charts, so no chart libraries either
    assert 'id="excluded"' not in page and 'id="binding"' not in page


def test_report_is_deterministic_and_written_atomically(plan, frames, page, tmp_path):
    out = pa.write_report(plan, tmp_path / "report.html", **frames, explain=3)
    assert out.read_bytes() == page.encode("utf-8")  # the same plan, the same page
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_negative_counts_are_refused(plan):
    with pytest.raises(ValueError, match=r"explain and what_if must be 0 or more \(got explain=-1"):
        report_html(plan, explain=-1)
