"""What if a project were forced in: the plan re-solved with it, and what that costs.

:meth:`Plan.explain <pmo_analytics.optimise.Plan.explain>` words the facts a plan holds and
never calls the solver; :func:`what_if` is the explicit re-solve, as long as the plan's own,
its search started from the plan with room made for the project (the least valuable projects
on the limits it breaks give way), so the forced plan is never worse than that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .formulation import build_formulation
from .insertion import make_room
from .plan import Plan
from .run import check_inputs, solve_formulation
from .starts import plan_values

#: How many moved starts the text names before it says "and N more".
_MOVES_SHOWN = 6


@dataclass(frozen=True, eq=False)
class WhatIf:
    """A plan and the same plan with one project forced in.

    Attributes
    ----------
    project_id : str
    plan, forced : Plan
        The plan as it was, and re-solved with ``project_id`` forced in.
    value_change : float
        forced.objective − plan.objective (NaN when the project cannot be forced in).
    dropped : Index
        Projects of the plan that the forced plan leaves out.
    moved : DataFrame
        Projects in both whose start moves: start (in the plan), forced_start.
    proven : bool
        Both plans proven optimal, so the change is exact rather than an estimate.
    text : str
        All of it in words.
    """

    project_id: str
    plan: Plan
    forced: Plan
    value_change: float
    dropped: pd.Index
    moved: pd.DataFrame
    proven: bool
    text: str


def what_if(plan: Plan, project_id: str, **changes: object) -> WhatIf:
    """Re-solve ``plan``'s portfolio with ``project_id`` forced in: what would it cost?

    Parameters
    ----------
    plan : Plan
    project_id : str
        A project of the plan's portfolio (usually one it leaves out).
    **changes
        Options for the re-solve (e.g. ``effort=2``); by default the plan's own.

    Returns
    -------
    WhatIf

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> plan = optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3))
    >>> out = plan.schedule.index[~plan.schedule["selected"]][0]
    >>> what_if(plan, out).value_change <= 1e-9
    True
    """
    options = plan.options.replace(
        force_in=tuple(dict.fromkeys((*plan.options.force_in, project_id))),
        force_out=tuple(p for p in plan.options.force_out if p != project_id),
        shadow_prices=False,
        **changes,
    )
    forced = _forced_plan(plan, options, project_id)
    if not forced.is_solution():
        first = forced.diagnosis["message"].iloc[0] if len(forced.diagnosis) else forced.status
        return WhatIf(
            project_id,
            plan,
            forced,
            math.nan,
            pd.Index([]),
            pd.DataFrame(columns=["start", "forced_start"]),
            False,
            f"It cannot be forced in: {first}.",
        )
    both = plan.selected.intersection(forced.selected)
    moved = pd.DataFrame(
        {
            "start": plan.schedule.loc[both, "start"],
            "forced_start": forced.schedule.loc[both, "start"],
        }
    )
    moved = moved[moved["start"] != moved["forced_start"]]
    proven = forced.status == "optimal" and plan.status == "optimal"
    result = WhatIf(
        project_id,
        plan,
        forced,
        forced.objective - plan.objective,
        plan.selected.difference(forced.selected),
        moved,
        proven,
        "",
    )
    return WhatIf(**{**result.__dict__, "text": _words(result)})


def _forced_plan(plan: Plan, options, project_id: str) -> Plan:
    """The plan re-optimised with ``project_id`` forced in, its search started from ``plan``
    with room made for the project (:func:`.insertion.make_room`): never worse than that."""
    check_inputs(plan.portfolio, options)
    formulation = build_formulation(plan.portfolio, options)
    given = plan_values(plan, formulation)
    start = None if given is None else make_room(formulation, given, project_id)
    return solve_formulation(plan.portfolio, formulation, options, warm_start=start)


def _words(result: WhatIf) -> str:
    plan, forced = result.plan, result.forced
    names = plan.schedule["name"]
    text = (
        f"Forcing it in would cost {-result.value_change:,.2f} of value "
        f"(objective {plan.objective:,.2f} → {forced.objective:,.2f})"
    )
    if len(result.dropped):
        text += "; it would displace " + ", ".join(f"{p} {names[p]}" for p in result.dropped)
    moved = result.moved
    if len(moved):
        shown = ", ".join(
            f"{p} ({row.start} → {row.forced_start})"
            for p, row in moved.head(_MOVES_SHOWN).iterrows()
        )
        more = len(moved) - _MOVES_SHOWN
        text += f"; and move {len(moved)} start{'s' if len(moved) > 1 else ''}: {shown}"
        text += f" and {more} more" if more > 0 else ""
    if not result.proven:
        text += (
            f" (plan {plan.status}, forced plan {forced.status}: the cost is an estimate "
            "within the solver's gap, not a proven difference)"
        )
    return text + "."
