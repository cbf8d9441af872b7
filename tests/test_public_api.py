"""The public API stays: every name ``pa.*`` and ``pa.charts.*`` had before the layout move
still resolves (pinned here by hand, so a name cannot disappear unseen), errors share one
base class, and ``import pmo_analytics`` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pmo_analytics as pa

#: ``pa.__all__`` of the first release (0.1.0, before the subpackages).
PA_NAMES = [
    "AHPInputError", "AHPResult", "Frontier", "Hiring", "InfeasiblePlanError",
    "OptimiseOptions", "OverrunRisk", "Plan", "Portfolio", "PortfolioValidationError",
    "PortfolioWarning", "PreviousPlan", "PreviousPlanError", "RagThresholds",
    "RankingSensitivity", "Replan", "RobustnessResult", "Scenario", "ScenarioComparison",
    "ScenarioError", "UncertaintyRanges", "VALUE_BASES", "add_capacity", "ahp_weights",
    "apply_scenario", "bottlenecks", "capacity_demand", "cashflow_financials", "check_plan",
    "contingency_portfolio", "continue_or_stop", "criteria_weights", "earliest_starts",
    "earned_value", "earned_value_curves", "earned_value_history", "efficient_frontier",
    "generate_portfolio", "hiring_needed", "hiring_totals", "load_portfolio", "make_portfolio",
    "monte_carlo", "needs_attention", "objective_values", "optimise", "overrun_risk",
    "parse_scenario", "plan_differences", "plan_scenario", "plan_with_contingency",
    "portfolio_roll_up", "portfolio_trend", "project_financials", "project_overview",
    "rag_status", "rank_monte_carlo", "ranked_list", "ranked_selection", "ranking_sensitivity",
    "read_previous_plan", "read_scenario", "replan", "risk_adjusted_value", "risk_frontier",
    "run_parallel", "run_scenarios", "score_projects", "spawn_seeds", "spend_by_group",
    "strategic_alignment", "tipping_points", "uncertainty_ranges", "utilisation",
    "value_left_on_the_table", "value_of_capacity", "weighted_scores", "write_portfolio",
    "write_replan_outputs", "write_report", "write_workbook",
]  # fmt: skip
#: ``pa.charts.__all__`` of the first release.
CHART_NAMES = [
    "CATEGORY_COLOURS", "CHANGE_COLOURS", "CORE_COLOURS", "PALETTE", "RAG_COLOURS",
    "ahp_weights_chart", "apply_theme", "capacity_heatmap", "capacity_shortfall_heatmap",
    "chart_spec", "core_index_chart", "cost_vs_budget_chart", "cpi_spi_chart",
    "criteria_contribution_chart", "earned_value_chart", "frontier_chart", "overrun_chart",
    "performance_trend_chart", "portfolio_bubble_chart", "rank_distribution_chart",
    "roadmap_chart", "save_chart", "scenario_changes_chart", "scenario_comparison_chart",
    "spend_vs_budget_chart", "strategic_alignment_chart", "tipping_point_chart", "use_theme",
    "value_distribution_chart", "value_of_hiring_chart",
]  # fmt: skip


@pytest.mark.parametrize("name", PA_NAMES)
def test_every_name_of_the_first_release_still_resolves(name: str) -> None:
    assert name in pa.__all__
    assert getattr(pa, name) is not None


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_name_of_the_first_release_still_resolves(name: str) -> None:
    assert name in pa.charts.__all__
    assert callable(getattr(pa.charts, name)) or name.isupper()


def test_functions_named_like_their_subpackage_are_the_functions() -> None:
    # pa.optimise and pa.replan are functions, though subpackages of the same names exist
    assert callable(pa.optimise) and pa.optimise.__name__ == "optimise"
    assert callable(pa.replan) and pa.replan.__name__ == "replan"


def test_every_error_shares_one_base_class() -> None:
    errors = [
        getattr(pa, name)
        for name in pa.__all__
        if isinstance(getattr(pa, name), type)
        and issubclass(getattr(pa, name), Exception)
        and not issubclass(getattr(pa, name), Warning)
    ]
    assert len(errors) >= 10
    assert all(issubclass(error, pa.PmoAnalyticsError) for error in errors), errors
    assert issubclass(pa.PortfolioWarning, pa.PmoAnalyticsWarning)
    with pytest.raises(pa.PmoAnalyticsError, match="time_limit=-1 is not valid"):
        pa.OptimiseOptions(time_limit=-1)


def test_importing_the_package_loads_no_solver_and_no_charts() -> None:
    code = (
        "import sys, pmo_analytics as pa\n"
        "heavy = [m for m in ('pulp', 'altair', 'openpyxl', 'dask', 'highspy', 'jinja2')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
