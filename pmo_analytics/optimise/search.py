"""The search engine: near-optimal plans fast, and the same plan on every run.

One call of :func:`search` takes a formulation and a feasible plan (the construction
heuristic's, or a neighbouring solve's) and returns a better plan with a proven bound:

1. **Root** — two in-process HiGHS searches of the whole model from the given plan, with two
   seeds, each stopped after ``root_nodes`` branch-and-bound nodes: their root heuristics find
   good plans, and the lower of their bounds is the first proven bound.
2. **Large-neighbourhood search** — rounds of two steps. Each step keeps most of the incumbent
   as it is and lets HiGHS re-decide a few dozen projects (:mod:`.neighbourhoods`: a window of
   periods, a tight limit, at random, or where two good plans differ), at most ``sub_nodes``
   nodes; a round keeps the better of its two answers (the first on a tie). The size of each
   kind of neighbourhood grows while HiGHS solves it outright and shrinks when it does not;
   kinds that improve the plan are drawn more often.
3. **Insertion** — when ``patience`` rounds in a row bring nothing, the moves that add a project
   or swap one in (:mod:`.insertion`) are screened by the LP and the best two repaired; a repair
   that succeeds makes a new incumbent and the rounds go on.
4. **Final search** — the whole model, from the incumbent after ``race_after`` rounds, with the
   run's solver (CBC or HiGHS) for at most ``final_nodes`` nodes: it proves a plan optimal or
   tightens the bound. With two threads and CBC it runs beside the rounds (CBC in its own
   process: the race of CBC and HiGHS), else between them. When it proves its plan optimal,
   that plan is the answer and the rounds stop; otherwise the better of the two plans (the
   rounds' on a tie) with the lower of the bounds. Either way the answer does not depend on
   when the final search finished — only on what it and the rounds computed.

**Deterministic.** Every stopping rule counts work — rounds, nodes, steps — never seconds; the
generators are seeded (``options.seed``), the solvers single-threaded with fixed seeds, and the
two steps of a round are drawn before either runs and merged in a fixed order. ``threads=2``
runs the two steps (and the two roots, and the two repairs) at the same time; ``threads=1`` one
after the other: the same plan either way. The time limit is a safety cap only: when it strikes
before the work is done the result says so (``capped``), since that plan depends on the
machine.

**Honest.** Each incumbent is checked against every row of the formulation before it is taken; the plan is never worse than the plan given; the bound is the least of the bounds the
solvers proved, never a heuristic's estimate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .formulation import Formulation
from .model import HighsModel, MipResult, row_bounds
from .neighbourhoods import KINDS, Neighbourhoods
from .options import OptimiseOptions
from .streams import Streams

#: Steps (and roots, and repairs) in one round: fixed, whatever the number of threads.
STREAMS = 2
#: Efforts below this run one root search, not two, and their final search with HiGHS in this
#: process: the batch runs of frontiers, sweeps and Monte Carlo samples, which start from a
#: neighbouring plan anyway.
BATCH_EFFORT = 0.25
#: Work of the final search in nodes × nonzeros (see :meth:`Budget.of`).
FINAL_WORK = 2e7
#: Batch runs search the whole model at the end only when it has at most this many nonzeros,
#: with this much work (nodes × nonzeros): small models are proven, large ones keep the bound
#: of their root search or LP relaxation.
BATCH_PROOF_NONZEROS, BATCH_FINAL_WORK = 3_000, 2e6
_TOL = 1e-9


@dataclass(frozen=True)
class Budget:
    """The work one search may do (see the module notes); all counts, no seconds.

    Attributes
    ----------
    roots : int
        Root searches of the whole model (1 or 2, with seeds ``seed`` and ``seed + 1``).
    root_nodes : int
        Nodes of each root search.
    rounds : int
        Most rounds of the neighbourhood search (two steps each).
    patience : int
        Rounds without a better plan before an insertion (and, with no insertion left, the end).
    sub_nodes : int
        Nodes of each neighbourhood step.
    size : int
        Projects a neighbourhood frees at first.
    insertions : int
        Most insertion attempts (pairs of repairs).
    repair_steps : int
        Steps of each repair.
    final_nodes : int
        Nodes of the final search of the whole model.
    race_after : int
        Rounds after which the final search starts (beside the rounds, with two threads).
    """

    roots: int = 2
    root_nodes: int = 1
    rounds: int = 24
    patience: int = 5
    sub_nodes: int = 100
    size: int = 30
    insertions: int = 1
    repair_steps: int = 60
    final_nodes: int = 5000
    race_after: int = 3

    @classmethod
    def of(
        cls,
        options: OptimiseOptions,
        formulation: Formulation | None = None,
        *,
        neighbour: bool = False,
    ) -> Budget:
        """The budget of ``options.effort`` (a multiple of the default work) for a formulation.

        The final search gets ``FINAL_WORK`` / (nonzeros of the constraint matrix) nodes,
        between 500 and 50,000 (× effort): a node costs about its LP's size, so this is about
        the same time on small and large models — still a count, the same on any machine.
        ``options.node_limit`` sets it instead. Efforts below :data:`BATCH_EFFORT` (frontier
        points, Monte Carlo samples) run one root search — none when the search starts from a
        ``neighbour``'s plan: the LP relaxation gives the first bound — and a final search
        only on small models (:data:`BATCH_PROOF_NONZEROS`).
        """
        e = options.effort
        base = cls()
        if options.node_limit is not None:
            final = options.node_limit
        else:
            nonzeros = max(formulation.n_nonzeros, 1) if formulation is not None else 4000
            final = round(float(np.clip(FINAL_WORK / nonzeros, 500, 50_000)) * e)
            if e < BATCH_EFFORT:  # batch runs prove small models only (a root costs seconds)
                final = (
                    round(BATCH_FINAL_WORK / nonzeros) if nonzeros <= BATCH_PROOF_NONZEROS else 0
                )
        return cls(
            roots=2 if e >= BATCH_EFFORT else (0 if neighbour else 1),
            root_nodes=base.root_nodes,
            rounds=max(1, round(base.rounds * e)),
            patience=max(2, round(base.patience * math.sqrt(e))),
            sub_nodes=base.sub_nodes if e >= BATCH_EFFORT else base.sub_nodes // 2,
            size=base.size,
            insertions=max(0, round(base.insertions * e)),
            repair_steps=max(1, round(base.repair_steps * math.sqrt(e))),
            final_nodes=int(final),
            race_after=base.race_after,
        )


@dataclass
class SearchResult:
    """What :func:`search` found.

    ``values`` are the column values of the best plan (None without one), ``objective`` and
    ``bound`` the value and proven bound *including* the formulation's constant; ``status`` is
    ``optimal`` (proven), ``feasible``, ``infeasible`` or ``not_solved``; ``work`` counts what was
    done (rounds, steps, nodes, LPs, repairs); ``capped`` says the time limit struck before the
    work budget was spent.
    """

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    work: dict = field(default_factory=dict)
    capped: bool = False
    notes: list[str] = field(default_factory=list)
    trace: list[tuple[float, str, float, int]] = field(default_factory=list)


class _Clock:
    """The safety cap as a ``time.monotonic`` deadline (None: no cap)."""

    def __init__(self, limit: float | None) -> None:
        self.deadline = None if limit is None else time.monotonic() + limit
        self.struck = False

    def left(self) -> float:
        if self.deadline is None:
            return math.inf
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.struck = True
        return left

    def cap(self) -> float | None:
        """Seconds left for one solver call (None: unlimited)."""
        left = self.left()
        return None if math.isinf(left) else max(left, 1e-3)


class _Search:
    """The state of one search: incumbent, bound, pool of good plans, work done."""

    def __init__(
        self,
        formulation: Formulation,
        options: OptimiseOptions,
        budget: Budget | None = None,
        neighbour: bool = False,
    ) -> None:
        self.formulation = formulation
        self.options = options
        self.budget = budget or Budget.of(options, formulation, neighbour=neighbour)
        self.clock = _Clock(options.time_limit)
        self.threads = max(1, int(options.threads))
        self.objective = formulation.columns["objective"].to_numpy(dtype=float)
        self.hood = Neighbourhoods(formulation)
        self.rng = np.random.default_rng([options.seed, 2027])
        self.streams = Streams(formulation, options.seed, STREAMS, self.threads)
        self.x: np.ndarray | None = None
        self.value = -math.inf
        self.bound = math.inf
        self.proven = False
        self.infeasible = False
        self.pool: list[np.ndarray] = []
        self.work = {"rounds": 0, "steps": 0, "nodes": 0, "lps": 0, "repairs": 0, "inserted": 0}
        self.weight = {kind: 1.0 for kind in KINDS}
        self.final: _Final | None = None
        self.phase = "start"
        self.trace: list[tuple[float, str, float, int]] = []
        self._t0 = time.perf_counter()
        self.size = {kind: self.budget.size for kind in KINDS}
        self._matrix = formulation.sparse_matrix()
        self._row_lower, self._row_upper = row_bounds(formulation)

    # ------------------------------------------------------------------ helpers
    def fits(self, values: np.ndarray) -> bool:
        """Every row holds (relative tolerance 1e-6) and every option column is 0 or 1."""
        used = self._matrix @ values
        tol = 1e-6 * np.maximum(1.0, np.maximum(np.abs(self._row_lower), np.abs(self._row_upper)))
        tol = np.where(np.isfinite(tol), tol, 1e-6)
        n = len(self.formulation.options)
        binary = np.all((values[:n] == 0.0) | (values[:n] == 1.0))
        return bool(
            binary
            and np.all(used <= self._row_upper + tol)
            and np.all(used >= self._row_lower - tol)
        )

    def offer(self, values: np.ndarray | None, *, sideways: bool = False) -> bool:
        """Take ``values`` as the incumbent when it fits and is better (or, ``sideways``, as
        good and different); True when taken."""
        if values is None:
            return False
        values = np.asarray(values, dtype=float)[: len(self.objective)]
        value = float(self.objective @ values)
        tol = _TOL * max(1.0, abs(self.value)) if math.isfinite(self.value) else 0.0
        better = value > self.value + tol
        same = sideways and value >= self.value and not np.array_equal(values, self.x)
        if not (better or same) or not self.fits(values):
            return False
        self.x, self.value = values.copy(), value
        self.pool = [*self.pool, self.x][-6:]
        if better:
            self.trace.append(
                (time.perf_counter() - self._t0, self.phase, value, self.work["steps"])
            )
        return True

    def tighten(self, bound: float | None) -> None:
        if bound is not None and math.isfinite(bound):
            self.bound = min(self.bound, bound)

    def closed(self) -> bool:
        """The incumbent is proven optimal, or within the run's relative gap of the bound."""
        if self.x is None or not math.isfinite(self.bound):
            return self.proven
        slack = max(self.options.gap * max(abs(self.value), 1e-9), 1e-6 * max(1.0, abs(self.value)))
        return self.proven or self.bound <= self.value + slack

    # ------------------------------------------------------------------ phases
    def root(self, start: np.ndarray | None) -> None:
        """Two root searches of the whole model, with two seeds (module notes, 1)."""
        if start is not None:
            self.offer(start)
        self.phase = "root"
        if self.budget.roots == 0 and self.x is not None:
            # a batch run from a neighbouring plan: the LP relaxation's bound, no root search
            self.tighten(self.streams.local[0].model.solve(relax=True, time_limit=30.0).bound)
            self.pool = [self.x]
            return
        call = {
            "start": self.x,
            "node_limit": self.budget.root_nodes,
            "deadline": self.clock.deadline,
        }
        results = self.streams.run([("solve", call)] * max(1, min(STREAMS, self.budget.roots)))
        for result in results:
            self.work["nodes"] += result.nodes
            self.offer(result.values)
            self.tighten(result.bound)
            self.proven |= result.status == "optimal" and self.x is not None
        self.infeasible = self.x is None and all(r.status == "infeasible" for r in results)
        self.pool = [r.values[: len(self.objective)] for r in results if r.values is not None]
        if self.x is not None and not any(np.array_equal(self.x, p) for p in self.pool):
            self.pool.append(self.x)

    def step(self, kind: str, free: np.ndarray, allowed: np.ndarray | None) -> tuple[str, dict]:
        """One neighbourhood step from the incumbent: a call for a stream."""
        model = self.streams.local[0].model
        lower, upper = self.hood.bounds(self.x, free, allowed, model.lower, model.upper)
        return "solve", {
            "start": self.x,
            "lower": lower,
            "upper": upper,
            "node_limit": self.budget.sub_nodes,
            "deadline": self.clock.deadline,
        }

    def draw(self) -> list[tuple[str, np.ndarray, np.ndarray | None]]:
        """The neighbourhoods of one round, drawn before any step runs."""
        drawn = []
        kinds = list(KINDS)
        weight = np.array([self.weight[kind] for kind in kinds])
        for _ in range(STREAMS):
            kind = kinds[int(self.rng.choice(len(kinds), p=weight / weight.sum()))]
            free, allowed = self.hood.draw(
                kind, self.x, self.rng, size=self.size[kind], pool=self.pool
            )
            drawn.append((kind, free, allowed))
        return drawn

    def learn(self, kind: str, result: MipResult, improved: bool) -> None:
        """Neighbourhood sizes and kind weights after a step (module notes, 2)."""
        self.weight[kind] = (
            0.7 * self.weight[kind] + 1.5 if improved else max(0.2, 0.9 * self.weight[kind])
        )
        n_projects = self.hood.n_projects
        if result.status == "optimal" and result.nodes < self.budget.sub_nodes // 4:
            self.size[kind] = min(n_projects, self.size[kind] + 2)
        elif result.status != "optimal":
            self.size[kind] = max(8, self.size[kind] - 2)

    def one_round(self) -> bool:
        """One round of two steps; True when the incumbent got better."""
        drawn = self.draw()
        results = self.streams.run([self.step(*d) for d in drawn])
        self.work["rounds"] += 1
        before = self.value
        for (kind, _, _), result in zip(drawn, results, strict=True):
            self.work["steps"] += 1
            self.work["nodes"] += result.nodes
            self.phase = kind
            self.learn(kind, result, self.offer(result.values))
        if self.value > before:
            return True
        for result in results:  # nothing better: move sideways to an as good, other plan
            if self.offer(result.values, sideways=True):
                break
        return False

    def insert(self, tried: set) -> bool:
        """Screen the moves that make room for a project, repair the best two (module notes,
        3); True when the incumbent got better."""
        moves, lps = self.streams.local[0].insertion.candidates(self.x, limit=STREAMS, tried=tried)
        self.work["lps"] += lps
        if not moves:
            return False
        budget = self.budget
        calls = [
            (
                "repair",
                {
                    "x": self.x,
                    "move": move,
                    "steps": budget.repair_steps,
                    "node_limit": budget.sub_nodes,
                    "size": max(8, budget.size // 2),
                    "seed": (self.options.seed, 7, self.work["repairs"] + k),
                    "deadline": self.clock.deadline,
                },
            )
            for k, move in enumerate(moves)
        ]
        results = self.streams.run(calls)
        self.phase, improved = "insertion", False
        for values, nodes in results:
            self.work["repairs"] += 1
            self.work["nodes"] += nodes
            if self.offer(values):
                self.work["inserted"] += 1
                improved = True
        self.phase = "neighbourhoods"
        return improved

    def neighbourhood_search(self) -> None:
        """Rounds, with an insertion whenever ``patience`` rounds bring nothing; the final
        search starts after ``race_after`` rounds and, once it proves its plan optimal, ends
        the rounds."""
        stall, insertions, tried = 0, 0, set()
        for done in range(self.budget.rounds):
            if done == self.budget.race_after:
                self.start_final()
            if self.final is not None and self.final.proven():
                return
            if self.closed() or self.clock.left() <= 0:
                return
            stall = 0 if self.one_round() else stall + 1
            if stall < self.budget.patience:
                continue
            if insertions >= self.budget.insertions:
                return
            insertions += 1
            stall = 0 if self.insert(tried) else self.budget.patience // 2

    def start_final(self) -> None:
        """The final search of the whole model from the incumbent (module notes, 4): in a
        thread beside the rounds (CBC runs in its own process) when ``threads`` allows and
        the solver is CBC, else here and now."""
        if self.final is not None or self.x is None:
            return
        if self.clock.left() <= 0 or self.budget.final_nodes <= 0:
            return
        parallel = self.threads >= 2 and self.options.solver == "cbc"
        self.final = _Final(self.final_search, self.x.copy(), parallel=parallel)

    def final_search(self, start: np.ndarray) -> MipResult:
        """The whole model from ``start`` with the run's solver, ``final_nodes`` nodes."""
        options = self.options
        if options.effort < BATCH_EFFORT:
            # batch runs: the stream's HiGHS model in this process (a CBC run costs a second or
            # two to start, a HiGHS root with all its heuristics as much again)
            return self.streams.local[0].model.solve(
                start,
                node_limit=self.budget.final_nodes,
                time_limit=self.clock.cap(),
                gap=options.gap,
            )
        if options.solver == "highs":
            model = HighsModel(self.formulation, seed=options.seed, settings={})
            return model.solve(
                start,
                node_limit=self.budget.final_nodes,
                time_limit=self.clock.cap(),
                gap=options.gap,
            )
        from .model import solve

        found = solve(
            self.formulation,
            solver="cbc",
            time_limit=self.clock.cap(),
            gap=options.gap,
            threads=1,
            seed=options.seed,
            warm_start=start,
            node_limit=self.budget.final_nodes,
        )
        constant = self.formulation.constant
        return MipResult(
            found.status,
            found.values,
            None if found.objective is None else found.objective - constant,
            None if found.bound is None else found.bound - constant,
            self.budget.final_nodes,
        )

    def finish(self) -> None:
        """Merge the final search: its plan when it proved it optimal (whenever the rounds
        stopped, so the same plan either way), else the better plan (the rounds' on a tie) and
        the lower bound."""
        if self.final is None:
            self.start_final()
        if self.final is None:
            return
        result = self.final.result()
        self.clock.left()  # the cap may have stopped the final search: say so
        self.work["final_nodes"] = result.nodes
        self.tighten(result.bound)
        if result.status == "optimal" and result.values is not None:
            values = np.asarray(result.values[: len(self.objective)], dtype=float)
            value = float(self.objective @ values)
            tol = 1e-6 * max(1.0, abs(value))
            if self.fits(values) and value >= self.value - tol:
                if value > self.value + tol:  # the trace records every better plan
                    self.trace.append(
                        (time.perf_counter() - self._t0, self.phase, value, self.work["steps"])
                    )
                self.x, self.value, self.proven = values, value, True
                return
        self.offer(result.values)
        self.infeasible |= self.x is None and result.status == "infeasible"


class _Final:
    """The final search, run in a thread or at once; :meth:`result` waits for it."""

    def __init__(
        self, run: Callable[[np.ndarray], MipResult], start: np.ndarray, *, parallel: bool
    ) -> None:
        self._result: MipResult | None = None
        self._thread = None
        if parallel:
            self._thread = threading.Thread(target=self._run, args=(run, start), daemon=True)
            self._thread.start()
        else:
            self._run(run, start)

    def _run(self, run: Callable[[np.ndarray], MipResult], start: np.ndarray) -> None:
        self._result = run(start)

    def proven(self) -> bool:
        """Finished, with its plan proven optimal."""
        done = self._thread is None or not self._thread.is_alive()
        return done and self._result is not None and self._result.status == "optimal"

    def result(self) -> MipResult:
        if self._thread is not None:
            self._thread.join()
        if self._result is None:
            return MipResult("not_solved", None, None, None, 0)
        return self._result


def search(
    formulation: Formulation,
    options: OptimiseOptions,
    start: np.ndarray | None = None,
    *,
    neighbour: bool = False,
    budget: Budget | None = None,
) -> SearchResult:
    """Search the formulation from ``start`` within ``options``' work budget (module notes).

    Parameters
    ----------
    formulation : Formulation
    options : OptimiseOptions
        ``effort`` sizes the work budget (:class:`Budget`), ``seed`` the generators, ``threads``
        how many steps run at once (not what they find), ``solver`` the final search,
        ``time_limit`` the safety cap, ``gap`` when a plan is good enough.
    start : ndarray, optional
        Column values of a plan that satisfies every row (the result is never worse).
    neighbour : bool
        ``start`` is the plan of a neighbouring solve (a frontier point's, the chosen plan
        under a Monte Carlo sample's figures): see :meth:`Budget.of`.
    budget : Budget, optional
        The work budget (default :meth:`Budget.of` ``options``).

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> f = build_formulation(generate_portfolio(12, n_periods=6, n_roles=3, seed=3),
    ...                       OptimiseOptions())
    >>> search(f, OptimiseOptions()).status
    'optimal'
    """
    constant = formulation.constant
    if len(formulation.columns) == 0:  # nothing to decide: the empty plan holds or nothing does
        holds = _Search(formulation, options, budget).fits(np.zeros(0))
        values = np.zeros(0) if holds else None
        status = "optimal" if holds else "infeasible"
        value = constant if holds else None
        return SearchResult(status, values, value, value)
    state = _Search(formulation, options, budget, neighbour)
    try:
        state.root(start if start is not None and state.fits(np.asarray(start, float)) else None)
        if state.x is not None and not state.closed():
            state.phase = "neighbourhoods"
            state.neighbourhood_search()
    finally:
        state.streams.close()
    if (state.x is not None and not state.closed()) or (state.x is None and not state.infeasible):
        state.phase = "final"
        state.finish()
    if state.x is None:
        status = "infeasible" if state.infeasible else "not_solved"
        return SearchResult(
            status, None, None, None, state.work, state.clock.struck, [], state.trace
        )
    if not math.isfinite(state.bound):
        # no search proved a bound (the cap struck first): the LP relaxation gives one; LPs
        # solve fast, so it gets room beyond the cap
        relaxed = HighsModel(formulation, seed=options.seed).solve(relax=True, time_limit=30.0)
        state.tighten(relaxed.bound)
    if state.proven or (
        options.gap == 0 and state.bound <= state.value + 1e-6 * max(1.0, abs(state.value))
    ):
        status = "optimal"
        bound = state.value
    else:
        status = "feasible"
        bound = max(state.bound, state.value)
    notes = list(state.streams.notes)
    if state.clock.struck:
        notes.append(
            f"the time limit ({options.time_limit:g} s) struck before the search had done its "
            "work budget: this plan may differ between runs and machines"
        )
    return SearchResult(
        status,
        state.x,
        state.value + constant,
        (bound + constant) if math.isfinite(bound) else None,
        state.work,
        state.clock.struck,
        notes,
        state.trace,
    )
