"""The previous plan: last quarter's ``plan.csv`` and ``summary.json``, read and checked.

Replanning (:mod:`pmo_analytics.replan`) starts from the outputs an earlier ``pmo-analytics
plan`` (or ``replan``) run wrote, or from a :class:`~pmo_analytics.Plan` still in memory. The
files are user input — kept, copied, perhaps edited by hand — so reading them collects every
problem before failing, as loading a portfolio does: one :class:`PreviousPlanError` listing
each with its file, row (as the user sees it, the header is row 1), column, value and rule.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._vocab import PLAN_STATUSES
from ..exceptions import PreviousPlanError
from ..portfolio import (
    FALSE_WORDS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    TRUE_WORDS,
    ProblemLog,
    RawTable,
    describe_bytes,
    nesting_depth,
    parse_numbers,
    period_codes,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import Plan

#: Columns plan.csv must have.
REQUIRED_COLUMNS = ("project_id", "selected", "start")
_MISSING = "file missing (written by pmo-analytics plan)"


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
        from ..report import plan_summary  # the report (Jinja2) loads only when used

        return cls(table=table, summary=plan_summary(plan), source="plan in memory")


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
    log = ProblemLog()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        log.add(str(folder), None, "", "", f"{what}; give the --out folder of a plan run")
        raise PreviousPlanError(log.frame(), source=source)
    table = _read_plan_csv(folder / "plan.csv", log)
    summary = _read_summary(folder / "summary.json", log)
    if table is not None and summary is not None and isinstance(summary.get("selected"), list):
        _check_agreement(table, summary["selected"], log)
    if log:
        raise PreviousPlanError(log.frame(), source=source)
    return PreviousPlan(table=table, summary=summary, source=str(folder))


def _too_big(path: Path, limit: int, log: ProblemLog) -> bool:
    """Whether ``path`` is larger than ``limit`` bytes (then logged)."""
    size = path.stat().st_size
    if size > limit:
        log.add(
            path.name,
            None,
            "",
            describe_bytes(size),
            f"larger than the limit of {describe_bytes(limit)}",
        )
    return size > limit


def _read_plan_csv(path: Path, log: ProblemLog) -> pd.DataFrame | None:
    """plan.csv as the :attr:`PreviousPlan.table` (None when it cannot be read at all)."""
    file = "plan.csv"
    if not path.is_file():
        log.add(file, None, "", "", _MISSING)
        return None
    if _too_big(path, MAX_FILE_BYTES, log):
        return None
    with path.open("rb") as handle:
        header = handle.readline(MAX_COLUMNS * 64)
    if header.count(b",") >= MAX_COLUMNS:
        log.add(file, 1, "", "", f"the header has more than {MAX_COLUMNS:,} cells")
        return None
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
        )
    except UnicodeDecodeError:
        log.add(file, None, "", "", "not UTF-8 text")
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        log.add(file, None, "", "", f"not a readable CSV table ({err})")
        return None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    for column in missing:
        log.add(file, 1, column, "", "required column missing")
    if missing:
        return None
    text = raw.apply(lambda s: s.fillna("").str.strip())
    filled = (text != "").any(axis=1).to_numpy()  # blank lines are skipped, but counted
    text = text[filled].reset_index(drop=True)
    plan = RawTable("plan", file, text, (np.arange(len(raw)) + 2)[filled])

    ids = text["project_id"]
    log.add_rows(plan, ids == "", "project_id", ids, "project_id must not be blank")
    first_row = pd.Series(plan.rows).groupby(ids.to_numpy()).transform("min").astype(str)
    log.add_rows(
        plan,
        ids.duplicated(keep="first") & (ids != ""),
        "project_id",
        ids,
        "duplicate project_id (first given in row " + first_row + ")",
    )
    flag = text["selected"].str.lower()
    selected = flag.isin(TRUE_WORDS).to_numpy()
    log.add_rows(
        plan,
        ~flag.isin(TRUE_WORDS + FALSE_WORDS),
        "selected",
        text["selected"],
        "must be true or false",
    )
    table = pd.DataFrame(index=pd.Index(ids.to_numpy(), name="project_id"))
    for column in ("name", "category", "reason"):
        table[column] = text[column].to_numpy() if column in text.columns else ""
    table["selected"] = selected
    for column, periods in _read_periods(plan, ("start", "finish"), log).items():
        table[column] = periods
    start_blank = (text["start"] == "").to_numpy()
    log.add_rows(
        plan,
        selected & start_blank,
        "start",
        text["start"],
        ids + " is selected but has no start",
    )
    log.add_rows(
        plan,
        flag.isin(FALSE_WORDS).to_numpy() & ~start_blank,
        "start",
        text["start"],
        "a start is given for a project not selected",
    )
    for column in ("value", "cost"):
        cells = text.get(column, pd.Series("", index=text.index))
        values, bad = parse_numbers(cells)
        log.add_rows(plan, bad, column, cells, "not a number")
        table[column] = values
    return table[~table.index.duplicated(keep="first")]


def _read_periods(
    plan: RawTable, columns: tuple[str, ...], log: ProblemLog
) -> dict[str, pd.PeriodIndex]:
    """The period columns of plan.csv, all in one frequency (quarters when none is given);
    NaT where blank, unparsable or of another frequency than the rest."""
    parsed = {}
    for column in columns:
        labels = plan.frame.get(column, pd.Series("", index=plan.frame.index))
        freqs, ordinals = period_codes(labels)
        bad = pd.isna(freqs)
        log.add_rows(plan, bad, column, labels, "not a period label (like 2027Q1 or 2027-01)")
        parsed[column] = (np.where(bad, "", freqs), ordinals)
    found = sorted({f for freqs, _ in parsed.values() for f in pd.unique(freqs) if f})
    if len(found) > 1:
        log.add(plan.source, None, columns[0], ", ".join(found), "periods of mixed frequency")
    freq = found[0] if len(found) == 1 else "Q-DEC"
    nat = np.iinfo(np.int64).min
    return {
        column: pd.PeriodIndex.from_ordinals(np.where(freqs == freq, ordinals, nat), freq=freq)
        for column, (freqs, ordinals) in parsed.items()
    }


def _read_summary(path: Path, log: ProblemLog) -> dict | None:
    """summary.json as a dict (None when it cannot be read as a JSON object)."""
    file = "summary.json"
    if not path.is_file():
        log.add(file, None, "", "", _MISSING)
        return None
    if _too_big(path, MAX_SCENARIO_BYTES, log):
        return None
    deep = f"nests objects or lists more than {MAX_NESTING} levels deep (the limit)"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        log.add(file, None, "", "", "not UTF-8 text")
        return None
    except json.JSONDecodeError as err:
        log.add(file, err.lineno, "", "", f"not valid JSON ({err.msg})")
        return None
    except RecursionError:  # the decoder recurses once per level of nesting
        log.add(file, None, "", "", deep)
        return None
    if nesting_depth(summary) > MAX_NESTING:
        log.add(file, None, "", "", deep)
        return None
    if not isinstance(summary, dict):
        log.add(file, None, "", "", "must be a JSON object (the plan's summary)")
        return None
    status = summary.get("status")
    if status not in PLAN_STATUSES:
        log.add(file, None, "status", str(status), f"must be one of {', '.join(PLAN_STATUSES)}")
    if "selected" in summary and not isinstance(summary["selected"], list):
        log.add(file, None, "selected", str(summary["selected"]), "must be a list of project ids")
    return summary


def _check_agreement(table: pd.DataFrame, listed: list, log: ProblemLog) -> None:
    """summary.json's ``selected`` list and plan.csv's ``selected`` column name the same ids."""
    listed_ids = {str(p) for p in listed}
    chosen = set(table.index[table["selected"]])
    for pid in sorted(listed_ids ^ chosen):
        where = "summary.json lists it as selected" if pid in listed_ids else "plan.csv selects it"
        other = "plan.csv does not" if pid in listed_ids else "summary.json does not list it"
        log.add("summary.json", None, "selected", pid, f"{where} but {other}")
