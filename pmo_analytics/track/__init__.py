"""The tracking step: earned value and earned schedule of the work in flight.

``earned_value`` (per project at the status date, and its history), ``roll_up`` (over the
portfolio or groups), ``s_curves`` (cumulative curves for charts) and ``health`` (RAG status,
who needs attention and why, continue-or-stop).
"""

from __future__ import annotations

from .earned_value import earned_value, earned_value_history, status_period
from .health import RagThresholds, continue_or_stop, needs_attention, rag_status
from .roll_up import portfolio_roll_up, portfolio_trend
from .s_curves import CURVE_SERIES, earned_value_curves

__all__ = [
    "CURVE_SERIES",
    "RagThresholds",
    "continue_or_stop",
    "earned_value",
    "earned_value_curves",
    "earned_value_history",
    "needs_attention",
    "portfolio_roll_up",
    "portfolio_trend",
    "rag_status",
    "status_period",
]
