"""Analytic Hierarchy Process: criteria weights from stakeholders' pairwise judgements.

A judgement ``(a, b, ratio)`` says how many times more ``a`` matters than ``b`` on Saaty's
1–9 scale (``1/3`` means ``b`` matters three times more). From a set of judgements this module
derives priority weights (principal eigenvector, Saaty 1980; or row geometric means, Crawford &
Williams 1985), measures their consistency (λmax, CI = (λmax − n)/(n − 1), CR = CI/RI with
Saaty's or Alonso & Lamata's random index) and says which judgements cause the inconsistency.

It also handles the cases a PMO meets in practice:

* **incomplete judgements** — missing pairs are filled so as to minimise λmax (Bozóki, Fülöp &
  Rónyai 2010, "On optimal completion of incomplete pairwise comparison matrices", Math. Comput.
  Modelling 52) or by logarithmic least squares on the given pairs (Kwiesielewicz 1996);
* **several stakeholders** — aggregated by the geometric mean of their individual judgements
  (Aczél & Saaty 1983; Forman & Peniwati 1998), each stakeholder's own weights and consistency
  shown beside the group's;
* **a hierarchy** (criteria → sub-criteria) — local weights multiplied down to global weights;
  the hierarchy's consistency ratio is Saaty's Σ g·CI / Σ g·RI over the nodes.

Judgements outside [1/9, 9], a pair judged twice by one stakeholder with different values,
criteria compared with themselves and criteria not connected by any chain of comparisons are
errors (:class:`AHPInputError`, which lists every problem).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Saaty's random consistency index by matrix size (Saaty 1980, *The Analytic Hierarchy
#: Process*, McGraw-Hill, p. 21; the same values in Saaty 1990, EJOR 48, p. 13).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}  # fmt: skip
#: Alonso & Lamata's random index from 100,000 random matrices per size (Alonso & Lamata 2006,
#: "Consistency in the analytic hierarchy process: a new approach", IJUFKS 14(4), Table 3).
ALONSO_LAMATA_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479, 7: 1.3417, 8: 1.4056,
    9: 1.4499, 10: 1.4854, 11: 1.5141, 12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838,
}  # fmt: skip
RANDOM_INDICES = ("saaty", "alonso_lamata")
METHODS = ("eigenvector", "geometric_mean")
COMPLETIONS = ("lambda_max", "llsm")
#: Saaty's rule: a consistency ratio above 0.10 calls for the judgements to be revisited.
CR_THRESHOLD = 0.10
#: Judgements must lie in [1/9, 9]; 0.11 (1/9 written with two decimals) is accepted.
RATIO_MIN, RATIO_MAX = 0.11, 9.0
#: Label of the aggregated judgements in per-stakeholder tables.
GROUP = "(group)"
#: Name of the hierarchy's top node in per-node tables.
GOAL = "(goal)"
#: Two judgements of one pair by one stakeholder are "the same" within this factor (0.33 ≈ 1/3).
_SAME_JUDGEMENT = 1.02
_SAATY_SCALE = np.array([1 / k for k in range(9, 1, -1)] + list(range(1, 10)), dtype=float)


class AHPInputError(ValueError):
    """Judgements that cannot give weights; ``.problems`` lists each problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) with the pairwise judgements:\n{listed}")


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


# --------------------------------------------------------------------------- numbers
def random_index(n: int, *, source: str = "saaty") -> float:
    """Random consistency index RI for an n × n matrix.

    ``source="saaty"`` uses Saaty (1980) up to n = 10; beyond that, and for
    ``source="alonso_lamata"``, Alonso & Lamata (2006) for n ≤ 15 and their fitted line
    λ̄max = 2.7699 n − 4.3513 (so RI = (1.7699 n − 4.3513) / (n − 1)) above.

    Examples
    --------
    >>> random_index(3), random_index(3, source="alonso_lamata")
    (0.58, 0.5245)
    """
    if source not in RANDOM_INDICES:
        raise ValueError(
            f"random_index={source!r} is not valid; use one of {', '.join(RANDOM_INDICES)}"
        )
    if source == "saaty" and n in SAATY_RANDOM_INDEX:
        return SAATY_RANDOM_INDEX[n]
    if n in ALONSO_LAMATA_RANDOM_INDEX:
        return ALONSO_LAMATA_RANDOM_INDEX[n]
    return (1.7699 * n - 4.3513) / (n - 1)


def _perron(values: np.ndarray) -> tuple[float, np.ndarray]:
    """Principal eigenvalue and its positive eigenvector (summing to 1) of a positive matrix."""
    eigenvalues, vectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(vectors[:, k].real)
    return float(eigenvalues[k].real), vector / vector.sum()


def _weights_of(values: np.ndarray, method: str) -> np.ndarray:
    if method == "eigenvector":
        return _perron(values)[1]
    vector = np.exp(np.log(values).mean(axis=1))
    return vector / vector.sum()


def _consistency(lam: float, n: int, source: str) -> tuple[float, float, float]:
    ci = max((lam - n) / (n - 1), 0.0) if n > 2 else 0.0
    ri = random_index(n, source=source)
    return ci, ri, (ci / ri if ri > 0 else 0.0)


def _llsm(n: int, i: np.ndarray, j: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """Log weights (summing to 0) minimising Σ (y_i − y_j − log a_ij)² over the given pairs."""
    laplacian = np.zeros((n, n))
    np.add.at(laplacian, (i, i), 1.0)
    np.add.at(laplacian, (j, j), 1.0)
    np.add.at(laplacian, (i, j), -1.0)
    np.add.at(laplacian, (j, i), -1.0)
    rhs = np.zeros(n)
    np.add.at(rhs, i, logs)
    np.add.at(rhs, j, -logs)
    y = np.linalg.lstsq(laplacian, rhs, rcond=None)[0]
    return y - y.mean()


def _complete(
    n: int, i: np.ndarray, j: np.ndarray, logs: np.ndarray, completion: str
) -> np.ndarray:
    """Full log-matrix from the given upper pairs (i < j), missing ones completed."""
    log_matrix = np.zeros((n, n))
    log_matrix[i, j], log_matrix[j, i] = logs, -logs
    known = np.eye(n, dtype=bool)
    known[i, j] = known[j, i] = True
    mi, mj = np.nonzero(np.triu(~known, 1))
    if mi.size == 0:
        return log_matrix
    y = _llsm(n, i, j, logs)
    start = y[mi] - y[mj]
    log_matrix[mi, mj], log_matrix[mj, mi] = start, -start
    if completion == "llsm":
        return log_matrix
    from scipy.optimize import minimize

    def lam_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        log_matrix[mi, mj], log_matrix[mj, mi] = x, -x
        values = np.exp(log_matrix)
        lam, right = _perron(values)
        left = _perron(values.T)[1]
        scale = left @ right
        grad = (
            left[mi] * right[mj] * values[mi, mj] - left[mj] * right[mi] * values[mj, mi]
        ) / scale
        return lam, grad

    best = minimize(lam_and_grad, start, jac=True, method="BFGS", options={"gtol": 1e-11})
    log_matrix[mi, mj], log_matrix[mj, mi] = best.x, -best.x
    return log_matrix


def _nearest_on_scale(ratios: np.ndarray) -> np.ndarray:
    gaps = np.abs(np.log(ratios)[:, None] - np.log(_SAATY_SCALE)[None, :])
    return _SAATY_SCALE[np.argmin(gaps, axis=1)]


# --------------------------------------------------------------------------- one matrix
@dataclass(frozen=True)
class _Solved:
    names: list[str]
    weights: np.ndarray
    matrix: np.ndarray
    lam: float
    ci: float
    ri: float
    cr: float
    given: pd.DataFrame  # a, b, ratio, i, j (oriented i < j, log) of the given judgements
    completed: pd.DataFrame


def _solve(
    pairs: pd.DataFrame, names: list[str], method: str, completion: str, source: str
) -> _Solved:
    """Weights and consistency from oriented pairs (columns i, j, log) over ``names``."""
    n = len(names)
    i, j, logs = pairs["i"].to_numpy(), pairs["j"].to_numpy(), pairs["log"].to_numpy()
    log_matrix = _complete(n, i, j, logs, completion)
    values = np.exp(log_matrix)
    weights = _weights_of(values, method)
    lam = _perron(values)[0] if n > 1 else 1.0
    ci, ri, cr = _consistency(lam, n, source)
    known = np.eye(n, dtype=bool)
    known[i, j] = True
    mi, mj = np.nonzero(np.triu(~known, 1))
    completed = pd.DataFrame(
        {"a": [names[k] for k in mi], "b": [names[k] for k in mj], "ratio": values[mi, mj]}
    )
    return _Solved(names, weights, values, lam, ci, ri, cr, pairs, completed)


def _inconsistency(solved: _Solved, source: str) -> pd.DataFrame:
    """Rank the given judgements of one matrix by their part in its inconsistency.

    With w the principal eigenvector, λmax = 1 + (1/n) Σ_{i<j} (ε_ij + 1/ε_ij) where
    ε_ij = a_ij w_j / w_i, so CI splits exactly into one term per pair, (ε + 1/ε − 2)/(n(n−1))
    (Saaty 1980, section 2.2). ``share`` is that term over their sum.
    """
    pairs = solved.given
    n = len(solved.names)
    if pairs.empty:
        return pd.DataFrame(columns=_INCONSISTENCY_COLUMNS[1:])
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    w = _perron(solved.matrix)[1] if n > 1 else np.ones(1)
    eps = solved.matrix[i, j] * w[j] / w[i]
    term = eps + 1.0 / eps - 2.0
    total = term.sum()
    share = term / total if total > 1e-12 else np.zeros_like(term)
    consistent = np.array([_implied(solved.matrix, i[k], j[k]) for k in range(len(pairs))])
    revised = np.empty(len(pairs))
    for k in range(len(pairs)):
        trial = solved.matrix.copy()
        trial[i[k], j[k]], trial[j[k], i[k]] = consistent[k], 1.0 / consistent[k]
        revised[k] = _consistency(_perron(trial)[0], n, source)[2]
    # report each judgement the way it was written (a over b)
    flip = pairs["flipped"].to_numpy()
    out = pd.DataFrame(
        {
            "a": pairs["a"].to_numpy(),
            "b": pairs["b"].to_numpy(),
            "ratio": np.where(flip, 1.0 / solved.matrix[i, j], solved.matrix[i, j]),
            "consistent_ratio": np.where(flip, 1.0 / consistent, consistent),
            "share": share,
            "cr_if_revised": np.where(total > 1e-12, revised, solved.cr),
        }
    )
    out.insert(3, "suggested", _nearest_on_scale(out["consistent_ratio"].to_numpy()))
    out = out.sort_values(["share", "a", "b"], ascending=[False, True, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def _implied(matrix: np.ndarray, i: int, j: int) -> float:
    """What the other judgements imply for a_ij: w_i / w_j by log least squares on every pair of
    the (completed) matrix except (i, j); with two criteria, the judgement itself."""
    n = len(matrix)
    if n < 3:
        return float(matrix[i, j])
    ui, uj = np.triu_indices(n, 1)
    keep = ~((ui == i) & (uj == j))
    y = _llsm(n, ui[keep], uj[keep], np.log(matrix[ui[keep], uj[keep]]))
    return float(np.exp(y[i] - y[j]))


_INCONSISTENCY_COLUMNS = [
    "stakeholder", "a", "b", "ratio", "suggested", "consistent_ratio", "share", "cr_if_revised",
    "rank",
]  # fmt: skip


# --------------------------------------------------------------------------- input checks
def _text(values: pd.Series) -> list[str]:
    return [
        "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in values
    ]


def _clean(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Judgements as stakeholder, a, b, ratio (float); raises AHPInputError listing problems.

    Judgement sets are small (tens to hundreds of rows), so this works on plain lists.
    """
    missing = [c for c in ("a", "b", "ratio") if c not in comparisons.columns]
    if missing:
        raise AHPInputError(
            [
                f"comparisons lack column(s) {', '.join(missing)}; expected a, b, ratio (stakeholder optional)"
            ]
        )
    who = (
        _text(comparisons["stakeholder"])
        if "stakeholder" in comparisons
        else [""] * len(comparisons)
    )
    first, second = _text(comparisons["a"]), _text(comparisons["b"])
    raw = comparisons["ratio"].tolist()
    ratio = pd.to_numeric(comparisons["ratio"], errors="coerce").to_numpy(dtype=float)
    problems: list[str] = []
    rows: list[tuple[str, str, str, float]] = []
    seen: dict[tuple[str, str, str], list[tuple[str, str, float]]] = {}
    for k, (s_, a, b, r) in enumerate(zip(who, first, second, ratio, strict=True), start=1):
        if not a or not b:
            problems.append(f"judgement {k}: a and b must both name a criterion")
        elif not np.isfinite(r):
            problems.append(f"judgement {k} ({a} vs {b}): ratio {raw[k - 1]!r} is not a number")
        elif r < RATIO_MIN - 1e-12 or r > RATIO_MAX + 1e-12:
            problems.append(
                f"judgement {k} ({a} vs {b}): ratio {r:g} is outside Saaty's scale [1/9, 9]"
            )
        elif a == b:
            problems.append(f"judgement {k}: criterion {a} is compared with itself")
        else:
            rows.append((s_, a, b, float(r)))
            seen.setdefault((s_, min(a, b), max(a, b)), []).append((a, b, float(r)))
    # one stakeholder judging one pair twice with different values
    for (s_, lo, hi), given in seen.items():
        logs = [np.log(r) if a == lo else -np.log(r) for a, _, r in given]
        if max(logs) - min(logs) > np.log(_SAME_JUDGEMENT):
            listed = "; ".join(f"{a} vs {b} = {r:g}" for a, b, r in given)
            by = f"stakeholder {s_!r}" if s_ else "the judgements"
            problems.append(
                f"{by} judge {lo} vs {hi} more than once with contradictory values ({listed})"
            )
    if problems:
        raise AHPInputError(problems)
    frame = pd.DataFrame(rows, columns=["stakeholder", "a", "b", "ratio"], dtype=object)
    return frame.astype({"ratio": float})


def _components(names: list[str], a: Iterable[str], b: Iterable[str]) -> list[list[str]]:
    parent = {n: n for n in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a, b, strict=True):
        parent[find(x)] = find(y)
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(find(n), []).append(n)
    return sorted(groups.values(), key=lambda g: (-len(g), g))


def _connected_problems(names: list[str], frame: pd.DataFrame, who: str, where: str) -> list[str]:
    groups = _components(names, frame["a"], frame["b"])
    if len(groups) <= 1:
        return []
    by = f"stakeholder {who!r}'s judgements" if who else "the judgements"
    listed = " | ".join(", ".join(g) for g in groups)
    return [
        f"{by}{where} do not connect all criteria: no chain of comparisons links these groups: "
        f"{listed}; add a comparison between the groups"
    ]


# --------------------------------------------------------------------------- public API
def comparison_matrix(comparisons: pd.DataFrame, *, completion: str = "lambda_max") -> pd.DataFrame:
    """Reciprocal pairwise matrix of the judgements (the group's, completed where missing).

    Several stakeholders are combined by the geometric mean of their judgements of each pair.

    Examples
    --------
    >>> c = pd.DataFrame({"a": ["x", "x", "y"], "b": ["y", "z", "z"], "ratio": [2.0, 4.0, 2.0]})
    >>> comparison_matrix(c).loc["z"].round(3).tolist()
    [0.25, 0.5, 1.0]
    """
    return ahp_weights(comparisons, completion=completion).matrix


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
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not valid; use one of {', '.join(METHODS)}")
    if completion not in COMPLETIONS:
        raise ValueError(
            f"completion={completion!r} is not valid; use one of {', '.join(COMPLETIONS)}"
        )
    if random_index not in RANDOM_INDICES:
        raise ValueError(
            f"random_index={random_index!r} is not valid; use one of {', '.join(RANDOM_INDICES)}"
        )
    frame = _clean(comparisons)
    named = sorted(set(frame["a"]) | set(frame["b"]))
    wanted = list(dict.fromkeys(str(c) for c in criteria)) if criteria is not None else None
    parents = _parents(hierarchy)
    problems: list[str] = []
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
    stakeholders = sorted(frame["stakeholder"].unique())
    shares = _stakeholder_shares(stakeholders, stakeholder_weights, problems)
    options = {"method": method, "completion": completion, "source": random_index}
    tree = _tree(universe, parents, frame, problems)
    for who in stakeholders:
        mine = frame[frame["stakeholder"] == who]
        for node, children in tree.items():
            inside = mine[mine["a"].isin(children) & mine["b"].isin(children)]
            where = "" if node == GOAL else f" under {node}"
            problems += _connected_problems(
                children, inside, who if len(stakeholders) > 1 else "", where
            )
    if problems:
        raise AHPInputError(problems)

    group = _aggregate(frame, shares)
    options["detail"] = bool(detail)
    result = _solve_tree(group, tree, options, stakeholder=GROUP)
    rows = [result["table"]]
    incons = [result["inconsistency"]]
    if len(stakeholders) > 1 and detail:
        for who in stakeholders:
            own = _solve_tree(frame[frame["stakeholder"] == who], tree, options, stakeholder=who)
            rows.append(own["table"])
            incons.append(own["inconsistency"])
    table = pd.concat(rows[1:] + rows[:1], ignore_index=True)
    inconsistency = pd.concat([i for i in incons if not i.empty] or incons[:1], ignore_index=True)
    return AHPResult(
        weights=result["weights"],
        matrix=result["matrix"],
        lambda_max=result["lambda_max"],
        consistency_index=result["ci"],
        random_index=result["ri"],
        consistency_ratio=result["cr"],
        inconsistency=inconsistency,
        stakeholder_weights=table,
        completed=result["completed"],
        levels=result["levels"],
        nodes=result["nodes"],
        method=method,
        completion=completion,
        random_index_source=random_index,
    )


def _parents(hierarchy: Mapping[str, str] | pd.DataFrame | None) -> dict[str, str]:
    if hierarchy is None:
        return {}
    if isinstance(hierarchy, pd.DataFrame):
        if not {"criterion", "parent"} <= set(hierarchy.columns):
            raise ValueError("hierarchy frame needs columns criterion, parent")
        rows = hierarchy.dropna(subset=["parent"])
        return {
            str(c): str(p) for c, p in zip(rows["criterion"], rows["parent"], strict=True) if str(p)
        }
    return {str(c): str(p) for c, p in hierarchy.items() if p is not None and str(p)}


def _tree(
    universe: list[str], parents: dict[str, str], frame: pd.DataFrame, problems: list[str]
) -> dict[str, list[str]]:
    """Children of each node (GOAL and each parent), checking the judgements fit the tree."""
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
    of = (
        frame["a"].map(lambda x: parents.get(x, GOAL)),
        frame["b"].map(lambda x: parents.get(x, GOAL)),
    )
    across = of[0] != of[1]
    for a, b, pa_, pb in zip(
        frame["a"][across], frame["b"][across], of[0][across], of[1][across], strict=True
    ):
        problems.append(
            f"judgement {a} vs {b} compares criteria under different parents ({pa_} and {pb}); "
            "compare only criteria that share a parent"
        )
    return tree


def _stakeholder_shares(
    stakeholders: list[str], given: Mapping[str, float] | None, problems: list[str]
) -> pd.Series:
    if given is None:
        return pd.Series(1.0, index=stakeholders)
    shares = pd.Series({str(k): float(v) for k, v in given.items()})
    missing = sorted(set(stakeholders) - set(shares.index))
    if missing:
        problems.append(
            f"stakeholder_weights lacks {', '.join(missing)}; give a weight for every stakeholder"
        )
    if (shares < 0).any() or not np.isfinite(shares).all():
        problems.append("stakeholder_weights must be finite and ≥ 0")
    return shares.reindex(stakeholders).fillna(0.0)


def _aggregate(frame: pd.DataFrame, shares: pd.Series) -> pd.DataFrame:
    """Group judgements: per pair, the weighted geometric mean over the stakeholders judging it
    (a stakeholder's consistent repeats of a pair count once, as their mean)."""
    own: dict[tuple[str, str, str], list[float]] = {}
    for who, a, b, r in frame.itertuples(index=False):
        lo, hi = min(a, b), max(a, b)
        own.setdefault((who, lo, hi), []).append(np.log(r) if a == lo else -np.log(r))
    pairs: dict[tuple[str, str], list[float]] = {}
    for (who, lo, hi), logs in own.items():
        w = float(shares.get(who, 0.0))
        total = pairs.setdefault((lo, hi), [0.0, 0.0])
        total[0] += w * float(np.mean(logs))
        total[1] += w
    rows = [
        (GROUP, lo, hi, float(np.exp(wlog / w)) if w > 0 else 1.0)
        for (lo, hi), (wlog, w) in pairs.items()
    ]
    return pd.DataFrame(rows, columns=["stakeholder", "a", "b", "ratio"]).astype(
        {"stakeholder": object, "a": object, "b": object}
    )


def _oriented(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Pairs as positions i < j in ``names`` with log ratios (repeats of a pair: their mean)."""
    position = {n: k for k, n in enumerate(names)}
    pairs: dict[tuple[int, int], list] = {}
    for a, b, r in zip(frame["a"], frame["b"], frame["ratio"], strict=True):
        ia, ib = position[a], position[b]
        key, log = ((ia, ib), np.log(r)) if ia < ib else ((ib, ia), -np.log(r))
        entry = pairs.setdefault(key, [a, b, [], ia > ib])
        entry[2].append(log)
    rows = [
        (i, j, a, b, float(np.mean(logs)), flipped)
        for (i, j), (a, b, logs, flipped) in pairs.items()
    ]
    return pd.DataFrame(rows, columns=["i", "j", "a", "b", "log", "flipped"]).astype(
        {"i": np.int64, "j": np.int64, "log": float, "flipped": bool}
    )


def _solve_tree(
    frame: pd.DataFrame, tree: dict[str, list[str]], options: dict, *, stakeholder: str
) -> dict:
    """Solve every node of the tree for one stakeholder's (or the group's) judgements."""
    method, completion, source = options["method"], options["completion"], options["source"]
    local: dict[str, pd.Series] = {}
    solved_nodes: dict[str, _Solved] = {}
    incons = []
    for node, children in tree.items():
        names = sorted(children)
        inside = frame[frame["a"].isin(names) & frame["b"].isin(names)]
        solved = _solve(_oriented(inside, names), names, method, completion, source)
        solved_nodes[node] = solved
        local[node] = pd.Series(solved.weights, index=names)
        table = _inconsistency(solved, source) if options["detail"] else pd.DataFrame()
        if not table.empty:
            table.insert(0, "stakeholder", stakeholder)
            if len(tree) > 1:
                table.insert(1, "node", node)
            incons.append(table)
    # global weights, top down
    parent_of = {c: node for node, children in tree.items() for c in children}
    global_weight: dict[str, float] = {}

    def weight_of(name: str) -> float:
        if name not in global_weight:
            node = parent_of[name]
            above = 1.0 if node == GOAL else weight_of(node)
            global_weight[name] = above * float(local[node][name])
        return global_weight[name]

    levels = pd.DataFrame(
        [
            {
                "criterion": c,
                "parent": parent_of[c],
                "local_weight": float(local[parent_of[c]][c]),
                "global_weight": weight_of(c),
                "leaf": c not in tree,
            }
            for c in parent_of
        ]
    )
    leaves = levels[levels["leaf"]]
    weights = pd.Series(
        leaves["global_weight"].to_numpy(),
        index=pd.Index(leaves["criterion"], name="criterion"),
        name="weight",
    )
    weights = (weights / weights.sum()).sort_index()
    root = solved_nodes[GOAL]
    if len(tree) == 1:
        lam, ci, ri, cr = root.lam, root.ci, root.ri, root.cr
        nodes: dict[str, AHPResult] = {}
    else:
        g = {node: (1.0 if node == GOAL else global_weight[node]) for node in tree}
        ci = sum(g[node] * s.ci for node, s in solved_nodes.items())
        ri = sum(g[node] * s.ri for node, s in solved_nodes.items())
        lam, cr = float("nan"), (ci / ri if ri > 0 else 0.0)
        nodes = {node: _node_result(s, options, stakeholder) for node, s in solved_nodes.items()}
    table = pd.DataFrame(
        {
            "stakeholder": stakeholder,
            "criterion": weights.index,
            "weight": weights.to_numpy(),
            "consistency_ratio": cr,
            "acceptable": cr <= CR_THRESHOLD + 1e-12,
        }
    )
    matrix = pd.DataFrame(root.matrix, index=root.names, columns=root.names)
    completed = pd.concat(
        [s.completed.assign(node=node) for node, s in solved_nodes.items()], ignore_index=True
    )
    completed = completed if len(tree) > 1 else completed.drop(columns="node")
    return {
        "weights": weights,
        "matrix": matrix,
        "lambda_max": lam,
        "ci": ci,
        "ri": ri,
        "cr": cr,
        "table": table,
        "inconsistency": pd.concat(incons, ignore_index=True)
        if incons
        else pd.DataFrame(columns=_INCONSISTENCY_COLUMNS),
        "completed": completed,
        "levels": levels,
        "nodes": nodes,
    }


def _node_result(solved: _Solved, options: dict, stakeholder: str) -> AHPResult:
    weights = pd.Series(
        solved.weights, index=pd.Index(solved.names, name="criterion"), name="weight"
    )
    table = (
        _inconsistency(solved, options["source"])
        if options["detail"]
        else pd.DataFrame(columns=_INCONSISTENCY_COLUMNS[1:])
    )
    table.insert(0, "stakeholder", stakeholder)
    return AHPResult(
        weights=weights,
        matrix=pd.DataFrame(solved.matrix, index=solved.names, columns=solved.names),
        lambda_max=solved.lam,
        consistency_index=solved.ci,
        random_index=solved.ri,
        consistency_ratio=solved.cr,
        inconsistency=table,
        stakeholder_weights=pd.DataFrame(
            {
                "stakeholder": stakeholder,
                "criterion": solved.names,
                "weight": solved.weights,
                "consistency_ratio": solved.cr,
                "acceptable": solved.cr <= CR_THRESHOLD + 1e-12,
            }
        ),
        completed=solved.completed,
        levels=pd.DataFrame(
            {
                "criterion": solved.names,
                "parent": GOAL,
                "local_weight": solved.weights,
                "global_weight": solved.weights,
                "leaf": True,
            }
        ),
        method=options["method"],
        completion=options["completion"],
        random_index_source=options["source"],
    )
