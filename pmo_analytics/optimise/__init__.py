"""Optimising the portfolio: formulation (frames), model (PuLP), plan, diagnosis, checks."""

from .check import check_plan
from .options import BalanceRule, OptimiseOptions
from .plan import Plan
from .run import InfeasiblePlanError, optimise

__all__ = [
    "BalanceRule",
    "InfeasiblePlanError",
    "OptimiseOptions",
    "Plan",
    "check_plan",
    "optimise",
]
