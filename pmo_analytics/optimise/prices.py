"""Shadow prices: what a little more budget or capacity is worth around a plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..portfolio import Portfolio
from .blocks import Block
from .formulation import Formulation
from .options import OptimiseOptions


def empty_prices() -> pd.DataFrame:
    """The prices frame of a plan without them: resource, period, shadow_price."""
    return pd.DataFrame(columns=["resource", "period", "shadow_price"])


def shadow_prices(
    portfolio: Portfolio, formulation: Formulation, options: OptimiseOptions, x: np.ndarray
) -> pd.DataFrame | None:
    """Marginal value of each budget and capacity limit, around the plan.

    The LP in which the plan's integer choice — which projects are in — is kept (each selected
    project must run; its start may spread over its window) and the excluded projects may
    enter fractionally. The dual of each limit is the value a small extra amount of it would
    let the plan gain — "at the margin, one more Developer FTE in 2027Q3 is worth about X".
    Keeping the starts themselves fixed too would leave the LP degenerate, with prices that
    whole extra FTEs never realise; re-optimising with more capacity
    (:func:`pmo_analytics.value_of_capacity`) prices whole hires. Per unit: per FTE for
    roles, per unit of currency for budget.
    """
    from .model import solve

    n_x = len(formulation.options)
    opts = formulation.options.reset_index()
    chosen = opts.loc[x[:n_x] > 0.5, "project_id"].unique()
    if len(chosen):
        in_plan = opts[opts["project_id"].isin(chosen)]
        row_of = pd.Series(np.arange(len(chosen)), index=chosen)
        keep = Block(
            "keep",
            ">=",
            pd.DataFrame({"project_id": chosen, "rhs": 1.0}),
            pd.DataFrame(
                {
                    "row": row_of[in_plan["project_id"]].to_numpy(),
                    "col": in_plan["col"].to_numpy(),
                    "coef": 1.0,
                }
            ),
        )
        formulation = dataclasses.replace(formulation, blocks=[*formulation.blocks, keep])
    result = solve(
        formulation,
        solver=options.solver,
        relax=True,
        time_limit=max(30.0, options.time_limit or 30.0),
    )
    if result.status != "optimal" or not result.duals:
        return None  # duals of an LP that was not solved to optimality mean nothing
    rows = formulation.rows
    parts = []
    for family in ("budget", "capacity"):
        duals = result.duals.get(family)
        if duals is None:
            continue
        block_rows = rows[rows["family"] == family]
        parts.append(
            pd.DataFrame(
                {
                    "resource": block_rows["resource"].to_numpy(),
                    "period": block_rows["period"].to_numpy(),
                    "shadow_price": np.abs(duals),
                }
            )
        )
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True)
    out["period"] = pd.PeriodIndex(out["period"], freq=portfolio.horizon[0].freq)
    return out
