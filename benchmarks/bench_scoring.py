"""Scoring, financials and ranking sensitivity at scale: 10,000 projects × 40 periods.

Setup (not timed) generates the portfolio with :func:`pmo_analytics.generate_portfolio`:
10,000 projects, a 40-quarter horizon, durations up to 36 quarters plus four quarters of
benefits (so up to 40 offsets of cash flows per project), five criteria scored 0–10.
"""

from __future__ import annotations

from benchmarks.harness import Case

N_PROJECTS = 10_000
N_PERIODS = 40


def build_portfolio():
    import pmo_analytics as pa

    return pa.generate_portfolio(
        N_PROJECTS, n_periods=N_PERIODS, n_roles=6, seed=0, max_duration=36
    )


def run_scoring(portfolio) -> dict:
    import pmo_analytics as pa

    scored = pa.score_projects(portfolio.scores, portfolio.criteria)
    return {"rows": len(scored), "projects": scored["project_id"].nunique()}


def run_financials(portfolio) -> dict:
    import pmo_analytics as pa

    fin = pa.project_financials(portfolio, discount_rate=0.08)
    offsets = int(portfolio.cashflows["offset"].max()) + 1
    return {
        "projects": len(fin),
        "offsets": offsets,
        "irr_found": int(fin["irr"].notna().sum()),
        "cashflow_rows": len(portfolio.cashflows),
    }


def build_scored():
    import pmo_analytics as pa

    portfolio = build_portfolio()
    return pa.score_projects(portfolio.scores, portfolio.criteria)


def run_sensitivity(scored) -> dict:
    import pmo_analytics as pa

    result = pa.ranking_sensitivity(scored, top_k=100, n_samples=1_000)
    return {"top_k": result.top_k, "samples": result.n_samples}


CASES = [
    Case("scoring", "score_projects 10k projects x 5 criteria", build_portfolio, run_scoring,
         target="well under 1 s"),
    Case("scoring", "project_financials 10k projects x 40 periods", build_portfolio, run_financials,
         target="well under 10 s"),
    Case("scoring", "ranking_sensitivity 10k, top 100, 1,000 draws", build_scored, run_sensitivity,
         target="seconds"),
]  # fmt: skip
