"""Making room for one more project: a selection move, then a repair of the schedule.

Late in a search the better plans often hold one more project (or a more valuable one in place
of a cheaper one) with *many* starts moved to make room — a change no neighbourhood of a few
dozen projects reaches. This module tries such a move in two steps:

1. **Screen** (:meth:`Insertion.candidates`): the moves — add a project left out, or swap one
   in for a less valuable one — ordered by the value they add; the LP relaxation with the new
   selection held (every project of it selected, every other out, starts free) throws out the
   moves no schedule can satisfy (it is infeasible), at a few milliseconds each.
2. **Repair** (:meth:`Insertion.repair`): the plan with the new selection, each project at its
   current start (the newcomer at its least overloading one), overruns some limits. An elastic
   model — every budget and capacity row with a slack column — is searched neighbourhood by
   neighbourhood for starts that shrink the weighted overrun; rows that stay overrun weigh more
   after every few steps without progress (breakout). Overrun zero is a plan of the original
   rules, worth the move's gain more. Every step is a node-limited solve from a seeded
   generator: the same calls give the same answer on any machine.

Measured on the sample: the plan worth 252.59 that every neighbourhood search stalls at takes one
more project (P063) once 40 starts move — 255.40, the best plan known — found by the repair
within about 50 steps; no add or swap of its neighbours' size does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .formulation import Formulation
from .neighbourhoods import Neighbourhoods

if TYPE_CHECKING:  # the model module loads PuLP and highspy: imported where a model is built
    from .model import HighsModel

#: The rows an overrun is allowed on while repairing (and priced at their weight).
ELASTIC_FAMILIES = ("budget", "total_budget", "capacity")
#: Steps without a smaller weighted overrun before the overrun rows weigh more, and by how much.
BREAKOUT_STEPS, BREAKOUT_FACTOR = 3, 1.5


@dataclass(frozen=True)
class Move:
    """A selection move: projects (codes) to add and to drop, and the value it adds."""

    add: tuple[int, ...]
    drop: tuple[int, ...]
    gain: float


def block_positions(formulation: Formulation, family: str) -> np.ndarray:
    """Row numbers (blocks stacked) of one constraint family."""
    sizes = np.array([b.size for b in formulation.blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    return np.concatenate(
        [
            np.arange(offsets[i], offsets[i + 1])
            for i, b in enumerate(formulation.blocks)
            if b.family == family
        ]
        or [np.zeros(0, dtype=np.int64)]
    )


class Insertion:
    """Selection moves of one formulation, screened by the LP and repaired (module notes).

    Parameters
    ----------
    formulation : Formulation
    seed : int
        Seed of the repair's HiGHS model.
    """

    def __init__(self, formulation: Formulation, *, seed: int = 0) -> None:
        self.formulation = formulation
        self.hood = Neighbourhoods(formulation)
        self.n_options = self.hood.n_options
        objective = formulation.columns["objective"].to_numpy(dtype=float)
        self.objective = objective
        projects = formulation.projects.reindex(self.hood.ids)
        self.value = projects["value"].fillna(0.0).to_numpy(dtype=float)
        self.must = projects["must"].fillna(False).to_numpy(dtype=bool)
        assign = formulation.block("assign")
        self.assign_rows = block_positions(formulation, "assign")
        self.assign_code = (
            self.hood.ids.get_indexer(assign.rows["project_id"]) if assign is not None else []
        )
        self.seed = seed
        self._screen: HighsModel | None = None
        self._elastic: HighsModel | None = None

    # ------------------------------------------------------------------ moves
    def selection(self, x: np.ndarray) -> np.ndarray:
        """Which projects (codes) plan ``x`` selects."""
        return (
            np.bincount(self.hood.code, weights=x[: self.n_options], minlength=self.hood.n_projects)
            > 0.5
        )

    def moves(self, x: np.ndarray, *, limit: int) -> list[Move]:
        """Adds and one-for-one swaps that add value, most valuable first (at most ``limit``)."""
        selected = self.selection(x)
        out = np.flatnonzero(~selected & (self.value > 0))
        droppable = np.flatnonzero(selected & ~self.must)
        gain = self.value[out][:, None] - self.value[droppable][None, :]
        q, r = np.nonzero(gain > 1e-9)
        adds = [Move((int(a),), (), float(self.value[a])) for a in out]
        swaps = [
            Move((int(out[i]),), (int(droppable[j]),), float(gain[i, j]))
            for i, j in zip(q, r, strict=True)
        ]
        ranked = sorted(adds + swaps, key=lambda m: (-m.gain, m.add, m.drop))
        return ranked[:limit]

    def _held(self, selected: np.ndarray, model: HighsModel) -> tuple[np.ndarray, np.ndarray]:
        """Column upper bounds and row lower bounds that hold exactly the selection."""
        upper = model.upper.copy()
        upper[: self.n_options][~selected[self.hood.code]] = 0.0
        row_lower = model.row_lower.copy()
        row_lower[self.assign_rows] = np.where(selected[self.assign_code], 1.0, -np.inf)
        return upper, row_lower

    def screen(self, selected: np.ndarray) -> bool:
        """True when the LP relaxation holding exactly ``selected`` is feasible."""
        if self._screen is None:
            from .model import HighsModel

            self._screen = HighsModel(self.formulation, seed=self.seed)
        model = self._screen
        upper, row_lower = self._held(selected, model)
        result = model.solve(
            upper=upper, row_lower=row_lower, cost=np.zeros(len(model.cost)), relax=True
        )
        return result.status == "optimal"

    def candidates(
        self, x: np.ndarray, *, limit: int, tried: set, max_lps: int = 120
    ) -> tuple[list[Move], int]:
        """The first ``limit`` moves, most valuable first, not yet ``tried`` whose selection
        passes the LP screen — at most ``max_lps`` screened — and how many LPs that took."""
        selected = self.selection(x)
        found, lps = [], 0
        for move in self.moves(x, limit=len(self.value) ** 2):
            key = (selected.tobytes(), move.add, move.drop)
            if key in tried:
                continue
            if lps >= max_lps:
                break
            tried.add(key)
            new = selected.copy()
            new[list(move.add)] = True
            new[list(move.drop)] = False
            lps += 1
            if self.screen(new):
                found.append(move)
                if len(found) >= limit:
                    break
        return found, lps

    # ------------------------------------------------------------------ repair
    def _elastic_model(self) -> HighsModel:
        if self._elastic is None:
            from .model import HighsModel

            self._elastic = HighsModel(self.formulation, seed=self.seed, elastic=ELASTIC_FAMILIES)
            rows = self._elastic.slack_rows
            self._slack_scale = self._elastic.row_scale[rows]
            self._slack_matrix = self.formulation.sparse_matrix()[rows].tocsr()
            self._slack_rhs = self._elastic.row_upper[rows] * self._slack_scale
        return self._elastic

    def overrun(self, y: np.ndarray) -> np.ndarray:
        """How far plan ``y`` (original columns) overruns each elastic row (>= 0), in units of
        the row's largest coefficient (the repair model's slack)."""
        self._elastic_model()
        n = len(self.objective)
        return np.maximum(self._slack_matrix @ y[:n] - self._slack_rhs, 0.0) / self._slack_scale

    def _moved(self, x: np.ndarray, move: Move) -> np.ndarray:
        """Plan ``x`` with the move applied: dropped projects out, each newcomer at the start
        that overruns the limits least (earliest among ties)."""
        y = np.asarray(x, dtype=float).copy()
        code = self.hood.code
        y[: self.n_options][np.isin(code, move.drop)] = 0.0
        for project in move.add:
            options = np.flatnonzero(code == project)
            base = self._slack_matrix @ y[: len(self.objective)]
            load = base[:, None] + self._slack_matrix[:, options].toarray()
            over = (
                np.maximum(load - self._slack_rhs[:, None], 0.0) / self._slack_scale[:, None]
            ).sum(axis=0)
            y[options[int(np.argmin(over))]] = 1.0
        return y

    def _repair_hood(
        self, z: np.ndarray, step: int, selected: np.ndarray, rng: np.random.Generator, size: int
    ) -> np.ndarray:
        """Free projects of one repair step: by turns at random, those on overrun rows (and
        some at random), and those starting in a window."""
        held = np.flatnonzero(selected)
        kind = step % 3
        if kind == 1:
            over = self.overrun(z) > 1e-9
            chosen = np.flatnonzero(z[: self.n_options] > 0.5)
            columns = np.intersect1d(self._slack_matrix[np.flatnonzero(over)].indices, chosen)
            hot = np.intersect1d(np.unique(self.hood.code[columns]), held)
            if len(hot) > size:
                hot = rng.choice(hot, size, replace=False)
            rest = np.setdiff1d(held, hot)
            extra = rng.choice(rest, min(len(rest), max(0, size - len(hot))), replace=False)
            return np.union1d(hot, extra)
        if kind == 2:
            start = self.hood.starts(z)[held]
            t = int(rng.integers(self.hood.first, max(self.hood.first, self.hood.last - 2) + 1))
            free = held[(start >= t) & (start < t + 3)]
            if len(free) > size:
                free = rng.choice(free, size, replace=False)
            return np.sort(free)
        return np.sort(rng.choice(held, min(size, len(held)), replace=False))

    def repair(
        self,
        x: np.ndarray,
        move: Move,
        *,
        steps: int,
        node_limit: int,
        size: int,
        rng: np.random.Generator,
        deadline: float | None = None,
    ) -> tuple[np.ndarray | None, int]:
        """Search starts for the selection of ``x`` with ``move`` applied until no limit is
        overrun (module notes); the plan's column values, or None after ``steps`` steps (or at
        ``deadline``, a ``time.monotonic`` instant), and the nodes spent."""
        model = self._elastic_model()
        n, n_slack = len(self.objective), len(model.slack_rows)
        selected = self.selection(x)
        selected[list(move.add)] = True
        selected[list(move.drop)] = False
        upper, row_lower = self._held(selected, model)
        y = self._moved(x, move)
        z = np.r_[y, self.overrun(y)]
        weight = np.ones(n_slack)
        nodes, stall = 0, 0
        for step in range(steps):
            if not (z[n:] > 1e-9).any():
                return z[:n], nodes
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            cost = np.r_[np.zeros(n), weight]
            free = self._repair_hood(z, step, selected, rng, size)
            lower_s, upper_s = self.hood.bounds(z, free, None, model.lower, upper)
            result = model.solve(
                z,
                lower=lower_s,
                upper=upper_s,
                row_lower=row_lower,
                cost=cost,
                node_limit=node_limit,
                time_limit=remaining,
            )
            nodes += result.nodes
            if result.values is None:
                stall += 1
                continue
            found = np.r_[result.values[:n], self.overrun(result.values)]
            before, after = cost @ z, cost @ found
            if after <= before + 1e-12:
                z = found
            stall = 0 if after < before - 1e-12 else stall + 1
            if stall >= BREAKOUT_STEPS:
                weight[z[n:] > 1e-9] *= BREAKOUT_FACTOR
                stall = 0
        return (z[:n] if not (z[n:] > 1e-9).any() else None), nodes


def make_room(
    formulation: Formulation, x: np.ndarray, project_id: str | None = None
) -> np.ndarray | None:
    """Plan ``x`` with ``project_id`` (if given) added at its start that overruns least, and —
    while any row is broken — the least valuable optional project on a broken row dropped: a
    plan of the formulation to start a search from (the what-if of forcing a project in, or a
    plan made under other figures), or None.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> from pmo_analytics.optimise.heuristic import greedy_plan, satisfies
    >>> from pmo_analytics.optimise.options import OptimiseOptions
    >>> p = generate_portfolio(20, seed=2)
    >>> base = build_formulation(p, OptimiseOptions())
    >>> x = greedy_plan(base)
    >>> out = next(i for i in base.projects.index if x[base.options.loc[i, "col"]].sum() == 0)
    >>> forced = build_formulation(p, OptimiseOptions(force_in=(out,)))
    >>> y = make_room(forced, x, out)
    >>> y is None or satisfies(forced, y)
    True
    """
    from .model import row_bounds

    hood = Neighbourhoods(formulation)
    n = hood.n_options
    if len(x) != len(formulation.columns) or (
        project_id is not None and project_id not in hood.ids
    ):
        return None
    matrix = formulation.sparse_matrix()
    lower, upper = row_bounds(formulation)
    tol = 1e-6 * np.maximum(1.0, np.where(np.isfinite(upper), np.abs(upper), 1.0))
    y = np.asarray(x, dtype=float).copy()
    projects = formulation.projects.reindex(hood.ids)
    keep = projects["must"].fillna(False).to_numpy(bool).copy()
    if project_id is not None:
        target = hood.ids.get_loc(project_id)
        options = np.flatnonzero(hood.code == target)
        y[options] = 0.0
        excess = np.maximum(matrix @ y + matrix[:, options].toarray().T - upper, 0.0)
        y[options[int(np.argmin((excess / np.maximum(np.abs(upper), 1.0)).sum(axis=1)))]] = 1.0
        keep[target] = True
    value = projects["value"].fillna(0.0).to_numpy(float)
    for _ in range(hood.n_projects):
        broken = np.flatnonzero(matrix @ y > upper + tol)
        if not len(broken):
            break
        chosen = np.flatnonzero(y[:n] > 0.5)
        on_broken = np.intersect1d(matrix[broken][:, :n].indices, chosen)
        candidates = np.unique(hood.code[on_broken])
        candidates = candidates[~keep[candidates]]
        if not len(candidates):
            return None
        drop = candidates[np.lexsort((candidates, value[candidates]))[0]]
        y[:n][hood.code == drop] = 0.0
    fits = np.all(matrix @ y <= upper + tol) and np.all(matrix @ y >= lower - tol)
    return y if fits else None
