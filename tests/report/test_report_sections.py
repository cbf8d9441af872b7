"""The sections of report.html: the summary's figures, the plan table, what one more step of each
limit is worth, what changed at a replan and the explanations of the most valuable projects
left out, each made from a real plan (rendered through the real templates).

(The page that holds them is tested in test_report_html.py.)
"""

from __future__ import annotations

import html
import re

import pytest
from report_helpers import nasty_plan, text_of

import pmo_analytics as pa
from pmo_analytics.report._sections import (
    explanations_section,
    limits_section,
    plan_section,
    summary_section,
)


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return nasty_plan()


@pytest.fixture(scope="module")
def limits(plan):
    return pa.limit_worth(plan, evaluate=4, node_limit=50)


def test_summary_shows_status_value_spend_and_selection(plan):
    page = summary_section(plan, "")
    visible = text_of(page)
    assert "Plan status: optimal (proven best)" in visible
    assert f"{plan.value:,.2f}" in visible
    budget = float(plan.portfolio.budget_by_period().sum())
    assert f"{plan.total_cost:,.0f}" in visible
    assert f"of {budget:,.0f} budget ({plan.total_cost / budget:.1%})" in visible
    assert f"of {len(plan.portfolio.candidates())} candidates" in visible
    assert re.search(
        rf"Projects selected\s*</div>\s*<div class=\"figure\">{plan.n_selected}<", page
    )


def test_summary_gives_value_its_scale(plan):
    visible = html.unescape(text_of(summary_section(plan, "")))
    scale = pa.value_scale(plan)
    assert f"{plan.value / scale.total:.1%} of the {scale.total:,.2f} all candidates" in visible
    assert f"Value is measured in {scale.unit}" in visible


def test_plan_table_shows_every_project_and_its_status(plan):
    page = plan_section(plan, "")
    visible = text_of(page)
    for pid in plan.schedule.index:
        assert re.search(rf"<td>{pid}</td>", page), pid
    assert f"Selected ({plan.n_selected})" in visible
    assert f"Not in the plan ({len(plan.schedule) - plan.n_selected})" in visible
    selected = page.split("Not in the plan")[0]
    for pid, row in plan.schedule[plan.schedule["selected"]].iterrows():
        words = row["status"].replace("_", " ") + (", mandatory" if row["mandatory"] else "")
        assert re.search(rf"<td>{pid}</td>.*?<td>{words}</td>", selected), (pid, words)
    assert "<th>Status</th>" in selected


def test_limits_show_the_re_optimised_gain_its_range_and_the_lp_estimate(plan, limits):
    section = limits_section(plan, limits, "")
    visible = html.unescape(text_of(section))
    evaluated = limits[limits["gain"].notna()].sort_values("gain", ascending=False)
    assert len(evaluated) > 0
    for header in ("Gain (re-optimised)", "Proven range", "LP estimate"):
        assert header in visible
    body = section.split("<tbody>")[1]
    first = body.split("</tr>")[0]
    top = evaluated.iloc[0]
    assert f"<td>{top['limit']}</td><td>{top['period']}</td>" in first
    assert f"{top['gain']:,.2f}" in first
    assert "estimate" in visible and "shadow price" in visible
    assert f"all candidates together are worth {pa.value_scale(plan).total:,.2f}" in visible
    for text in pa.project_needs(plan)["text"]:
        assert text in visible


def test_no_limit_section_without_a_plan():
    portfolio = pa.generate_portfolio(10, n_periods=5, n_roles=2, seed=5, mandatory_share=0.3)
    plan = pa.optimise(portfolio, budget=1000)
    assert limits_section(plan, pa.limit_worth(plan), "") == ""


def test_explanations_of_the_most_valuable_excluded(plan):
    out = plan.schedule[
        ~plan.schedule["selected"] & ~plan.schedule["reason"].isin(["completed", "cancelled"])
    ]
    top = out.sort_values("value", ascending=False, kind="stable").index[:3]
    section = explanations_section(plan, 3, 0, "")
    assert section.count('class="explain"') == len(top)
    for pid in top:
        text = plan.explain(pid)
        assert text in html.unescape(section)


def test_what_if_re_solves_for_the_first_explanations(plan):
    section = explanations_section(plan, 2, 1, "")
    first, second = section.split('class="explain"')[1:3]
    assert "Forcing it in would cost" in first or "cannot be forced in" in first
    assert "Forcing it in" not in second and "cannot be forced in" not in second
