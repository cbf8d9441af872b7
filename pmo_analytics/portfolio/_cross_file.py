"""Cross-file rules of the data contract: ids, roles, criteria, judgements, windows, horizon.

Runs on the typed tables made by :func:`pmo_analytics.portfolio.validation.parse_table` (row ``i`` of a
typed table is row ``raws[name].rows[i]`` of its file) and adds every problem to the same log,
so that one error lists them all. Every rule is a mask over whole columns. Cycles among the
dependencies are found in :mod:`pmo_analytics.portfolio._dependency_cycles`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import AHPInputError
from ..periods import NAT_ORDINAL
from ..scoring import criteria_weights
from ._dependency_cycles import check_dependencies
from .cells import take_at, text_isin, text_positions
from .validation import ProblemLog, RawTable


def _known(
    raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], name: str, column: str
) -> pd.Index | None:
    """The values of ``name.column`` other files may refer to; None when that table could not
    be read (or lacks the column): then references to it are not judged."""
    if not raws[name].readable or (column not in raws[name].frame.columns and len(raws[name].rows)):
        return None
    return pd.Index(tables[name][column].dropna().unique())


def _unknown(
    raw: RawTable,
    frame: pd.DataFrame,
    column: str,
    known: pd.Index | None,
    rule: str,
    log: ProblemLog,
) -> None:
    """Log values of ``column`` not in ``known``, with a hint where only the case differs."""
    if known is None or frame.empty or column not in raw.frame.columns:
        return
    values = frame[column]
    bad = values.notna().to_numpy() & ~text_isin(values, known)
    if not bad.any():
        return
    lowered = pd.Index(known.str.lower())
    hint = text_positions(values.str.lower(), lowered)
    names = np.asarray(known, dtype=object)
    rules = np.array([rule] * len(values), dtype=object)
    close = bad & (hint >= 0)
    rules[close] = [f"{rule} (did you mean {names[i]}?)" for i in hint[close]]
    log.add_rows(raw, bad, column, values, rules)


# --------------------------------------------------------------------------- AHP judgements
def check_judgements(
    raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], log: ProblemLog
) -> None:
    """Judgements that cannot give criteria weights, when the weights must come from them.

    criteria.csv without weights (blank or all 0) takes its weights from comparisons.csv by
    AHP; then the judgements must link every criterion and one stakeholder must not judge a
    pair twice with contradictory values. Judgements already reported (bad ratio, unknown or
    repeated criterion) are left out here.
    """
    criteria, comparisons = tables["criteria"], tables["comparisons"]
    if comparisons.empty or criteria.empty or not raws["criteria"].readable:
        return
    weight = criteria["weight"]
    if (weight < 0).any():  # reported with its row already; judgements would not be used
        return
    if weight.notna().any() and weight.fillna(0.0).sum() > 0:
        return
    names = criteria["criterion"].dropna().drop_duplicates()
    a, b, ratio = comparisons["a"], comparisons["b"], comparisons["ratio"]
    usable = (
        text_isin(a, pd.Index(names))
        & text_isin(b, pd.Index(names))
        & (a != b).to_numpy()
        & ratio.between(1 / 9, 9.0).to_numpy()
    )

    try:
        criteria_weights(
            criteria.loc[names.index].reset_index(drop=True),
            comparisons[usable].reset_index(drop=True),
        )
    except AHPInputError as err:
        for text in err.problems:
            log.add(
                raws["comparisons"].source,
                None,
                "",
                "",
                f"{text} (criteria.csv gives no weights, so they come from these judgements)",
            )


# --------------------------------------------------------------------------- projects
def project_durations(tables: dict[str, pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """Duration [periods] of each row of the projects table, and where it comes from a file.

    As given, else last offset + 1 over the project's cashflows and demand; NaN where neither
    gives one. The second array is True where ``duration`` was given in projects.csv.
    """
    projects = tables["projects"]
    given = projects["duration"].to_numpy(dtype=float)
    offsets = pd.concat(
        [tables["cashflows"][["project_id", "offset"]], tables["demand"][["project_id", "offset"]]],
        ignore_index=True,
    ).dropna()
    last = offsets.groupby("project_id")["offset"].max() + 1
    where = text_positions(projects["project_id"], last.index)
    derived = take_at(last.to_numpy(dtype=float), where)
    has_given = ~np.isnan(given)
    return np.where(has_given, given, derived), has_given


def _periods(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].array.asi8


def check_projects(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    horizon: tuple[pd.Period, ...],
    log: ProblemLog,
    warnings: ProblemLog,
) -> None:
    """Windows, in-flight starts, durations and whether each project fits the horizon."""
    projects, raw = tables["projects"], raws["projects"]
    if projects.empty:
        return
    text = raw.frame.reindex(columns=list(projects.columns), fill_value="")
    status = projects["status"].fillna("proposed")
    candidate = ~status.isin(CLOSED_STATUSES).to_numpy()
    in_flight = (status == "in_flight").to_numpy()
    planned = candidate & ~in_flight  # candidates whose start the plan chooses
    earliest, latest, start = (
        _periods(projects, c) for c in ("earliest_start", "latest_start", "start")
    )
    has_e, has_l, has_s = earliest != NAT_ORDINAL, latest != NAT_ORDINAL, start != NAT_ORDINAL

    reversed_window = planned & has_e & has_l & (earliest > latest)
    log.add_rows(
        raw,
        reversed_window,
        "latest_start",
        text["latest_start"],
        "latest_start is before earliest_start (" + text["earliest_start"] + ")",
    )
    log.add_rows(
        raw,
        in_flight & ~has_s & (text["start"] == "").to_numpy(),
        "start",
        text["start"],
        "an in_flight project needs its start period (its start is fixed)",
    )
    warnings.add_rows(
        raw,
        planned & has_s,
        "start",
        text["start"],
        "start is used only for in_flight projects (ignored; the plan chooses the start)",
    )

    durations, given = project_durations(tables)
    no_duration = candidate & np.isnan(durations) & (text["duration"] == "").to_numpy()
    warnings.add_rows(
        raw,
        no_duration,
        "duration",
        text["duration"],
        "duration is blank and no cashflows or demand give one; taken as 1 period",
    )
    _check_beyond_duration(raws, tables, projects, durations, given, log)
    if not horizon:
        return

    window = _Window(earliest, latest, start, planned, in_flight, reversed_window, durations)
    _check_horizon(raw, text, window, horizon, log, warnings)


@dataclass(frozen=True)
class _Window:
    """Each project's window and start (period ordinals; NAT_ORDINAL where blank), what it is
    (planned by the optimiser, in flight) and its duration [periods] (NaN where unknown)."""

    earliest: np.ndarray
    latest: np.ndarray
    start: np.ndarray
    planned: np.ndarray
    in_flight: np.ndarray
    reversed: np.ndarray
    durations: np.ndarray


def _check_horizon(
    raw: RawTable,
    text: pd.DataFrame,
    w: _Window,
    horizon: tuple[pd.Period, ...],
    log: ProblemLog,
    warnings: ProblemLog,
) -> None:
    """Windows and in-flight starts against the horizon; projects that fit no start in it."""
    has_e, has_l, has_s = (v != NAT_ORDINAL for v in (w.earliest, w.latest, w.start))
    h0, h_end = horizon[0].ordinal, horizon[-1].ordinal
    span = f"{horizon[0]}..{horizon[-1]}"
    late = w.planned & has_e & (w.earliest > h_end)
    early = w.planned & has_l & (w.latest < h0) & ~late
    log.add_rows(
        raw, late, "earliest_start", text["earliest_start"], f"window outside the horizon {span}"
    )
    log.add_rows(
        raw, early, "latest_start", text["latest_start"], f"window outside the horizon {span}"
    )
    log.add_rows(
        raw,
        w.in_flight & has_s & (w.start > h_end),
        "start",
        text["start"],
        f"in_flight start after the horizon {span}",
    )
    length = np.where(np.isnan(w.durations), 1.0, np.maximum(w.durations, 1.0)).astype(np.int64)
    warnings.add_rows(
        raw,
        w.in_flight & has_s & (w.start + length - 1 < h0),
        "status",
        text["status"],
        f"in_flight project finished before the horizon {span}; is it completed?",
    )
    first = np.maximum(np.where(has_e, w.earliest, h0), h0)
    last = np.minimum(np.where(has_l, w.latest, h_end), h_end - length + 1)
    no_fit = w.planned & ~w.reversed & ~late & ~early & (first > last)
    if no_fit.any():
        freq = horizon[0].freqstr
        window_from = pd.PeriodIndex.from_ordinals(np.where(has_e, w.earliest, h0), freq=freq)
        window_to = pd.PeriodIndex.from_ordinals(np.where(has_l, w.latest, h_end), freq=freq)
        rules = (
            f"cannot finish inside the horizon {span} from any start of its window "
            + pd.Series(window_from.astype("str").to_numpy(dtype=object))
            + ".."
            + pd.Series(window_to.astype("str").to_numpy(dtype=object))
            + " ("
            + pd.Series(length).astype("str")
            + " periods long)"
        )
        log.add_rows(raw, no_fit, "duration", pd.Series(length).astype("str"), rules.to_numpy())


def _check_beyond_duration(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    projects: pd.DataFrame,
    durations: np.ndarray,
    given: np.ndarray,
    log: ProblemLog,
) -> None:
    """Cost or people at an offset at or after a given duration (benefits may come later)."""
    limit = pd.Series(np.where(given, durations, np.nan), index=projects["project_id"])
    limit = limit[~limit.index.duplicated() & limit.index.notna()].dropna()
    for name, amount in (("cashflows", "cost"), ("demand", "fte")):
        frame = tables[name]
        if frame.empty:
            continue
        where = text_positions(frame["project_id"], limit.index)
        cap = take_at(limit.to_numpy(dtype=float), where)
        with np.errstate(invalid="ignore"):
            beyond = (frame["offset"].to_numpy(dtype=float) >= cap) & (
                frame[amount].to_numpy(dtype=float) > 0
            )
        if beyond.any():
            rules = (
                f"{amount} at an offset beyond the project's duration of "
                + pd.Series(cap).fillna(0).astype("int64").astype("str")
                + " periods (offsets run from 0)"
            )
            log.add_rows(raws[name], beyond, "offset", raws[name].frame["offset"], rules.to_numpy())


# --------------------------------------------------------------------------- all together
def check_cross_file(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    horizon: tuple[pd.Period, ...],
    log: ProblemLog,
    warnings: ProblemLog,
) -> None:
    """Every rule that looks across files (see the module notes)."""
    ids = _known(raws, tables, "projects", "project_id")
    unknown_id = "unknown project_id (not in projects.csv)"
    for name in ("cashflows", "demand", "scores", "actuals"):
        _unknown(raws[name], tables[name], "project_id", ids, unknown_id, log)
    for column in ("project_id", "other_id"):
        _unknown(raws["dependencies"], tables["dependencies"], column, ids, unknown_id, log)
    roles = _known(raws, tables, "capacity", "role")
    _unknown(
        raws["demand"], tables["demand"], "role", roles, "unknown role (not in capacity.csv)", log
    )

    criteria = _known(raws, tables, "criteria", "criterion")
    for name, columns in (("scores", ("criterion",)), ("comparisons", ("a", "b"))):
        if tables[name].empty or criteria is None:
            continue
        if criteria.empty:
            log.add(
                raws["criteria"].source,
                None,
                "criterion",
                "",
                f"criteria.csv (the list of criteria) is required when {raws[name].source} is given",
            )
            continue
        for column in columns:
            _unknown(
                raws[name],
                tables[name],
                column,
                criteria,
                "unknown criterion (not in criteria.csv)",
                log,
            )
    comparisons = tables["comparisons"]
    if not comparisons.empty:
        same = (comparisons["a"].notna() & (comparisons["a"] == comparisons["b"])).to_numpy()
        log.add_rows(
            raws["comparisons"], same, "b", comparisons["b"], "a criterion compared with itself"
        )

    check_ranges(raws, tables, log)
    check_judgements(raws, tables, log)
    check_dependencies(raws, tables, log)
    check_projects(raws, tables, horizon, log, warnings)
    coverage_warnings(raws, tables, horizon, warnings)
    planned_value_notes(raws, tables, warnings)


#: The optional uncertainty ranges: (file, low column, most likely column, high column).
RANGES = (
    ("cashflows", "cost_low", "cost", "cost_high"),
    ("demand", "fte_low", "fte", "fte_high"),
    ("projects", "value_low", "value", "value_high"),
)


def check_ranges(
    raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], log: ProblemLog
) -> None:
    """Uncertainty ranges, where given, bracket the most likely figure: low <= it <= high."""
    for name, low, likely, high in RANGES:
        frame = tables[name]
        for column, side in ((low, "above"), (high, "below")):
            if column not in frame.columns:
                continue
            given, base = frame[column], frame[likely]
            outside = given > base if side == "above" else given < base
            log.add_rows(
                raws[name],
                outside.fillna(False).to_numpy(dtype=bool),
                column,
                raws[name].frame[column],
                f"{column} is {side} the most likely {likely} of its line",
            )


def coverage_warnings(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    horizon: tuple[pd.Period, ...],
    warnings: ProblemLog,
) -> None:
    """Roles without capacity, or periods without budget, somewhere in the horizon (taken as 0)."""
    if not horizon:
        return
    grid = pd.PeriodIndex(horizon)
    capacity = tables["capacity"].dropna(subset=["role", "period"])
    if not capacity.empty:
        inside = capacity[capacity["period"].isin(grid)].drop_duplicates(["role", "period"])
        given = (
            inside.groupby("role")["period"].size().reindex(capacity["role"].unique(), fill_value=0)
        )
        for role in given.index[given.to_numpy() < len(grid)]:  # roles with holes: few
            have = set(inside.loc[inside["role"] == role, "period"])
            listed = ", ".join(str(p) for p in grid if p not in have)
            warnings.add(
                raws["capacity"].source,
                None,
                "period",
                listed,
                f"no capacity given for role {role}; taken as 0 FTE",
            )
    budget = tables["budget"].dropna(subset=["period"])
    if not budget.empty:
        missing_periods = grid.difference(pd.PeriodIndex(budget["period"]))
        if len(missing_periods):
            warnings.add(
                raws["budget"].source,
                None,
                "period",
                ", ".join(missing_periods.astype("str")),
                "no budget given for these periods; taken as 0",
            )
    actuals = tables["actuals"].dropna(subset=["period"])
    if not actuals.empty:
        after = actuals["period"].array.asi8 > horizon[-1].ordinal
        mask = np.zeros(len(tables["actuals"]), dtype=bool)
        mask[actuals.index[after]] = True
        warnings.add_rows(
            raws["actuals"],
            mask,
            "period",
            raws["actuals"].frame["period"],
            f"actuals after the end of the horizon {horizon[0]}..{horizon[-1]}",
        )


def planned_value_notes(
    raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], warnings: ProblemLog
) -> None:
    """Note actuals whose ``planned_value`` is not the cost plan's for that period.

    Earned value takes the cost plan (cashflows.csv, offset k in start + k) as the baseline
    of a project that has one, so a planned value reported otherwise is not used; only
    projects with a ``start`` are judged.
    """
    actuals, cash, projects = tables["actuals"], tables["cashflows"], tables["projects"]
    if actuals.empty or cash.empty or projects.empty:
        return
    where = text_positions(actuals["project_id"], projects["project_id"])
    start = np.where(where >= 0, projects["start"].array.asi8[np.maximum(where, 0)], NAT_ORDINAL)
    period = actuals["period"].array.asi8
    known = (start != NAT_ORDINAL) & (period != NAT_ORDINAL)
    offset = np.where(known, period - start, -1)
    plan = cash.dropna(subset=["project_id", "offset"]).groupby(["project_id", "offset"])["cost"]
    plan = plan.sum()
    keys = pd.MultiIndex.from_arrays([actuals["project_id"], offset.astype(float)])
    planned = plan.reindex(keys).fillna(0.0).to_numpy(dtype=float)
    has_plan = text_isin(actuals["project_id"], pd.Index(plan.index.get_level_values(0)))
    given = actuals["planned_value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        differ = (
            known
            & has_plan
            & (offset >= 0)
            & (np.abs(given - planned) > 1e-9 * np.maximum(1.0, np.abs(planned)))
        )
    if not differ.any():
        return
    rules = (
        "differs from the cost plan ("
        + pd.Series(planned).map("{:g}".format)
        + " at offset "
        + pd.Series(offset).astype("str")
        + " in cashflows.csv); earned value takes the cost plan as the baseline"
    )
    warnings.add_rows(
        raws["actuals"],
        differ,
        "planned_value",
        raws["actuals"].frame["planned_value"],
        rules.to_numpy(),
    )
