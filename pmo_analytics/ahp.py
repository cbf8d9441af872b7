"""Analytic Hierarchy Process: criteria weights from pairwise judgements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Saaty's random consistency index by matrix size.
SAATY_RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


@dataclass(frozen=True)
class AHPResult:
    """Weights and consistency of one set of judgements.

    Attributes
    ----------
    weights : Series
        Priority weights indexed by criterion, summing to 1.
    matrix : DataFrame
        The (group) pairwise comparison matrix used.
    lambda_max : float
        Principal eigenvalue of ``matrix``.
    consistency_index : float
        (λmax − n) / (n − 1).
    consistency_ratio : float
        CI / RI (0 for n ≤ 2); above 0.10 the judgements should be revisited.
    """

    weights: pd.Series
    matrix: pd.DataFrame
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def comparison_matrix(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Reciprocal pairwise matrix from judgements (a, b, ratio); several stakeholders are
    aggregated by the geometric mean of their judgements of each pair."""
    frame = comparisons[["a", "b", "ratio"]].astype({"ratio": float})
    # orient every pair a < b so that (a, b, r) and (b, a, 1/r) are the same judgement
    flip = frame["a"] > frame["b"]
    oriented = pd.DataFrame(
        {
            "a": frame["a"].where(~flip, frame["b"]),
            "b": frame["b"].where(~flip, frame["a"]),
            "log_ratio": np.log(frame["ratio"]).where(~flip, -np.log(frame["ratio"])),
        }
    )
    pairs = oriented.groupby(["a", "b"])["log_ratio"].mean()
    names = sorted(set(frame["a"]) | set(frame["b"]))
    logs = pd.DataFrame(0.0, index=names, columns=names)
    a = pairs.index.get_level_values("a")
    b = pairs.index.get_level_values("b")
    values = logs.to_numpy()
    ia, ib = logs.index.get_indexer(a), logs.columns.get_indexer(b)
    values[ia, ib] = pairs.to_numpy()
    values[ib, ia] = -pairs.to_numpy()
    return pd.DataFrame(np.exp(values), index=names, columns=names)


def ahp_weights(comparisons: pd.DataFrame, *, method: str = "eigenvector") -> AHPResult:
    """Criteria weights from pairwise judgements (Saaty's AHP).

    Parameters
    ----------
    comparisons : DataFrame
        Columns a, b, ratio (how much more a matters than b, in [1/9, 9]); a stakeholder
        column is optional — several stakeholders are combined by the geometric mean.
    method : {"eigenvector", "geometric_mean"}
        Principal right eigenvector (Saaty) or normalised row geometric means.

    Examples
    --------
    >>> c = pd.DataFrame({"a": ["x", "x", "y"], "b": ["y", "z", "z"], "ratio": [2.0, 4.0, 2.0]})
    >>> ahp_weights(c).weights.round(4).to_dict()
    {'x': 0.5714, 'y': 0.2857, 'z': 0.1429}
    """
    matrix = comparison_matrix(comparisons)
    values = matrix.to_numpy()
    n = len(matrix)
    if method == "eigenvector":
        eigenvalues, eigenvectors = np.linalg.eig(values)
        k = int(np.argmax(eigenvalues.real))
        vector = np.abs(eigenvectors[:, k].real)
    elif method == "geometric_mean":
        vector = np.exp(np.log(values).mean(axis=1))
    else:
        raise ValueError(f"method={method!r} is not valid; use 'eigenvector' or 'geometric_mean'")
    weights = pd.Series(vector / vector.sum(), index=matrix.index, name="weight")
    lambda_max = float((values @ weights.to_numpy() / weights.to_numpy()).mean())
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RANDOM_INDEX.get(n, 1.49)
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(weights, matrix, lambda_max, ci, cr)
