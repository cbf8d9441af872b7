"""A portfolio whose text would bite a spreadsheet or a browser, for the leadership-pack tests."""

from __future__ import annotations

import functools
import re

import pmo_analytics as pa
from pmo_analytics import safety

#: Names a spreadsheet would run as formulas, markup, and non-ASCII text.
NASTY = [
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+1",
    "-2",
    "<script>alert(1)</script>",
    "Zürich Ærø 東京",
]
RISKY = [n for n in NASTY if n.startswith(safety.FORMULA_PREFIXES)]
#: The business unit given to one selected project.
RISKY_UNIT = "=1+1"


@functools.cache
def nasty_portfolio() -> pa.Portfolio:
    """A synthetic portfolio with :data:`NASTY` names on selected and on the most valuable
    excluded projects (names do not change the plan, so the optimum is known up front), so
    that the names reach the roadmap, the tables and the explanations. Built once per process
    (portfolios are immutable)."""
    portfolio = pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=3)
    plan = pa.optimise(portfolio, shadow_prices=False)
    schedule = plan.schedule
    excluded = schedule[
        ~schedule["selected"] & ~schedule["reason"].isin(["completed", "cancelled"])
    ]
    excluded = excluded.sort_values("value", ascending=False, kind="stable").index
    chosen = [*plan.selected[:3], *excluded[:3]]
    assert len(chosen) == len(NASTY), "the portfolio needs 3 selected and 3 excluded projects"
    projects = portfolio.projects.copy()
    # markup, non-ASCII and a formula on selected projects (the roadmap), the rest on excluded
    projects.loc[chosen, "name"] = [NASTY[i] for i in (4, 5, 0, 1, 2, 3)]
    projects.loc[plan.selected[0], "business_unit"] = RISKY_UNIT
    return portfolio.replace(projects=projects)


@functools.cache
def nasty_plan() -> pa.Plan:
    """The optimal plan of :func:`nasty_portfolio`, checked (built once per process; a Plan is
    a frozen result, and no test changes its frames)."""
    plan = pa.optimise(nasty_portfolio())
    assert plan.status == "optimal"
    assert pa.check_plan(plan).empty
    return plan


def text_of(page: str) -> str:
    """The page without its scripts and tags (what a reader sees), entities left as they are."""
    body = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)
