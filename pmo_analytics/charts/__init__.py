"""Charts: functions that take the library's tidy frames and return an ``alt.Chart``.

Charts never save or show themselves; use :func:`save_chart` to write one to a file.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "save_chart": "save",
    "chart_spec": "save",
    "use_theme": "theme",
    "apply_theme": "theme",
    "PALETTE": "theme",
    "CATEGORY_COLOURS": "theme",
    "portfolio_bubble_chart": "portfolio",
    "cost_vs_budget_chart": "portfolio",
    "earned_value_chart": "earned_value",
    "cpi_spi_chart": "earned_value",
    "performance_trend_chart": "earned_value",
    "RAG_COLOURS": "theme",
    "criteria_contribution_chart": "scoring",
    "ahp_weights_chart": "scoring",
    "strategic_alignment_chart": "scoring",
    "tipping_point_chart": "sensitivity",
    "rank_distribution_chart": "sensitivity",
    "frontier_chart": "scenarios",
    "scenario_comparison_chart": "scenarios",
    "scenario_changes_chart": "scenarios",
    "CHANGE_COLOURS": "scenarios",
    "core_index_chart": "uncertainty",
    "value_distribution_chart": "uncertainty",
    "overrun_chart": "uncertainty",
    "CORE_COLOURS": "uncertainty",
    "roadmap_chart": "roadmap",
    "spend_vs_budget_chart": "plan",
    "capacity_heatmap": "plan",
    "capacity_shortfall_heatmap": "capacity",
    "value_of_hiring_chart": "capacity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pmo_analytics.charts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
