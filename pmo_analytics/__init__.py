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
    # loading and the container
    "Portfolio": "portfolio",
    "make_portfolio": "portfolio",
    "load_portfolio": "io",
    "write_portfolio": "io",
    "PortfolioWarning": "io",
    "PortfolioValidationError": "validation",
    "generate_portfolio": "synthetic",
    # scoring and value
    "score_projects": "scoring",
    "weighted_scores": "scoring",
    "criteria_weights": "scoring",
    "ahp_weights": "ahp",
    "AHPResult": "ahp",
    "project_financials": "financials",
    "cashflow_financials": "financials",
    "AHPInputError": "ahp",
    "objective_values": "value",
    "risk_adjusted_value": "value",
    "VALUE_BASES": "value",
    "strategic_alignment": "alignment",
    "ranking_sensitivity": "sensitivity",
    "tipping_points": "sensitivity",
    "rank_monte_carlo": "sensitivity",
    "RankingSensitivity": "sensitivity",
    # the portfolio at a glance
    "project_overview": "overview",
    "spend_by_group": "overview",
    "utilisation": "utilisation",
    "earliest_starts": "utilisation",
    # optimising
    "optimise": "optimise",
    "OptimiseOptions": "optimise",
    "Plan": "optimise",
    "check_plan": "optimise",
    "InfeasiblePlanError": "optimise",
    # the ranked-list baseline and comparing plans
    "ranked_selection": "baseline",
    "ranked_list": "baseline",
    "value_left_on_the_table": "comparison",
    "plan_differences": "comparison",
    # capacity and health
    "capacity_demand": "capacity",
    "bottlenecks": "capacity",
    "add_capacity": "capacity",
    "hiring_needed": "hiring",
    "Hiring": "hiring",
    "hiring_totals": "hiring",
    "value_of_capacity": "capacity_value",
    "earned_value": "earned_value",
    "earned_value_history": "earned_value",
    "earned_value_curves": "s_curves",
    "portfolio_roll_up": "roll_up",
    "portfolio_trend": "roll_up",
    "RagThresholds": "health",
    "rag_status": "health",
    "needs_attention": "health",
    "continue_or_stop": "health",
    # the leadership pack
    "write_report": "report",
    "write_workbook": "report",
    # robustness under uncertainty and quarterly replanning
    "uncertainty_ranges": "ranges",
    "UncertaintyRanges": "ranges",
    "monte_carlo": "uncertainty",
    "RobustnessResult": "uncertainty",
    "contingency_portfolio": "contingency",
    "plan_with_contingency": "contingency",
    "overrun_risk": "overrun",
    "OverrunRisk": "overrun",
    "replan": "replan",
    "Replan": "replan",
    "read_previous_plan": "previous_plan",
    "PreviousPlan": "previous_plan",
    "PreviousPlanError": "previous_plan",
    "write_replan_outputs": "replan",
    # scenarios, frontiers and parallel runs
    "Scenario": "scenarios",
    "ScenarioError": "scenarios",
    "ScenarioComparison": "comparison",
    "read_scenario": "scenario_files",
    "parse_scenario": "scenario_files",
    "apply_scenario": "scenarios",
    "plan_scenario": "scenario_runs",
    "run_scenarios": "scenario_runs",
    "Frontier": "frontier",
    "efficient_frontier": "frontier",
    "risk_frontier": "risk",
    "run_parallel": "parallel",
    "spawn_seeds": "parallel",
}

__all__ = sorted(_EXPORTS)

#: Subpackages reachable as attributes (``pa.charts``) without an explicit import.
_SUBPACKAGES = ("charts",)

# Names that are also the names of their own modules (``optimise`` the function lives in the
# ``optimise`` subpackage, ``utilisation`` and ``earned_value`` likewise). Importing such a
# module binds the *module* onto the package, shadowing a lazily exported function, so these
# few are imported now: their modules need only pandas and numpy (PuLP, altair and openpyxl
# stay behind the functions that use them).
from .earned_value import earned_value  # noqa: E402, F401 (re-exported)
from .optimise import optimise  # noqa: E402, F401 (re-exported)
from .replan import replan  # noqa: E402, F401 (re-exported)
from .utilisation import utilisation  # noqa: E402, F401 (re-exported)


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
