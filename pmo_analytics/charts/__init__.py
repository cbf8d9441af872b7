"""Charts: functions that take the library's tidy frames and return an ``alt.Chart``.

Charts never save or show themselves; use :func:`save_chart` to write one to a file.
"""

from __future__ import annotations

from .capacity import capacity_shortfall_heatmap, value_of_hiring_chart
from .earned_value import cpi_spi_chart, earned_value_chart, performance_trend_chart
from .plan import capacity_heatmap, spend_vs_budget_chart
from .portfolio import cost_vs_budget_chart, portfolio_bubble_chart
from .roadmap import roadmap_chart
from .save import chart_spec, save_chart
from .scenarios import (
    CHANGE_COLOURS,
    frontier_chart,
    scenario_changes_chart,
    scenario_comparison_chart,
)
from .scoring import ahp_weights_chart, criteria_contribution_chart, strategic_alignment_chart
from .sensitivity import rank_distribution_chart, tipping_point_chart
from .theme import (
    CATEGORY_COLOURS,
    HEIGHT,
    LIMIT_COLOUR,
    PALETTE,
    RAG_COLOURS,
    WIDTH,
    apply_theme,
    category_colours,
    use_theme,
)
from .uncertainty import CORE_COLOURS, core_index_chart, overrun_chart, value_distribution_chart

__all__ = [
    "CATEGORY_COLOURS",
    "CHANGE_COLOURS",
    "CORE_COLOURS",
    "HEIGHT",
    "LIMIT_COLOUR",
    "PALETTE",
    "RAG_COLOURS",
    "WIDTH",
    "ahp_weights_chart",
    "apply_theme",
    "capacity_heatmap",
    "capacity_shortfall_heatmap",
    "category_colours",
    "chart_spec",
    "core_index_chart",
    "cost_vs_budget_chart",
    "cpi_spi_chart",
    "criteria_contribution_chart",
    "earned_value_chart",
    "frontier_chart",
    "overrun_chart",
    "performance_trend_chart",
    "portfolio_bubble_chart",
    "rank_distribution_chart",
    "roadmap_chart",
    "save_chart",
    "scenario_changes_chart",
    "scenario_comparison_chart",
    "spend_vs_budget_chart",
    "strategic_alignment_chart",
    "tipping_point_chart",
    "use_theme",
    "value_distribution_chart",
    "value_of_hiring_chart",
]
