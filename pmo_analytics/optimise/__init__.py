"""Optimising the portfolio: the project mix and start periods that maximise value.

The flow, one module per step: ``options`` (the portfolio's rules and the search settings) →
``formulation`` (start options and constraint ``blocks`` as labelled frames; ``rules`` for
dependencies and balance) → ``heuristic`` (a feasible plan in seconds, the warm start) →
``model`` (the only module that imports PuLP; CBC or HiGHS) → ``run`` (``optimise``) →
``assemble`` (the :class:`Plan`: schedule, ``reasons`` for every exclusion, binding limits and
``prices``) → ``explain`` (in words, from the plan's facts), ``what_if`` (the explicit re-solve)
and ``diagnose`` (infeasible rules). ``check`` verifies any plan against its portfolio
independently of all of this.

The public model interface, for the other steps: :func:`build_formulation`, the changed copies
of a :class:`Formulation` (``with_rhs``, ``with_row``, ``with_objective``, ``with_slacks``,
``without``), :func:`solve_model` (a :class:`Solution` read by label) or
:func:`solve_formulation` (a :class:`Plan`, warm-started from a neighbouring plan), and
:func:`plan_from_selection` for a selection made elsewhere.
"""

from .assemble import plan_from_selection
from .check import check_plan
from .explain import limits_text, objective_words, search_words
from .formulation import Formulation, build_formulation
from .insertion import make_room
from .limits import (
    LIMIT_COLUMNS,
    NEED_COLUMNS,
    LimitSettings,
    ValueScale,
    limit_table,
    limit_worth,
    project_needs,
    value_scale,
)
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
from .starts import plan_values, starts_values
from .what_if import WhatIf, what_if

__all__ = [
    "CHECKS",
    "PortfolioRules",
    "SearchSettings",
    "Solution",
    "option_problem",
    "CAUSE",
    "BalanceRule",
    "Formulation",
    "OptimiseOptions",
    "Plan",
    "plan_from_selection",
    "build_formulation",
    "check_inputs",
    "check_plan",
    "optimise",
    "start_conflicts",
    "best_start",
    "CONFLICT_COLUMNS",
    "solve_formulation",
    "solve_model",
    "make_room",
    "plan_values",
    "starts_values",
    "WhatIf",
    "what_if",
    "LIMIT_COLUMNS",
    "NEED_COLUMNS",
    "LimitSettings",
    "limit_table",
    "limit_worth",
    "project_needs",
    "ValueScale",
    "value_scale",
    "objective_words",
    "limits_text",
    "search_words",
]
