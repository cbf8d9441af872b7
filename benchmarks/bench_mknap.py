"""The optimiser on the OR-Library multidimensional knapsack instances, CBC against HiGHS.

Every 5×100 Chu & Beasley instance (``mknapcb1.txt``, indices 0–29: best-known values proven
optimal) and the seven Petersen problems of ``mknap1.txt`` (optimum in each header), each as a
one-period portfolio (:func:`benchmarks.mknap.mknap_portfolio`), solved by each solver with a
time limit of ``TIME_LIMIT`` seconds (``method="solver"``: the solver alone; ``bench_engine``
sets the engine beside plain PuLP). The table says, per instance and solver, the objective
found, the best-known value, whether it was reached (``reached``), whether optimality was proven
(``proven``), the bound and gap, and the solver's own seconds (``solve_s``; the harness's
``seconds`` is the whole ``optimise`` call). Run: ``python -m benchmarks mknap``.

The instances are read in place from ``../shared/benchmarks/mknap``; where that folder is absent
the module has no cases and says why.
"""

from __future__ import annotations

import sys

from benchmarks.harness import Case
from benchmarks.mknap import MKNAP_DIR, best_known, mknap_portfolio, read_orlib

TIME_LIMIT = 60.0
SOLVERS = ("cbc", "highs")


def _setup(file: str, index: int):
    def setup():
        problem = read_orlib(MKNAP_DIR / file)[index]
        if problem.optimum is not None:
            target = problem.optimum
        else:
            table = best_known()
            target = float(
                table.loc[(table["file"] == file) & (table["index"] == index), "best_known"].iloc[0]
            )
        return mknap_portfolio(problem), target

    return setup


def _run(solver: str):
    def run(data) -> dict:
        from pmo_analytics.optimise import check_plan, optimise

        portfolio, target = data
        plan = optimise(
            portfolio, method="solver", solver=solver, time_limit=TIME_LIMIT, shadow_prices=False
        )
        valid = check_plan(plan).empty if plan.is_solution() else False
        return {
            "status": plan.status,
            "objective": plan.objective,
            "best_known": target,
            "reached": bool(
                plan.is_solution() and plan.objective >= target - 1e-6 * max(1.0, abs(target))
            ),
            "proven": plan.status == "optimal",
            "bound": plan.bound,
            "gap": plan.gap,
            "solve_s": plan.timings.get("solve", float("nan")),
            "valid": valid,
        }

    return run


def _cases() -> list[Case]:
    if not MKNAP_DIR.is_dir():
        print(
            f"bench_mknap: skipped — the shared OR-Library instances are not at {MKNAP_DIR}",
            file=sys.stderr,
        )
        return []
    cases = []
    instances = [("mknapcb1.txt", i, "5x100") for i in range(30)]
    instances += [
        ("mknap1.txt", i, "petersen") for i in range(len(read_orlib(MKNAP_DIR / "mknap1.txt")))
    ]
    for file, index, group in instances:
        for solver in SOLVERS:
            cases.append(
                Case(
                    group=f"mknap {group}",
                    name=f"{file}#{index} {solver}",
                    setup=_setup(file, index),
                    run=_run(solver),
                    target=f"best-known within {TIME_LIMIT:.0f} s",
                )
            )
    return cases


CASES = _cases()
