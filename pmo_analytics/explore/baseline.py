"""The ranked list with a cut-off line: how most PMOs choose projects today, as a baseline.

Rank the candidates by strategic value (or value per unit of cost), commit the work that must
run (in flight, mandatory, forced in), then go down the list funding each project (with any
prerequisite it needs) at the earliest start where budget, capacity and the portfolio's rules
still allow it. The first project a limit keeps out draws the *cut-off line*; below it the list
may still fill gaps with projects that fit. The result is a real
:class:`~pmo_analytics.optimise.plan.Plan` built by the optimiser's own assembly, so it can be
checked with :func:`pmo_analytics.check_plan`, charted like any plan and compared with the
optimal mix (:mod:`pmo_analytics.explore.comparison`: :func:`~pmo_analytics.value_left_on_the_table`,
:func:`~pmo_analytics.plan_differences`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import sparse

from .._vocab import DEPENDENCY_KINDS, NEEDS_KINDS
from ..exceptions import OptionsError
from ..optimise import (
    CAUSE,
    Formulation,
    OptimiseOptions,
    Plan,
    build_formulation,
    plan_from_selection,
)
from ..portfolio import Portfolio

#: Orders of the ranked list: strategic value, or strategic value per unit of total cost.
RANK_BY = ("value", "value_per_cost")
#: The solver name a ranked plan carries.
SOLVER = "ranked list"
RANKED_LIST_COLUMNS = [
    "rank",
    "name",
    "category",
    "committed",
    "value",
    "cost",
    "value_per_cost",
    "funded",
    "start",
    "finish",
    "reason",
    "funded_with",
    "cumulative_cost",
    "above_line",
]
_TOL = 1e-7


@dataclasses.dataclass(frozen=True)
class _Outcome:
    formulation: Formulation
    options: OptimiseOptions
    selection: pd.Series | None
    table: pd.DataFrame
    notes: list[str]


def _options(options: OptimiseOptions | None, changes: dict) -> OptimiseOptions:
    base = options if options is not None else OptimiseOptions(shadow_prices=False)
    return base.replace(**changes) if changes else base


def _system(formulation: Formulation, cumulative: bool) -> tuple[sparse.csc_matrix, np.ndarray]:
    """Every row as ``A x <= b`` over the start options; cumulative budget rows summed up."""
    rows = formulation.rows
    matrix = formulation.option_matrix().tocsr()
    rhs = rows["rhs"].to_numpy(dtype=float)
    sign = np.where(rows["sense"].eq(">=").to_numpy(), -1.0, 1.0)
    transform = sparse.diags(sign).tocsr()
    if cumulative:
        budget_rows = rows.index[rows["family"].eq("budget")]
        ordered = budget_rows[
            np.argsort(pd.PeriodIndex(rows.loc[budget_rows, "period"]).asi8, kind="stable")
        ]
        k = len(ordered)
        later, earlier = np.tril_indices(k)
        lower = sparse.coo_matrix(
            (np.ones(len(later)), (ordered[later], ordered[earlier])), shape=(len(rows), len(rows))
        )
        keep = np.ones(len(rows))
        keep[ordered] = 0.0
        transform = ((sparse.diags(keep) + lower) @ transform).tocsr()
    return (transform @ matrix).tocsc(), transform @ rhs


def _cause(rows: pd.DataFrame, broken: np.ndarray, overrun: np.ndarray) -> str:
    """The optimiser's vocabulary for what broke: dependency first, then the worst overrun."""
    families = rows["family"].to_numpy()[broken]
    if np.isin(families, DEPENDENCY_KINDS).any():
        return "dependency"
    worst = int(np.argmax(overrun))
    family = families[worst]
    if family == "capacity":
        return f"capacity:{rows['resource'].to_numpy()[broken][worst]}"
    return CAUSE.get(family, family)


def _rank(formulation: Formulation, portfolio: Portfolio, by: str) -> pd.DataFrame:
    """Every candidate in list order: committed work first, then by ``by`` (ties by id)."""
    if by not in RANK_BY:
        raise OptionsError(f"by={by!r} is not a ranking; use one of {', '.join(RANK_BY)}")
    candidates = formulation.projects
    projects = portfolio.projects.loc[candidates.index]
    cost = portfolio.total_cost().reindex(candidates.index)
    value = candidates["value"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_cost = np.where(cost.to_numpy() > 0, value / cost.to_numpy(), np.inf)
    per_cost = np.where(value.to_numpy() > 0, per_cost, value.to_numpy())
    committed = candidates["must"].astype(bool)
    # in flight before mandatory before forced in, as the optimiser's reasons name them
    order_key = np.select(
        [projects["status"].eq("in_flight"), projects["mandatory"].astype(bool)], [0, 1], default=2
    )
    key = value.to_numpy() if by == "value" else per_cost
    frame = pd.DataFrame(
        {
            "name": projects["name"],
            "category": projects["category"],
            "committed": committed,
            "value": value,
            "cost": cost.astype(float),
            "value_per_cost": per_cost,
            "_group": np.where(committed, order_key, 3),
            "_key": np.nan_to_num(key, nan=-np.inf),
        },
        index=candidates.index,
    )
    frame = frame.reset_index().sort_values(
        ["_group", "_key", "project_id"], ascending=[True, False, True], kind="stable"
    )
    return frame.set_index("project_id").drop(columns=["_group", "_key"])


def _prerequisites(portfolio: Portfolio, candidates: pd.Index) -> dict[str, list[str]]:
    """project_id → the candidates it requires or follows (completed ones are done)."""
    deps = portfolio.dependencies
    deps = deps[deps["kind"].isin(NEEDS_KINDS) & deps["project_id"].isin(candidates)]
    done = portfolio.projects["status"].eq("completed")
    deps = deps[~deps["other_id"].map(done).fillna(False).astype(bool)]
    return {pid: sorted(group["other_id"]) for pid, group in deps.groupby("project_id")}


@dataclasses.dataclass
class _Ledger:
    """What the funded start options use of every row (``A x <= b`` over the options)."""

    matrix: sparse.csc_matrix
    rhs: np.ndarray
    used: np.ndarray
    x: np.ndarray

    @classmethod
    def of(cls, formulation: Formulation, cumulative: bool) -> _Ledger:
        matrix, rhs = _system(formulation, cumulative)
        return cls(matrix, rhs, np.zeros(len(rhs)), np.zeros(matrix.shape[1]))

    @property
    def limit(self) -> np.ndarray:
        return self.rhs + _TOL * np.maximum(1.0, np.abs(self.rhs))

    def _column(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.matrix.indptr[col], self.matrix.indptr[col + 1]
        return self.matrix.indices[lo:hi], self.matrix.data[lo:hi]

    def broken(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows option ``col`` would break if funded now, and by how much (relative)."""
        r, coef = self._column(col)
        need = self.used[r] + coef
        bad = need > self.limit[r]
        rhs = self.rhs[r[bad]]
        return r[bad], (need[bad] - rhs) / np.maximum(np.abs(rhs), 1e-9)

    def take(self, col: int, sign: float = 1.0) -> None:
        r, coef = self._column(col)
        self.used[r] += sign * coef
        self.x[col] = 1.0 if sign > 0 else 0.0

    def undo(self, cols: list[int]) -> None:
        for col in reversed(cols):
            self.take(col, -1.0)


def _fund_bundle(
    ledger: _Ledger,
    pid: str,
    starts_of: pd.Series,
    prerequisites: dict[str, list[str]],
    *,
    delay: bool,
    pull: bool,
    visiting: frozenset[str] = frozenset(),
) -> list[int] | None:
    """Fund ``pid`` (after its unfunded prerequisites, as one bundle): the columns taken, or
    None (nothing taken) when the bundle does not fit."""
    if pid not in starts_of.index:  # a prerequisite that cannot be selected at all
        return None
    cols = starts_of[pid]
    if ledger.x[cols].any():
        return []
    taken: list[int] = []
    for other in prerequisites.get(pid, ()) if pull else ():
        more = (
            None
            if other in visiting
            else _fund_bundle(
                ledger, other, starts_of, prerequisites,
                delay=delay, pull=pull, visiting=visiting | {pid},
            )
        )  # fmt: skip
        if more is None:
            ledger.undo(taken)
            return None
        taken += more
    tried = cols if delay else cols[:1]
    chosen = next((c for c in tried if len(ledger.broken(c)[0]) == 0), None)
    if chosen is None:
        ledger.undo(taken)
        return None
    ledger.take(chosen)
    return [*taken, chosen]


@dataclasses.dataclass
class _Walk:
    """What walking down the list gave: reasons, bundles, the line, unplaceable must-runs."""

    reason: pd.Series
    funded_with: pd.Series
    line_at: str | None
    failed_must: list[str]


def _walk_list(
    ledger: _Ledger,
    listed: pd.DataFrame,
    formulation: Formulation,
    portfolio: Portfolio,
    *,
    delay: bool,
    fill: bool,
    pull: bool,
) -> _Walk:
    """Go down the ranked list funding what fits (see :func:`ranked_selection`)."""
    opts = formulation.options.reset_index().sort_values(
        ["project_id", "pos", "col"], kind="stable"
    )
    starts_of = opts.groupby("project_id", sort=False)["col"].agg(list)
    prerequisites = _prerequisites(portfolio, starts_of.index)
    rows = formulation.rows
    balance = rows["family"].eq("balance").to_numpy()
    walk = _Walk(
        pd.Series("", index=listed.index, dtype=object),
        pd.Series("", index=listed.index, dtype=object),
        None,
        [],
    )
    for pid, row in listed.iterrows():
        cols = starts_of[pid]
        if row["committed"]:
            # committed work takes its earliest start that fits; the mix is judged at the end
            chosen = next((c for c in cols if not (~balance[ledger.broken(c)[0]]).any()), None)
            if chosen is None:
                walk.failed_must.append(pid)
            else:
                ledger.take(chosen)
        elif ledger.x[cols].any():  # already funded as another project's prerequisite
            continue
        elif not row["value"] > 0:
            walk.reason[pid] = "value"
        elif walk.line_at is not None and not fill:
            walk.reason[pid] = "cut_off"
        elif (
            bundle := _fund_bundle(ledger, pid, starts_of, prerequisites, delay=delay, pull=pull)
        ) is not None:
            pulled = opts.set_index("col").loc[bundle[:-1], "project_id"]
            walk.funded_with[pulled.to_numpy()] = pid
        else:
            walk.reason[pid] = _cause(rows, *ledger.broken(cols[0]))
            if walk.reason[pid] != "dependency":  # the line is where a limit stops the list
                walk.line_at = walk.line_at or pid
    return walk


def _ranked_table(
    listed: pd.DataFrame, selection: pd.Series, walk: _Walk, portfolio: Portfolio
) -> pd.DataFrame:
    """The ranked list with what was funded, when, why not, and where the line is."""
    start_of = selection[selection > 0.5].index.to_frame(index=False).set_index("project_id")
    start_of = start_of["start"]
    table = listed.copy()
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["funded"] = table.index.isin(start_of.index)
    freq = portfolio.horizon[0].freq
    table["start"] = pd.PeriodIndex(start_of.reindex(table.index), freq=freq)
    duration = portfolio.projects["duration"].reindex(table.index).to_numpy()
    finish = np.where(
        table["funded"], table["start"].array.asi8 + duration - 1, np.iinfo(np.int64).min
    )
    table["finish"] = pd.PeriodIndex.from_ordinals(finish, freq=freq)
    in_flight = portfolio.projects["status"].reindex(table.index).eq("in_flight")
    mandatory = portfolio.projects["mandatory"].reindex(table.index).astype(bool)
    table["reason"] = np.select(
        [
            table["funded"] & mandatory,
            table["funded"] & in_flight,
            table["funded"],
            table["committed"],
        ],
        ["mandatory", "in_flight", "selected", "not_placed"],
        default=walk.reason.reindex(table.index).to_numpy(),
    )
    table["funded_with"] = walk.funded_with.reindex(table.index)
    table["cumulative_cost"] = table["cost"].where(table["funded"], 0.0).cumsum()
    position = pd.Series(np.arange(len(table)), index=table.index)
    line = position[walk.line_at] if walk.line_at is not None else len(table)
    table["above_line"] = position < line
    return table[RANKED_LIST_COLUMNS]


def _fund(
    portfolio: Portfolio, options: OptimiseOptions, by: str, delay: bool, fill: bool, pull: bool
) -> _Outcome:
    formulation = build_formulation(portfolio, options)
    listed = _rank(formulation, portfolio, by)
    ledger = _Ledger.of(formulation, options.cumulative_budget)
    walk = _walk_list(ledger, listed, formulation, portfolio, delay=delay, fill=fill, pull=pull)
    selection = pd.Series(ledger.x, index=formulation.option_index, name="x")
    table = _ranked_table(listed, selection, walk, portfolio)
    notes: list[str] = []
    if walk.failed_must:
        notes.append(
            "the ranked list could not place the work that must run within the limits: "
            + ", ".join(walk.failed_must)
        )
        return _Outcome(formulation, options, None, table, notes)
    ranking = "strategic value" if by == "value" else "strategic value per unit of cost"
    n_optional = int((~table["committed"]).sum())
    n_funded = int((table["funded"] & ~table["committed"]).sum())
    line_at = walk.line_at
    line = (
        f"cut-off line above rank {int(table.at[line_at, 'rank'])} ({line_at} {table.at[line_at, 'name']})"
        if line_at is not None
        else "no cut-off line: every candidate fits"
    )
    notes.append(
        f"ranked list by {ranking}: committed work first, then {n_funded} of {n_optional} "
        f"candidates funded at their {'earliest fitting' if delay else 'earliest'} start; {line}"
        + ("" if fill else "; nothing below the line is funded")
    )
    broken = ledger.used > ledger.limit
    if np.any(broken):  # committed work breaks a balance rule of the mix
        worst = formulation.rows.loc[broken, "family"].unique()
        notes.append(
            "the committed work breaks these rules of the mix: " + ", ".join(map(str, worst))
        )
        return _Outcome(formulation, options, None, table, notes)
    return _Outcome(formulation, options, selection, table, notes)


def ranked_list(
    portfolio: Portfolio,
    *,
    by: str = "value",
    delay: bool = True,
    prerequisites: bool = True,
    fill: bool = True,
    options: OptimiseOptions | None = None,
    **changes: object,
) -> pd.DataFrame:
    """The ranked list of candidates with what a ranked-list PMO would fund, and the line.

    Parameters
    ----------
    portfolio : Portfolio
    by : {"value", "value_per_cost"}
        Rank by strategic value (on the options' value basis) or by value per unit of total
        cost [value / currency].
    delay : bool
        A project that does not fit at its earliest start takes the first later start of its
        window that fits (default); with ``False`` only its earliest start is tried.
    prerequisites : bool
        Fund a project's unfunded prerequisites (``requires`` / ``follows``) with it, as one
        bundle that fits or is dropped whole (default); with ``False`` a project whose
        prerequisite ranks lower is left out (reason ``dependency``).
    fill : bool
        Below the cut-off line, keep funding projects that still fit (default); with
        ``False`` nothing below the line is funded (reason ``cut_off``).
    options : OptimiseOptions, optional
        The rules (budget, force_in/out, balance, …) as for :func:`pmo_analytics.optimise`;
        ``**changes`` override fields.

    Returns
    -------
    DataFrame
        Indexed by project_id in list order (committed work first: in flight, mandatory,
        forced in; then by rank): rank, name, category, committed, value, cost [currency],
        value_per_cost, funded, start, finish (``pd.Period``), reason (as in a plan: selected,
        mandatory, in_flight, or why not: budget, capacity:ROLE, dependency, balance,
        start_limit, value (no positive value), cut_off), funded_with (the project whose
        bundle funded this prerequisite ahead of its rank; blank otherwise), cumulative_cost of
        the funded projects down the list [currency], above_line (above the cut-off line: the
        first project a limit — budget, capacity, start limit, balance — kept out;
        dependency conflicts such as an excluded alternative do not draw the line).

    Raises
    ------
    ValueError
        When ``by`` is not a valid ranking or an option is invalid.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> table = ranked_list(pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3))
    >>> table[["rank", "funded", "above_line"]].dtypes.tolist()
    [dtype('int64'), dtype('bool'), dtype('bool')]
    """
    return _fund(portfolio, _options(options, changes), by, delay, fill, prerequisites).table


def ranked_selection(
    portfolio: Portfolio,
    *,
    by: str = "value",
    delay: bool = True,
    prerequisites: bool = True,
    fill: bool = True,
    options: OptimiseOptions | None = None,
    **changes: object,
) -> Plan:
    """The plan a ranked list with a cut-off line gives: the baseline to beat.

    Committed work (in flight, mandatory, forced in) first at its earliest start that fits,
    then down the ranked list (see :func:`ranked_list`) funding each project (with its
    unfunded prerequisites) at its earliest start that fits, while the budget per period (cumulative when the options say so), the total
    budget, capacity per role and period, the dependencies, the start limit and the balance
    rules still hold after funding it.

    Parameters
    ----------
    portfolio : Portfolio
    by, delay, prerequisites, fill, options, **changes
        As for :func:`ranked_list`. Shadow prices are off unless the options ask for them.

    Returns
    -------
    Plan
        Built through the optimiser's assembly: status ``feasible`` (``bound`` and ``gap``
        NaN — a ranked list proves nothing), solver ``"ranked list"``, reasons of the
        projects left out as the list met them, and a note naming the cut-off line. It
        satisfies :func:`pmo_analytics.check_plan`. Status ``not_solved`` (no selection)
        when the committed work cannot be placed within the limits or breaks a balance
        rule; the note says which.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> plan = ranked_selection(p)
    >>> plan.status, plan.solver, pa.check_plan(plan).empty
    ('feasible', 'ranked list', True)
    """
    outcome = _fund(portfolio, _options(options, changes), by, delay, fill, prerequisites)
    status = "not_solved" if outcome.selection is None else "feasible"
    plan = plan_from_selection(
        portfolio,
        outcome.formulation,
        outcome.options,
        outcome.selection,
        status=status,
        solver=SOLVER,
        notes=outcome.notes,
    )
    if outcome.selection is None:
        return plan
    schedule = plan.schedule.copy()
    listed = outcome.table["reason"]
    left_out = listed.index[~outcome.table["funded"] & ~outcome.table["committed"]]
    schedule.loc[left_out, "reason"] = listed[left_out]
    return dataclasses.replace(plan, schedule=schedule)
