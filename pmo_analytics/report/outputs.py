"""The outputs of a plan run (CONTRACT.md): summary.json, plan.csv, utilisation.csv,
limits.csv, and the leadership pack beside them: report.html and plan.xlsx.

Written together and atomically: every file is staged beside the output folder and moved in
only when all were written, so a failed run leaves the folder as it was. Text that a
spreadsheet would read as a formula is neutralised in the CSVs and the workbook. Apart from
``seconds`` in summary.json the files are byte for byte the same for the same inputs and
options.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd

from .. import safety
from ..optimise import LIMIT_COLUMNS, LimitSettings, Plan, limit_worth
from . import html, workbook

#: The contract files, always written.
CONTRACT_FILES = ("summary.json", "plan.csv", "utilisation.csv", "limits.csv")
#: The leadership pack, written unless ``pack=False``.
PACK_FILES = ("report.html", "plan.xlsx")
#: How many of the most valuable excluded projects the report explains by default.
EXPLAINED = 5


def write_plan_outputs(
    plan: Plan,
    out_dir: str | os.PathLike[str],
    *,
    pack: bool = True,
    comparison: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
    explain: int = EXPLAINED,
    what_if: int = 0,
    currency: str = "",
    limits: pd.DataFrame | LimitSettings | None = None,
    changes: pd.DataFrame | None = None,
) -> Path:
    """Write the outputs of ``plan`` to ``out_dir``: the contract files and the leadership pack.

    Parameters
    ----------
    plan : Plan
    out_dir : path
        Created if missing; files of the same names are replaced, others left alone.
    pack : bool
        Also write ``report.html`` and ``plan.xlsx`` (default). Batch runs that only need the
        contract files pass False.
    comparison, frontier : DataFrame, optional
        A scenario comparison and an efficient frontier to show in the pack.
    explain, what_if : int
        How many of the most valuable excluded projects the report explains, and for how many
        of those it re-solves to say what forcing them in would cost (see
        :func:`pmo_analytics.report.report_html`).
    currency : str
        Symbol shown before money amounts in the pack, e.g. ``"€"``.
    limits : DataFrame or LimitSettings, optional
        What one more step of each limit is worth: the table of
        :func:`pmo_analytics.limit_worth`, or the settings to work it out with (default
        :class:`~pmo_analytics.optimise.LimitSettings`); written as limits.csv and shown in
        the pack.
    changes : DataFrame, optional
        A replan's changes.csv table, shown in the pack ("What changed", the Changes sheet).

    Returns
    -------
    Path
        ``out_dir``, holding summary.json, plan.csv, utilisation.csv, limits.csv (CONTRACT.md)
        and, with ``pack``, report.html and plan.xlsx. Nothing is replaced unless every file was
        written.

    Examples
    --------
    >>> from pmo_analytics import generate_portfolio, optimise
    >>> import tempfile, pathlib
    >>> out = write_plan_outputs(optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1)),
    ...                          pathlib.Path(tempfile.mkdtemp()) / "plan", pack=False)
    >>> sorted(p.name for p in out.iterdir())
    ['limits.csv', 'plan.csv', 'summary.json', 'utilisation.csv']
    """
    target = Path(out_dir)
    if not isinstance(limits, pd.DataFrame):
        limits = limit_worth(plan, limits)
    with safety.staged_directory(target) as stage:
        safety.write_text_atomic(stage / "summary.json", summary_json(plan))
        table = plan.plan_table()
        table["selected"] = table["selected"].map({True: "true", False: "false"})
        safety.write_csv_atomic(stage / "plan.csv", table)
        safety.write_csv_atomic(stage / "utilisation.csv", plan.utilisation_table())
        safety.write_csv_atomic(stage / "limits.csv", limits_table(limits))
        if pack:
            html.write_report(
                plan,
                stage / "report.html",
                comparison=comparison,
                frontier=frontier,
                explain=explain,
                what_if=what_if,
                currency=currency,
                limits=limits,
                changes=changes,
            )
            workbook.write_workbook(
                plan,
                stage / "plan.xlsx",
                comparison=comparison,
                frontier=frontier,
                currency=currency,
                limits=limits,
                changes=changes,
            )
    return target


def limits_table(limits: pd.DataFrame) -> pd.DataFrame:
    """The ``limits.csv`` table: :data:`~pmo_analytics.optimise.LIMIT_COLUMNS`, tight as
    true/false, figures rounded to 6 decimals (blank where not evaluated)."""
    out = limits[LIMIT_COLUMNS].copy()
    out["tight"] = out["tight"].map({True: "true", False: "false"})
    numbers = [c for c in LIMIT_COLUMNS if c not in ("limit", "period", "tight", "blocking")]
    out[numbers] = out[numbers].astype(float).round(6) + 0.0
    return out


def plan_summary(plan: Plan) -> dict:
    """The ``summary.json`` content of a plan (CONTRACT.md keys first, then extensions).

    Examples
    --------
    >>> from pmo_analytics import generate_portfolio, optimise
    >>> list(plan_summary(optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1))))[:4]
    ['status', 'objective', 'bound', 'gap']
    """

    def number(v: float) -> float | None:
        return (
            None
            if v is None or (isinstance(v, float) and not math.isfinite(v))
            else round(float(v), 6)
        )

    return {
        "status": plan.status,
        "objective": number(plan.objective),
        "bound": number(plan.bound),
        "gap": number(plan.gap),
        "solver": plan.solver,
        "seconds": round(float(plan.seconds), 3),
        "n_selected": plan.n_selected,
        "selected": [str(p) for p in plan.selected],
        "value_basis": plan.options.value_basis,
        "value": number(plan.value),
        "cost": number(plan.total_cost),
        "horizon": [str(plan.portfolio.horizon[0]), str(plan.portfolio.horizon[-1])],
        "diagnosis": plan.diagnosis["message"].tolist() if len(plan.diagnosis) else [],
        "notes": list(plan.notes),
    }


def summary_json(plan: Plan) -> str:
    """The text of ``summary.json`` (:func:`plan_summary` as indented JSON)."""
    return json.dumps(plan_summary(plan), indent=2, ensure_ascii=False) + "\n"
