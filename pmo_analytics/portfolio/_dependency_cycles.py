"""Dependency cycles: requires/follows chains that loop back, each named by a shortest cycle.

A project that requires (or follows) another, which requires the first again, can never be
selected; neither can one that depends on itself. The dependency graph is searched for its
strongly connected components — whole layers of sources and sinks peeled off first, vectorised,
so that an acyclic table of ordinary depth never needs more — and each component is reported
once, as the shortest cycle through its first project (by id), on the row of its first edge.
``excludes`` never makes a cycle.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from .._vocab import NEEDS_KINDS
from .cells import encode_text
from .validation import ProblemLog, RawTable

#: Rounds of peeling sources and sinks before the strongly-connected-components search.
_PEEL_ROUNDS = 64


def _strong_components(src: np.ndarray, dst: np.ndarray, n: int) -> list[np.ndarray]:
    """Node sets (size > 1) of the strongly connected components of a directed graph.

    Sources and sinks are peeled off first, a whole layer at a time; what remains after that
    holds every cycle and is handed to scipy (imported only then, so acyclic dependency tables
    of ordinary depth never load it).
    """
    alive = np.ones(len(src), dtype=bool)
    for _ in range(_PEEL_ROUNDS):
        indegree = np.bincount(dst[alive], minlength=n)
        outdegree = np.bincount(src[alive], minlength=n)
        removable = (indegree == 0) | (outdegree == 0)
        kill = alive & (removable[src] | removable[dst])
        if not kill.any():
            break
        alive &= ~kill
        if not alive.any():
            return []
    if not alive.any():
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(int(alive.sum())), (src[alive], dst[alive])), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    return [np.flatnonzero(labels == label) for label in np.flatnonzero(sizes > 1)]


def _shortest_cycle(start: int, successors: dict[int, list[int]]) -> list[int]:
    """The shortest cycle through ``start`` (breadth-first within one component)."""
    parent = {start: -1}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors.get(node, []):
            if nxt == start:
                path = [node]
                while parent[path[-1]] != -1:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [start, start]  # not reached for a member of a strong component


def check_dependencies(
    raws: dict[str, RawTable], tables: dict[str, pd.DataFrame], log: ProblemLog
) -> None:
    """Self references, and cycles among requires / follows (each cycle named)."""
    deps, raw = tables["dependencies"], raws["dependencies"]
    if deps.empty:
        return
    self_ref = (deps["project_id"].notna() & (deps["project_id"] == deps["other_id"])).to_numpy()
    log.add_rows(raw, self_ref, "other_id", deps["other_id"], "a project cannot depend on itself")
    chain = (
        deps["kind"].isin(NEEDS_KINDS).to_numpy()
        & deps["project_id"].notna().to_numpy()
        & deps["other_id"].notna().to_numpy()
        & ~self_ref
    )
    if not chain.any():
        return
    positions = np.flatnonzero(chain)
    codes, names = encode_text(pd.concat([deps["project_id"], deps["other_id"]], ignore_index=True))
    src_all, dst_all = codes[: len(deps)], codes[len(deps) :]
    src, dst = src_all[chain], dst_all[chain]
    components = _strong_components(src, dst, len(names))
    if not components:
        return
    order = np.argsort(np.asarray(names, dtype=object))
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    for members in sorted(components, key=lambda m: rank[m].min()):
        inside = np.isin(src, members) & np.isin(dst, members)
        successors: dict[int, list[int]] = {}
        for a, b in sorted(
            zip(src[inside].tolist(), dst[inside].tolist(), strict=True),
            key=lambda e: (rank[e[0]], rank[e[1]]),
        ):
            successors.setdefault(a, []).append(b)
        start = int(members[np.argmin(rank[members])])
        cycle = _shortest_cycle(start, successors)
        first_edge = positions[inside & (src == cycle[0]) & (dst == cycle[1])][0]
        named = " → ".join(names[c] for c in cycle)
        log.add(
            raw.source,
            raw.rows[first_edge],
            "project_id, other_id",
            named,
            f"cycle among requires/follows dependencies: {named}",
        )
