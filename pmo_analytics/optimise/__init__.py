"""Optimising the portfolio: the project mix and start periods that maximise value.

The flow, one module per step: ``options`` (what to optimise, the rules to add) →
``formulation`` (start options and constraint ``blocks`` as frames; ``rules`` for
dependencies and balance) → ``heuristic`` (a feasible plan in seconds, the warm start) →
``model`` (the only module that imports PuLP; CBC or HiGHS) → ``run`` (``optimise``) →
``assemble`` (the :class:`Plan`: schedule, ``reasons`` for every exclusion, binding limits and
``prices``) → ``explain`` (in words) and ``diagnose`` (infeasible rules). ``check`` verifies any
plan against its portfolio independently of all of this.
"""

from .assemble import plan_from_selection
from .blocks import Block, placed_entries
from .check import check_plan
from .formulation import Formulation, build_formulation
from .options import (
    CHECKS,
    BalanceRule,
    OptimiseOptions,
    PortfolioRules,
    SearchSettings,
    option_problem,
)
from .plan import Plan
from .reasons import CAUSE, CONFLICT_COLUMNS, best_start, start_conflicts
from .run import check_inputs, optimise, solve_formulation
from .solution import Solution, solve_model
from .what_if import WhatIf, what_if

__all__ = [
    "CHECKS",
    "PortfolioRules",
    "SearchSettings",
    "Solution",
    "option_problem",
    "CAUSE",
    "Block",
    "BalanceRule",
    "Formulation",
    "OptimiseOptions",
    "Plan",
    "plan_from_selection",
    "build_formulation",
    "check_inputs",
    "check_plan",
    "optimise",
    "placed_entries",
    "start_conflicts",
    "best_start",
    "CONFLICT_COLUMNS",
    "solve_formulation",
    "solve_model",
    "WhatIf",
    "what_if",
]
