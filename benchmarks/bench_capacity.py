"""Capacity views and the hiring MIP at scale.

- Demand against capacity and the bottlenecks for 2,000 synthetic projects × 24 quarters × 12
  roles, everything at its earliest start (vectorised placement; no solver).
- The closed-form hiring answer (fixed starts) for the same portfolio.
- The hiring MIP (flexible starts within windows of 4 quarters, budget kept) for 300 of 400
  synthetic projects, with a 60 s limit; and for the strategic programme of notebook 05 on the
  sample portfolio.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from benchmarks.harness import Case

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
PROGRAMME = ["P046", "P033", "P065", "P047", "P036", "P029", "P027", "P020", "P021", "P078"]


def _large():
    from pmo_analytics import generate_portfolio

    return generate_portfolio(2_000, n_periods=24, n_roles=12, seed=5, dependency_share=0.0)


def _medium():
    from pmo_analytics import generate_portfolio

    portfolio = generate_portfolio(400, n_periods=12, n_roles=8, seed=11, dependency_share=0.0)
    chosen = portfolio.candidates()[:300]
    return portfolio, chosen


def _sample():
    from pmo_analytics import load_portfolio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(SAMPLE)


def _views(portfolio) -> dict:
    from pmo_analytics import bottlenecks, capacity_demand

    frame = capacity_demand(portfolio)
    worst = bottlenecks(frame, top=3)
    return {"rows": len(frame), "short_fte_periods": round(float(frame["shortfall"].sum()), 2),
            "worst_role": worst["role"].iloc[0]}  # fmt: skip


def _fixed(portfolio) -> dict:
    from pmo_analytics import hiring_needed

    hiring = hiring_needed(
        portfolio, portfolio.candidates(), flexible_starts=False, respect_budget=False
    )
    return {"extra_fte_periods": round(hiring.total, 2)}


def _flexible(data) -> dict:
    from pmo_analytics import hiring_needed

    portfolio, chosen = data
    hiring = hiring_needed(portfolio, chosen, respect_budget=False, time_limit=60)
    fixed = hiring_needed(portfolio, chosen, flexible_starts=False, respect_budget=False)
    return {
        "status": hiring.status,
        "extra_fte_periods": round(hiring.total, 2),
        "lower_bound": round(hiring.bound, 2),
        "at_earliest_starts": round(fixed.total, 2),
    }


def _programme(portfolio) -> dict:
    from pmo_analytics import hiring_needed

    hiring = hiring_needed(portfolio, PROGRAMME, time_limit=60)
    return {"status": hiring.status, "extra_fte_periods": hiring.total}


CASES = [
    Case("capacity", "demand vs capacity + bottlenecks: 2,000 x 24 x 12", _large, _views),
    Case("capacity", "hiring, fixed starts (closed form): 2,000 projects", _large, _fixed),
    Case("capacity", "hiring MIP, flexible starts: 300 of 400 projects", _medium, _flexible),
    Case("capacity", "hiring MIP: notebook 05 programme on the sample", _sample, _programme),
]
