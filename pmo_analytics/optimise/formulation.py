"""The portfolio model as frames: start options, objective and constraint blocks.

Pure pandas/numpy, no solver. Every decision is a binary *start option* x[project, start]
(the project starts in that period); a project's selection is the sum of its options. Every
constraint family is a :class:`Block` — one row per constraint (labelled, e.g. by role and
period) and its nonzero entries (row, column, coefficient) — built by merging the portfolio's
long tables with the start options and grouping, never by looping over projects × periods ×
roles. :mod:`.model` turns the blocks into a PuLP problem; the same blocks give a
``scipy.sparse`` matrix for checks and benchmarks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..portfolio import Portfolio, project_load
from .blocks import Block, grouped_block, per_project_block, placed_entries
from .options import OptimiseOptions
from .rules import balance_blocks, dependency_blocks

#: Constraint families that describe limits or forced choices; the infeasibility diagnosis
#: may relax these (and only these).
ELASTIC_FAMILIES = ("budget", "total_budget", "capacity", "forced", "balance", "starts")


@dataclass(frozen=True)
class Formulation:
    """The model in frames.

    options : DataFrame indexed by (project_id, start) — one row per binary start option —
        with ``col`` (its column number), ``pos`` (start position from the horizon's first
        period), ``objective`` (coefficient) and ``value`` (the project's value on the
        chosen basis, without tie-breaks).
    columns : DataFrame indexed by column number: ``name``, ``lb``, ``ub``, ``binary``,
        ``objective``; the first ``len(options)`` columns are the start options, any further
        ones are continuous helpers (carried-forward budget).
    blocks : list of Block
    projects : DataFrame indexed by project_id of every candidate with ``must`` (must be
        selected), ``value``, ``n_options``.
    excluded : Series project_id → reason for projects with no start option (forced_out,
        window, completed, cancelled).
    constant : float
        Objective constant (e.g. churn penalties expressed relative to the previous plan).
    """

    options: pd.DataFrame
    columns: pd.DataFrame
    blocks: list[Block]
    projects: pd.DataFrame
    excluded: pd.Series
    constant: float = 0.0
    notes: list[str] = field(default_factory=list)

    def block(self, family: str) -> Block | None:
        return next((b for b in self.blocks if b.family == family), None)

    @property
    def n_nonzeros(self) -> int:
        return int(sum(len(b.entries) for b in self.blocks))

    def sparse_matrix(self, family: str | None = None):
        """The constraint matrix (all blocks stacked, or one family) as ``scipy.sparse.csr``."""
        from scipy.sparse import coo_matrix

        blocks = [b for b in self.blocks if family is None or b.family == family]
        offsets = np.cumsum([0] + [b.size for b in blocks])
        rows = np.concatenate(
            [b.entries["row"].to_numpy() + off for b, off in zip(blocks, offsets, strict=False)]
        )
        cols = np.concatenate([b.entries["col"].to_numpy() for b in blocks])
        vals = np.concatenate([b.entries["coef"].to_numpy() for b in blocks])
        return coo_matrix((vals, (rows, cols)), shape=(int(offsets[-1]), len(self.columns))).tocsr()


def with_rhs(
    formulation: Formulation, family: str, rhs: np.ndarray | pd.Series | float
) -> Formulation:
    """The same formulation with new right-hand sides for one constraint family.

    The cheap way to re-solve a model at another budget or capacity level: start options,
    entries and every other block are reused as they are.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> f = build_formulation(generate_portfolio(10, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
    >>> g = with_rhs(f, "budget", f.block("budget").rows["rhs"] * 2)
    >>> float(g.block("budget").rows["rhs"].sum()) == 2 * float(f.block("budget").rows["rhs"].sum())
    True
    """
    blocks = []
    found = False
    for block in formulation.blocks:
        if block.family == family:
            values = np.broadcast_to(np.asarray(rhs, dtype=float), (block.size,))
            block = Block(block.family, block.sense, block.rows.assign(rhs=values), block.entries)
            found = True
        blocks.append(block)
    if not found:
        families = ", ".join(b.family for b in formulation.blocks)
        raise OptionsError(f"the formulation has no {family!r} block; it has: {families}")
    return dataclasses.replace(formulation, blocks=blocks)


# --------------------------------------------------------------------------- start options
def start_options(portfolio: Portfolio, options: OptimiseOptions) -> tuple[pd.DataFrame, pd.Series]:
    """Every (project, start) a candidate may take, and why other projects have none."""
    projects = portfolio.projects
    origin = portfolio.horizon[0]
    reasons = pd.Series(dtype=object, name="reason")
    closed = projects["status"].isin(CLOSED_STATUSES)
    reasons = pd.concat([reasons, projects.loc[closed, "status"]])
    forced_out = projects.index.isin(options.force_out) & ~closed
    reasons = pd.concat([reasons, pd.Series("forced_out", index=projects.index[forced_out])])
    open_ = projects[~closed & ~forced_out]
    first = pd.PeriodIndex(open_["first_start"], freq=origin.freq).asi8 - origin.ordinal
    last = pd.PeriodIndex(open_["last_start"], freq=origin.freq).asi8 - origin.ordinal
    n = np.maximum(last - first + 1, 0)
    no_window = open_.index[n == 0]
    reasons = pd.concat([reasons, pd.Series("window", index=no_window)])
    owner = np.repeat(np.arange(len(open_)), n)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    pos = first[owner] + within
    ids = open_.index[owner]
    frame = pd.DataFrame(
        {
            "project_id": ids,
            "start": pd.PeriodIndex.from_ordinals(pos + origin.ordinal, freq=origin.freq),
            "pos": pos.astype(np.int64),
        }
    )
    frame["col"] = np.arange(len(frame), dtype=np.int64)
    return frame.set_index(["project_id", "start"]), reasons.rename("reason")


def _option_values(portfolio: Portfolio, opts: pd.DataFrame, options: OptimiseOptions) -> pd.Series:
    """Objective value of each start option on the chosen basis (no tie-break)."""
    from ..scoring import objective_values

    ids = opts.index.get_level_values("project_id")
    base = objective_values(
        portfolio, basis=options.value_basis, discount_rate=options.discount_rate
    )
    values = base.reindex(ids).to_numpy(dtype=float)
    if options.value_basis == "npv":
        from ..periods import annual_to_period_rate

        rate = annual_to_period_rate(options.discount_rate, portfolio.freq)
        values = values * (1.0 + rate) ** (-opts["pos"].to_numpy(dtype=float))
    return pd.Series(values, index=opts.index, name="value")


# --------------------------------------------------------------------------- the formulation
def build_formulation(portfolio: Portfolio, options: OptimiseOptions) -> Formulation:
    """The whole model in frames (see the module notes).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> f = build_formulation(p, OptimiseOptions())
    >>> sorted({b.family for b in f.blocks}) [:3]
    ['assign', 'budget', 'capacity']
    """
    projects = portfolio.projects
    n_periods = len(portfolio.horizon)
    origin = portfolio.horizon[0]
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    opts, excluded = start_options(portfolio, options)
    values = _option_values(portfolio, opts, options)
    opts = opts.assign(value=values.fillna(0.0))

    candidates = projects.index[
        projects.index.isin(opts.index.get_level_values("project_id").unique())
    ]
    cand = projects.loc[candidates]
    in_flight = cand["status"].eq("in_flight") & ~options.allow_stop_in_flight
    must = cand["mandatory"].astype(bool) | in_flight | cand.index.isin(options.force_in)
    n_options = opts.groupby(level="project_id").size()
    proj = pd.DataFrame(
        {
            "must": must,
            "value": values.groupby(level="project_id").max().reindex(candidates),
            "n_options": n_options.reindex(candidates),
        },
        index=candidates,
    )
    notes: list[str] = []
    blocks: list[Block] = []
    option_project = opts.index.get_level_values("project_id")

    # objective: value and churn penalties. No tie-break term: tiny perturbations of the
    # objective lead CBC 2.10 with a MIP start to prune better plans and call a worse one
    # optimal. Ties between starts are settled after the solve (heuristic.earliest_starts).
    objective = opts["value"].to_numpy(dtype=float).copy()
    constant = 0.0
    if options.previous_starts and options.churn_penalty > 0:
        previous = pd.Series(options.previous_starts, dtype=object)
        prev_pos = previous.map(
            lambda label: (
                pd.Period(label, freq=origin.freq).ordinal - origin.ordinal if label else np.nan
            )
        )
        was_selected = option_project.isin(prev_pos.dropna().index)
        same_start = was_selected & (
            opts["pos"].to_numpy() == prev_pos.reindex(option_project).to_numpy()
        )
        # changed = kept-but-moved or dropped (previously selected), or newly selected
        objective += np.where(
            same_start, options.churn_penalty, np.where(was_selected, 0.0, -options.churn_penalty)
        )
        constant = -options.churn_penalty * float(prev_pos.dropna().index.isin(candidates).sum())
    opts = opts.assign(objective=objective)

    # each project starts at most once; must-projects exactly once
    optional = candidates[~must.to_numpy()]
    blocks.append(per_project_block("assign", "<=", opts, optional))
    # must-run work without any start option (its window cannot finish inside the horizon)
    # still gets its row: 0 == 1 makes the rules infeasible and the diagnosis names it
    stranded = projects[
        ~projects.index.isin(candidates)
        & ~projects["status"].isin(CLOSED_STATUSES)
        & ~projects.index.isin(options.force_out)
        & (
            projects["mandatory"].astype(bool)
            | (projects["status"].eq("in_flight") & (not options.allow_stop_in_flight))
            | projects.index.isin(options.force_in)
        )
    ]
    required = candidates[must.to_numpy()].append(stranded.index)
    if len(required):
        everyone = projects.loc[required]
        why = pd.Series(
            np.select(
                [everyone["mandatory"].astype(bool), everyone["status"].eq("in_flight")],
                ["mandatory", "in_flight"],
                default="forced_in",
            ),
            index=required,
        )
        block = per_project_block("forced", "==", opts, required)
        rows = block.rows.assign(reason=why.to_numpy())
        blocks.append(Block("forced", "==", rows, block.entries))
    overridden = projects.index[
        projects.index.isin(options.force_out)
        & (projects["mandatory"].astype(bool) | projects["status"].eq("in_flight"))
    ]
    if len(overridden):
        notes.append("forced out although mandatory or in flight: " + ", ".join(overridden))

    # budget per period (or carried forward) and the total budget
    cost = placed_entries(portfolio.cashflows, opts, "cost", n_periods, [])
    columns = pd.DataFrame(
        {
            "name": [f"x_{i}" for i in range(len(opts))],
            "lb": 0.0,
            "ub": 1.0,
            "binary": True,
            "objective": opts["objective"].to_numpy(),
        }
    )
    budget_rhs = portfolio.budget_by_period().to_numpy(dtype=float)
    spend = cost
    stop_total = 0.0
    if options.allow_stop_in_flight and options.termination_cost > 0:
        # stopping an in-flight project costs a share of its remaining cost, paid in the first
        # period: spend + tc (1 - y) <= B  <=>  spend - tc y <= B - tc
        flying = opts[option_project.isin(cand.index[cand["status"].eq("in_flight")])]
        remaining = (
            cost[cost["col"].isin(flying["col"])].groupby("col")["coef"].sum()
            * options.termination_cost
        )
        stop = pd.DataFrame(
            {"col": remaining.index.to_numpy(), "pos": 0, "coef": -remaining.to_numpy()}
        )
        spend = pd.concat([cost, stop], ignore_index=True)
        # in-flight work forced out has no start option: it is stopped for certain, so its
        # termination cost is a constant charge on the first period
        forced_stop = projects.index[
            projects["status"].eq("in_flight") & projects.index.isin(options.force_out)
        ]
        lines, _ = project_load(portfolio, projects.loc[forced_stop, "start"])
        stop_total = float(remaining.sum()) + options.termination_cost * float(lines["cost"].sum())
        budget_rhs = budget_rhs.copy()
        budget_rhs[0] -= stop_total
    if portfolio.has_budget:
        placed = spend.assign(period=periods[spend["pos"].to_numpy(dtype=np.int64)])
        block = grouped_block(
            "budget",
            "<=",
            placed,
            ["period"],
            pd.Series(budget_rhs, index=periods),
            add_up=stop_total > 0,
        )
        if options.cumulative_budget:
            # spend_t + carry_t - carry_{t-1} <= B_t with carry >= 0: unspent money moves forward
            first_carry = len(columns)
            carry = pd.DataFrame(
                {
                    "name": [f"carry_{p}" for p in periods],
                    "lb": 0.0,
                    "ub": np.inf,
                    "binary": False,
                    "objective": 0.0,
                }
            )
            columns = pd.concat([columns, carry], ignore_index=True)
            t = np.arange(n_periods)
            extra = pd.concat(
                [
                    pd.DataFrame({"row": t, "col": first_carry + t, "coef": 1.0}),
                    pd.DataFrame({"row": t[1:], "col": first_carry + t[:-1], "coef": -1.0}),
                ]
            )
            block = Block(
                "budget", "<=", block.rows, pd.concat([block.entries, extra], ignore_index=True)
            )
        blocks.append(block)
    if options.budget is not None:
        total = spend.groupby("col", as_index=False)["coef"].sum().assign(row=0)
        rows = pd.DataFrame({"scope": ["horizon"], "rhs": [float(options.budget) - stop_total]})
        blocks.append(Block("total_budget", "<=", rows, total[["row", "col", "coef"]]))

    # capacity per role and period
    demand = placed_entries(portfolio.demand, opts, "fte", n_periods, ["role"])
    demand = demand.assign(period=periods[demand["pos"].to_numpy()])
    blocks.append(
        grouped_block(
            "capacity", "<=", demand, ["role", "period"], portfolio.capacity_by_role_period()
        )
    )

    blocks.extend(dependency_blocks(portfolio, opts, excluded, options))
    blocks.extend(balance_blocks(portfolio, opts, cost, options))
    if options.max_starts_per_period is not None:
        new = opts[
            ~option_project.isin(cand.index[cand["status"].eq("in_flight")]) & (opts["pos"] >= 0)
        ]
        placed = pd.DataFrame(
            {"col": new["col"].to_numpy(), "coef": 1.0, "period": periods[new["pos"].to_numpy()]}
        )
        rhs = pd.Series(float(options.max_starts_per_period), index=periods)
        blocks.append(grouped_block("starts", "<=", placed, ["period"], rhs))
    return Formulation(
        options=opts,
        columns=columns,
        blocks=[b for b in blocks if b.size],
        projects=proj,
        excluded=excluded,
        constant=constant,
        notes=notes,
    )
