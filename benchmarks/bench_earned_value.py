"""Earned value at scale: 5,000 in-flight projects with 36 monthly periods of actuals each.

Setup builds the portfolio (not timed): every project started between 2024-01 and 2024-06,
runs 48 months, and reports planned value, earned value and actual cost for every month up to
2026-12 from its start (36 periods for those starting in 2024-01).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.harness import Case

N_PROJECTS = 5_000
N_ACTUALS = 36
DURATION = 48


def build_portfolio(n: int = N_PROJECTS, seed: int = 0):
    from pmo_analytics.portfolio.container import make_portfolio

    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:05d}" for i in range(1, n + 1)], dtype=object)
    first = pd.Period("2024-01", "M")
    lag = rng.integers(0, 6, size=n)  # start 2024-01 .. 2024-06
    start = pd.PeriodIndex.from_ordinals(first.ordinal + lag, freq="M")
    projects = pd.DataFrame(
        {
            "name": [f"Project {i}" for i in ids],
            "category": rng.choice(["Run", "Grow", "Transform"], size=n),
            "business_unit": rng.choice(["Finance", "Operations", "HR", "IT"], size=n),
            "sponsor": "CIO",
            "status": "in_flight",
            "earliest_start": pd.PeriodIndex([pd.NaT] * n, freq="M"),
            "latest_start": pd.PeriodIndex([pd.NaT] * n, freq="M"),
            "start": start,
            "duration": DURATION,
            "mandatory": False,
            "value": np.round(rng.lognormal(3.0, 0.6, size=n), 1),
            "risk": 0.1,
        },
        index=pd.Index(ids, name="project_id"),
    )
    owner = np.repeat(np.arange(n), DURATION)
    offset = np.tile(np.arange(DURATION), n)
    level = rng.lognormal(11.0, 0.5, size=n)
    cost = np.round(level[owner] * rng.uniform(0.6, 1.4, owner.size), -2)
    cashflows = pd.DataFrame(
        {"project_id": ids[owner], "offset": offset, "cost": cost, "benefit": 0.0}
    )
    reported = N_ACTUALS - lag  # months from start up to 2026-12
    past = offset < reported[owner]
    planned = cost[past]
    earned = np.round(planned * rng.uniform(0.7, 1.1, planned.size), -2)
    actual = np.round(earned * rng.uniform(0.85, 1.3, planned.size), -2)
    actuals = pd.DataFrame(
        {
            "project_id": ids[owner[past]],
            "period": pd.PeriodIndex.from_ordinals(
                first.ordinal + lag[owner[past]] + offset[past], freq="M"
            ),
            "planned_value": planned,
            "earned_value": earned,
            "actual_cost": actual,
        }
    )
    tables = {
        "projects": projects,
        "cashflows": cashflows,
        "demand": pd.DataFrame(
            {"project_id": ids[:1], "role": ["Developer"], "offset": [0], "fte": [1.0]}
        ),
        "capacity": pd.DataFrame(
            {"role": ["Developer"], "period": [pd.Period("2027-01", "M")], "fte": [1.0]}
        ),
        "actuals": actuals,
    }
    horizon = tuple(pd.period_range("2027-01", "2028-12", freq="M"))
    return make_portfolio(tables, horizon=horizon)


def _status(portfolio) -> dict:
    from pmo_analytics import earned_value

    ev = earned_value(portfolio)
    return {"projects": len(ev), "actuals_rows": len(portfolio.actuals)}


def _history(portfolio) -> dict:
    from pmo_analytics import earned_value_history

    return {"rows": len(earned_value_history(portfolio))}


def _roll_up(portfolio) -> dict:
    from pmo_analytics import portfolio_trend

    return {"rows": len(portfolio_trend(portfolio, by="category"))}


def _health(portfolio) -> dict:
    from pmo_analytics import earned_value, needs_attention

    return {"flagged": len(needs_attention(earned_value(portfolio)))}


CASES = [
    Case("earned_value", "status: 5,000 projects x 36 periods", build_portfolio, _status),
    Case("earned_value", "history: every project x period", build_portfolio, _history),
    Case("earned_value", "roll-up trend by category", build_portfolio, _roll_up),
    Case("earned_value", "status + needs_attention (reasons)", build_portfolio, _health),
]
