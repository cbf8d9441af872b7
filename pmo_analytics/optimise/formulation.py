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
from scipy import sparse

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..periods import annual_to_period_rate
from ..portfolio import Portfolio, project_load
from ..scoring import objective_values
from .blocks import Block, grouped_block, per_project_block, placed_entries
from .options import OptimiseOptions
from .rules import balance_blocks, dependency_blocks

#: Constraint families that describe limits or forced choices; the infeasibility diagnosis
#: may relax these (and only these).
ELASTIC_FAMILIES = ("budget", "total_budget", "capacity", "forced", "balance", "starts")


@dataclass(frozen=True)
class Formulation:
    """The model in frames.

    Attributes
    ----------
    options : DataFrame indexed by (project_id, start) — one row per binary start option —
        with ``col`` (its column number), ``pos`` (start position from the horizon's first
        period), ``objective`` (coefficient), ``value`` (the project's value on the
        chosen basis, without tie-breaks) and ``cost`` (its cost inside the horizon when it
        starts there [currency]).
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
        """The block of constraint ``family`` (``budget``, ``capacity``, ...), or None."""
        return next((b for b in self.blocks if b.family == family), None)

    @property
    def n_nonzeros(self) -> int:
        return int(sum(len(b.entries) for b in self.blocks))

    @property
    def option_index(self) -> pd.MultiIndex:
        """The start options' labels: (project_id, start) — the first columns, in order."""
        return self.options.index

    @property
    def rows(self) -> pd.DataFrame:
        """Every constraint row, stacked in block order, with its labels.

        Columns: family, sense, rhs, resource (a role, ``budget``, or the family), period
        (NaT where the row has none), block_row (its position in the block), and label (the
        row in words, e.g. ``capacity Architect 2028Q2``).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> f.rows.loc[f.rows["family"] == "budget", "label"].iloc[0]
        'budget 2027Q1'
        """
        parts = [_block_rows(block) for block in self.blocks]
        if not parts:
            return pd.DataFrame(columns=[*_ROW_COLUMNS, "label"])
        return pd.concat(parts, ignore_index=True)

    def sparse_matrix(self, family: str | None = None):
        """The constraint matrix (all blocks stacked, or one family) as ``scipy.sparse.csr``."""
        blocks = [b for b in self.blocks if family is None or b.family == family]
        offsets = np.cumsum([0] + [b.size for b in blocks])
        rows = np.concatenate(
            [b.entries["row"].to_numpy() + off for b, off in zip(blocks, offsets, strict=False)]
        )
        cols = np.concatenate([b.entries["col"].to_numpy() for b in blocks])
        vals = np.concatenate([b.entries["coef"].to_numpy() for b in blocks])
        shape = (int(offsets[-1]), len(self.columns))
        return sparse.coo_matrix((vals, (rows, cols)), shape=shape).tocsr()

    # ---------------------------------------------------------- changed copies, by label
    def with_rhs(self, family: str, rhs: np.ndarray | pd.Series | float) -> Formulation:
        """The same model with new right-hand sides for one constraint family.

        The cheap way to re-solve a model at another budget or capacity level: start options,
        entries and every other block are reused as they are. ``rhs`` is one number, an array
        in the block's row order, or a Series indexed by the block's row labels (by period for
        ``budget``, by (role, period) for ``capacity``).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(10, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> g = f.with_rhs("budget", f.block("budget").rows["rhs"] * 2)
        >>> float(g.block("budget").rows["rhs"].sum()) == 2 * float(f.block("budget").rows["rhs"].sum())
        True
        """
        block = self._require(family)
        if isinstance(rhs, pd.Series) and not rhs.index.equals(block.rows.index):
            rhs = rhs.reindex(_row_labels(block)).to_numpy(dtype=float)
            if np.isnan(rhs).any():
                raise OptionsError(f"the new right-hand sides lack some {family!r} rows' labels")
        values = np.broadcast_to(np.asarray(rhs, dtype=float), (block.size,))
        changed = Block(block.family, block.sense, block.rows.assign(rhs=values), block.entries)
        return self._with_block(changed)

    def without(self, *families: str) -> Formulation:
        """The model without the constraint families named (e.g. ``"budget"``); families the
        model does not have are ignored."""
        return dataclasses.replace(
            self, blocks=[b for b in self.blocks if b.family not in families]
        )

    def with_objective(self, coefficients: pd.Series, *, constant: float = 0.0) -> Formulation:
        """The model maximising another objective: a coefficient per start option.

        ``coefficients`` is indexed like :attr:`option_index` (missing options count 0);
        helper columns get 0.

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> g = f.with_objective(pd.Series(1.0, index=f.option_index))
        >>> float(g.columns["objective"].sum()) == len(f.options)
        True
        """
        values = np.zeros(len(self.columns))
        values[: len(self.options)] = coefficients.reindex(
            self.option_index, fill_value=0.0
        ).to_numpy(dtype=float)
        options = self.options.assign(objective=values[: len(self.options)])
        return dataclasses.replace(
            self, options=options, columns=self.columns.assign(objective=values), constant=constant
        )

    def with_row(
        self, family: str, sense: str, rhs: float, coefficients: pd.Series, **labels: object
    ) -> Formulation:
        """The model with one more constraint row: Σ coefficient · x (sense) rhs.

        ``coefficients`` is indexed like :attr:`option_index` (missing options count 0);
        ``labels`` name the row (e.g. ``measure="exposure"``).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> g = f.with_row("starts_total", "<=", 3, pd.Series(1.0, index=f.option_index))
        >>> g.rows["label"].iloc[-1], float(g.rows["rhs"].iloc[-1])
        ('starts_total', 3.0)
        """
        coef = coefficients.reindex(self.option_index, fill_value=0.0).to_numpy(dtype=float)
        nz = np.flatnonzero(coef)
        block = Block(
            family,
            sense,
            pd.DataFrame({**{k: [v] for k, v in labels.items()}, "rhs": [float(rhs)]}),
            pd.DataFrame({"row": 0, "col": self.options["col"].to_numpy()[nz], "coef": coef[nz]}),
        )
        return dataclasses.replace(self, blocks=[*self.blocks, block])

    def with_slacks(self, family: str, *, objective: float, name: str) -> Formulation:
        """The model with a slack column on every row of ``family``, each worth ``objective``.

        A ``<=`` row becomes ``entries · x − slack <= rhs`` (``>=``: ``+ slack``): the slack is
        how far the row's limit is stretched — hires on the capacity rows with objective −1
        are the fewest extra FTE. Slack columns are named ``{name}_{row}``, continuous and
        non-negative; read them with :attr:`Solution.helpers`.
        """
        block = self._require(family)
        first = len(self.columns)
        slack = pd.DataFrame(
            {
                "name": [f"{name}_{r}" for r in range(block.size)],
                "lb": 0.0,
                "ub": np.inf,
                "binary": False,
                "objective": float(objective),
            }
        )
        sign = 1.0 if block.sense == ">=" else -1.0
        extra = pd.DataFrame(
            {"row": np.arange(block.size), "col": first + np.arange(block.size), "coef": sign}
        )
        entries = pd.concat([block.entries, extra], ignore_index=True)
        changed = self._with_block(Block(block.family, block.sense, block.rows, entries))
        return dataclasses.replace(
            changed, columns=pd.concat([self.columns, slack], ignore_index=True)
        )

    def column_values(self, selection: pd.Series) -> np.ndarray | None:
        """Values of every column for a selection of start options (by label).

        The start options come from ``selection`` (1 = chosen; missing options 0); the
        carried-forward budget columns of a cumulative budget (the only helper columns a
        selection implies) from the money it leaves unspent at this model's budget. None when
        a helper column is of another kind (a slack: the selection does not fix it).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> first = pd.Series(1.0, index=f.option_index[:1])
        >>> f.column_values(first).sum()
        np.float64(1.0)
        """
        n_x = len(self.options)
        x = np.zeros(len(self.columns))
        x[:n_x] = selection.reindex(self.option_index, fill_value=0.0).to_numpy(dtype=float)
        helpers = self.columns.iloc[n_x:]
        if helpers.empty:
            return x
        if not helpers["name"].str.startswith("carry_").all():
            return None
        block = self._require("budget")
        options = block.entries[block.entries["col"] < n_x]
        spend = np.bincount(
            options["row"].to_numpy(),
            weights=options["coef"].to_numpy() * x[options["col"].to_numpy()],
            minlength=block.size,
        )
        # spend_t + carry_t - carry_{t-1} <= budget_t: carry what is left over, period by period
        carry = np.maximum(np.cumsum(block.rows["rhs"].to_numpy(dtype=float) - spend), 0.0)
        x[n_x:] = carry[: len(helpers)]
        return x

    def fits(self, selection: pd.Series, *, tolerance: float = 1e-7) -> bool:
        """Whether a selection of start options (by label) satisfies every row of this model.

        False when the selection holds an option this model does not have (a project forced
        out here, a start outside its window here).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> f.fits(pd.Series(1.0, index=f.option_index))  # every start of every project at once
        False
        """
        chosen = selection.index[selection.to_numpy() > 0.5]
        if not chosen.isin(self.option_index).all():
            return False
        x = self.column_values(selection)
        if x is None:
            return False
        rows = self.rows
        activity = self.sparse_matrix() @ x
        rhs = rows["rhs"].to_numpy(dtype=float)
        slack = tolerance * np.maximum(1.0, np.abs(rhs))
        sense = rows["sense"].to_numpy()
        ok = np.where(
            sense == "<=",
            activity <= rhs + slack,
            np.where(sense == ">=", activity >= rhs - slack, np.abs(activity - rhs) <= slack),
        )
        return bool(ok.all())

    def objective_of(self, selection: pd.Series) -> float:
        """The objective this model gives a selection of start options (by label), with its
        constant."""
        x = self.column_values(selection)
        values = np.zeros(len(self.columns)) if x is None else x
        return float(self.columns["objective"].to_numpy() @ values) + self.constant

    def slack_names(self, family: str, name: str) -> pd.Series:
        """The slack columns :meth:`with_slacks` added to ``family``: column name by row label."""
        block = self._require(family)
        return pd.Series(
            [f"{name}_{r}" for r in range(block.size)], index=_row_labels(block), name="column"
        )

    def option_matrix(self) -> sparse.csc_matrix:
        """The constraint matrix over the start options only (rows as in :attr:`rows`,
        columns in :attr:`option_index` order), for fit checks of plans being built."""
        return self.sparse_matrix()[:, : len(self.options)].tocsc()

    def _require(self, family: str) -> Block:
        block = self.block(family)
        if block is None:
            families = ", ".join(b.family for b in self.blocks)
            raise OptionsError(f"the formulation has no {family!r} block; it has: {families}")
        return block

    def _with_block(self, changed: Block) -> Formulation:
        blocks = [changed if b.family == changed.family else b for b in self.blocks]
        return dataclasses.replace(self, blocks=blocks)


_ROW_COLUMNS = ["family", "sense", "rhs", "resource", "period", "block_row"]


def _label_columns(block: Block) -> list[str]:
    """The label columns of a block's rows (all but the right-hand side and notes)."""
    return [c for c in block.rows.columns if c not in ("rhs", "reason")]


def _row_labels(block: Block) -> pd.Index:
    """A block's rows as an index of their labels (one level per label column)."""
    columns = _label_columns(block)
    if len(columns) == 1:
        return pd.Index(block.rows[columns[0]])
    return pd.MultiIndex.from_frame(block.rows[columns])


def _block_rows(block: Block) -> pd.DataFrame:
    """A block's rows in the stacked row table (see :attr:`Formulation.rows`)."""
    rows = block.rows
    if block.family == "capacity":
        resource = rows["role"].astype(str).to_numpy()
    elif block.family in ("budget", "total_budget"):
        resource = np.full(block.size, "budget", dtype=object)
    else:
        resource = np.full(block.size, block.family, dtype=object)
    period = rows["period"] if "period" in rows else pd.Series(pd.NaT, index=rows.index)
    words = pd.Series("", index=rows.index, dtype=object)
    for column in _label_columns(block):  # a few label columns; vectorised over the rows
        words = words + " " + rows[column].astype(str)
    return pd.DataFrame(
        {
            "family": block.family,
            "sense": block.sense,
            "rhs": rows["rhs"].to_numpy(dtype=float),
            "resource": resource,
            "period": period.to_numpy(),
            "block_row": np.arange(block.size),
            "label": (block.family + words).to_numpy(),
        }
    )


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

    ids = opts.index.get_level_values("project_id")
    base = objective_values(
        portfolio, basis=options.value_basis, discount_rate=options.discount_rate
    )
    values = base.reindex(ids).to_numpy(dtype=float)
    if options.value_basis == "npv":
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
    objective, constant = _churn_objective(opts, candidates, portfolio.horizon[0], options)
    opts = opts.assign(objective=objective)
    blocks, notes = _selection_blocks(projects, opts, candidates, must, options)

    cost = placed_entries(portfolio.cashflows, opts, "cost", n_periods, [])
    in_horizon = cost.groupby("col")["coef"].sum()
    opts = opts.assign(cost=in_horizon.reindex(opts["col"].to_numpy(), fill_value=0.0).to_numpy())
    columns = pd.DataFrame(
        {
            "name": [f"x_{i}" for i in range(len(opts))],
            "lb": 0.0,
            "ub": 1.0,
            "binary": True,
            "objective": opts["objective"].to_numpy(),
        }
    )
    budget, columns = _budget_blocks(portfolio, opts, cost, columns, options)
    blocks.extend(budget)

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
            ~opts.index.get_level_values("project_id").isin(
                cand.index[cand["status"].eq("in_flight")]
            )
            & (opts["pos"] >= 0)
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


def _churn_objective(
    opts: pd.DataFrame, candidates: pd.Index, origin: pd.Period, options: OptimiseOptions
) -> tuple[np.ndarray, float]:
    """Each start option's objective coefficient — its value, and the churn penalty against
    the previous plan's starts — and the objective's constant.

    No tie-break term: tiny perturbations of the objective lead CBC 2.10 with a MIP start to
    prune better plans and call a worse one optimal. Ties between starts are settled after the
    solve (``heuristic.earliest_starts``).
    """
    objective = opts["value"].to_numpy(dtype=float).copy()
    if not (options.previous_starts and options.churn_penalty > 0):
        return objective, 0.0
    option_project = opts.index.get_level_values("project_id")
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
    return objective, constant


def _selection_blocks(
    projects: pd.DataFrame,
    opts: pd.DataFrame,
    candidates: pd.Index,
    must: pd.Series,
    options: OptimiseOptions,
) -> tuple[list[Block], list[str]]:
    """Each project starts at most once, must-projects exactly once (with the reason each
    must run) — and the notes on projects forced out although they must run."""
    blocks: list[Block] = []
    notes: list[str] = []
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
    return blocks, notes


def _budget_blocks(
    portfolio: Portfolio,
    opts: pd.DataFrame,
    cost: pd.DataFrame,
    columns: pd.DataFrame,
    options: OptimiseOptions,
) -> tuple[list[Block], pd.DataFrame]:
    """The budget per period (or carried forward, with its carry columns added to
    ``columns``) and the total budget; termination costs of stopped in-flight work are
    charged to the first period."""
    projects = portfolio.projects
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    option_project = opts.index.get_level_values("project_id")
    blocks: list[Block] = []
    budget_rhs = portfolio.budget_by_period().to_numpy(dtype=float)
    spend = cost
    stop_total = 0.0
    if options.allow_stop_in_flight and options.termination_cost > 0:
        # stopping an in-flight project costs a share of its remaining cost, paid in the first
        # period: spend + tc (1 - y) <= B  <=>  spend - tc y <= B - tc
        flying = opts[option_project.isin(projects.index[projects["status"].eq("in_flight")])]
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
            block, columns = _carried_forward(block, columns, periods)
        blocks.append(block)
    if options.budget is not None:
        total = spend.groupby("col", as_index=False)["coef"].sum().assign(row=0)
        rows = pd.DataFrame({"scope": ["horizon"], "rhs": [float(options.budget) - stop_total]})
        blocks.append(Block("total_budget", "<=", rows, total[["row", "col", "coef"]]))
    return blocks, columns


def _carried_forward(
    block: Block, columns: pd.DataFrame, periods: pd.PeriodIndex
) -> tuple[Block, pd.DataFrame]:
    """The budget rows with unspent money moving forward: spend_t + carry_t − carry_{t−1} ≤
    B_t with carry ≥ 0 (one carry column per period, appended to ``columns``)."""
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
    t = np.arange(len(periods))
    extra = pd.concat(
        [
            pd.DataFrame({"row": t, "col": first_carry + t, "coef": 1.0}),
            pd.DataFrame({"row": t[1:], "col": first_carry + t[:-1], "coef": -1.0}),
        ]
    )
    block = Block("budget", "<=", block.rows, pd.concat([block.entries, extra], ignore_index=True))
    return block, columns
