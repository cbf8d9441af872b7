"""The capacity step: demand against capacity, what to hire, what more capacity is worth.

``demand`` (capacity_demand, bottlenecks, add_capacity), ``hiring`` (the least extra FTE that
lets a set of projects run) and ``value_of_capacity`` (re-optimise with more FTE of a role).
"""

from __future__ import annotations

from .demand import add_capacity, bottlenecks, capacity_demand
from .hiring import Hiring, hiring_needed, hiring_totals
from .value_of_capacity import value_of_capacity

__all__ = [
    "Hiring",
    "add_capacity",
    "bottlenecks",
    "capacity_demand",
    "hiring_needed",
    "hiring_totals",
    "value_of_capacity",
]
