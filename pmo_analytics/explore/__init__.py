"""The exploring step: scenarios, frontiers and uncertainty around the plan.

Scenarios (``scenarios``: overrides and applying them; ``scenario_files``: TOML files;
``scenario_runs``: one or many plans; ``comparison``: plans side by side), the ranked list with
a cut-off line that most PMOs use today (``baseline``), frontiers (``sweep`` solves one model
at many levels of a limit; ``frontier``; ``risk``), and uncertainty (``ranges`` and draws,
``uncertainty``: the Monte Carlo, ``overrun``, ``contingency``).
"""

from __future__ import annotations

from .baseline import ranked_list, ranked_selection
from .comparison import (
    ScenarioComparison,
    compare_plans,
    plan_differences,
    value_left_on_the_table,
)
from .contingency import contingency_portfolio, plan_with_contingency
from .frontier import Frontier, efficient_frontier
from .overrun import OverrunRisk, overrun_risk
from .ranges import UncertaintyRanges, uncertainty_ranges
from .risk import risk_frontier
from .scenario_files import parse_scenario, read_scenario
from .scenario_runs import plan_scenario, run_scenarios, with_scenario_name
from .scenarios import Scenario, apply_scenario
from .sweep import Level, sweep, tightest_bounds
from .uncertainty import RobustnessResult, monte_carlo

__all__ = [
    "Frontier",
    "Level",
    "OverrunRisk",
    "RobustnessResult",
    "Scenario",
    "ScenarioComparison",
    "UncertaintyRanges",
    "apply_scenario",
    "compare_plans",
    "contingency_portfolio",
    "efficient_frontier",
    "monte_carlo",
    "overrun_risk",
    "parse_scenario",
    "plan_differences",
    "plan_scenario",
    "plan_with_contingency",
    "ranked_list",
    "ranked_selection",
    "read_scenario",
    "risk_frontier",
    "run_scenarios",
    "sweep",
    "tightest_bounds",
    "uncertainty_ranges",
    "value_left_on_the_table",
    "with_scenario_name",
]
