"""The one place that runs work in parallel: joblib processes, or a Dask cluster.

Scenario batches, frontier points and Monte Carlo samples are independent runs of a
module-level (picklable) function over a list of items. :func:`run_parallel` runs them in
this process (``n_jobs=1``), in local worker processes through joblib's ``loky`` backend, or
on a Dask cluster through joblib's ``dask`` backend — the same call, the results in input
order, identical whatever the backend and the number of workers as long as the function is
deterministic in its item (seed random work per item: :func:`spawn_seeds`).

To run on a Dask cluster, open a client and select the backend around the call::

    from dask.distributed import Client
    import joblib

    with Client("tcp://scheduler:8786"), joblib.parallel_config(backend="dask"):
        results = run_parallel(func, items, n_jobs=-1)

Each solver run already works in its own temporary directory (``optimise.model.solve``), so
concurrent solves never share files.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

from .exceptions import OptionsError

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["run_parallel", "spawn_seeds"]


def _check_n_jobs(n_jobs: int | None) -> None:
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0:
        raise OptionsError(
            f"n_jobs must be a non-zero integer (1 = in this process, 2 = two workers, "
            f"-1 = every core or every Dask worker) or None (joblib's active setting); "
            f"got {n_jobs!r}"
        )


def run_parallel(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
    desc: str | None = None,
) -> list[R]:
    """Apply ``func`` to every item, possibly in parallel; results in the order of ``items``.

    Parameters
    ----------
    func : callable
        A module-level function (or ``functools.partial`` of one) taking one item: it is
        pickled to worker processes. Its exceptions propagate unchanged.
    items : iterable
        The work: one call per item.
    n_jobs : int or None, default 1
        Workers: 1 runs in this process without joblib (also inside a worker, so nested
        calls never fan out again); 2 runs two worker processes; -1 every core (or, on the
        Dask backend, every worker thread of the cluster). None defers to the active
        ``joblib.parallel_config(n_jobs=...)`` (1 when none is set).
    backend : str, optional
        A joblib backend name (``"loky"`` processes, the default; ``"threading"``;
        ``"dask"`` with a ``dask.distributed.Client`` open). None uses the active
        ``joblib.parallel_config`` or joblib's default.
    progress : bool, default False
        Show a progress bar (``tqdm.auto``: a widget in notebooks, text in a terminal) that
        advances as results arrive.
    desc : str, optional
        The progress bar's label.

    Returns
    -------
    list
        ``func(item)`` for each item, in input order.

    Examples
    --------
    >>> run_parallel(abs, [-2, 1, -3])
    [2, 1, 3]
    >>> run_parallel(abs, [-2, 1, -3], n_jobs=2)  # doctest: +SKIP
    [2, 1, 3]
    """
    _check_n_jobs(n_jobs)
    work = list(items)
    if not work:
        return []
    if n_jobs == 1 and backend is None:
        results = map(func, work)
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator")
        results = parallel(delayed(func)(item) for item in work)
    if not progress:
        return list(results)
    bar = _progress_bar(len(work), desc)
    try:
        done = []
        for result in results:  # as they arrive
            done.append(result)
            bar.update(1)
        return done
    finally:
        bar.close()


def _progress_bar(total: int, desc: str | None):
    """A ``tqdm.auto`` bar: a widget in notebooks with ipywidgets, else text (on stderr)."""
    with warnings.catch_warnings():
        # without ipywidgets, tqdm.auto warns "IProgress not found" on import and uses text
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)


def spawn_seeds(seed: int | None, n: int) -> list[int]:
    """``n`` independent seeds derived from one, for per-item random work.

    Each item gets its own seed (from ``numpy.random.SeedSequence(seed).spawn``), so a
    sample's draws depend only on the master seed and its position — never on which worker
    ran it or in what order.

    Parameters
    ----------
    seed : int or None
        The master seed (None draws fresh entropy: results then differ between calls).
    n : int
        How many seeds (≥ 0).

    Returns
    -------
    list of int
        ``n`` seeds in [0, 2**32).

    Examples
    --------
    >>> spawn_seeds(42, 3) == spawn_seeds(42, 3)
    True
    >>> len(set(spawn_seeds(42, 100)))
    100
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise OptionsError(f"n must be a non-negative integer; got {n!r}")
    children = np.random.SeedSequence(seed).spawn(int(n))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]
