"""Criteria weights by AHP: :func:`ahp_weights` and what it returns, :class:`AHPResult`.

The entry point ties the steps together: the judgements are checked
(:mod:`.judgements`), fitted to the criteria tree (:mod:`.hierarchy`), combined over the
stakeholders, and every node of the tree is solved (:mod:`.completion`, :mod:`.matrix`) — for
the group and, beside it, for each stakeholder alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from ...exceptions import OptionsError
from .completion import COMPLETIONS
from .hierarchy import GOAL, Node, Tree, criteria_tree, parents_of, solve_tree
from .judgements import (
    GROUP,
    AHPInputError,
    aggregate_judgements,
    clean_judgements,
    connection_problems,
    stakeholder_shares,
)
from .matrix import CR_THRESHOLD, INCONSISTENCY_COLUMNS, METHODS, RANDOM_INDICES, rank_inconsistency


@dataclass(frozen=True)
class AHPResult:
    """Weights and consistency of a set of pairwise judgements.

    Attributes
    ----------
    weights : Series
        Priority weights indexed by criterion, summing to 1 (global weights of the leaf
        criteria when a hierarchy is given).
    matrix : DataFrame
        The (group, completed) pairwise comparison matrix; for a hierarchy, the top node's.
    lambda_max : float
        Principal eigenvalue of ``matrix`` (NaN for a hierarchy: see ``nodes``).
    consistency_index : float
        (λmax − n) / (n − 1); for a hierarchy Σ g·CI over its nodes (g = node's global weight).
    random_index : float
        RI for n (or Σ g·RI for a hierarchy).
    consistency_ratio : float
        CI / RI (0 for n ≤ 2); above :data:`CR_THRESHOLD` the judgements should be revisited.
    inconsistency : DataFrame
        The judgements ranked by how much each adds to the inconsistency (which pairs to
        revisit first): stakeholder, a, b, ratio (as judged), consistent_ratio (what the other
        judgements imply for the pair: w_a / w_b by log least squares without it), suggested
        (nearest value on Saaty's scale), share (of the
        matrix's inconsistency, summing to 1 per stakeholder and node), cr_if_revised (the CR
        with this judgement replaced by ``consistent_ratio``), rank (1 = revisit first). The
        group's rows have stakeholder :data:`GROUP`; a hierarchy adds a ``node`` column.
    stakeholder_weights : DataFrame
        Tidy: stakeholder, criterion, weight, consistency_ratio, acceptable — each
        stakeholder's own weights beside the group's (stakeholder :data:`GROUP`).
    completed : DataFrame
        The group's missing pairs and the ratio filled in: a, b, ratio (empty when complete).
    levels : DataFrame
        criterion, parent, local_weight, global_weight, leaf (one row per criterion of a
        hierarchy; parent :data:`GOAL` for the top level, and for every criterion when flat).
    nodes : dict of str to AHPResult
        For a hierarchy, the result at each node (:data:`GOAL` and each parent criterion).
    method, completion, random_index_source : str
        The options used.
    """

    weights: pd.Series
    matrix: pd.DataFrame
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    inconsistency: pd.DataFrame
    stakeholder_weights: pd.DataFrame
    completed: pd.DataFrame
    levels: pd.DataFrame
    nodes: dict[str, AHPResult] = field(default_factory=dict)
    method: str = "eigenvector"
    completion: str = "lambda_max"
    random_index_source: str = "saaty"

    @property
    def acceptable(self) -> bool:
        """True when the consistency ratio is at most :data:`CR_THRESHOLD` (0.10)."""
        return bool(self.consistency_ratio <= CR_THRESHOLD + 1e-12)

    @property
    def stakeholder_consistency(self) -> pd.DataFrame:
        """One row per stakeholder (and the group): consistency_ratio, acceptable."""
        table = self.stakeholder_weights.drop_duplicates("stakeholder")
        return table.set_index("stakeholder")[["consistency_ratio", "acceptable"]]


def comparison_matrix(comparisons: pd.DataFrame, *, completion: str = "lambda_max") -> pd.DataFrame:
    """Reciprocal pairwise matrix of the judgements (the group's, completed where missing).

    Several stakeholders are combined by the geometric mean of their judgements of each pair.

    Examples
    --------
    >>> c = pd.DataFrame({"a": ["x", "x", "y"], "b": ["y", "z", "z"], "ratio": [2.0, 4.0, 2.0]})
    >>> comparison_matrix(c).loc["z"].round(3).tolist()
    [0.25, 0.5, 1.0]
    """
    return ahp_weights(comparisons, completion=completion, detail=False).matrix


def ahp_weights(
    comparisons: pd.DataFrame,
    *,
    method: str = "eigenvector",
    completion: str = "lambda_max",
    random_index: str = "saaty",
    criteria: Iterable[str] | None = None,
    hierarchy: Mapping[str, str] | pd.DataFrame | None = None,
    stakeholder_weights: Mapping[str, float] | None = None,
    detail: bool = True,
) -> AHPResult:
    """Criteria weights and consistency from pairwise judgements (Saaty's AHP).

    Parameters
    ----------
    comparisons : DataFrame
        As ``comparisons.csv``: columns a, b, ratio (how many times more a matters than b, in
        [1/9, 9]) and optionally stakeholder. Each stakeholder may leave pairs out as long as
        their judgements still link every criterion; the group judgement of a pair is the
        (weighted) geometric mean of the stakeholders who judged it.
    method : {"eigenvector", "geometric_mean"}
        Principal right eigenvector (Saaty) or normalised row geometric means (logarithmic
        least squares).
    completion : {"lambda_max", "llsm"}
        How missing pairs are filled: the values that minimise λmax (Bozóki, Fülöp & Rónyai
        2010), or w_a / w_b from logarithmic least squares over the given pairs.
    random_index : {"saaty", "alonso_lamata"}
        Random index for the consistency ratio (see :func:`random_index`). For an incomplete
        set the CR is that of the completed matrix.
    criteria : iterable of str, optional
        The criteria that must be weighed (e.g. from ``criteria.csv``); one no judgement
        mentions is an error, as is a judgement naming a criterion outside this list.
    hierarchy : mapping or DataFrame, optional
        Sub-criterion → parent criterion (or a frame with columns criterion, parent). Each
        judgement compares two criteria with the same parent; the top-level criteria have
        none. Weights are global: a leaf's local weight times its parent's global weight.
    stakeholder_weights : mapping, optional
        Weight of each stakeholder in the group's geometric mean (default: equal).
    detail : bool
        False skips what only explains the weights — each stakeholder's own weights and the
        ranked inconsistencies (``stakeholder_weights`` then holds the group only and
        ``inconsistency`` is empty) — for speed when only the weights are needed.

    Returns
    -------
    AHPResult
        ``.weights`` (sum 1), ``.consistency_ratio``, ``.lambda_max``, ``.inconsistency``
        (judgements to revisit, ranked), ``.stakeholder_weights`` (each stakeholder's own
        weights and CR beside the group's), ``.completed``, ``.levels``, ``.nodes``.

    Raises
    ------
    AHPInputError
        Listing every problem: ratios outside [1/9, 9] or not numbers, a criterion compared
        with itself, a pair judged twice by one stakeholder with contradictory values,
        criteria not linked by any chain of comparisons, unknown criteria, a hierarchy broken.

    Examples
    --------
    >>> c = pd.DataFrame({"a": ["x", "x", "y"], "b": ["y", "z", "z"], "ratio": [2.0, 4.0, 2.0]})
    >>> result = ahp_weights(c)
    >>> result.weights.round(4).to_dict()
    {'x': 0.5714, 'y': 0.2857, 'z': 0.1429}
    >>> round(result.consistency_ratio, 6)
    0.0
    """
    _check_choices(method, completion, random_index)
    frame = clean_judgements(comparisons)
    stakeholders = sorted(frame["stakeholder"].unique())
    problems: list[str] = []
    shares = stakeholder_shares(stakeholders, stakeholder_weights, problems)
    tree = _checked_tree(frame, criteria, hierarchy, stakeholders, problems)
    options = {"method": method, "completion": completion, "source": random_index}
    group = aggregate_judgements(frame, shares)
    result = _result(solve_tree(group, tree, **options), GROUP, options, detail=detail)
    if len(stakeholders) <= 1 or not detail:
        return result
    own = [
        _result(solve_tree(frame[frame["stakeholder"] == who], tree, **options), who, options)
        for who in stakeholders
    ]
    tables = [r.inconsistency for r in [result, *own] if not r.inconsistency.empty]
    return replace(
        result,
        stakeholder_weights=pd.concat(
            [r.stakeholder_weights for r in [*own, result]], ignore_index=True
        ),
        inconsistency=pd.concat(tables, ignore_index=True) if tables else result.inconsistency,
    )


def _check_choices(method: str, completion: str, random_index: str) -> None:
    if method not in METHODS:
        raise OptionsError(f"method={method!r} is not valid; use one of {', '.join(METHODS)}")
    if completion not in COMPLETIONS:
        raise OptionsError(
            f"completion={completion!r} is not valid; use one of {', '.join(COMPLETIONS)}"
        )
    if random_index not in RANDOM_INDICES:
        raise OptionsError(
            f"random_index={random_index!r} is not valid; use one of {', '.join(RANDOM_INDICES)}"
        )


def _checked_tree(
    frame: pd.DataFrame,
    criteria: Iterable[str] | None,
    hierarchy: Mapping[str, str] | pd.DataFrame | None,
    stakeholders: list[str],
    problems: list[str],
) -> Tree:
    """The criteria tree the judgements weigh; raises AHPInputError listing every problem
    (``problems`` found before included): unknown criteria, a broken hierarchy, criteria that
    a stakeholder's judgements do not link."""
    named = sorted(set(frame["a"]) | set(frame["b"]))
    wanted = list(dict.fromkeys(str(c) for c in criteria)) if criteria is not None else None
    parents = parents_of(hierarchy)
    if wanted is not None:
        unknown = sorted(set(named) - set(wanted) - set(parents) - set(parents.values()))
        if unknown:
            problems.append(
                f"judgements name unknown criteria {', '.join(unknown)}; known: {', '.join(wanted)}"
            )
    universe = (
        wanted if wanted is not None else sorted(set(named) | set(parents) | set(parents.values()))
    )
    if not universe:
        raise AHPInputError(["no judgements given: at least one comparison a, b, ratio is needed"])
    tree = criteria_tree(universe, parents, frame, problems)
    for who in stakeholders:
        mine = frame[frame["stakeholder"] == who]
        for node, children in tree.items():
            inside = mine[mine["a"].isin(children) & mine["b"].isin(children)]
            where = "" if node == GOAL else f" under {node}"
            problems += connection_problems(
                children, inside, who if len(stakeholders) > 1 else "", where
            )
    if problems:
        raise AHPInputError(problems)
    return tree


def _weights_table(stakeholder: str, weights: pd.Series, cr: float) -> pd.DataFrame:
    """Tidy: stakeholder, criterion, weight, consistency_ratio, acceptable."""
    return pd.DataFrame(
        {
            "stakeholder": stakeholder,
            "criterion": weights.index,
            "weight": weights.to_numpy(),
            "consistency_ratio": cr,
            "acceptable": cr <= CR_THRESHOLD + 1e-12,
        }
    )


def _node_inconsistency(node: Node, stakeholder: str, source: str, detail: bool) -> pd.DataFrame:
    table = (
        rank_inconsistency(node.matrix, node.given, node.cr, source)
        if detail
        else pd.DataFrame(columns=INCONSISTENCY_COLUMNS[1:])
    )
    table.insert(0, "stakeholder", stakeholder)
    return table


def _result(tree: Tree, stakeholder: str, options: dict, *, detail: bool = True) -> AHPResult:
    """The AHPResult of one set of judgements (a stakeholder's, or the group's)."""
    source = options["source"]
    chosen = {
        "method": options["method"],
        "completion": options["completion"],
        "random_index_source": source,
    }
    tables = {
        name: _node_inconsistency(node, stakeholder, source, detail)
        for name, node in tree.nodes.items()
    }
    root = tree.nodes[GOAL]
    flat = len(tree.nodes) == 1
    ranked = [
        table if flat else table.assign(node=name)[[table.columns[0], "node", *table.columns[1:]]]
        for name, table in tables.items()
        if not table.empty
    ]
    nodes = (
        {}
        if flat
        else {
            name: _node_result(node, tables[name], stakeholder, chosen)
            for name, node in tree.nodes.items()
        }
    )
    completed = pd.concat(
        [node.completed.assign(node=name) for name, node in tree.nodes.items()],
        ignore_index=True,
    )
    return AHPResult(
        weights=tree.weights,
        matrix=pd.DataFrame(root.matrix, index=root.names, columns=root.names),
        lambda_max=tree.lam,
        consistency_index=tree.ci,
        random_index=tree.ri,
        consistency_ratio=tree.cr,
        inconsistency=(
            pd.concat(ranked, ignore_index=True)
            if ranked
            else pd.DataFrame(columns=INCONSISTENCY_COLUMNS)
        ),
        stakeholder_weights=_weights_table(stakeholder, tree.weights, tree.cr),
        completed=completed.drop(columns="node") if flat else completed,
        levels=tree.levels,
        nodes=nodes,
        **chosen,
    )


def _node_result(node: Node, ranked: pd.DataFrame, stakeholder: str, chosen: dict) -> AHPResult:
    """The AHPResult of one node of a hierarchy on its own (its local weights)."""
    weights = pd.Series(node.weights, index=pd.Index(node.names, name="criterion"), name="weight")
    return AHPResult(
        weights=weights,
        matrix=pd.DataFrame(node.matrix, index=node.names, columns=node.names),
        lambda_max=node.lam,
        consistency_index=node.ci,
        random_index=node.ri,
        consistency_ratio=node.cr,
        inconsistency=ranked,
        stakeholder_weights=_weights_table(stakeholder, weights, node.cr),
        completed=node.completed,
        levels=pd.DataFrame(
            {
                "criterion": node.names,
                "parent": GOAL,
                "local_weight": node.weights,
                "global_weight": node.weights,
                "leaf": True,
            }
        ),
        **chosen,
    )
