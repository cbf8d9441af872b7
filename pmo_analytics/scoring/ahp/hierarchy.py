"""A hierarchy of criteria: each node's judgements solved, local weights rolled up to global.

Criteria may have sub-criteria (criterion → parent). Judgements compare only criteria with the
same parent, so every node — the goal and each parent criterion — is one pairwise matrix,
solved on its own (completed where judgements are missing, weights, λmax, consistency). A
criterion's global weight is its local weight times its parent's global weight; the weights
of the leaves sum to 1. The hierarchy's consistency ratio is Saaty's Σ g·CI / Σ g·RI over the
nodes (g = the node's global weight, 1 for the goal). A flat list of criteria is the hierarchy
of one node, the goal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...exceptions import OptionsError
from .completion import complete_log_matrix, missing_pairs
from .judgements import oriented_pairs
from .matrix import consistency, perron, row_geometric_means

#: Name of the hierarchy's top node in per-node tables.
GOAL = "(goal)"


def parents_of(hierarchy: Mapping[str, str] | pd.DataFrame | None) -> dict[str, str]:
    """Sub-criterion → parent criterion, from a mapping or a frame (criterion, parent)."""
    if hierarchy is None:
        return {}
    if isinstance(hierarchy, pd.DataFrame):
        if not {"criterion", "parent"} <= set(hierarchy.columns):
            raise OptionsError("hierarchy frame needs columns criterion, parent")
        rows = hierarchy.dropna(subset=["parent"])
        return {
            str(c): str(p) for c, p in zip(rows["criterion"], rows["parent"], strict=True) if str(p)
        }
    return {str(c): str(p) for c, p in hierarchy.items() if p is not None and str(p)}


def criteria_tree(
    universe: list[str], parents: dict[str, str], frame: pd.DataFrame, problems: list[str]
) -> dict[str, list[str]]:
    """Children of each node (:data:`GOAL` and each parent), checking the judgements fit the
    tree: a cycle among the parents, or a judgement across two parents, is a problem."""
    everything = list(dict.fromkeys([*universe, *parents.values(), *parents]))
    for child, parent in parents.items():
        seen, node = {child}, parent
        while node in parents:
            if node in seen:
                problems.append(f"the hierarchy has a cycle through {node}")
                return {GOAL: everything}
            seen.add(node)
            node = parents[node]
    tree: dict[str, list[str]] = {}
    for name in everything:
        tree.setdefault(parents.get(name, GOAL), []).append(name)
    parent_a = frame["a"].map(lambda name: parents.get(name, GOAL))
    parent_b = frame["b"].map(lambda name: parents.get(name, GOAL))
    across = (parent_a != parent_b).to_numpy()
    for a, b, pa_, pb in zip(
        frame["a"][across], frame["b"][across], parent_a[across], parent_b[across], strict=True
    ):
        problems.append(
            f"judgement {a} vs {b} compares criteria under different parents ({pa_} and {pb}); "
            "compare only criteria that share a parent"
        )
    return tree


@dataclass(frozen=True)
class Node:
    """One node's pairwise matrix, solved."""

    names: list[str]
    weights: np.ndarray  # local weights, in the order of names
    matrix: np.ndarray  # completed reciprocal matrix
    lam: float
    ci: float
    ri: float
    cr: float
    given: pd.DataFrame  # the given pairs, as :func:`~.judgements.oriented_pairs` makes them
    completed: pd.DataFrame  # a, b, ratio of the pairs filled in


def solve_node(
    pairs: pd.DataFrame, names: list[str], *, method: str, completion: str, source: str
) -> Node:
    """Weights and consistency from oriented pairs (columns i, j, log) over ``names``."""
    n = len(names)
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    values = np.exp(complete_log_matrix(n, i, j, pairs["log"].to_numpy(), completion))
    lam, principal = perron(values)
    weights = principal if method == "eigenvector" else row_geometric_means(values)
    ci, ri, cr = consistency(lam, n, source)
    mi, mj = missing_pairs(n, i, j)
    labels = np.asarray(names, dtype=object)
    completed = pd.DataFrame(
        {"a": labels[mi].tolist(), "b": labels[mj].tolist(), "ratio": values[mi, mj]}
    )
    return Node(names, weights, values, lam, ci, ri, cr, pairs, completed)


@dataclass(frozen=True)
class Tree:
    """Every node of a hierarchy solved, and the roll-up to global weights."""

    nodes: dict[str, Node]
    weights: pd.Series  # global weights of the leaves, summing to 1, by criterion
    levels: pd.DataFrame  # criterion, parent, local_weight, global_weight, leaf
    lam: float  # the goal's λmax when flat, else NaN
    ci: float
    ri: float
    cr: float


def solve_tree(
    frame: pd.DataFrame, tree: dict[str, list[str]], *, method: str, completion: str, source: str
) -> Tree:
    """Solve every node of ``tree`` for one set of judgements and roll the weights up."""
    nodes: dict[str, Node] = {}
    for node, children in tree.items():
        names = sorted(children)
        inside = frame[frame["a"].isin(names) & frame["b"].isin(names)]
        pairs = oriented_pairs(inside, names)
        nodes[node] = solve_node(pairs, names, method=method, completion=completion, source=source)
    local = {c: float(w) for s in nodes.values() for c, w in zip(s.names, s.weights, strict=True)}
    global_weight = {GOAL: 1.0}
    top_down = [GOAL]
    for parent in top_down:  # a parent's global weight is known before its children's
        for child in tree[parent]:
            global_weight[child] = global_weight[parent] * local[child]
            if child in tree:
                top_down.append(child)
    parent_of = {c: node for node, children in tree.items() for c in children}
    levels = pd.DataFrame(
        {
            "criterion": list(parent_of),
            "parent": list(parent_of.values()),
            "local_weight": [local[c] for c in parent_of],
            "global_weight": [global_weight[c] for c in parent_of],
            "leaf": [c not in tree for c in parent_of],
        }
    )
    leaves = levels[levels["leaf"]]
    weights = pd.Series(
        leaves["global_weight"].to_numpy(),
        index=pd.Index(leaves["criterion"], name="criterion"),
        name="weight",
    )
    weights = (weights / weights.sum()).sort_index()
    if len(tree) == 1:
        root = nodes[GOAL]
        return Tree(nodes, weights, levels, root.lam, root.ci, root.ri, root.cr)
    ci = sum(global_weight[node] * s.ci for node, s in nodes.items())
    ri = sum(global_weight[node] * s.ri for node, s in nodes.items())
    return Tree(nodes, weights, levels, float("nan"), ci, ri, ci / ri if ri > 0 else 0.0)
