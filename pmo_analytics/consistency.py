"""Cross-file rules of the data contract: ids, roles, criteria, dependencies, windows, horizon.

Runs on the typed tables after the per-table checks of :mod:`.validation`, adding every problem
to the same log, so that one error lists them all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .portfolio import default_durations, start_windows
from .schema import CLOSED_STATUSES
from .validation import ProblemLog, RawTable


def _unknown(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    name: str,
    column: str,
    known: pd.Index | set,
    rule: str,
    log: ProblemLog,
) -> None:
    frame = tables[name]
    if column not in frame.columns or frame.empty:
        return
    values = frame[column]
    bad = (values.notna() & ~values.isin(known)).to_numpy()
    log.add_rows(raws[name], bad, column, values, rule)


def _find_cycle(edges: pd.DataFrame, members: set[str]) -> list[str]:
    """One cycle through the strongly connected ``members`` (a list of ids, first repeated)."""
    successors = edges[edges["project_id"].isin(members) & edges["other_id"].isin(members)]
    succ = successors.groupby("project_id")["other_id"].apply(sorted).to_dict()
    start = min(members)
    path, seen = [start], {start: 0}
    node = start
    while True:
        node = succ[node][0]
        if node in seen:
            return [*path[seen[node]:], node]
        seen[node] = len(path)
        path.append(node)


def check_dependencies(raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], log: ProblemLog) -> None:
    """Self references and cycles among requires / follows, each cycle named."""
    deps = tables["dependencies"]
    if deps.empty or not {"project_id", "other_id", "kind"} <= set(deps.columns):
        return
    raw = raws["dependencies"]
    self_ref = (deps["project_id"] == deps["other_id"]).to_numpy()
    log.add_rows(raw, self_ref, "other_id", deps["other_id"], "a project cannot depend on itself")
    chain = deps[deps["kind"].isin(["requires", "follows"]) & ~self_ref].dropna(subset=["project_id", "other_id"])
    if chain.empty:
        return
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nodes = pd.Index(sorted(set(chain["project_id"]) | set(chain["other_id"])))
    rows, cols = nodes.get_indexer(chain["project_id"]), nodes.get_indexer(chain["other_id"])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = pd.Series(labels).value_counts()
    for label in sorted(sizes[sizes > 1].index):
        members = set(nodes[labels == label])
        cycle = _find_cycle(chain, members)
        involved = chain["project_id"].isin(members) & chain["other_id"].isin(members)
        first = involved.to_numpy().nonzero()[0][0]
        position = chain.index[first]
        log.add(
            raw.source,
            raw.rows[position],
            "project_id, other_id",
            " → ".join(cycle),
            "cycle among requires/follows dependencies: " + " → ".join(cycle),
        )


def check_projects(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    horizon: tuple[pd.Period, ...],
    log: ProblemLog,
) -> None:
    """Windows, in-flight starts, durations and whether each project fits the horizon."""
    projects = tables["projects"]
    raw = raws["projects"]
    if projects.empty or "project_id" not in projects:
        return
    text = raw.frame.reset_index(drop=True)
    status = projects["status"].fillna("proposed") if "status" in projects else pd.Series("proposed", index=projects.index)
    closed = status.isin(CLOSED_STATUSES).to_numpy()
    for column in ("earliest_start", "latest_start", "start", "duration"):
        if column not in projects:
            projects[column] = pd.NaT if column != "duration" else np.nan
    earliest, latest, start = projects["earliest_start"], projects["latest_start"], projects["start"]
    order = (earliest.notna() & latest.notna()).to_numpy()
    reversed_window = np.zeros(len(projects), dtype=bool)
    reversed_window[order] = (earliest[order] > latest[order]).to_numpy()
    log.add_rows(raw, reversed_window, "latest_start", text.get("latest_start", latest),
                 "latest_start is before earliest_start")
    in_flight = (status == "in_flight").to_numpy()
    no_start = in_flight & start.isna().to_numpy()
    log.add_rows(raw, no_start, "start", text.get("start", start),
                 "an in_flight project needs its start period")
    if not horizon:
        return
    h0, h_end = horizon[0], horizon[-1]
    span = f"{h0}..{h_end}"
    for column, outside in (
        ("earliest_start", earliest.notna() & (earliest.map(lambda p: p is not pd.NaT and p > h_end))),
        ("latest_start", latest.notna() & (latest.map(lambda p: p is not pd.NaT and p < h0))),
    ):
        mask = outside.to_numpy(dtype=bool) & ~closed
        log.add_rows(raw, mask, column, text.get(column, projects[column]),
                     f"window outside the horizon {span}")
    late_start = in_flight & start.map(lambda p: p is not pd.NaT and p > h_end).to_numpy(dtype=bool)
    log.add_rows(raw, late_start, "start", text.get("start", start),
                 f"in_flight start after the horizon {span}")

    indexed = projects.set_index("project_id", drop=False)
    indexed = indexed[~indexed.index.duplicated() & indexed.index.notna()]
    cashflows, demand = tables["cashflows"], tables["demand"]
    durations = default_durations(
        indexed,
        cashflows.dropna(subset=["project_id", "offset"]) if {"project_id", "offset"} <= set(cashflows) else pd.DataFrame(columns=["project_id", "offset"]),
        demand.dropna(subset=["project_id", "offset"]) if {"project_id", "offset"} <= set(demand) else pd.DataFrame(columns=["project_id", "offset"]),
    )
    position = pd.Series(np.arange(len(projects)), index=projects["project_id"])
    position = position[~position.index.duplicated()]
    no_duration = durations.isna() & ~indexed["status"].isin(CLOSED_STATUSES)
    for pid in durations.index[no_duration]:
        pos = position[pid]
        log.add(raw.source, raw.rows[pos], "duration", "",
                "duration is blank and no cashflows or demand give one")
    given = pd.to_numeric(indexed["duration"], errors="coerce")
    for name in ("cashflows", "demand"):
        frame = tables[name]
        if frame.empty or not {"project_id", "offset"} <= set(frame):
            continue
        limit = frame["project_id"].map(given)
        amount = "cost" if name == "cashflows" else "fte"
        # benefits after delivery are normal; cost or people beyond the duration are not
        beyond = (limit.notna() & (frame["offset"] >= limit) & (frame[amount] > 0)).to_numpy()
        rules = (
            f"{amount} at an offset beyond the project's duration ("
            + limit.astype("Int64").astype(str) + " periods)"
        )
        log.add_rows(raws[name], beyond, "offset", frame["offset"].astype("Int64"), rules)

    fit = indexed.assign(duration=durations.fillna(1), status=indexed["status"].fillna("proposed"))
    fit = fit[~no_duration.to_numpy()]
    windows = start_windows(fit, horizon)
    fits = windows.dropna()
    no_fit = fits.index[(fits["first_start"] > fits["last_start"]).to_numpy()]
    for pid in no_fit:
        pos = position[pid]
        duration = int(fit.at[pid, "duration"])
        log.add(raw.source, raw.rows[pos], "duration", str(duration),
                f"cannot finish inside the horizon {span} from any start of its window "
                f"({duration} periods)")


def check_cross_file(
    raws: dict[str, RawTable],
    tables: dict[str, pd.DataFrame],
    horizon: tuple[pd.Period, ...],
    log: ProblemLog,
    warnings: ProblemLog,
) -> None:
    """Every rule that looks across files (see the module notes)."""
    ids = set(tables["projects"].get("project_id", pd.Series(dtype=object)).dropna())
    for name in ("cashflows", "demand", "scores", "actuals"):
        _unknown(raws, tables, name, "project_id", ids, "unknown project_id (not in projects.csv)", log)
    for column in ("project_id", "other_id"):
        _unknown(raws, tables, "dependencies", column, ids, "unknown project_id (not in projects.csv)", log)
    roles = set(tables["capacity"].get("role", pd.Series(dtype=object)).dropna())
    _unknown(raws, tables, "demand", "role", roles, "unknown role (not in capacity.csv)", log)

    criteria = set(tables["criteria"].get("criterion", pd.Series(dtype=object)).dropna())
    for name, columns in (("scores", ("criterion",)), ("comparisons", ("a", "b"))):
        frame = tables[name]
        if frame.empty:
            continue
        if not criteria:
            log.add(raws["criteria"].source, None, "criterion", "",
                    f"criteria.csv is required when {name}.csv is given")
            continue
        for column in columns:
            _unknown(raws, tables, name, column, criteria, "unknown criterion (not in criteria.csv)", log)
    comparisons = tables["comparisons"]
    if not comparisons.empty and {"a", "b"} <= set(comparisons):
        same = (comparisons["a"] == comparisons["b"]).to_numpy()
        log.add_rows(raws["comparisons"], same, "b", comparisons["b"], "a criterion compared with itself")

    check_dependencies(raws, tables, log)
    check_projects(raws, tables, horizon, log)
    _coverage_warnings(tables, horizon, warnings)


def _coverage_warnings(tables: dict[str, pd.DataFrame], horizon: tuple[pd.Period, ...], warnings: ProblemLog) -> None:
    if not horizon:
        return
    grid = pd.PeriodIndex(horizon)
    capacity = tables["capacity"].dropna(subset=["role", "period"]) if {"role", "period"} <= set(tables["capacity"]) else None
    if capacity is not None and not capacity.empty:
        for role, group in capacity.groupby("role"):
            missing = grid.difference(pd.PeriodIndex(group["period"]))
            if len(missing):
                warnings.add("capacity.csv", None, "period", ", ".join(map(str, missing)),
                             f"no capacity given for role {role}; taken as 0 FTE")
    budget = tables["budget"]
    if not budget.empty and "period" in budget:
        missing = grid.difference(pd.PeriodIndex(budget["period"].dropna()))
        if len(missing):
            warnings.add("budget.csv", None, "period", ", ".join(map(str, missing)),
                         "no budget given for these periods; taken as 0")
