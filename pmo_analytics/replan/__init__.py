"""The replanning step: next quarter's plan against last quarter's.

``previous_plan`` (last quarter's plan.csv and summary.json, read and checked),
``roll_forward`` (roll the plan forward and re-optimise) and ``changes`` (what changed and why).
"""

from __future__ import annotations

from .previous_plan import PreviousPlan, read_previous_plan
from .roll_forward import Replan, replan, write_replan_outputs

__all__ = [
    "PreviousPlan",
    "Replan",
    "read_previous_plan",
    "replan",
    "write_replan_outputs",
]
