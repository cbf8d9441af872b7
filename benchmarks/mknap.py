"""OR-Library multidimensional knapsack (MKP) instances as one-period portfolios.

A 0-1 multidimensional knapsack — maximise ``p·x`` subject to ``r(i,·)·x <= b(i)`` for every
constraint ``i``, ``x`` binary — is exactly a one-period portfolio: every item is a project with
value ``p(j)`` and duration 1, every constraint a role with capacity ``b(i)`` [FTE] and demand
``r(i, j)``. The public instances with known optima or best-known values
(``../shared/benchmarks/mknap``, described in its README) therefore test the optimiser against
the literature.

Readers for the three file formats found there:

- :func:`read_orlib` — ``mknap1.txt`` and ``mknapcb1.txt`` … ``mknapcb9.txt``
  (``K``; per problem ``n m opt``, profits, ``m`` rows of weights, capacities);
- :func:`read_mknap2` — ``mknap2.txt`` (blocks ``problem NAME.DAT``: ``m n``, profits,
  capacities, weights, optimum);
- :func:`read_dat` — Drake's one-problem ``.dat`` files in ``sac94/`` and ``gk/``
  (``n m opt``, profits, weights, capacities).

:func:`read_mknap` picks the reader from the file name, :func:`mknap_portfolio` turns a problem
into a :class:`~pmo_analytics.Portfolio` and :func:`best_known` reads ``best_known.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Where the shared instances live (next to the repository, never copied into it).
MKNAP_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "mknap"


@dataclass(frozen=True, eq=False)
class MknapProblem:
    """One multidimensional knapsack problem.

    Attributes
    ----------
    name : str
        ``<file>#<index>`` for multi-problem files (e.g. ``mknapcb1.txt#0``), the problem's
        own name for ``mknap2.txt`` (``SENTO1``) and the file stem for ``.dat`` files.
    profits : ndarray, shape (n,)
        Value of each item.
    weights : ndarray, shape (m, n)
        Use of constraint ``i`` by item ``j``.
    capacities : ndarray, shape (m,)
        Limit of each constraint.
    optimum : float or None
        The optimum stated in the file, ``None`` where the file gives 0 (unknown).
    source : str
        File name the problem was read from.
    index : int
        Position of the problem in its file (0-based).
    """

    name: str
    profits: np.ndarray
    weights: np.ndarray
    capacities: np.ndarray
    optimum: float | None
    source: str
    index: int

    @property
    def n_items(self) -> int:
        return int(self.profits.size)

    @property
    def n_constraints(self) -> int:
        return int(self.capacities.size)

    def value_of(self, chosen: np.ndarray) -> float:
        """Total profit of a 0/1 choice of items."""
        return float(self.profits @ np.asarray(chosen, dtype=float))

    def is_feasible(self, chosen: np.ndarray) -> bool:
        """True when a 0/1 choice of items respects every capacity."""
        use = self.weights @ np.asarray(chosen, dtype=float)
        return bool(np.all(use <= self.capacities + 1e-9 * np.maximum(1.0, self.capacities)))


def _numbers(text: str) -> np.ndarray:
    try:
        return np.array([float(token) for token in text.split()], dtype=float)
    except ValueError as err:
        raise ValueError(f"not a number in an MKP file: {err}") from None


def _problem(
    name: str, source: str, index: int, profits, weights, capacities, optimum: float
) -> MknapProblem:
    return MknapProblem(
        name=name,
        profits=np.asarray(profits, dtype=float),
        weights=np.asarray(weights, dtype=float),
        capacities=np.asarray(capacities, dtype=float),
        optimum=float(optimum) if optimum else None,
        source=source,
        index=index,
    )


def read_orlib(path: str | Path) -> list[MknapProblem]:
    """The problems of an OR-Library file in the ``mknap1`` / ``mknapcb*`` format.

    Parameters
    ----------
    path : str or Path
        ``mknap1.txt`` or ``mknapcbK.txt``.

    Returns
    -------
    list of MknapProblem
        In file order, named ``<file>#<index>``.

    Examples
    --------
    >>> problems = read_orlib(MKNAP_DIR / "mknap1.txt")  # doctest: +SKIP
    >>> problems[0].n_items, problems[0].n_constraints, problems[0].optimum  # doctest: +SKIP
    (6, 10, 3800.0)
    """
    path = Path(path)
    tokens = _numbers(path.read_text())
    if tokens.size == 0:
        raise ValueError(f"{path.name}: empty file; expected the number of problems first")
    count, at, problems = int(tokens[0]), 1, []
    for index in range(count):
        if at + 3 > tokens.size:
            raise ValueError(
                f"{path.name}: problem {index} is missing (the file announces {count})"
            )
        n, m, optimum = int(tokens[at]), int(tokens[at + 1]), tokens[at + 2]
        at += 3
        size = n + m * n + m
        if at + size > tokens.size:
            raise ValueError(
                f"{path.name}: problem {index} ({n} items, {m} constraints) needs {size} numbers "
                f"after its header; only {tokens.size - at} remain"
            )
        profits = tokens[at : at + n]
        weights = tokens[at + n : at + n + m * n].reshape(m, n)
        capacities = tokens[at + n + m * n : at + size]
        at += size
        problems.append(
            _problem(
                f"{path.name}#{index}", path.name, index, profits, weights, capacities, optimum
            )
        )
    if at != tokens.size:
        raise ValueError(f"{path.name}: {tokens.size - at} numbers left after {count} problems")
    return problems


def read_mknap2(path: str | Path) -> list[MknapProblem]:
    """The 48 literature problems of ``mknap2.txt`` (``m n``, profits, capacities, weights, optimum).

    Examples
    --------
    >>> [p.name for p in read_mknap2(MKNAP_DIR / "mknap2.txt")[:2]]  # doctest: +SKIP
    ['SENTO1', 'SENTO2']
    """
    path = Path(path)
    text = path.read_text()
    parts = re.split(
        r"^\s*problem\s+(\S+?)(?:\.DAT)?\s*$", text, flags=re.MULTILINE | re.IGNORECASE
    )
    problems = []
    # parts: [preamble, name1, body1, name2, body2, ...]
    for index, (name, body) in enumerate(zip(parts[1::2], parts[2::2], strict=True)):
        body = re.sub(r"^\s*\++\s*$", "", body, flags=re.MULTILINE)
        tokens = _numbers(body)
        if tokens.size < 2:
            raise ValueError(f"{path.name}: problem {name} has no 'm n' header")
        m, n = int(tokens[0]), int(tokens[1])
        size = 2 + n + m + m * n + 1
        if tokens.size != size:
            raise ValueError(
                f"{path.name}: problem {name} ({m} constraints, {n} items) should hold {size} "
                f"numbers (m n, profits, capacities, weights, optimum); it holds {tokens.size}"
            )
        profits = tokens[2 : 2 + n]
        capacities = tokens[2 + n : 2 + n + m]
        weights = tokens[2 + n + m : 2 + n + m + m * n].reshape(m, n)
        problems.append(_problem(name, path.name, index, profits, weights, capacities, tokens[-1]))
    if not problems:
        raise ValueError(f"{path.name}: no 'problem NAME.DAT' block found")
    return problems


def read_dat(path: str | Path) -> MknapProblem:
    """One problem in Drake's ``.dat`` format (``n m opt``, profits, weights, capacities).

    Examples
    --------
    >>> read_dat(MKNAP_DIR / "sac94" / "weing1.dat").optimum  # doctest: +SKIP
    141278.0
    """
    path = Path(path)
    tokens = _numbers(path.read_text())
    if tokens.size < 3:
        raise ValueError(f"{path.name}: expected 'n m opt' first")
    n, m, optimum = int(tokens[0]), int(tokens[1]), tokens[2]
    size = 3 + n + m * n + m
    if tokens.size != size:
        raise ValueError(
            f"{path.name}: {n} items and {m} constraints need {size} numbers "
            f"(n m opt, profits, weights, capacities); the file holds {tokens.size}"
        )
    profits = tokens[3 : 3 + n]
    weights = tokens[3 + n : 3 + n + m * n].reshape(m, n)
    capacities = tokens[3 + n + m * n :]
    return _problem(path.stem, path.name, 0, profits, weights, capacities, optimum)


def read_mknap(path: str | Path) -> list[MknapProblem]:
    """Every problem of an MKP file, with the reader chosen by its name.

    ``mknap2.txt`` → :func:`read_mknap2`; ``*.dat`` → :func:`read_dat`; otherwise
    :func:`read_orlib` (``mknap1.txt``, ``mknapcb*.txt``).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no MKP file at {path}; the instances live in {MKNAP_DIR}")
    if path.name == "mknap2.txt":
        return read_mknap2(path)
    if path.suffix == ".dat":
        return [read_dat(path)]
    return read_orlib(path)


def best_known(folder: str | Path | None = None) -> pd.DataFrame:
    """``best_known.csv``: file, index, name, constraints, items, best_known, lp_bound.

    The best-known values are proven optima for the 5×100 and 10×100 classes and lower bounds
    elsewhere (see the folder's README).
    """
    folder = MKNAP_DIR if folder is None else Path(folder)
    return pd.read_csv(folder / "best_known.csv")


def mknap_portfolio(problem: MknapProblem, *, period: str = "2027Q1"):
    """The problem as a one-period portfolio.

    Each item ``j`` is a project ``P…`` with value ``profits[j]``, duration 1 and no cost;
    each constraint ``i`` a role ``R…`` with capacity ``capacities[i]`` [FTE] in the one
    period, and demand ``weights[i, j]`` [FTE] of project ``j`` (zeros left out). No budget.

    Parameters
    ----------
    problem : MknapProblem
    period : str
        The one horizon period.

    Returns
    -------
    Portfolio
        Optimising it solves the knapsack: the selected projects are the chosen items.

    Examples
    --------
    >>> problem = read_orlib(MKNAP_DIR / "mknap1.txt")[0]  # doctest: +SKIP
    >>> portfolio = mknap_portfolio(problem)  # doctest: +SKIP
    >>> len(portfolio.projects), portfolio.roles[:2]  # doctest: +SKIP
    (6, ['R01', 'R02'])
    """
    from pmo_analytics import make_portfolio

    n, m = problem.n_items, problem.n_constraints
    start = pd.Period(period)
    ids = pd.Index([f"P{j:0{max(3, len(str(n)))}d}" for j in range(1, n + 1)], name="project_id")
    roles = np.array([f"R{i:0{max(2, len(str(m)))}d}" for i in range(1, m + 1)], dtype=object)
    no_period = pd.PeriodIndex([pd.NaT] * n, freq=start.freq)
    projects = pd.DataFrame(
        {
            "name": [f"item {j}" for j in range(1, n + 1)],
            "category": "item",
            "business_unit": "",
            "sponsor": "",
            "status": "proposed",
            "earliest_start": no_period,
            "latest_start": no_period,
            "start": no_period,
            "duration": np.ones(n, dtype=np.int64),
            "mandatory": np.zeros(n, dtype=bool),
            "value": problem.profits.astype(float),
            "risk": 0.0,
        },
        index=ids,
    )
    role_of, item_of = np.nonzero(problem.weights)
    demand = pd.DataFrame(
        {
            "project_id": ids.to_numpy()[item_of],
            "role": roles[role_of],
            "offset": np.zeros(item_of.size, dtype=np.int64),
            "fte": problem.weights[role_of, item_of].astype(float),
        }
    )
    capacity = pd.DataFrame(
        {
            "role": roles,
            "period": pd.PeriodIndex([start] * m),
            "fte": problem.capacities.astype(float),
        }
    )
    return make_portfolio(
        {"projects": projects, "demand": demand, "capacity": capacity}, horizon=(start,)
    )
