"""Optimising the portfolio: the project mix and start periods that maximise value.

The flow, one module per step: ``options`` (what to optimise, the rules to add) →
``formulation`` (start options and constraint ``blocks`` as frames; ``rules`` for
dependencies and balance) → ``heuristic`` (a feasible plan in seconds, the warm start) →
``model`` (the only module that imports PuLP; CBC or HiGHS) → ``run`` (``optimise``) →
``assemble`` (the :class:`Plan`: schedule, ``reasons`` for every exclusion, binding limits and
``prices``) → ``explain`` (in words) and ``diagnose`` (infeasible rules). ``check`` verifies any
plan against its portfolio independently of all of this.
"""

from .assemble import assemble_plan
from .blocks import Block, placed_entries
from .check import check_plan
from .formulation import Formulation, build_formulation, with_rhs
from .options import BalanceRule, OptimiseOptions
from .plan import Plan
from .reasons import CAUSE, exclusion_reasons, option_collisions, row_table
from .run import check_inputs, optimise, solve_formulation

__all__ = [
    "CAUSE",
    "Block",
    "BalanceRule",
    "Formulation",
    "OptimiseOptions",
    "Plan",
    "assemble_plan",
    "build_formulation",
    "check_inputs",
    "check_plan",
    "exclusion_reasons",
    "optimise",
    "option_collisions",
    "placed_entries",
    "row_table",
    "solve_formulation",
    "with_rhs",
]
