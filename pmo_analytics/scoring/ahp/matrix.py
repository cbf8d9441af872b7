"""One pairwise comparison matrix: priority weights, λmax, consistency and what breaks it.

A reciprocal matrix A (a_ij: how many times more i matters than j; a_ji = 1 / a_ij) gives
priority weights by its principal right eigenvector (Saaty 1980) or by its normalised row
geometric means, the logarithmic least squares weights (Crawford & Williams 1985). Its
consistency compares λmax with n: CI = (λmax − n) / (n − 1) and CR = CI / RI, with Saaty's or
Alonso & Lamata's random index RI. :func:`rank_inconsistency` says which judgements cause the
inconsistency and what the others imply for each.

Everything here works on numpy arrays of one matrix; the names of the criteria, the
stakeholders and the hierarchy are the callers' business.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...exceptions import OptionsError

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
#: Saaty's rule: a consistency ratio above 0.10 calls for the judgements to be revisited.
CR_THRESHOLD = 0.10
#: Columns of the ranked judgements (:func:`rank_inconsistency` gives all but stakeholder).
INCONSISTENCY_COLUMNS = [
    "stakeholder", "a", "b", "ratio", "suggested", "consistent_ratio", "share", "cr_if_revised",
    "rank",
]  # fmt: skip
#: Saaty's scale 1/9 … 9, the mildest judgements (nearest to 1) first.
_SCALE_MILDEST_FIRST = np.array(
    [1.0] + [r for k in range(2, 10) for r in (1 / k, float(k))], dtype=float
)


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
        raise OptionsError(
            f"random_index={source!r} is not valid; use one of {', '.join(RANDOM_INDICES)}"
        )
    if source == "saaty" and n in SAATY_RANDOM_INDEX:
        return SAATY_RANDOM_INDEX[n]
    if n in ALONSO_LAMATA_RANDOM_INDEX:
        return ALONSO_LAMATA_RANDOM_INDEX[n]
    return (1.7699 * n - 4.3513) / (n - 1)


def perron(values: np.ndarray) -> tuple[float, np.ndarray]:
    """Principal eigenvalue and its positive eigenvector (summing to 1) of a positive matrix."""
    eigenvalues, vectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(vectors[:, k].real)
    return float(eigenvalues[k].real), vector / vector.sum()


def row_geometric_means(values: np.ndarray) -> np.ndarray:
    """Normalised row geometric means: the logarithmic least squares weights of a full matrix."""
    vector = np.exp(np.log(values).mean(axis=1))
    return vector / vector.sum()


def _consistency_index(lam: float | np.ndarray, n: int) -> float | np.ndarray:
    """(λmax − n) / (n − 1), never below 0; 0 for n ≤ 2 (such matrices are always consistent)."""
    return np.maximum((lam - n) / (n - 1), 0.0) if n > 2 else 0.0 * lam


def consistency(lam: float, n: int, source: str) -> tuple[float, float, float]:
    """CI, RI and CR = CI / RI (0 where RI is 0) of an n × n matrix with principal eigenvalue λ."""
    ci = float(_consistency_index(lam, n))
    ri = random_index(n, source=source)
    return ci, ri, (ci / ri if ri > 0 else 0.0)


def _llsm_solve(laplacian: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solutions y with Σ y = 0 of L y = rhs for (a stack of) connected comparison graphs.

    L is singular (its rows sum to 0); L + 1/n is not when the graph is connected, and as the
    right-hand side sums to 0 it gives the same y with Σ y = 0.
    """
    n = laplacian.shape[-1]
    return np.linalg.solve(laplacian + 1.0 / n, rhs[..., None])[..., 0]


def llsm(n: int, i: np.ndarray, j: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """Log weights (summing to 0) minimising Σ (y_i − y_j − log a_ij)² over the given pairs.

    The pairs must link all n criteria (the comparison graph is connected).
    """
    laplacian = np.zeros((n, n))
    np.add.at(laplacian, (i, i), 1.0)
    np.add.at(laplacian, (j, j), 1.0)
    np.add.at(laplacian, (i, j), -1.0)
    np.add.at(laplacian, (j, i), -1.0)
    rhs = np.zeros(n)
    np.add.at(rhs, i, logs)
    np.add.at(rhs, j, -logs)
    return _llsm_solve(laplacian, rhs)


def _implied(matrix: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """What the other judgements imply for each a_ij: w_i / w_j by log least squares on every
    pair of the (completed) matrix except (i, j) — one system per pair, solved as a stack. With
    two criteria there are no other judgements: the judgement itself."""
    n = len(matrix)
    if n < 3:
        return matrix[i, j].astype(float)
    upper = np.triu(np.log(matrix), 1)
    rhs = upper.sum(axis=1) - upper.sum(axis=0)
    # the complete graph's Laplacian n·I − 1, less the edge (i, j): d dᵀ with d = e_i − e_j
    k = np.arange(len(i))
    d = np.zeros((len(i), n))
    d[k, i], d[k, j] = 1.0, -1.0
    laplacian = n * np.eye(n) - 1.0 - d[:, :, None] * d[:, None, :]
    y = _llsm_solve(laplacian, rhs - upper[i, j][:, None] * d)
    return np.exp(y[k, i] - y[k, j])


def _nearest_on_scale(ratios: np.ndarray) -> np.ndarray:
    """The nearest values on Saaty's scale, in log terms (midway: the one nearer to 1)."""
    gaps = np.abs(np.log(ratios)[:, None] - np.log(_SCALE_MILDEST_FIRST)[None, :])
    return _SCALE_MILDEST_FIRST[np.argmin(np.round(gaps, 12), axis=1)]


def rank_inconsistency(
    matrix: np.ndarray, given: pd.DataFrame, cr: float, source: str
) -> pd.DataFrame:
    """Rank the given judgements of one matrix by their part in its inconsistency.

    With w the principal eigenvector, λmax = 1 + (1/n) Σ_{i<j} (ε_ij + 1/ε_ij) where
    ε_ij = a_ij w_j / w_i, so CI splits exactly into one term per pair, (ε + 1/ε − 2)/(n(n−1))
    (Saaty 1980, section 2.2). ``share`` is that term over their sum.

    Parameters
    ----------
    matrix : ndarray
        The (completed) reciprocal matrix.
    given : DataFrame
        The judgements given: i, j (positions, i < j), a, b (as written) and flipped (True
        where a is the criterion at j).
    cr : float
        The matrix's consistency ratio (reported as ``cr_if_revised`` when it is consistent).
    source : str
        Random index source for ``cr_if_revised``.

    Returns
    -------
    DataFrame
        a, b, ratio (as judged), suggested (nearest value on Saaty's scale to the
        consistent ratio), consistent_ratio, share, cr_if_revised, rank (1 = revisit first).
    """
    if given.empty:
        return pd.DataFrame(columns=INCONSISTENCY_COLUMNS[1:])
    n = len(matrix)
    i, j = given["i"].to_numpy(), given["j"].to_numpy()
    w = perron(matrix)[1]
    eps = matrix[i, j] * w[j] / w[i]
    term = eps + 1.0 / eps - 2.0
    total = term.sum()
    share = term / total if total > 1e-12 else np.zeros_like(term)
    consistent = _implied(matrix, i, j)
    # every judgement replaced in turn by what the others imply: one matrix each, as a stack
    k = np.arange(len(i))
    trials = np.repeat(matrix[None, :, :], len(i), axis=0)
    trials[k, i, j], trials[k, j, i] = consistent, 1.0 / consistent
    ri = random_index(n, source=source)
    revised_ci = _consistency_index(np.linalg.eigvals(trials).real.max(axis=1), n)
    revised = revised_ci / ri if ri > 0 else revised_ci * 0.0
    # report each judgement the way it was written (a over b)
    flip = given["flipped"].to_numpy()
    out = pd.DataFrame(
        {
            "a": given["a"].to_numpy(),
            "b": given["b"].to_numpy(),
            "ratio": np.where(flip, 1.0 / matrix[i, j], matrix[i, j]),
            "consistent_ratio": np.where(flip, 1.0 / consistent, consistent),
            "share": share,
            "cr_if_revised": np.where(total > 1e-12, revised, cr),
        }
    )
    out.insert(3, "suggested", _nearest_on_scale(out["consistent_ratio"].to_numpy()))
    # equal shares (within rounding noise) are ranked by the pair's names
    order = np.lexsort((out["b"], out["a"], -np.round(share, 12)))
    out = out.iloc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out
