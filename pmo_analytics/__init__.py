"""pmo_analytics: open, exact and explainable project portfolio analytics for IT PMOs.

The public API is re-exported here. Imports are lazy: ``import pmo_analytics`` loads neither
pandas-heavy modules nor PuLP, altair or openpyxl until a function that needs them is used.

Examples
--------
>>> import pmo_analytics as pa
>>> portfolio = pa.load_portfolio("data/sample")  # doctest: +SKIP
>>> plan = pa.optimise(portfolio)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module (relative to this package) that defines it
_EXPORTS: dict[str, str] = {
    # errors and warnings (pa.PmoAnalyticsError catches every error the package raises)
    "PmoAnalyticsError": "exceptions",
    "PmoAnalyticsWarning": "exceptions",
    "OptionsError": "exceptions",
    "ArgumentTypeError": "exceptions",
    "UnknownNameError": "exceptions",
    "PortfolioNotFoundError": "exceptions",
    "OutputFolderError": "exceptions",
    "SolverError": "exceptions",
    "RenderError": "exceptions",
    # loading and the container
    "Portfolio": "portfolio",
    "make_portfolio": "portfolio",
    "load_portfolio": "portfolio",
    "write_portfolio": "portfolio",
    "PortfolioWarning": "exceptions",
    "PortfolioValidationError": "exceptions",
    "generate_portfolio": "portfolio",
    # scoring and value
    "score_projects": "scoring",
    "weighted_scores": "scoring",
    "criteria_weights": "scoring",
    "ahp_weights": "scoring",
    "AHPResult": "scoring",
    "project_financials": "scoring",
    "cashflow_financials": "scoring",
    "AHPInputError": "exceptions",
    "objective_values": "scoring",
    "risk_adjusted_value": "scoring",
    "VALUE_BASES": "_vocab",
    "strategic_alignment": "scoring",
    "ranking_sensitivity": "scoring",
    "tipping_points": "scoring",
    "rank_monte_carlo": "scoring",
    "RankingSensitivity": "scoring",
    # the portfolio at a glance
    "project_overview": "portfolio",
    "spend_by_group": "portfolio",
    "utilisation": "portfolio",
    "earliest_starts": "portfolio",
    # optimising
    "optimise": "optimise",
    "OptimiseOptions": "optimise",
    "Plan": "optimise",
    "check_plan": "optimise",
    "what_if": "optimise",
    "WhatIf": "optimise",
    "limit_worth": "optimise",
    "LimitSettings": "optimise",
    "project_needs": "optimise",
    "value_scale": "optimise",
    "objective_words": "optimise",
    "PortfolioRules": "optimise",
    "SearchSettings": "optimise",
    "build_formulation": "optimise",
    "Formulation": "optimise",
    "solve_model": "optimise",
    "Solution": "optimise",
    "InfeasiblePlanError": "exceptions",
    # the ranked-list baseline and comparing plans
    "ranked_selection": "explore",
    "ranked_list": "explore",
    "value_left_on_the_table": "explore",
    "plan_differences": "explore",
    "compare_plans": "explore",
    # capacity and health
    "capacity_demand": "capacity",
    "bottlenecks": "capacity",
    "add_capacity": "capacity",
    "hiring_needed": "capacity",
    "Hiring": "capacity",
    "hiring_totals": "capacity",
    "value_of_capacity": "capacity",
    "earned_value": "track",
    "earned_value_history": "track",
    "earned_value_curves": "track",
    "portfolio_roll_up": "track",
    "portfolio_trend": "track",
    "RagThresholds": "track",
    "rag_status": "track",
    "needs_attention": "track",
    "continue_or_stop": "track",
    # the leadership pack
    "write_report": "report",
    "write_workbook": "report",
    # robustness under uncertainty and quarterly replanning
    "uncertainty_ranges": "explore",
    "UncertaintyRanges": "explore",
    "monte_carlo": "explore",
    "RobustnessResult": "explore",
    "contingency_portfolio": "explore",
    "plan_with_contingency": "explore",
    "overrun_risk": "explore",
    "OverrunRisk": "explore",
    "replan": "replan",
    "Replan": "replan",
    "read_previous_plan": "replan",
    "PreviousPlan": "replan",
    "PreviousPlanError": "exceptions",
    "write_replan_outputs": "replan",
    # scenarios, frontiers and parallel runs
    "Scenario": "explore",
    "ScenarioError": "exceptions",
    "ScenarioComparison": "explore",
    "read_scenario": "explore",
    "parse_scenario": "explore",
    "apply_scenario": "explore",
    "plan_scenario": "explore",
    "run_scenarios": "explore",
    "Frontier": "explore",
    "efficient_frontier": "explore",
    "risk_frontier": "explore",
    "run_parallel": "parallel",
    "spawn_seeds": "parallel",
}

__all__ = sorted(_EXPORTS)

#: Subpackages reachable as attributes (``pa.charts``) without an explicit import.
_SUBPACKAGES = ("charts",)

# ``optimise`` and ``replan`` are functions named like the subpackages that define them.
# Importing a subpackage binds the *module* onto this package, shadowing the lazily exported
# function, so these two are imported now (neither imports PuLP, altair or openpyxl at import).
from .optimise import optimise  # noqa: E402, F401 (re-exported)
from .replan import replan  # noqa: E402, F401 (re-exported)


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pmo_analytics' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS, *_SUBPACKAGES])
