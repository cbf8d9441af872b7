"""Optimising the portfolio: the project mix and start periods that maximise value.

The flow, one module per step: ``options`` (what to optimise, the rules to add) →
``formulation`` (start options and constraint ``blocks`` as frames; ``rules`` for
dependencies and balance) → ``heuristic`` (a feasible plan in seconds, the warm start) →
``model`` (the only module that imports PuLP; CBC or HiGHS) → ``run`` (``optimise``) →
``assemble`` (the :class:`Plan`: schedule, ``reasons`` for every exclusion, binding limits and
``prices``) → ``explain`` (in words) and ``diagnose`` (infeasible rules). ``check`` verifies any
plan against its portfolio independently of all of this.
"""

from .check import check_plan
from .options import BalanceRule, OptimiseOptions
from .plan import Plan
from .run import InfeasiblePlanError, optimise

__all__ = [
    "BalanceRule",
    "InfeasiblePlanError",
    "OptimiseOptions",
    "Plan",
    "check_plan",
    "optimise",
]
