"""The scoring step: a defensible value for every project.

Weighted criteria scores and the contract's strategic value (``weighted``), AHP weights from
stakeholders' judgements (``ahp/``), financials from the cash flows (``financials``), the value the
optimiser maximises on a chosen basis (``value_basis``), where value and spend go
(``alignment``) and how far the weights can move before the ranking changes (``sensitivity``).
"""

from __future__ import annotations

from .ahp import CR_THRESHOLD, GROUP, AHPResult, ahp_weights
from .alignment import strategic_alignment
from .financials import cashflow_financials, project_financials
from .sensitivity import RankingSensitivity, rank_monte_carlo, ranking_sensitivity, tipping_points
from .value_basis import objective_values, risk_adjusted_value
from .weighted import criteria_weights, score_projects, strategic_value, weighted_scores

__all__ = [
    "AHPResult",
    "CR_THRESHOLD",
    "GROUP",
    "RankingSensitivity",
    "ahp_weights",
    "cashflow_financials",
    "criteria_weights",
    "objective_values",
    "project_financials",
    "rank_monte_carlo",
    "ranking_sensitivity",
    "risk_adjusted_value",
    "score_projects",
    "strategic_alignment",
    "strategic_value",
    "tipping_points",
    "weighted_scores",
]
