"""Ranking sensitivity: how far the criteria weights can move before the top-k changes.

Works on the tidy output of :func:`pmo_analytics.score_projects`: a project's weighted score is
S_p(w) = Σ_c w_c · s'_pc with the normalised scores s' held fixed, so it is linear in the weights.

**Tipping points.** When one criterion's weight changes from its stated value w_c to t, the other
weights are rescaled proportionally, w_j · (1 − t) / (1 − w_c), so that the weights still sum to
1 and keep their ratios (when w_c = 1 the others share 1 − t equally). Each score is then a
straight line in t, S_p(t) = R_p + t · (s'_pc − R_p), and the top-k set changes exactly where a
project inside it and one outside cross. The interval [low, high] around w_c over which the top-k
does not change is found by solving those linear crossings exactly (no grid), with the project
that leaves and the one that enters at each end.

**Monte Carlo.** Weights are drawn from a Dirichlet distribution centred on the stated weights,
α_c = concentration · w_c (criteria weighted 0 stay 0); the larger the concentration, the closer
the draws stay to the stated weights (the standard deviation of w_c is
√(w_c (1 − w_c) / (concentration + 1))). Each draw ranks the projects; the result is each
project's probability of being in the top-k and its rank distribution.

Ties in score are broken by project_id, as in :func:`pmo_analytics.score_projects`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionsError

TIPPING_COLUMNS = [
    "criterion", "weight", "low", "high", "leaves_at_low", "enters_at_low", "leaves_at_high",
    "enters_at_high",
]  # fmt: skip
_BLOCK = 2_000_000  # matrix cells per chunk (pairs, or samples × projects)


@dataclass(frozen=True)
class RankingSensitivity:
    """Sensitivity of the top-k to the criteria weights.

    Attributes
    ----------
    top_k : int
    tipping_points : DataFrame
        One row per criterion (see :func:`tipping_points`).
    top_k_probability : DataFrame
        Indexed by project_id in stated rank order: rank (stated), weighted_score,
        probability_top_k, mean_rank, rank_p05, rank_median, rank_p95.
    rank_distribution : DataFrame
        Tidy: project_id (categorical), rank, probability — rows with probability > 0,
        projects in stated rank order (the first ``distribution_for`` of them).
    n_samples : int
    concentration : float
    seed : int
    """

    top_k: int
    tipping_points: pd.DataFrame
    top_k_probability: pd.DataFrame
    rank_distribution: pd.DataFrame
    n_samples: int
    concentration: float
    seed: int


def _matrix(scored: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Normalised scores (projects sorted by id × criteria) and the weights from score_projects."""
    needed = {"project_id", "criterion", "normalised", "weight"}
    if not needed <= set(scored.columns):
        raise OptionsError(
            "expected the output of score_projects (columns project_id, criterion, normalised, "
            f"weight); missing {', '.join(sorted(needed - set(scored.columns)))}"
        )
    criteria = pd.Index(pd.unique(scored["criterion"]), name="criterion")
    matrix = scored.pivot(index="project_id", columns="criterion", values="normalised")
    matrix = matrix.reindex(columns=criteria).sort_index()
    weights = scored.drop_duplicates("criterion").set_index("criterion")["weight"].reindex(criteria)
    if matrix.empty:
        raise OptionsError("no projects scored: nothing to rank")
    return matrix.astype(float), (weights / weights.sum()).astype(float)


def _check_k(top_k: int, n: int) -> int:
    k = int(top_k)
    if k < 1 or k != top_k:
        raise OptionsError(f"top_k={top_k!r} is not valid; use a whole number ≥ 1")
    return min(k, n)


def _ranked(scores: np.ndarray) -> np.ndarray:
    """Positions from best to worst: higher score first, ties by position (= project_id order)."""
    return np.argsort(-scores, kind="stable")


def _top_set(scores: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the top-k (see :func:`_ranked`)."""
    mask = np.zeros(scores.size, dtype=bool)
    mask[_ranked(scores)[:k]] = True
    return mask


def _first_crossing(gap: np.ndarray, closing: np.ndarray) -> float:
    """Smallest distance gap / closing over the pairs that close (closing > 0)."""
    best = np.inf
    rows = max(1, _BLOCK // max(1, gap.shape[1]))
    for start in range(0, gap.shape[0], rows):
        g, c = gap[start : start + rows], closing[start : start + rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(c > 0, g / c, np.inf)
        best = min(best, float(distance.min()) if distance.size else np.inf)
    return best


def _top_just_past(scores: np.ndarray, slope: np.ndarray, k: int) -> np.ndarray:
    """Top-k mask just past a point where some scores are equal: by score, then by how fast
    each score grows from there, then by project_id (position). Scores within rounding noise
    of each other count as equal."""
    n = scores.size
    order = _ranked(scores)
    tolerance = 1e-9 * max(1.0, float(np.abs(scores).max()))
    steps = np.concatenate([[0], np.cumsum(-np.diff(scores[order]) > tolerance)])
    level = np.empty(n, dtype=np.int64)
    level[order] = steps
    ranked = np.lexsort((np.arange(n), -slope, level))
    mask = np.zeros(n, dtype=bool)
    mask[ranked[:k]] = True
    return mask


def tipping_points(scored: pd.DataFrame, *, top_k: int = 10) -> pd.DataFrame:
    """For each criterion, the weight interval over which the top-k projects do not change.

    The other weights are rescaled proportionally as one criterion's weight moves (see the
    module notes); the interval ends are exact crossings of the linear score paths.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`pmo_analytics.score_projects`.
    top_k : int
        Size of the top set (e.g. how many projects can be funded).

    Returns
    -------
    DataFrame
        One row per criterion: criterion, weight (stated), low, high (the interval of this
        criterion's weight, within [0, 1], over which the top-k stays the same), leaves_at_low,
        enters_at_low, leaves_at_high, enters_at_high (the project ids leaving and entering
        the top-k just past each end — several, comma-separated, when scores cross at the same
        weight; missing where the top-k holds all the way to 0 or 1).

    Examples
    --------
    >>> from pmo_analytics.scoring import score_projects
    >>> s = pd.DataFrame({"project_id": ["A", "A", "B", "B"], "criterion": ["x", "y"] * 2,
    ...                   "score": [1.0, 0.0, 0.0, 1.0]})
    >>> c = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.6, 0.4]})
    >>> tipping_points(score_projects(s, c), top_k=1)[["criterion", "low", "high"]].round(3).values.tolist()
    [['x', 0.5, 1.0], ['y', 0.0, 0.5]]
    """
    matrix, weights = _matrix(scored)
    return _tipping_points(matrix, weights, _check_k(top_k, len(matrix)))


def _tipping_points(matrix: pd.DataFrame, weights: pd.Series, k: int) -> pd.DataFrame:
    ids = matrix.index
    values = matrix.to_numpy()
    stated = values @ weights.to_numpy()
    top = _top_set(stated, k)
    inside, outside = np.flatnonzero(top), np.flatnonzero(~top)
    rows = []
    for c, criterion in enumerate(matrix.columns):
        w_c = float(weights.iloc[c])
        others = np.delete(np.arange(len(matrix.columns)), c)
        if w_c < 1.0 - 1e-12:
            rest = (stated - w_c * values[:, c]) / (1.0 - w_c)
        else:  # all weight on this criterion: the others share what is taken away equally
            rest = values[:, others].mean(axis=1) if others.size else np.zeros(len(ids))
        slope = values[:, c] - rest
        row = {"criterion": criterion, "weight": w_c, "low": 0.0, "high": 1.0}
        row.update(dict.fromkeys(TIPPING_COLUMNS[4:], None))
        if outside.size:
            gap = stated[inside][:, None] - stated[outside][None, :]
            up = slope[outside][None, :] - slope[inside][:, None]
            for end, direction in (("high", 1.0), ("low", -1.0)):
                dist = _first_crossing(gap, direction * up)
                at = w_c + direction * dist
                if at >= 1.0 if direction > 0 else at <= 0.0:
                    continue
                after = _top_just_past(stated + direction * dist * slope, direction * slope, k)
                row[end] = at
                row[f"leaves_at_{end}"] = ", ".join(ids[top & ~after]) or None
                row[f"enters_at_{end}"] = ", ".join(ids[after & ~top]) or None
        rows.append(row)
    out = pd.DataFrame(rows, columns=TIPPING_COLUMNS)
    out.attrs["top_k"] = k
    return out


def reweighted(weights: pd.Series, criterion: str, new_weight: float) -> pd.Series:
    """Weights with ``criterion`` set to ``new_weight`` and the others rescaled proportionally.

    Examples
    --------
    >>> reweighted(pd.Series({"x": 0.5, "y": 0.3, "z": 0.2}), "x", 0.0).round(3).to_dict()
    {'x': 0.0, 'y': 0.6, 'z': 0.4}
    """
    if not 0.0 <= new_weight <= 1.0:
        raise OptionsError(f"new_weight={new_weight!r} is not valid; use a weight in [0, 1]")
    w = weights / weights.sum()
    rest = 1.0 - float(w[criterion])
    others = w.drop(criterion)
    scaled = (
        others * (1.0 - new_weight) / rest
        if rest > 1e-12
        else others * 0 + (1.0 - new_weight) / len(others)
    )
    return pd.concat([scaled, pd.Series({criterion: new_weight})]).reindex(w.index)


def rank_monte_carlo(
    scored: pd.DataFrame,
    *,
    top_k: int = 10,
    n_samples: int = 2000,
    concentration: float = 50.0,
    seed: int = 0,
    distribution_for: int | None = 500,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Probability of each project being in the top-k, and its rank distribution, over weights
    drawn from Dirichlet(concentration × stated weights).

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`pmo_analytics.score_projects`.
    top_k, n_samples, concentration, seed
        See :func:`ranking_sensitivity`.
    distribution_for : int or None
        Keep the rank distribution of the first this many projects in stated order (default
        500; None: every project). The top-k probabilities and rank quantiles cover all.

    Returns
    -------
    (top_k_probability, rank_distribution)
        See :class:`RankingSensitivity`.

    Examples
    --------
    >>> from pmo_analytics.scoring import score_projects
    >>> s = pd.DataFrame({"project_id": list("AABB"), "criterion": ["x", "y"] * 2,
    ...                   "score": [1.0, 0.0, 0.0, 1.0]})
    >>> c = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.9, 0.1]})
    >>> probability, _ = rank_monte_carlo(score_projects(s, c), top_k=1, n_samples=500)
    >>> float(probability.loc["A", "probability_top_k"]) > 0.99
    True
    """
    _check_sampling(n_samples, concentration)
    matrix, weights = _matrix(scored)
    k = _check_k(top_k, len(matrix))
    return _rank_monte_carlo(
        matrix, weights, k, int(n_samples), concentration, seed, distribution_for
    )


def _check_sampling(n_samples: int, concentration: float) -> None:
    if int(n_samples) < 1:
        raise OptionsError(f"n_samples={n_samples!r} is not valid; use a whole number ≥ 1")
    if not np.isfinite(concentration) or concentration <= 0:
        raise OptionsError(
            f"concentration={concentration!r} is not valid; use a number > 0 (e.g. 50)"
        )


def _rank_monte_carlo(
    matrix: pd.DataFrame,
    weights: pd.Series,
    k: int,
    n_samples: int,
    concentration: float,
    seed: int,
    distribution_for: int | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = matrix.index
    n = len(ids)
    values = matrix.to_numpy()
    positive = weights.to_numpy() > 0
    rng = np.random.default_rng(seed)
    draws = np.zeros((n_samples, len(weights)))
    draws[:, positive] = rng.dirichlet(concentration * weights.to_numpy()[positive], size=n_samples)
    # ranks of every project in every draw (draws × projects, 1 = best; ties by project_id)
    ranks = np.empty((len(draws), n), dtype=np.int32)
    chunk = max(1, _BLOCK // n)
    positions = np.arange(1, n + 1, dtype=np.int32)
    for start in range(0, len(draws), chunk):
        order = np.argsort(-(draws[start : start + chunk] @ values.T), axis=1, kind="stable")
        np.put_along_axis(ranks[start : start + chunk], order, positions[None, :], axis=1)
    stated = values @ weights.to_numpy()
    stated_rank = np.empty(n, dtype=np.int64)
    stated_rank[_ranked(stated)] = np.arange(1, n + 1)
    # the smallest rank r with P(rank ≤ r) ≥ q
    p05, median, p95 = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    probability = pd.DataFrame(
        {
            "rank": stated_rank,
            "weighted_score": stated,
            "probability_top_k": (ranks <= k).mean(axis=0),
            "mean_rank": ranks.mean(axis=0),
            "rank_p05": p05.astype(np.int64),
            "rank_median": median.astype(np.int64),
            "rank_p95": p95.astype(np.int64),
        },
        index=ids,
    ).sort_values("rank")
    # tidy distribution: one row per project and rank it took, projects in stated order,
    # counted by blocks of projects so that no n × n table is ever held
    by_stated = np.empty(n, dtype=np.int64)
    by_stated[stated_rank - 1] = np.arange(n)
    shown = by_stated if distribution_for is None else by_stated[: max(0, int(distribution_for))]
    block = max(1, _BLOCK * 5 // n)
    project_parts, rank_parts, count_parts = [], [], []
    for first in range(0, shown.size, block):
        columns = shown[first : first + block]
        code = (np.arange(columns.size)[None, :] * n + (ranks[:, columns] - 1)).ravel()
        counts = np.bincount(code, minlength=columns.size * n)
        keys = np.flatnonzero(counts)
        project_parts.append(columns[keys // n])
        rank_parts.append(keys % n + 1)
        count_parts.append(counts[keys])
    distribution = pd.DataFrame(
        {
            "project_id": pd.Categorical.from_codes(
                np.concatenate(project_parts or [np.zeros(0, np.int64)]), categories=ids
            ),
            "rank": np.concatenate(rank_parts or [np.zeros(0, np.int64)]),
            "probability": np.concatenate(count_parts or [np.zeros(0)]) / len(draws),
        }
    )
    return probability, distribution


def ranking_sensitivity(
    scored: pd.DataFrame,
    *,
    top_k: int = 10,
    n_samples: int = 2000,
    concentration: float = 50.0,
    seed: int = 0,
    distribution_for: int | None = 500,
) -> RankingSensitivity:
    """Tipping points of every criterion weight and Monte Carlo rank probabilities.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`pmo_analytics.score_projects` (its normalisation is kept).
    top_k : int
        Size of the top set.
    n_samples : int
        Weight draws for the Monte Carlo.
    concentration : float
        Dirichlet concentration: α = concentration × stated weights (default 50: a weight of
        0.3 varies with a standard deviation of about 0.064).
    seed : int
        Random seed; the same seed gives the same result.
    distribution_for : int or None
        Keep the rank distribution of the first this many projects in stated order (default
        500; None: every project — for 10,000 projects that is millions of rows).

    Returns
    -------
    RankingSensitivity

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.scoring import score_projects
    >>> p = generate_portfolio(30, n_periods=6, seed=4)
    >>> result = ranking_sensitivity(score_projects(p.scores, p.criteria), top_k=5, n_samples=200)
    >>> round(float(result.top_k_probability["probability_top_k"].sum()), 6)
    5.0
    """
    _check_sampling(n_samples, concentration)
    matrix, weights = _matrix(scored)
    k = _check_k(top_k, len(matrix))
    probability, distribution = _rank_monte_carlo(
        matrix, weights, k, int(n_samples), concentration, seed, distribution_for
    )
    return RankingSensitivity(
        top_k=k,
        tipping_points=_tipping_points(matrix, weights, k),
        top_k_probability=probability,
        rank_distribution=distribution,
        n_samples=int(n_samples),
        concentration=float(concentration),
        seed=int(seed),
    )
