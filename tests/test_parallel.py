"""run_parallel: order, errors, progress, seeds; identical plans serially, on 2 workers and on a
local Dask cluster (joblib's dask backend)."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.explore.frontier import efficient_frontier
from pmo_analytics.optimise import check_plan
from pmo_analytics.parallel import run_parallel, spawn_seeds
from pmo_analytics.portfolio.synthetic import generate_portfolio

SCALES = [0.6, 1.0, 1.4]


def _square(x: int) -> int:
    return x * x


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"item {x} is bad")
    return x


def _draw(seed: int) -> float:
    return float(np.random.default_rng(seed).normal())


def _seeded_draws(master: int, n: int) -> list[float]:
    return [_draw(s) for s in spawn_seeds(master, n)]


@pytest.fixture(scope="module")
def tiny():
    return generate_portfolio(8, n_periods=4, n_roles=2, seed=11)


@pytest.fixture(scope="module")
def serial_frontier(tiny):
    return efficient_frontier(tiny, budget_scales=SCALES, n_jobs=1)


def _plan_tables(frontier) -> list[pd.DataFrame]:
    return [plan.plan_table() for plan in frontier.plans]


def test_serial_keeps_order_and_runs_in_this_process():
    seen = []
    assert run_parallel(seen.append, [3, 1, 2]) == [None, None, None]
    assert seen == [3, 1, 2]  # in this process: the side effect is visible
    assert run_parallel(_square, range(5)) == [0, 1, 4, 9, 16]
    assert run_parallel(_square, []) == []


def test_two_workers_keep_input_order():
    items = list(range(20))[::-1]
    assert run_parallel(_square, items, n_jobs=2) == [x * x for x in items]
    assert run_parallel(functools.partial(pow, 2), [1, 2, 3], n_jobs=2) == [2, 4, 8]
    assert run_parallel(_draw, spawn_seeds(3, 6), n_jobs=2) == _seeded_draws(3, 6)


def test_errors_of_a_task_propagate():
    with pytest.raises(ValueError, match="item 3 is bad"):
        run_parallel(_fails_on_three, [1, 2, 3, 4])
    with pytest.raises(ValueError, match="item 3 is bad"):
        run_parallel(_fails_on_three, [1, 2, 3, 4], n_jobs=2)


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_bad_n_jobs(n_jobs):
    with pytest.raises(ValueError, match="n_jobs must be a non-zero integer"):
        run_parallel(_square, [1], n_jobs=n_jobs)


def test_progress_bar_shows_its_label(capsys):
    assert run_parallel(_square, [1, 2, 3], progress=True, desc="squaring") == [1, 4, 9]
    assert "squaring" in capsys.readouterr().err
    run_parallel(_square, [1, 2, 3], desc="quiet")
    assert "quiet" not in capsys.readouterr().err


def test_no_progress_bar_no_tqdm():
    """tqdm (and its notebook warning) is imported only when a progress bar is asked for."""
    code = (
        "import sys\n"
        "from pmo_analytics.parallel import run_parallel\n"
        "assert run_parallel(abs, [-1, 2]) == [1, 2]\n"
        "assert 'tqdm' not in sys.modules, 'imported without a progress bar'\n"
        "run_parallel(abs, [-1], progress=True)\n"
        "assert 'tqdm' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_spawned_seeds_are_stable_distinct_and_independent_of_workers():
    assert spawn_seeds(7, 4) == spawn_seeds(7, 4)
    assert spawn_seeds(7, 4) != spawn_seeds(8, 4)
    assert len(set(spawn_seeds(7, 500))) == 500
    assert spawn_seeds(7, 3) == spawn_seeds(7, 5)[:3]  # a sample's seed depends on its position
    assert run_parallel(_draw, spawn_seeds(3, 6)) == _seeded_draws(3, 6)
    with pytest.raises(ValueError, match="non-negative integer"):
        spawn_seeds(1, -1)


def test_frontier_points_identical_on_two_workers(tiny, serial_frontier):
    parallel = efficient_frontier(tiny, budget_scales=SCALES, n_jobs=2)
    assert [p.status for p in serial_frontier.plans] == ["optimal"] * 3
    for a, b in zip(_plan_tables(serial_frontier), _plan_tables(parallel), strict=True):
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(
        serial_frontier.points.drop(columns="seconds"), parallel.points.drop(columns="seconds")
    )
    assert all(check_plan(p).empty for p in parallel.plans)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask.distributed is not installed"
    )
    try:
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    except Exception as err:  # no sockets or processes in this environment
        pytest.skip(f"a local dask.distributed cluster could not start: {err}")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_same_plans_on_a_dask_cluster(tiny, serial_frontier, dask_client):
    import joblib

    with joblib.parallel_config(backend="dask"):
        on_dask = efficient_frontier(tiny, budget_scales=SCALES, n_jobs=-1)
        squares = run_parallel(_square, range(6), n_jobs=-1)
        draws = run_parallel(_draw, spawn_seeds(3, 4), n_jobs=-1)
    assert squares == [0, 1, 4, 9, 16, 25]
    assert draws == _seeded_draws(3, 4)
    for a, b in zip(_plan_tables(serial_frontier), _plan_tables(on_dask), strict=True):
        pd.testing.assert_frame_equal(a, b)
    # the work really ran on the cluster's workers
    assert dask_client.run(lambda: 1) and len(dask_client.scheduler_info()["workers"]) == 2
    assert all(check_plan(p).empty for p in on_dask.plans)
