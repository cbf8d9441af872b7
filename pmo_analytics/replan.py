"""Quarterly replanning: roll last quarter's plan forward and say what changed and why.

The new portfolio (its budget and capacity) defines the new horizon. Last quarter's plan
(``plan.csv`` and ``summary.json`` written by ``pmo-analytics plan``) is read and checked;
then

1. **roll forward** — a project the previous plan started in a period now past (before the new
   horizon) is taken to have started as planned: it becomes ``in_flight`` with its planned
   start (or ``completed`` when by plan it also finished before the new horizon). The
   portfolio's own word wins: a project it lists as in flight keeps its recorded start; one it
   lists as on hold, completed or cancelled keeps that status.
2. **optimise** the rolled portfolio, optionally

   - allowing in-flight work to stop (``stop_in_flight``): sunk cost is ignored — each
     in-flight project is valued at what it still delivers (``remaining_value`` of
     :func:`pmo_analytics.continue_or_stop`) and, where it has actuals, its cost still to come
     is its estimate to complete (ETC; its future cost lines scaled to it); stopping frees
     that cost, less a ``termination_cost`` share charged in the first period;
   - penalising changes against the previous plan (``churn_penalty``: value lost per project
     whose selection or start differs).
3. **compare** — one row per project whose decision changed: ``started`` (was planned to start
   in a period now past, and is now in flight), ``deferred`` (start moved later),
   ``pulled_forward`` (earlier), ``stopped`` (was in flight, now stopped), ``newly_selected``,
   ``dropped`` (was selected, now not) — each with its reason in plain words.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .portfolio import Portfolio
from .schema import DERIVED_PROJECT_COLUMNS
from .validation import PortfolioValidationError

if TYPE_CHECKING:  # pragma: no cover
    from .optimise import OptimiseOptions, Plan

#: Columns of ``changes.csv``, in order.
CHANGE_COLUMNS = ["project_id", "name", "change", "previous_start", "start", "reason"]
#: The kinds of change, in the order changes.csv lists them.
CHANGE_KINDS = ("started", "stopped", "dropped", "deferred", "pulled_forward", "newly_selected")
_PLAN_STATUSES = ("optimal", "feasible", "infeasible", "not_solved")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class PreviousPlanError(PortfolioValidationError):
    """The previous plan's files are missing or broken; ``.problems`` lists every problem."""


# --------------------------------------------------------------------------- the previous plan
@dataclass(frozen=True, eq=False)
class PreviousPlan:
    """Last quarter's plan, as read from its outputs.

    Attributes
    ----------
    table : DataFrame
        Indexed by project_id: name, category, selected (bool), start and finish (Period,
        missing when not selected), value, cost (float), reason — the plan.csv columns present.
    summary : dict
        summary.json as read.
    source : str
        Where it was read from.
    """

    table: pd.DataFrame
    summary: dict = field(default_factory=dict)
    source: str = "previous plan"

    @property
    def selected(self) -> pd.Index:
        """project_ids the previous plan selected."""
        return self.table.index[self.table["selected"]]

    @property
    def starts(self) -> pd.Series:
        """Planned start of each selected project (Period, index project_id)."""
        return self.table.loc[self.table["selected"], "start"]

    @property
    def freq(self) -> str | None:
        """Period frequency of the plan's starts (None when nothing was selected)."""
        starts = self.starts.dropna()
        return None if starts.empty else starts.iloc[0].freqstr

    @classmethod
    def from_plan(cls, plan: Plan) -> PreviousPlan:
        """A :class:`PreviousPlan` from a :class:`~pmo_analytics.Plan` in memory."""
        table = plan.plan_table().set_index("project_id")
        freq = plan.portfolio.horizon[0].freq
        for column in ("start", "finish"):
            table[column] = pd.PeriodIndex(plan.schedule[column], freq=freq)
        table["selected"] = table["selected"].astype(bool)
        return cls(table=table, summary=plan.summary(), source="plan in memory")


def _problem(file: str, row: object, column: str, value: object, rule: str) -> dict:
    return {"file": file, "row": row, "column": column, "value": value, "rule": rule}


def read_previous_plan(path: str | os.PathLike[str]) -> PreviousPlan:
    """Read and check last quarter's ``plan.csv`` and ``summary.json`` from a folder.

    Parameters
    ----------
    path : path
        The ``--out`` folder of an earlier ``pmo-analytics plan`` (or ``replan``) run.

    Returns
    -------
    PreviousPlan

    Raises
    ------
    PreviousPlanError
        Listing every problem found: a missing folder or file, a missing column (project_id,
        selected, start are needed), a duplicate or blank project_id, ``selected`` not
        true/false, a selected project without a start, an unparsable period, periods of
        mixed frequency, summary.json not a JSON object or with an unknown status, or a
        summary whose ``selected`` list disagrees with plan.csv.

    Examples
    --------
    >>> previous = read_previous_plan("runs/2027Q1")  # doctest: +SKIP
    >>> previous.starts.head()  # doctest: +SKIP
    """
    folder = Path(path)
    source = f"the previous plan ({folder})"
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise PreviousPlanError(
            pd.DataFrame(
                [
                    _problem(
                        str(folder), pd.NA, "", "", f"{what}; give the --out folder of a plan run"
                    )
                ]
            ),
            source=source,
        )
    problems: list[dict] = []
    table = _read_plan_csv(folder / "plan.csv", problems)
    summary = _read_summary(folder / "summary.json", problems)
    if table is not None and summary is not None and isinstance(summary.get("selected"), list):
        listed = {str(p) for p in summary["selected"]}
        chosen = set(table.index[table["selected"].fillna(False).astype(bool)])
        for pid in sorted(listed ^ chosen):
            where = "summary.json lists it as selected" if pid in listed else "plan.csv selects it"
            other = "plan.csv does not" if pid in listed else "summary.json does not list it"
            problems.append(
                _problem("summary.json", pd.NA, "selected", pid, f"{where} but {other}")
            )
    if problems:
        raise PreviousPlanError(pd.DataFrame(problems), source=source)
    assert table is not None and summary is not None
    table["selected"] = table["selected"].astype(bool)
    return PreviousPlan(table=table, summary=summary, source=str(folder))


def _read_plan_csv(path: Path, problems: list[dict]) -> pd.DataFrame | None:
    file = "plan.csv"
    if not path.is_file():
        problems.append(
            _problem(file, pd.NA, "", "", "file missing (written by pmo-analytics plan)")
        )
        return None
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError:
        problems.append(_problem(file, pd.NA, "", "", "not UTF-8 text"))
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        problems.append(_problem(file, pd.NA, "", "", f"not a readable CSV table ({err})"))
        return None
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.assign(_row=np.arange(len(raw)) + 2)  # as the user sees it: header = row 1
    raw = raw[(raw.drop(columns="_row") != "").any(axis=1)]
    missing = [c for c in ("project_id", "selected", "start") if c not in raw.columns]
    for column in missing:
        problems.append(_problem(file, 1, column, "", "required column missing"))
    if missing:
        return None
    text = raw.drop(columns="_row").apply(lambda s: s.str.strip())
    rows = raw["_row"]
    ids = text["project_id"]
    for row in rows[ids == ""]:
        problems.append(_problem(file, row, "project_id", "", "project_id must not be blank"))
    duplicated = ids.duplicated(keep="first") & (ids != "")
    first = rows.groupby(ids).transform("min")
    for row, pid, was in zip(rows[duplicated], ids[duplicated], first[duplicated], strict=True):
        problems.append(
            _problem(
                file, row, "project_id", pid, f"duplicate project_id (first given in row {was})"
            )
        )
    flag = text["selected"].str.lower()
    selected = flag.isin(_TRUE)
    unknown = ~flag.isin(_TRUE | _FALSE)
    for row, value in zip(rows[unknown], text["selected"][unknown], strict=True):
        problems.append(_problem(file, row, "selected", value, "must be true or false"))
    periods: dict[str, pd.Series] = {}
    freqs: set[str] = set()
    for column in ("start", "finish"):
        if column not in text.columns:
            continue
        labels = text[column]
        parsed = {}
        for label in labels[labels != ""].unique():  # a plan has few distinct periods
            try:
                parsed[label] = pd.Period(label)
            except (ValueError, TypeError):
                parsed[label] = None
        bad = labels.map(lambda label, known=parsed: label != "" and known[label] is None)
        for row, label in zip(rows[bad], labels[bad], strict=True):
            problems.append(
                _problem(file, row, column, label, "not a period label (like 2027Q1 or 2027-01)")
            )
        freqs.update(p.freqstr for p in parsed.values() if p is not None)
        periods[column] = labels.map(lambda label, known=parsed: known.get(label))
    if len(freqs) > 1:
        problems.append(
            _problem(file, pd.NA, "start", ", ".join(sorted(freqs)), "periods of mixed frequency")
        )
    start_blank = (text["start"] == "").to_numpy()
    for row, pid in zip(rows[selected & start_blank], ids[selected & start_blank], strict=True):
        problems.append(_problem(file, row, "start", "", f"{pid} is selected but has no start"))
    stray = ~selected & flag.isin(_FALSE) & ~start_blank
    for row, value in zip(rows[stray], text["start"][stray], strict=True):
        problems.append(
            _problem(file, row, "start", value, "a start is given for a project not selected")
        )
    freq = next(iter(freqs)) if len(freqs) == 1 else "Q-DEC"
    table = pd.DataFrame(index=pd.Index(ids.to_numpy(), name="project_id"))
    for column in ("name", "category", "reason"):
        table[column] = text[column].to_numpy() if column in text.columns else ""
    table["selected"] = selected.to_numpy()
    for column in ("start", "finish"):
        values = periods.get(column, pd.Series(None, index=text.index, dtype=object))
        table[column] = pd.PeriodIndex(
            [v if isinstance(v, pd.Period) and v.freqstr == freq else pd.NaT for v in values],
            freq=freq,
        )
    for column in ("value", "cost"):
        if column in text.columns:
            numbers = pd.to_numeric(text[column].mask(text[column] == ""), errors="coerce")
            bad = numbers.isna() & (text[column] != "")
            for row, value in zip(rows[bad], text[column][bad], strict=True):
                problems.append(_problem(file, row, column, value, "not a number"))
            table[column] = numbers.to_numpy(dtype=float, na_value=np.nan)
        else:
            table[column] = np.nan
    return table[~table.index.duplicated(keep="first")]


def _read_summary(path: Path, problems: list[dict]) -> dict | None:
    file = "summary.json"
    if not path.is_file():
        problems.append(
            _problem(file, pd.NA, "", "", "file missing (written by pmo-analytics plan)")
        )
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(_problem(file, pd.NA, "", "", "not UTF-8 text"))
        return None
    except json.JSONDecodeError as err:
        problems.append(_problem(file, err.lineno, "", "", f"not valid JSON ({err.msg})"))
        return None
    if not isinstance(summary, dict):
        problems.append(_problem(file, pd.NA, "", "", "must be a JSON object (the plan's summary)"))
        return None
    status = summary.get("status")
    if status not in _PLAN_STATUSES:
        problems.append(
            _problem(
                file, pd.NA, "status", str(status), f"must be one of {', '.join(_PLAN_STATUSES)}"
            )
        )
    if "selected" in summary and not isinstance(summary["selected"], list):
        problems.append(
            _problem(
                file, pd.NA, "selected", str(summary["selected"]), "must be a list of project ids"
            )
        )
    return summary


# --------------------------------------------------------------------------- rolling forward
def roll_forward(portfolio: Portfolio, previous: PreviousPlan) -> tuple[Portfolio, pd.DataFrame]:
    """The portfolio with the previous plan's past starts taken as started (see module notes).

    Returns the rolled portfolio and one row per project taken as started: project_id index,
    planned start, was (the portfolio's status), now (``in_flight`` or ``completed``).
    """
    _check_frequency(portfolio, previous)
    projects = portfolio.projects
    h0 = portfolio.horizon[0]
    starts = previous.starts.dropna()
    starts = starts[starts.index.isin(projects.index)]
    planned = pd.PeriodIndex(starts, freq=h0.freq)
    past = starts.index[planned < h0]
    status = projects.loc[past, "status"]
    # the portfolio's word wins: in flight (its start), on hold, completed, cancelled stay
    taken = past[status.isin(["proposed", "approved"]).to_numpy()]
    start = pd.PeriodIndex(starts.reindex(taken), freq=h0.freq)
    finish = start + projects.loc[taken, "duration"].to_numpy() - 1
    now = np.where(finish < h0, "completed", "in_flight")
    rolled = projects.drop(columns=list(DERIVED_PROJECT_COLUMNS))
    rolled.loc[taken, "status"] = now
    start_column = rolled["start"].copy()
    start_column.loc[taken] = start
    rolled["start"] = start_column
    record = pd.DataFrame(
        {"start": start, "was": status.reindex(taken).to_numpy(), "now": now}, index=taken
    )
    return portfolio.replace(projects=rolled), record


def _check_frequency(portfolio: Portfolio, previous: PreviousPlan) -> None:
    freq = previous.freq
    if freq is not None and freq != portfolio.freq:
        example = previous.starts.dropna().iloc[0]
        raise ValueError(
            f"the previous plan's periods ({example}) are not of the portfolio's frequency "
            f"(like {portfolio.horizon[0]}); replan a portfolio in the same periods"
        )


def _sunk_cost_free(
    portfolio: Portfolio, as_of: pd.Period | None
) -> tuple[Portfolio, pd.DataFrame]:
    """In-flight projects valued at what they still deliver from the new horizon on; the cost
    still to come of those with actuals scaled to their estimate to complete (ETC).

    ``as_of`` is the actuals' status period (None: the latest in the actuals): the ETC covers
    the periods after it, so the planned cost lines after it are scaled to sum to the ETC.
    """
    from .earned_value import status_period
    from .health import continue_or_stop

    status = status_period(portfolio, as_of)
    figures = continue_or_stop(portfolio, as_of=status)
    if figures.empty:
        return portfolio, figures
    ahead = continue_or_stop(portfolio, as_of=portfolio.horizon[0] - 1)
    projects = portfolio.projects.drop(columns=list(DERIVED_PROJECT_COLUMNS))
    projects.loc[ahead.index, "value"] = ahead["remaining_value"].to_numpy(dtype=float)
    factor = pd.Series(np.nan, index=figures.index)
    if status is not None:
        with_actuals = figures.index.isin(portfolio.actuals["project_id"].unique())
        remaining = figures["remaining_planned_cost"]
        factor = (figures["etc"] / remaining.where(remaining > 0)).where(with_actuals)
        factor = factor.replace([np.inf, -np.inf], np.nan)
        cashflows = portfolio.cashflows
        start = pd.Series(
            pd.PeriodIndex(projects["start"], freq=portfolio.freq).asi8, index=projects.index
        )
        when = cashflows["project_id"].map(start).to_numpy() + cashflows["offset"].to_numpy()
        scale = cashflows["project_id"].map(factor.dropna()).to_numpy(dtype=float)
        future = (when > status.ordinal) & ~np.isnan(scale)
        planned = cashflows["cost"].to_numpy(dtype=float)
        cost = np.where(future, planned * np.nan_to_num(scale), planned)
        portfolio = portfolio.replace(cashflows=cashflows.assign(cost=cost))
    figures = figures.assign(
        remaining_value=ahead["remaining_value"].reindex(figures.index),
        cost_factor=factor.fillna(1.0),
    )
    return portfolio.replace(projects=projects), figures


# --------------------------------------------------------------------------- replan
@dataclass(frozen=True, eq=False)
class Replan:
    """The new quarter's plan and what changed against the previous one.

    Attributes
    ----------
    plan : Plan
        The new plan (of the rolled portfolio: ``plan.portfolio``).
    changes : DataFrame
        The ``changes.csv`` table: project_id, name, change (one of :data:`CHANGE_KINDS`),
        previous_start, start (period labels, blank where none), reason (plain words).
        Empty when nothing changed, or when no plan was found.
    previous : PreviousPlan
    started : DataFrame
        Projects taken as started by the roll forward (see :func:`roll_forward`).
    continuing : DataFrame
        :func:`pmo_analytics.continue_or_stop` figures of in-flight work at the actuals' status
        period (with ``stop_in_flight``; empty otherwise); ``remaining_value`` is the value
        still to come from the new horizon on, ``cost_factor`` how its cost still to come was
        scaled to its estimate to complete (1 without actuals).
    """

    plan: Plan
    changes: pd.DataFrame
    previous: PreviousPlan
    started: pd.DataFrame
    continuing: pd.DataFrame

    def changes_table(self) -> pd.DataFrame:
        """The changes.csv table (as written)."""
        return self.changes.copy()

    def summary_text(self) -> str:
        """One line per kind of change, e.g. ``2 deferred: P014, P022``."""
        if not self.plan.is_solution():
            return f"no new plan ({self.plan.status}): changes not computed"
        if self.changes.empty:
            return "no changes against the previous plan"
        lines = [f"{len(self.changes)} change(s) against the previous plan:"]
        for kind in CHANGE_KINDS:
            ids = self.changes.loc[self.changes["change"] == kind, "project_id"].tolist()
            if ids:
                lines.append(f"  {len(ids)} {kind.replace('_', ' ')}: {', '.join(ids)}")
        return "\n".join(lines)


def replan(
    portfolio: Portfolio,
    previous: PreviousPlan | Plan | str | os.PathLike[str],
    *,
    options: OptimiseOptions | None = None,
    stop_in_flight: bool = False,
    termination_cost: float = 0.0,
    churn_penalty: float = 0.0,
    as_of: str | pd.Period | None = None,
) -> Replan:
    """Roll the previous plan forward onto the new portfolio, re-optimise, list the changes.

    Parameters
    ----------
    portfolio : Portfolio
        The new quarter's portfolio: its budget and capacity define the new horizon; its
        statuses, actuals and new candidates are the news since the previous plan.
    previous : PreviousPlan, Plan or path
        Last quarter's plan: read by :func:`read_previous_plan` when a path.
    options : OptimiseOptions, optional
        How to optimise (default the optimiser's defaults).
    stop_in_flight : bool
        Allow stopping in-flight work, judged without sunk cost (see module notes).
    termination_cost : float
        Share of a stopped project's cost still to come charged for stopping (≥ 0; needs
        ``stop_in_flight``).
    churn_penalty : float
        Value lost per project whose selection or start differs from the previous plan
        [value units]; 0 replans freely.
    as_of : str or Period, optional
        Status period of the actuals behind the in-flight figures (with ``stop_in_flight``);
        default the latest period in the actuals.

    Returns
    -------
    Replan

    Raises
    ------
    PreviousPlanError
        When ``previous`` is a folder whose files are missing or broken.
    ValueError
        For options out of range, or a previous plan in other periods than the portfolio's.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(10, n_periods=6, n_roles=2, seed=2)
    >>> first = pa.optimise(p)
    >>> again = pa.replan(p, first)
    >>> again.changes.empty
    True
    """
    from .optimise import OptimiseOptions, optimise

    if termination_cost < 0 or not np.isfinite(termination_cost):
        raise ValueError(f"termination_cost={termination_cost} must be a share of 0 or more")
    if termination_cost > 0 and not stop_in_flight:
        raise ValueError("termination_cost applies only when stop_in_flight is allowed")
    if churn_penalty < 0 or not np.isfinite(churn_penalty):
        raise ValueError(f"churn_penalty={churn_penalty} must be 0 or more [value units]")
    if not isinstance(previous, PreviousPlan):
        previous = (
            read_previous_plan(previous)
            if isinstance(previous, str | os.PathLike)
            else PreviousPlan.from_plan(previous)
        )
    rolled, started = roll_forward(portfolio, previous)
    continuing = pd.DataFrame()
    if as_of is not None:
        from .earned_value import status_period

        status_period(rolled, as_of)  # a bad label is bad input, stopping allowed or not
    if stop_in_flight:
        rolled, continuing = _sunk_cost_free(rolled, as_of)
    options = options or OptimiseOptions()
    changes: dict[str, object] = {
        "allow_stop_in_flight": stop_in_flight or options.allow_stop_in_flight,
        "termination_cost": termination_cost if stop_in_flight else options.termination_cost,
    }
    if churn_penalty > 0:
        keep = previous.starts.dropna()
        keep = keep[keep.index.isin(rolled.candidates())]
        changes["previous_starts"] = {str(p): str(s) for p, s in keep.items()}
        changes["churn_penalty"] = float(churn_penalty)
    plan = optimise(rolled, options.replace(**changes))
    table = (
        describe_changes(plan, previous, started=started, continuing=continuing)
        if plan.is_solution()
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    return Replan(
        plan=plan, changes=table, previous=previous, started=started, continuing=continuing
    )


def write_replan_outputs(
    result: Replan, out_dir: str | os.PathLike[str], **plan_outputs: object
) -> Path:
    """Write the new plan's outputs and ``changes.csv`` to ``out_dir``, all or nothing.

    Parameters
    ----------
    result : Replan
    out_dir : path
        Created if missing; files of the same names are replaced, others left alone.
    **plan_outputs
        Passed to :func:`pmo_analytics.outputs.write_plan_outputs` (e.g. what the leadership
        pack shows).

    Returns
    -------
    Path
        ``out_dir``: the plan outputs (summary.json, plan.csv, utilisation.csv, …) and
        changes.csv (:data:`CHANGE_COLUMNS`; only the header when nothing changed or no plan was
        found).

    Examples
    --------
    >>> write_replan_outputs(pa.replan(portfolio, "runs/2027Q1"), "runs/2027Q2")  # doctest: +SKIP
    """
    from . import safety
    from .outputs import write_plan_outputs

    target = Path(out_dir)
    with safety.staged_directory(target) as stage:
        write_plan_outputs(result.plan, stage, **plan_outputs)
        safety.write_csv_atomic(stage / "changes.csv", result.changes_table())
    return target


# --------------------------------------------------------------------------- what changed and why
def describe_changes(
    plan: Plan,
    previous: PreviousPlan,
    *,
    started: pd.DataFrame | None = None,
    continuing: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The changes.csv table: one row per project whose decision changed, with its reason.

    Parameters
    ----------
    plan : Plan
        The new plan.
    previous : PreviousPlan
    started : DataFrame, optional
        :func:`roll_forward`'s record of projects taken as started.
    continuing : DataFrame, optional
        continue_or_stop figures of in-flight work (for the reasons of stops).

    Returns
    -------
    DataFrame
        Columns :data:`CHANGE_COLUMNS`, ordered by kind (:data:`CHANGE_KINDS`) then project_id.
    """
    started = started if started is not None else pd.DataFrame(columns=["start", "was", "now"])
    continuing = continuing if continuing is not None else pd.DataFrame()
    schedule = plan.schedule
    projects = plan.portfolio.projects
    old = previous.table
    h0 = plan.portfolio.horizon[0]
    ids = old.index.union(schedule.index, sort=False)
    was = old["selected"].reindex(ids, fill_value=False).astype(bool)
    was_start = old["start"].reindex(ids)
    was_in_flight = old["reason"].reindex(ids).eq("in_flight") if "reason" in old else False
    now = schedule["selected"].reindex(ids, fill_value=False).astype(bool)
    now_start = schedule["start"].reindex(ids)
    status = projects["status"].reindex(ids)
    in_flight = status.eq("in_flight")
    began = ids.isin(started.index) | (was & ~was_in_flight & in_flight)

    kind = pd.Series("", index=ids, dtype=object)
    kind[began] = "started"
    kind[was & in_flight & ~now] = "stopped"
    both = (was & now & ~began & ~in_flight).to_numpy()
    new_pos = pd.PeriodIndex(now_start, freq=h0.freq).asi8
    old_pos = pd.PeriodIndex(was_start, freq=h0.freq).asi8
    moved = pd.Series(np.where(both, new_pos - np.where(both, old_pos, 0), 0), index=ids)
    later = pd.Series(both, index=ids) & (moved != 0)
    kind[later & (moved > 0)] = "deferred"
    kind[later & (moved < 0)] = "pulled_forward"
    # work that has finished leaves the plan without a decision: not a change
    kind[was & ~now & ~in_flight & ~began & ~status.eq("completed")] = "dropped"
    kind[~was & now] = "newly_selected"
    changed = kind[kind != ""]
    rows = []
    for pid, what in changed.items():
        rows.append(
            {
                "project_id": pid,
                "name": _name(pid, projects, old),
                "change": what,
                "previous_start": _label(was_start.get(pid)),
                "start": _label(now_start.get(pid)) if now.get(pid, False) else "",
                "reason": _reason(what, pid, plan, previous, started, continuing),
            }
        )
    table = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    return (
        table.assign(_order=table["change"].map(order))
        .sort_values(["_order", "project_id"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _label(period: object) -> str:
    return "" if period is None or pd.isna(period) else str(period)


def _name(pid: str, projects: pd.DataFrame, old: pd.DataFrame) -> str:
    if pid in projects.index:
        return str(projects.at[pid, "name"])
    name = old["name"].get(pid, "") if "name" in old else ""
    return "" if pd.isna(name) else str(name)


def _money(v: float) -> str:
    return f"{v:,.0f}"


def _reason(
    what: str,
    pid: str,
    plan: Plan,
    previous: PreviousPlan,
    started: pd.DataFrame,
    continuing: pd.DataFrame,
) -> str:
    schedule = plan.schedule
    old = previous.table
    planned = old["start"].get(pid)
    if what == "started":
        actual = plan.portfolio.projects.at[pid, "start"]
        text = (
            f"planned to start in {planned}; started as planned"
            if actual == planned
            else f"planned to start in {planned}; started in {actual}"
        )
        if pid in started.index:
            assumed = started.at[pid, "was"]
            if started.at[pid, "now"] == "completed":
                return (
                    f"{text} and, by plan, finished before {plan.portfolio.horizon[0]} "
                    f"(taken as completed; the portfolio lists it as {assumed})"
                )
            text += f" (taken from the previous plan; the portfolio lists it as {assumed})"
        if schedule.at[pid, "selected"]:
            return f"{text}; now in flight and continues"
        return text + "; " + _stop_text(pid, plan, continuing)
    if what == "stopped":
        if pid in started.index:
            return f"started in {planned} as planned (taken from the previous plan); " + _stop_text(
                pid, plan, continuing
            )
        return _stop_text(pid, plan, continuing)
    if what == "dropped":
        if pid not in schedule.index:
            return "no longer in the portfolio"
        status = plan.portfolio.projects.at[pid, "status"]
        if status in ("completed", "cancelled"):
            return f"its status is now {status}"
        return _dropped_text(pid, plan)
    if what == "newly_selected":
        head = (
            "a new candidate"
            if pid not in old.index
            else f"previously not in the plan ({old.at[pid, 'reason'] or 'not selected'})"
        )
        status = plan.portfolio.projects.at[pid, "status"]
        if status == "in_flight":
            return f"{head}; in flight since {plan.portfolio.projects.at[pid, 'start']}"
        return f"{head}; now starts in {schedule.at[pid, 'start']}: " + _why_selected(plan, pid)
    return _move_text(what, pid, plan, planned)


def _why_selected(plan: Plan, pid: str) -> str:
    reason = plan.schedule.at[pid, "reason"]
    if reason == "mandatory":
        return "it is mandatory"
    if pid in plan.options.force_in:
        return "it was forced in"
    value = plan.schedule.at[pid, "value"]
    return f"it earns its place on value ({value:,.2f}) within the new limits"


def _stop_text(pid: str, plan: Plan, continuing: pd.DataFrame) -> str:
    portfolio = plan.portfolio
    start = portfolio.projects.at[pid, "start"]
    lines = portfolio.cashflows[portfolio.cashflows["project_id"] == pid]
    when = start.ordinal + lines["offset"].to_numpy()
    inside = (when >= portfolio.horizon[0].ordinal) & (when <= portfolio.horizon[-1].ordinal)
    freed = float(lines["cost"].to_numpy()[inside].sum())
    basis = ""
    if pid in continuing.index and continuing.at[pid, "cost_factor"] != 1.0:
        basis = f" (its estimate to complete: {continuing.at[pid, 'cost_factor']:.2f} x plan)"
    text = f"in flight since {start}; stopping it frees {_money(freed)} of cost still to come in the horizon{basis}"
    share = plan.options.termination_cost
    if share > 0:
        text += f", less a termination cost of {_money(share * freed)}"
    if pid in continuing.index:
        row = continuing.loc[pid]
        text += (
            f"; it would still deliver {row['remaining_value']:,.2f} of value "
            f"(sunk cost {_money(row['sunk_cost'])} ignored)"
        )
    return text + "; that money and those people deliver more value elsewhere"


def _x(plan: Plan) -> np.ndarray:
    x = np.zeros(len(plan.formulation.columns))
    x[: len(plan.solution)] = plan.solution.to_numpy()
    return x


def _blockers(plan: Plan, pid: str, col: int, x: np.ndarray, *, most: int = 3) -> list[str]:
    """What start option ``col`` of ``pid`` would break, given the plan ``x`` (worst first)."""
    from .optimise.diagnose import option_collisions, row_table

    hits = option_collisions(plan.formulation, x)
    hits = hits[hits["col"] == col].sort_values("overrun", ascending=False, kind="stable")
    rows = row_table(plan.formulation)
    parts = []
    for row in hits.itertuples(index=False):
        if row.family == "capacity":
            parts.append(
                f"{row.need:,.1f} {row.resource} FTE in {row.period} where "
                f"{max(row.remaining, 0):,.1f} remain"
            )
        elif row.family == "budget":
            parts.append(
                f"{_money(row.need)} in {row.period} where {_money(max(row.remaining, 0))} "
                "of the budget remain"
            )
        elif row.family == "total_budget":
            parts.append(
                f"{_money(row.need)} of the total budget where {_money(max(row.remaining, 0))} remain"
            )
        elif row.family in ("requires", "follows", "excludes"):
            block = plan.formulation.block(row.family)
            label = block.rows.iloc[int(rows.at[row.row, "block_row"])]
            mine, theirs = str(label["project_id"]), str(label["other_id"])
            other = theirs if mine == pid else mine
            parts.append(
                {
                    "requires": f"{other} in the plan (it requires it)",
                    "follows": f"{other} to finish first (it must follow it)",
                    "excludes": f"{other} out of the plan (the two exclude each other)",
                }[row.family]
            )
        elif row.family == "starts":
            parts.append(f"a start in {row.period}, where the limit on new starts is reached")
        elif row.family == "balance":
            parts.append("more room in a balance rule on the portfolio's mix")
    parts = list(dict.fromkeys(parts))
    if len(parts) > most:
        parts = [*parts[:most], f"and {len(parts) - most} more"]
    return parts


def _dropped_text(pid: str, plan: Plan) -> str:
    """Why a previously selected project is out of the new plan, in a line."""
    from .optimise.diagnose import exclusion_reasons

    reason = plan.schedule.at[pid, "reason"]
    if reason == "window":
        return "not in the new plan (window): no start of its window lets it finish in the horizon"
    if reason == "forced_out":
        return "not in the new plan: it was forced out"
    x = _x(plan)
    best = exclusion_reasons(plan.formulation, x)
    if pid not in best.index:
        return f"not in the new plan ({reason})"
    col = int(best.at[pid, "best_col"])
    start = plan.formulation.options.reset_index().set_index("col").at[col, "start"]
    parts = _blockers(plan, pid, col, x)
    if not parts:
        return (
            f"not in the new plan ({reason}): it would fit at {start}, but other work delivers "
            "more value within the limits"
        )
    return (
        f"not in the new plan ({reason}): even at its best start {start} it would need "
        + "; ".join(parts)
    )


def _move_text(what: str, pid: str, plan: Plan, planned: pd.Period) -> str:
    """Why a project's start moved: what it would hit at its planned start in the new plan."""
    new = plan.schedule.at[pid, "start"]
    head = f"start moved from {planned} to {new}"
    opts = plan.formulation.options
    if (pid, planned) not in opts.index:
        if planned < plan.portfolio.horizon[0]:
            status = plan.portfolio.projects.at[pid, "status"]
            return f"{head}: it did not start in {planned} as planned (status {status})"
        first, last = plan.portfolio.projects.loc[pid, ["first_start", "last_start"]]
        return f"{head}: {planned} is no longer a possible start (its window is {first}..{last})"
    x = _x(plan)
    x[opts.loc[pid, "col"].to_numpy()] = (
        0.0  # the project itself out: what would its planned start hit?
    )
    parts = _blockers(plan, pid, int(opts.at[(pid, planned), "col"]), x)
    if parts:
        return f"{head}: at {planned} it would need " + "; ".join(parts)
    if what == "deferred":
        return (
            f"{head}: it would still fit at {planned}, but starting it in {new} lets other "
            "work start sooner for more value overall"
        )
    return f"{head}: room is free earlier now, and earlier starts are preferred at equal value"
