"""Shared fixtures: the sample portfolio, small synthetic ones, and the shared benchmarks path."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_BENCHMARKS = ROOT.parent / "shared" / "benchmarks"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_portfolio():
    from pmo_analytics import load_portfolio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(SAMPLE)


@pytest.fixture(scope="session")
def small_portfolio():
    from pmo_analytics import generate_portfolio

    return generate_portfolio(12, n_periods=6, n_roles=3, seed=3)


@pytest.fixture(scope="session")
def mknap_dir() -> Path:
    folder = SHARED_BENCHMARKS / "mknap"
    if not folder.is_dir():
        pytest.skip(
            f"the shared OR-Library instances are not here ({folder}); they live in ../shared/benchmarks"
        )
    return folder
