"""The package's shared words: each set of allowed values stated once.

Loading, the optimiser, scenario files, the command line and the report all name the same
statuses, dependency kinds, value bases and solvers; they import them from here so that a word
added or renamed changes everywhere at once.
"""

from __future__ import annotations

#: Project statuses of the contract, in the order summaries list them.
STATUSES: tuple[str, ...] = (
    "proposed",
    "approved",
    "in_flight",
    "on_hold",
    "completed",
    "cancelled",
)
#: Statuses of work that is over: never a candidate, never scheduled.
CLOSED_STATUSES: tuple[str, ...] = ("completed", "cancelled")
#: The status a blank cell means.
DEFAULT_STATUS = "proposed"

#: Kinds of dependency between two projects (dependencies.csv).
DEPENDENCY_KINDS: tuple[str, ...] = ("requires", "follows", "excludes")
#: The kinds that make one project need another (a cycle among them can never be satisfied).
NEEDS_KINDS: tuple[str, ...] = ("requires", "follows")

#: What the optimiser maximises: strategic value, NPV, or value × (1 − risk).
VALUE_BASES: tuple[str, ...] = ("value", "npv", "risk_adjusted")
#: The MIP solvers: CBC (bundled with PuLP) and HiGHS (highspy).
SOLVERS: tuple[str, ...] = ("cbc", "highs")
#: How a run searches: the search engine (optimise.search) or one run of the solver.
METHODS: tuple[str, ...] = ("search", "solver")
#: What a balance rule's share is a share of: spend over the horizon, or selected projects.
BALANCE_MEASURES: tuple[str, ...] = ("spend", "count")

#: Statuses of a solve: proven optimal, a plan without proof, no plan possible, no plan found.
PLAN_STATUSES: tuple[str, ...] = ("optimal", "feasible", "infeasible", "not_solved")
