"""The outputs of a plan run (CONTRACT.md): summary.json, plan.csv, utilisation.csv.

Written together and atomically: every file is staged beside the output folder and moved in
only when all were written, so a failed run leaves the folder as it was. Text that a
spreadsheet would read as a formula is neutralised. Apart from ``seconds`` in summary.json
the files are byte for byte the same for the same inputs and options.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from . import safety
from .optimise.plan import Plan

#: Extra writers (name → function(plan, path)) run after the contract files, e.g. the report.
EXTRA_WRITERS: dict[str, Callable[[Plan, Path], None]] = {}


def write_plan_outputs(
    plan: Plan,
    out_dir: str | os.PathLike[str],
    *,
    extras: dict[str, Callable[[Plan, Path], None]] | None = None,
) -> Path:
    """Write ``summary.json``, ``plan.csv`` and ``utilisation.csv`` (and any extras) to ``out_dir``.

    Parameters
    ----------
    plan : Plan
    out_dir : path
        Created if missing; files of the same names are replaced, others left alone.
    extras : dict, optional
        file name → ``writer(plan, path)`` for further outputs staged with the others.

    Examples
    --------
    >>> from pmo_analytics import generate_portfolio, optimise
    >>> import tempfile, pathlib
    >>> out = write_plan_outputs(optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1)),
    ...                          pathlib.Path(tempfile.mkdtemp()) / "plan")
    >>> sorted(p.name for p in out.iterdir())
    ['plan.csv', 'summary.json', 'utilisation.csv']
    """
    target = Path(out_dir)
    writers = {**EXTRA_WRITERS, **(extras or {})}
    with safety.staged_directory(target) as stage:
        safety.write_text_atomic(stage / "summary.json", plan.summary_json())
        table = plan.plan_table()
        table["selected"] = table["selected"].map({True: "true", False: "false"})
        safety.write_csv_atomic(stage / "plan.csv", table)
        safety.write_csv_atomic(stage / "utilisation.csv", plan.utilisation_table())
        for name, writer in writers.items():
            writer(plan, stage / name)
    return target
