"""The sections of report.html: the summary's figures, the plan table, the binding limits and the
explanations of the most valuable projects left out, each made from a real plan.

(The page that holds them is tested in test_report_html.py.)
"""

from __future__ import annotations

import re

import pytest
from report_helpers import nasty_plan, text_of

import pmo_analytics as pa
from pmo_analytics.report._sections import (
    binding_section,
    explanations_section,
    plan_section,
    summary_section,
)


@pytest.fixture(scope="module")
def plan() -> pa.Plan:
    return nasty_plan()


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


def test_plan_table_and_binding_limits(plan):
    page = plan_section(plan, "") + binding_section(plan, "")
    visible = text_of(page)
    for pid in plan.schedule.index:
        assert re.search(rf"<td>{pid}</td>", page), pid
    assert f"Selected ({plan.n_selected})" in visible
    assert f"Not in the plan ({len(plan.schedule) - plan.n_selected})" in visible
    top = plan.binding.iloc[0]
    assert f"one more {top['resource']} FTE is worth about {top['shadow_price']:,.2f}" in visible


def test_binding_limits_show_the_most_valuable_first_and_say_how_many_more(plan):
    assert len(plan.binding) > 1, "the fixture must have several binding limits"
    section = binding_section(plan, "", top=1)
    assert section.count("<tr>") == 2  # the header and one limit
    assert f"The 1 most valuable of {len(plan.binding)} binding limits." in section


def test_explanations_of_the_most_valuable_excluded(plan):
    out = plan.schedule[
        ~plan.schedule["selected"] & ~plan.schedule["reason"].isin(["completed", "cancelled"])
    ]
    top = out.sort_values("value", ascending=False, kind="stable").index[:3]
    section = explanations_section(plan, 3, 0, "")
    assert section.count('class="explain"') == len(top)
    for pid in top:
        text = plan.explain(pid)
        assert text.replace("&", "&amp;") in section.replace("&#x27;", "'").replace("&quot;", '"')


def test_what_if_re_solves_for_the_first_explanations(plan):
    section = explanations_section(plan, 2, 1, "")
    first, second = section.split('class="explain"')[1:3]
    assert "Forcing it in would cost" in first or "cannot be forced in" in first
    assert "Forcing it in" not in second and "cannot be forced in" not in second
