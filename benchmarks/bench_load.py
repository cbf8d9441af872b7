"""Loading and validating portfolios: the CSV loader at 10,000 projects, a 1,000-project
workbook, and the ``validate`` command end to end.

Setup generates the portfolio (:func:`pmo_analytics.portfolio.synthetic.generate_portfolio`) and writes it
once with :func:`pmo_analytics.write_portfolio` (not timed); the timed run is
:func:`pmo_analytics.load_portfolio` in a fresh process, so the lazy imports the loader makes
(pyarrow's CSV reader, openpyxl) count, as they would for a user. Target for the CSV case: under
2 s and 500 MB on a 2-core machine. ``cpu_s`` is the CPU time of the run (all threads), a
steadier figure than wall-clock seconds on a busy machine. Run: ``python -m benchmarks load``.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Case

ROOT = Path(tempfile.gettempdir()) / "pmo_analytics_bench_load"


def _written(n_projects: int, n_periods: int, n_roles: int, suffix: str = ""):
    def setup() -> Path:
        from pmo_analytics.portfolio.io import write_portfolio
        from pmo_analytics.portfolio.synthetic import generate_portfolio

        target = ROOT / f"p{n_projects}x{n_periods}x{n_roles}{suffix}"
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        portfolio = generate_portfolio(n_projects, n_periods=n_periods, n_roles=n_roles, seed=1)
        return write_portfolio(portfolio, target)

    return setup


def _load(path: Path) -> dict:
    started = time.process_time()
    from pmo_analytics.portfolio.io import load_portfolio

    portfolio = load_portfolio(path)
    cpu = time.process_time() - started
    rows = sum(
        len(getattr(portfolio, name))
        for name in (
            "cashflows",
            "demand",
            "capacity",
            "budget",
            "scores",
            "dependencies",
            "actuals",
        )
    )
    return {
        "projects": len(portfolio.projects),
        "rows": rows + len(portfolio.projects),
        "cpu_s": cpu,
    }


def _validate(path: Path) -> dict:
    started = time.process_time()
    from pmo_analytics.cli import run

    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = run(["validate", str(path)])
    cpu = time.process_time() - started
    return {"exit_code": code, "printed_lines": out.getvalue().count("\n"), "cpu_s": cpu}


CASES = [
    Case(
        "load",
        "CSV folder, 10,000 projects x 12 quarters x 8 roles",
        _written(10_000, 12, 8),
        _load,
        target="< 2 s, < 500 MB",
    ),
    Case(
        "load",
        "validate command, 10,000 projects (load + summary)",
        _written(10_000, 12, 8),
        _validate,
    ),
    Case(
        "load",
        "xlsx workbook, 1,000 projects x 12 quarters x 8 roles",
        _written(1_000, 12, 8, ".xlsx"),
        _load,
    ),
]
