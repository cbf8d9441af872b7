"""Charts: functions that take the library's tidy frames and return an ``alt.Chart``.

Charts never save or show themselves; use :func:`save_chart` to write one to a file. Importing
this package makes altair show charts offline (:mod:`pmo_analytics.charts.display`: the
JavaScript inlined, a static PNG beside it) unless another renderer was chosen; in a notebook,
call :func:`setup` once for the theme and the currency too.
"""

from __future__ import annotations

from ._assets import json_for_script, vega_javascript
from .capacity import capacity_shortfall_heatmap, value_of_hiring_chart
from .display import (
    RENDERER,
    chart_html,
    offline_renderer,
    register_renderers,
    setup,
    static_renderer,
)
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
    "RENDERER",
    "WIDTH",
    "ahp_weights_chart",
    "apply_theme",
    "capacity_heatmap",
    "capacity_shortfall_heatmap",
    "category_colours",
    "chart_html",
    "chart_spec",
    "core_index_chart",
    "cost_vs_budget_chart",
    "cpi_spi_chart",
    "criteria_contribution_chart",
    "earned_value_chart",
    "frontier_chart",
    "json_for_script",
    "offline_renderer",
    "overrun_chart",
    "performance_trend_chart",
    "portfolio_bubble_chart",
    "rank_distribution_chart",
    "roadmap_chart",
    "save_chart",
    "scenario_changes_chart",
    "scenario_comparison_chart",
    "setup",
    "spend_vs_budget_chart",
    "static_renderer",
    "strategic_alignment_chart",
    "tipping_point_chart",
    "use_theme",
    "value_distribution_chart",
    "value_of_hiring_chart",
    "vega_javascript",
]

# charts shown in a notebook draw with no network from the moment the charts are imported
register_renderers(enable=True)
