"""Portfolios and brute force for the frontier tests."""

from __future__ import annotations

import itertools

import numpy as np

import pmo_analytics as pa
from pmo_analytics.portfolio.utilisation import project_load


def small_portfolio() -> pa.Portfolio:
    return pa.generate_portfolio(14, n_periods=5, n_roles=3, seed=8)


def fixed_starts_portfolio() -> pa.Portfolio:
    """Projects with one start each, no rules between them: a plan is a subset."""
    return pa.generate_portfolio(
        9,
        n_periods=4,
        n_roles=2,
        seed=21,
        window=1,
        mandatory_share=0.0,
        in_flight_share=0.0,
        dependency_share=0.0,
    )


def brute_force(portfolio, *, budget_scale=1.0, exposure_cap=np.inf) -> float:
    """Best total value over every subset that fits budget, capacity and the exposure cap."""
    projects = portfolio.projects
    starts = projects["first_start"]
    spend, demand = project_load(portfolio, starts)
    ids = list(projects.index)
    periods = list(portfolio.horizon)
    cost = (
        spend.pivot_table(index="project_id", columns="period", values="cost", aggfunc="sum")
        .reindex(index=ids, columns=periods)
        .fillna(0.0)
        .to_numpy()
    )
    load = (
        demand.pivot_table(
            index="project_id", columns=["role", "period"], values="fte", aggfunc="sum"
        )
        .reindex(index=ids, columns=portfolio.capacity_by_role_period().index)
        .fillna(0.0)
    )
    budget = portfolio.budget_by_period().to_numpy() * budget_scale
    capacity = portfolio.capacity_by_role_period().to_numpy()
    risk = projects["risk"].fillna(0.0).to_numpy()
    value = projects["strategic_value"].to_numpy()
    best = 0.0
    for mask in itertools.product([0.0, 1.0], repeat=len(ids)):
        x = np.array(mask)
        if (x @ cost > budget + 1e-6).any() or (x @ load.to_numpy() > capacity + 1e-6).any():
            continue
        if x @ (risk * cost.sum(axis=1)) > exposure_cap + 1e-6:
            continue
        best = max(best, float(x @ value))
    return best
