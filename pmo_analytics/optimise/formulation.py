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

from ..portfolio import Portfolio
from ..schema import CLOSED_STATUSES
from .options import OptimiseOptions

SENSES = ("<=", ">=", "==")
#: Constraint families that describe limits or forced choices; the infeasibility diagnosis
#: may relax these (and only these).
ELASTIC_FAMILIES = ("budget", "total_budget", "capacity", "forced", "balance", "starts")


@dataclass(frozen=True)
class Block:
    """One family of constraints: ``entries`` · x (sense) ``rows.rhs``.

    rows : DataFrame indexed 0..k-1 with label columns (e.g. role, period) and ``rhs``.
    entries : DataFrame with integer ``row`` (into rows), integer ``col`` (into the
        formulation's columns) and float ``coef``.
    """

    family: str
    sense: str
    rows: pd.DataFrame
    entries: pd.DataFrame

    @property
    def size(self) -> int:
        return len(self.rows)


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
    >>> from pmo_analytics.synthetic import generate_portfolio
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
        raise ValueError(f"the formulation has no {family!r} block; it has: {families}")
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
    from ..value import objective_values

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


# --------------------------------------------------------------------------- placing load
def placed_entries(
    frame: pd.DataFrame, opts: pd.DataFrame, amount: str, n_periods: int, by: list[str]
) -> pd.DataFrame:
    """Merge a long table (project_id, offset, amount, *by) with the start options.

    Returns col (option column), pos (period position), the ``by`` labels and ``coef``;
    only periods inside the horizon and nonzero amounts. The merge runs on the options'
    project codes (the MultiIndex's own factorisation), not on the id strings.
    """
    projects = opts.index.levels[0]
    code = projects.get_indexer(frame["project_id"])
    keep = (code >= 0) & (frame[amount].to_numpy() != 0)
    lines = frame.loc[keep, ["offset", amount, *by]].assign(code=code[keep])
    starts = pd.DataFrame(
        {
            "code": opts.index.codes[0],
            "start_pos": opts["pos"].to_numpy(),
            "col": opts["col"].to_numpy(),
        }
    )
    merged = lines.merge(starts, on="code", how="inner", sort=False)
    merged["pos"] = (merged["start_pos"].to_numpy() + merged["offset"].to_numpy()).astype(np.int64)
    merged = merged[(merged["pos"] >= 0) & (merged["pos"] < n_periods)]
    return (
        merged[["col", "pos", *by, amount]].rename(columns={amount: "coef"}).reset_index(drop=True)
    )


def _grouped_block(
    family: str,
    sense: str,
    placed: pd.DataFrame,
    keys: list[str],
    rhs: pd.Series,
    *,
    add_up: bool = False,
) -> Block:
    """A block with one row per entry of ``rhs`` (indexed by ``keys``); ``placed`` entries join
    their row on the same keys. ``add_up`` sums several entries of one (row, col)."""
    rows = rhs.rename("rhs").reset_index()
    numbered = rows[keys].assign(row=np.arange(len(rows)))
    for key in keys:
        if placed[key].dtype != numbered[key].dtype:
            dtype = pd.CategoricalDtype(numbered[key].unique())
            numbered[key] = numbered[key].astype(dtype)
            placed = placed.assign(**{key: placed[key].astype(dtype)})
    joined = placed[[*keys, "col", "coef"]].merge(numbered, on=keys, how="inner", sort=False)
    entries = joined[["row", "col", "coef"]].astype({"coef": float})
    if add_up:
        entries = entries.groupby(["row", "col"], sort=True, as_index=False)["coef"].sum()
    return Block(family, sense, rows, entries.reset_index(drop=True))


# --------------------------------------------------------------------------- the formulation
def build_formulation(portfolio: Portfolio, options: OptimiseOptions) -> Formulation:
    """The whole model in frames (see the module notes).

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
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
    blocks.append(_per_project_block("assign", "<=", opts, optional))
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
        block = _per_project_block("forced", "==", opts, required)
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
        stop_total = float(remaining.sum())
        budget_rhs = budget_rhs.copy()
        budget_rhs[0] -= stop_total
    if portfolio.has_budget:
        placed = spend.assign(period=periods[spend["pos"].to_numpy(dtype=np.int64)])
        block = _grouped_block(
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
        _grouped_block(
            "capacity", "<=", demand, ["role", "period"], portfolio.capacity_by_role_period()
        )
    )

    blocks.extend(_dependency_blocks(portfolio, opts, excluded, options))
    blocks.extend(_balance_blocks(portfolio, opts, cost, options))
    if options.max_starts_per_period is not None:
        new = opts[
            ~option_project.isin(cand.index[cand["status"].eq("in_flight")]) & (opts["pos"] >= 0)
        ]
        placed = pd.DataFrame(
            {"col": new["col"].to_numpy(), "coef": 1.0, "period": periods[new["pos"].to_numpy()]}
        )
        rhs = pd.Series(float(options.max_starts_per_period), index=periods)
        blocks.append(_grouped_block("starts", "<=", placed, ["period"], rhs))
    return Formulation(
        options=opts,
        columns=columns,
        blocks=[b for b in blocks if b.size],
        projects=proj,
        excluded=excluded,
        constant=constant,
        notes=notes,
    )


def _per_project_block(family: str, sense: str, opts: pd.DataFrame, ids: pd.Index) -> Block:
    """One row per project in ``ids``: the sum of its start options (sense) 1."""
    rows = pd.DataFrame({"project_id": ids, "rhs": 1.0})
    row_of_code = pd.Index(ids).get_indexer(opts.index.levels[0])  # level code -> row (or -1)
    row = row_of_code[opts.index.codes[0]]
    keep = row >= 0
    entries = pd.DataFrame({"row": row[keep], "col": opts["col"].to_numpy()[keep], "coef": 1.0})
    return Block(family, sense, rows, entries)


def _dependency_blocks(
    portfolio: Portfolio, opts: pd.DataFrame, excluded: pd.Series, options: OptimiseOptions
) -> list[Block]:
    """requires, follows and excludes as rows over the start options (see CONTRACT.md)."""
    deps = portfolio.dependencies
    if deps.empty:
        return []
    projects = portfolio.projects
    index = projects.index
    # integer project codes: every merge below runs on them, not on id strings
    cols = pd.DataFrame(
        {
            "code": index.get_indexer(opts.index.levels[0])[opts.index.codes[0]],
            "col": opts["col"].to_numpy(),
            "pos": opts["pos"].to_numpy(),
        }
    )
    has_options = np.zeros(len(index), dtype=bool)
    has_options[cols["code"].unique()] = True
    deps = deps.assign(
        p=index.get_indexer(deps["project_id"]), o=index.get_indexer(deps["other_id"])
    )

    def options_of(rows: pd.DataFrame, key: str) -> pd.DataFrame:
        """Each row's start options of the project coded in column ``key`` (row, col, pos)."""
        keyed = pd.DataFrame({"row": np.arange(len(rows)), "code": rows[key].to_numpy()})
        return keyed.merge(cols, on="code", sort=False)[["row", "col", "pos"]]

    blocks = []
    # requires and follows: y_p <= y_o. A completed other counts as done; an other without
    # start options (forced out, cancelled, no window) keeps p out.
    done = projects["status"].eq("completed").to_numpy()
    chain = deps[
        deps["kind"].isin(["requires", "follows"]).to_numpy()
        & has_options[deps["p"]]
        & ~done[deps["o"]]
    ]
    chain = chain.reset_index(drop=True)
    if len(chain):
        mine = options_of(chain, "p").assign(coef=1.0)
        theirs = options_of(chain, "o").assign(coef=-1.0)
        rows = chain[["project_id", "other_id", "kind"]].assign(rhs=0.0)
        entries = pd.concat([mine, theirs], ignore_index=True)[["row", "col", "coef"]]
        blocks.append(Block("requires", "<=", rows, entries))

    # follows: p started by t  =>  o started by t - duration(o), for every start t of p
    follows = chain[chain["kind"].eq("follows").to_numpy() & has_options[chain["o"]]].reset_index(
        drop=True
    )
    if len(follows):
        grid = options_of(follows, "p")
        pairs = follows.iloc[grid["row"].to_numpy()].reset_index(drop=True)
        t = grid["pos"].to_numpy()
        rows = pd.DataFrame(
            {"project_id": pairs["project_id"], "other_id": pairs["other_id"], "t": t, "rhs": 0.0}
        )
        mine = options_of(pairs, "p")
        mine = mine[mine["pos"].to_numpy() <= t[mine["row"].to_numpy()]]
        theirs = options_of(pairs, "o")
        other_duration = projects["duration"].to_numpy()[pairs["o"].to_numpy()]
        r = theirs["row"].to_numpy()
        theirs = theirs[theirs["pos"].to_numpy() + other_duration[r] <= t[r]]
        entries = pd.concat([mine.assign(coef=1.0), theirs.assign(coef=-1.0)], ignore_index=True)
        blocks.append(Block("follows", "<=", rows, entries[["row", "col", "coef"]]))

    # excludes: not both
    excl = deps[
        deps["kind"].eq("excludes").to_numpy() & has_options[deps["p"]] & has_options[deps["o"]]
    ]
    excl = excl.reset_index(drop=True)
    if len(excl):
        rows = excl[["project_id", "other_id", "kind"]].assign(rhs=1.0)
        entries = pd.concat([options_of(excl, "p"), options_of(excl, "o")], ignore_index=True)
        blocks.append(Block("excludes", "<=", rows, entries[["row", "col"]].assign(coef=1.0)))
    return blocks


def _balance_blocks(
    portfolio: Portfolio, opts: pd.DataFrame, cost: pd.DataFrame, options: OptimiseOptions
) -> list[Block]:
    if not options.balance:
        return []
    projects = portfolio.projects
    option_project = opts.index.get_level_values("project_id")
    spend = (
        cost.groupby("col")["coef"].sum().reindex(opts["col"].to_numpy(), fill_value=0.0).to_numpy()
    )
    rows, entries = [], []
    for i, rule in enumerate(options.balance):
        if rule.by not in projects.columns:
            raise ValueError(
                f"balance rule by={rule.by!r}: not a projects column; valid: {', '.join(map(str, projects.columns))}"
            )
        member = (
            projects[rule.by].reindex(option_project).astype(str) == str(rule.group)
        ).to_numpy(dtype=float)
        weight = spend if rule.measure == "spend" else np.ones(len(opts))
        for bound, share, sign in (("min", rule.min_share, -1.0), ("max", rule.max_share, 1.0)):
            if share is None:
                continue
            # min: sum w (member - share) x >= 0  <=>  sum w (share - member) x <= 0
            coef = sign * weight * (member - share)
            row = len(rows)
            rows.append(
                {
                    "rule": i,
                    "by": rule.by,
                    "group": rule.group,
                    "bound": bound,
                    "share": share,
                    "measure": rule.measure,
                    "rhs": 0.0,
                }
            )
            nz = coef != 0
            entries.append(
                pd.DataFrame({"row": row, "col": opts["col"].to_numpy()[nz], "coef": coef[nz]})
            )
    return [Block("balance", "<=", pd.DataFrame(rows), pd.concat(entries, ignore_index=True))]
