"""The only module that imports PuLP: a :class:`~.formulation.Formulation` in, a solution out.

Variables are a pandas Series of PuLP variables indexed like the formulation's columns (the
first ones by (project_id, start)); each constraint row is one ``LpAffineExpression`` built
from that row's slice of the block's entries (no per-element Python arithmetic). Solvers: CBC
(bundled with PuLP) and HiGHS (``highspy``), each run in its own temporary directory, with a
time limit, relative gap, threads, a fixed seed and an optional warm start. The status is
read from PuLP's *solution* status, so a time-limit stop is never mistaken for an optimum,
and no variable value is read after a failed solve.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp
from pulp.apis import coin_api

from ..exceptions import OptionsError
from .formulation import Formulation

_SENSE = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}


@dataclass
class SolveResult:
    """What a solver run gave.

    status is ``optimal`` (proven), ``feasible`` (a plan, optimum not proven), ``infeasible``
    or ``not_solved``; ``values`` holds the column values only when a solution exists.
    ``objective`` and ``bound`` include the formulation's constant; ``duals`` (LP runs only)
    maps a block family to its row duals.
    """

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    solver: str
    build_seconds: float
    solve_seconds: float
    message: str = ""
    duals: dict[str, np.ndarray] = field(default_factory=dict)


def build_problem(
    formulation: Formulation, *, relax: bool = False
) -> tuple[pulp.LpProblem, pd.Series, list[tuple[str, list]]]:
    """A PuLP problem from the formulation (``relax``: binaries become continuous in [0, 1])."""
    # Value is maximised as the minimisation of -value: CBC mishandles a MIP start of a
    # maximisation whose objective is negative (it takes the start's cutoff on the wrong side
    # of its own max -> min flip and can call the start optimal), so no flip is left to it.
    prob = pulp.LpProblem("portfolio", pulp.LpMinimize)
    cols = formulation.columns
    binary = cols["binary"].to_numpy() & (not relax)
    n_x = len(formulation.options)
    x = prob.add_variable_dicts(
        "x", range(n_x), lowBound=0, upBound=1, cat=pulp.LpContinuous if relax else pulp.LpBinary
    )
    variables = list(x.values())
    for name, lb, ub, is_bin in zip(
        cols["name"].iloc[n_x:],
        cols["lb"].iloc[n_x:],
        cols["ub"].iloc[n_x:],
        binary[n_x:],
        strict=True,
    ):
        variables.append(
            prob.add_variable(
                name,
                lowBound=float(lb),
                upBound=None if not math.isfinite(ub) else float(ub),
                cat=pulp.LpBinary if is_bin else pulp.LpContinuous,
            )
        )
    var_array = np.empty(len(variables), dtype=object)
    var_array[:] = variables
    index = (
        formulation.options.index.append(pd.Index(cols["name"].iloc[n_x:]))
        if len(cols) > n_x
        else formulation.options.index
    )
    series = pd.Series(var_array, index=index, name="variable")

    objective = cols["objective"].to_numpy(dtype=float)
    nz = np.flatnonzero(objective)
    # the formulation's constant is added to the objective and bound after solving
    prob.setObjective(
        pulp.LpAffineExpression(zip(var_array[nz], (-objective[nz]).tolist(), strict=True))
    )
    constraints: list[tuple[str, list]] = []
    for block in formulation.blocks:
        entries = block.entries.sort_values(["row", "col"], kind="stable")
        rows = entries["row"].to_numpy()
        cols_ = entries["col"].to_numpy()
        coefs = entries["coef"].to_numpy(dtype=float)
        bounds = np.searchsorted(rows, np.arange(block.size + 1))
        rhs = block.rows["rhs"].to_numpy(dtype=float)
        made = []
        sense = _SENSE[block.sense]
        for r in range(block.size):
            lo, hi = bounds[r], bounds[r + 1]
            expr = pulp.LpAffineExpression(
                zip(var_array[cols_[lo:hi]], coefs[lo:hi].tolist(), strict=True)
            )
            constraint = pulp.LpConstraint(
                expr, sense, name=f"{block.family}_{r}", rhs=float(rhs[r])
            )
            prob.addConstraint(constraint)
            made.append(constraint)
        constraints.append((block.family, made))
    return prob, series, constraints


@contextlib.contextmanager
def _silenced_stdout():
    """Send what C code writes to standard output (file descriptor 1) to /dev/null for a while."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


class _HiGHS(pulp.HiGHS):  # type: ignore[misc, valid-type]
    """PuLP's in-process HiGHS, handing the variables' initial values over as a start."""

    def __init__(self, *args: object, warm_start: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._warm_start = warm_start

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        if self.msg:
            super().createAndConfigureSolver(lp)
            return
        with _silenced_stdout():  # highspy prints its banner when a model is created
            super().createAndConfigureSolver(lp)

    def findSolutionValues(self, lp: pulp.LpProblem):
        try:
            return super().findSolutionValues(lp)
        except KeyError:
            # a status PuLP does not map, e.g. kSolutionLimit when mip_max_nodes stops the
            # search: a plan exists if HiGHS says its primal solution is feasible
            feasible = lp.solverModel.getInfo().primal_solution_status == 2
            if feasible:
                return pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible
            return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound

    def callSolver(self, lp: pulp.LpProblem) -> None:
        if self._warm_start:
            import highspy

            solution = highspy.HighsSolution()
            values = [0.0] * len(lp.variables())
            for var in lp.variables():
                values[var.index] = float(var.varValue or 0.0)
            solution.col_value = values
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        super().callSolver(lp)


# --------------------------------------------------------------------------- the CBC process
# CBC runs as a child process in a temporary folder. So that neither outlives a killed run:
# on Linux the child gets a parent-death signal (SIGKILL when this process dies, whatever
# kills it), and each process removes, on its first solve, the solver folders of processes
# that no longer run (``pmo-solve-<pid>-*`` in the temporary folder).
_SOLVER_DIR_PREFIX = "pmo-solve-"
_PR_SET_PDEATHSIG = 1
_popen_lock = threading.Lock()
_popen_users = 0


def _die_with_parent():
    """A ``preexec_fn`` that asks the kernel to kill the child when this process dies."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before the fork
    parent = os.getpid()

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


class _SubprocessDyingWithParent:
    """``subprocess`` as PuLP's CBC driver sees it during a solve: children die with us."""

    def __getattr__(self, name: str) -> object:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args: object, **kwargs: object) -> subprocess.Popen:
        kwargs.setdefault("preexec_fn", _die_with_parent())
        return subprocess.Popen(*args, **kwargs)


@contextlib.contextmanager
def _cbc_dies_with_parent():
    """While solving, launch CBC with a parent-death signal (Linux; elsewhere as PuLP does).

    PuLP starts CBC with :class:`subprocess.Popen` and offers no hook to arm the signal, so
    its driver module sees :class:`_SubprocessDyingWithParent` for the duration of the solve
    (shared by concurrent solves in threads, put back after the last one).
    """
    global _popen_users
    if not sys.platform.startswith("linux"):
        yield
        return
    with _popen_lock:
        if _popen_users == 0:
            coin_api.subprocess = _SubprocessDyingWithParent()
        _popen_users += 1
    try:
        yield
    finally:
        with _popen_lock:
            _popen_users -= 1
            if _popen_users == 0:
                coin_api.subprocess = subprocess


class _ParentBoundCBC(pulp.PULP_CBC_CMD):  # type: ignore[misc, valid-type]
    """PuLP's bundled CBC, run so that the CBC process dies with this one."""

    def solve_CBC(self, lp: pulp.LpProblem, use_mps: bool = True):
        with _cbc_dies_with_parent():
            return super().solve_CBC(lp, use_mps=use_mps)


@functools.cache
def remove_stale_solver_dirs() -> list[str]:
    """Remove the solver folders of processes that no longer run (once per process).

    Returns
    -------
    list of str
        The names of the folders removed.
    """
    removed = []
    with contextlib.suppress(OSError), os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            pid = entry.name.removeprefix(_SOLVER_DIR_PREFIX).split("-", 1)[0]
            if not entry.name.startswith(_SOLVER_DIR_PREFIX) or not pid.isdigit():
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.name)
            except OSError:
                pass
    return removed


def _solver_dir() -> tempfile.TemporaryDirectory:
    """A temporary folder for one solve, named after this process."""
    if os.name == "posix":
        remove_stale_solver_dirs()
    return tempfile.TemporaryDirectory(prefix=f"{_SOLVER_DIR_PREFIX}{os.getpid()}-")


_CBC_BOUND = re.compile(r"^(Lower) bound:\s+(\S+)", re.MULTILINE)
_CBC_RESULT = re.compile(r"^Result - (.+)$", re.MULTILINE)


def _status_of(prob: pulp.LpProblem) -> str:
    sol = prob.sol_status
    if sol == pulp.LpSolutionOptimal:
        return "optimal"
    if sol == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    if sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        return "infeasible"
    return "not_solved"


def solve(
    formulation: Formulation,
    *,
    solver: str = "cbc",
    time_limit: float | None = None,
    gap: float = 0.0,
    threads: int = 1,
    seed: int = 0,
    warm_start: np.ndarray | None = None,
    relax: bool = False,
    fix: dict[int, float] | None = None,
    node_limit: int | None = None,
    msg: bool = False,
) -> SolveResult:
    """Solve the formulation (a MIP; an LP with ``relax``).

    ``warm_start`` gives a value per column (a feasible plan) for the solver to start from;
    ``fix`` pins columns (by number) to values.
    """
    started = time.perf_counter()
    prob, variables, constraints = build_problem(formulation, relax=relax)
    var_array = variables.to_numpy()
    if fix:
        for col, value in fix.items():
            var_array[col].lowBound = value
            var_array[col].upBound = value
    if warm_start is not None and not relax:
        for var, value in zip(var_array, warm_start, strict=True):
            var.setInitialValue(float(value))
    build_seconds = time.perf_counter() - started

    with _solver_dir() as tmp:
        log_path = os.path.join(tmp, "solver.log")
        engine = _solver_command(
            solver,
            tmp,
            log_path,
            relax=relax,
            msg=msg,
            time_limit=time_limit,
            gap=gap,
            threads=threads,
            seed=seed,
            warm=warm_start is not None and not relax,
            node_limit=node_limit,
        )
        t0 = time.perf_counter()
        try:
            prob.solve(engine)
        except pulp.PulpSolverError as err:
            return SolveResult(
                "not_solved",
                None,
                None,
                None,
                solver,
                build_seconds,
                time.perf_counter() - t0,
                message=str(err),
            )
        solve_seconds = time.perf_counter() - t0
        log = ""
        if os.path.exists(log_path):
            with open(log_path, encoding="utf-8", errors="replace") as handle:
                log = handle.read()
    return _read_result(
        prob,
        engine,
        formulation,
        var_array,
        constraints,
        log,
        solver=solver,
        relax=relax,
        gap=gap,
        seconds=(build_seconds, solve_seconds),
    )


def _solver_command(
    solver: str,
    tmp: str,
    log_path: str,
    *,
    relax: bool,
    msg: bool,
    time_limit: float | None,
    gap: float,
    threads: int,
    seed: int,
    warm: bool,
    node_limit: int | None,
) -> pulp.LpSolver:
    """The PuLP solver command of ``solver`` (CBC or HiGHS), working in ``tmp``."""
    if solver == "cbc":
        options = [f"randomCbcSeed {seed + 1}", f"randomSeed {seed + 1}"]
        with warnings.catch_warnings():
            # PULP_CBC_CMD (the CBC binary shipped inside PuLP) is deprecated for PuLP 4.0
            warnings.simplefilter("ignore", DeprecationWarning)
            engine = _ParentBoundCBC(
                mip=not relax,
                msg=msg,
                timeLimit=time_limit,
                gapRel=gap,
                threads=threads,
                warmStart=warm,
                logPath=log_path,
                options=options,
                maxNodes=node_limit,
            )
        engine.tmpDir = tmp
        return engine
    if solver == "highs":
        return _HiGHS(
            mip=not relax,
            msg=msg,
            timeLimit=time_limit,
            gapRel=gap,
            threads=threads,
            warm_start=warm,
            random_seed=seed,
            log_file=log_path,
            **({"mip_max_nodes": int(node_limit)} if node_limit is not None else {}),
        )
    raise OptionsError(f"solver={solver!r} is not valid; use 'cbc' or 'highs'")


def _read_result(
    prob: pulp.LpProblem,
    engine: pulp.LpSolver,
    formulation: Formulation,
    var_array: np.ndarray,
    constraints: list,
    log: str,
    *,
    solver: str,
    relax: bool,
    gap: float,
    seconds: tuple[float, float],
) -> SolveResult:
    """The solved problem as a :class:`SolveResult`: status, values, objective and bound (with
    the formulation's constant), and the duals by family of an LP."""
    build_seconds, solve_seconds = seconds
    status = _status_of(prob)
    found = _CBC_RESULT.search(log)
    if status not in ("optimal", "feasible"):
        message = found.group(1) if found else pulp.LpStatus[prob.status]
        return SolveResult(
            status, None, None, None, solver, build_seconds, solve_seconds, message=message
        )
    values = np.array(
        [v.varValue if v.varValue is not None else 0.0 for v in var_array], dtype=float
    )
    objective = -float(pulp.value(prob.objective) or 0.0)  # the problem minimises -value
    bound = _bound(prob, engine, log, objective, relax)
    objective += formulation.constant
    bound = None if bound is None else bound + formulation.constant
    if (
        status == "optimal"
        and not relax
        and gap > 0
        and bound is not None
        and bound > objective + 1e-9 * max(1.0, abs(objective))
    ):
        status = "feasible"  # stopped within the gap tolerance: good, but not proven optimal
    duals = {}
    if relax:
        duals = {
            family: np.array([c.pi if c.pi is not None else np.nan for c in made], dtype=float)
            for family, made in constraints
        }
    return SolveResult(
        status,
        values,
        objective,
        bound,
        solver,
        build_seconds,
        solve_seconds,
        message=found.group(1) if found else "",
        duals=duals,
    )


def _bound(
    prob: pulp.LpProblem, engine: object, log: str, objective: float, relax: bool
) -> float | None:
    """The best proven upper bound on the value (the problem minimises -value)."""
    if relax:
        # an LP's objective bounds the MIP only when the LP was solved to optimality
        return objective if prob.sol_status == pulp.LpSolutionOptimal else None
    if isinstance(engine, pulp.HiGHS):
        info = prob.solverModel.getInfo()
        lower = float(info.mip_dual_bound)  # a lower bound on -value
        return -lower if math.isfinite(lower) else None
    found = _CBC_BOUND.search(log)
    if found:
        return -float(found.group(2))  # CBC's "Lower bound" on -value
    return objective if prob.sol_status == pulp.LpSolutionOptimal else None


# --------------------------------------------------------------------------- in-process HiGHS
#: HiGHS settings of the neighbourhood searches: its own sub-MIP heuristics (RINS, RENS) and
#: restarts cost more than they find inside a neighbourhood of a few dozen projects. Measured on
#: the sample (89 free columns): 0.55 → 0.13 s of CPU per neighbourhood, the same plans.
SUB_MIP_SETTINGS = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_allow_restart": False,
}


@dataclass
class MipResult:
    """One in-process HiGHS solve.

    ``values`` are the column values (binaries rounded) when a solution exists; ``objective``
    and ``bound`` are on the maximised value *without* the formulation's constant (``bound``
    None when HiGHS proved none); ``nodes`` the branch-and-bound nodes it explored.
    """

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    nodes: int
    timed_out: bool = False


class HighsModel:
    """A formulation held as one in-process HiGHS model, re-solved many times.

    The search (:mod:`.search`) solves the same model again and again with other column
    bounds (most projects fixed at the incumbent's choice), row bounds (projects held in the
    plan) or costs, each solve bounded by a node count — work, not time — and started from a
    given plan. HiGHS runs single-threaded with a fixed seed, so the same calls give the same
    answers on any machine; two models may be solved at once from two Python threads (HiGHS
    releases the interpreter lock while it solves).

    Parameters
    ----------
    formulation : Formulation
    seed : int
        HiGHS random seed.
    elastic : tuple of str
        Constraint families whose rows get a slack column each (``row - slack <= rhs``, slack
        >= 0, objective cost 0 until :meth:`solve` is given ``cost``): the repair model in
        which a plan may overrun its limits for a while. Rows are held scaled to a largest
        coefficient of 1 (``row_scale``), so a slack counts overrun in units of the row's
        largest coefficient.
    settings : dict, optional
        HiGHS options (default :data:`SUB_MIP_SETTINGS`).

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> from pmo_analytics.optimise.options import OptimiseOptions
    >>> f = build_formulation(generate_portfolio(10, n_periods=4, n_roles=2, seed=1),
    ...                       OptimiseOptions())
    >>> result = HighsModel(f).solve(node_limit=1000)
    >>> result.status, result.objective == result.bound
    ('optimal', True)
    """

    def __init__(
        self,
        formulation: Formulation,
        *,
        seed: int = 0,
        elastic: tuple[str, ...] = (),
        settings: dict | None = None,
    ) -> None:
        import highspy
        from scipy.sparse import coo_matrix, diags, hstack

        self._highspy = highspy
        matrix = formulation.sparse_matrix().tocsr()
        families = np.concatenate(
            [np.full(b.size, b.family, dtype=object) for b in formulation.blocks]
        )
        # rows scaled to a largest coefficient of 1: budget rows in currency and capacity rows
        # in FTE differ by six orders of magnitude, which HiGHS warns slows and blurs its search
        scale = (
            np.asarray(abs(matrix).max(axis=1).todense()).ravel()
            if matrix.shape[1]
            else np.ones(matrix.shape[0])
        )
        self.row_scale = np.where(scale > 0, scale, 1.0)
        matrix = diags(1.0 / self.row_scale) @ matrix
        row_lower, row_upper = (b / self.row_scale for b in row_bounds(formulation))
        columns = formulation.columns
        self.n_columns = len(columns)
        self.slack_rows = np.flatnonzero(np.isin(families, elastic))
        n_slack = len(self.slack_rows)
        if n_slack:
            slack = coo_matrix(
                (-np.ones(n_slack), (self.slack_rows, np.arange(n_slack))),
                shape=(matrix.shape[0], n_slack),
            )
            matrix = hstack([matrix, slack])
        matrix = matrix.tocsc()
        self.cost = np.r_[-columns["objective"].to_numpy(dtype=float), np.zeros(n_slack)]
        self.lower = np.r_[columns["lb"].to_numpy(dtype=float), np.zeros(n_slack)]
        self.upper = np.r_[columns["ub"].to_numpy(dtype=float), np.full(n_slack, np.inf)]
        self.row_lower, self.row_upper = row_lower, row_upper
        self.integer = np.r_[columns["binary"].to_numpy(dtype=bool), np.zeros(n_slack, bool)]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.cost, self.lower, self.upper
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        kinds = np.array([highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger])
        lp.integrality_ = list(kinds[self.integer.astype(int)])
        with _silenced_stdout():  # highspy prints its banner when the first model is created
            self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        for name, value in {
            "threads": 1,
            "random_seed": int(seed),
            "mip_rel_gap": 0.0,
            **(SUB_MIP_SETTINGS if settings is None else settings),
        }.items():
            self._highs.setOptionValue(name, value)
        self._highs.passModel(lp)
        self._all = np.arange(matrix.shape[1], dtype=np.int32)
        self._rows = np.arange(matrix.shape[0], dtype=np.int32)

    def solve(
        self,
        start: np.ndarray | None = None,
        *,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        row_lower: np.ndarray | None = None,
        cost: np.ndarray | None = None,
        node_limit: int | None = None,
        time_limit: float | None = None,
        gap: float = 0.0,
        relax: bool = False,
    ) -> MipResult:
        """Solve with these column bounds, row lower bounds and costs (defaults: the model's).

        ``start`` (values of every column, slacks included) is handed to HiGHS as a plan to
        start from; the result is never worse when it is feasible. ``relax`` solves the LP
        relaxation (``bound`` is then the LP optimum).
        """
        h = self._highs
        h.clearSolver()  # each solve from scratch: its answer never depends on earlier solves
        h.changeColsBounds(
            len(self._all),
            self._all,
            self.lower if lower is None else lower,
            self.upper if upper is None else upper,
        )
        h.changeRowsBounds(
            len(self._rows),
            self._rows,
            self.row_lower if row_lower is None else row_lower,
            self.row_upper,
        )
        h.changeColsCost(len(self._all), self._all, self.cost if cost is None else cost)
        h.setOptionValue("solve_relaxation", bool(relax))
        h.setOptionValue("mip_max_nodes", int(node_limit) if node_limit else 2**31 - 1)
        h.setOptionValue("time_limit", float(time_limit) if time_limit else np.inf)
        h.setOptionValue("mip_rel_gap", float(gap))
        if start is not None and not relax:
            solution = self._highspy.HighsSolution()
            solution.col_value = np.asarray(start, dtype=float)
            solution.value_valid = True
            h.setSolution(solution)
        h.run()
        return self._result(relax)

    def _result(self, relax: bool) -> MipResult:
        h, highspy = self._highs, self._highspy
        info = h.getInfo()
        model_status = h.getModelStatus()
        nodes = int(info.mip_node_count) if not relax else 0
        timed_out = model_status == highspy.HighsModelStatus.kTimeLimit
        if model_status == highspy.HighsModelStatus.kInfeasible:
            return MipResult("infeasible", None, None, None, nodes)
        has_plan = info.primal_solution_status == 2
        if not has_plan:
            return MipResult("not_solved", None, None, None, nodes, timed_out)
        values = np.asarray(h.getSolution().col_value, dtype=float)
        values[self.integer] = np.round(values[self.integer])
        optimal = model_status == highspy.HighsModelStatus.kOptimal
        objective = -float(info.objective_function_value)
        if relax:
            status = "optimal" if optimal else "not_solved"
            return MipResult(
                status, values, objective, objective if optimal else None, 0, timed_out
            )
        lower = float(info.mip_dual_bound)
        bound = -lower if math.isfinite(lower) else None
        status = "optimal" if optimal else "feasible"
        return MipResult(status, values, objective, bound, nodes, timed_out)


def row_bounds(formulation: Formulation) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of every row, blocks stacked (``<=``: -inf..rhs, ``==``: rhs)."""
    lower, upper = [], []
    for block in formulation.blocks:
        rhs = block.rows["rhs"].to_numpy(dtype=float)
        infinite = np.full(block.size, np.inf)
        lower.append(-infinite if block.sense == "<=" else rhs)
        upper.append(infinite if block.sense == ">=" else rhs)
    if not lower:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(lower), np.concatenate(upper)
