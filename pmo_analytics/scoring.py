"""Weighted criteria scoring: each project's weighted score and each criterion's contribution."""

from __future__ import annotations

import numpy as np
import pandas as pd

NORMALISATIONS = ("minmax", "zscore", "rank", "none")
MISSING_POLICIES = ("error", "zero", "mean")


def criteria_weights(criteria: pd.DataFrame, comparisons: pd.DataFrame | None = None) -> pd.Series:
    """Criteria weights summing to 1: from ``criteria.weight``, else AHP on ``comparisons``.

    Blank weights count as 0 when some are given; when none is given and comparisons exist,
    the group AHP weights (eigenvector of the geometric-mean judgements) are used; with
    neither, every criterion weighs the same.

    Examples
    --------
    >>> c = pd.DataFrame({"criterion": ["a", "b"], "weight": [3.0, 1.0]})
    >>> criteria_weights(c).tolist()
    [0.75, 0.25]
    """
    names = pd.Index(criteria["criterion"], name="criterion")
    if names.empty:
        return pd.Series(dtype=float, index=names, name="weight")
    given = pd.to_numeric(criteria.get("weight"), errors="coerce") if "weight" in criteria else None
    if given is not None and given.notna().any() and given.fillna(0).sum() > 0:
        weights = pd.Series(given.fillna(0.0).to_numpy(), index=names, name="weight")
    elif comparisons is not None and not comparisons.empty:
        from .ahp import ahp_weights

        weights = ahp_weights(comparisons).weights.reindex(names, fill_value=0.0)
    else:
        weights = pd.Series(1.0, index=names, name="weight")
    return (weights / weights.sum()).rename("weight")


def _normalise(matrix: pd.DataFrame, method: str, cost: pd.Series) -> pd.DataFrame:
    """Normalise a project × criterion matrix; cost-type criteria are inverted."""
    if method == "minmax":
        low, high = matrix.min(), matrix.max()
        span = (high - low).replace(0.0, np.nan)
        out = ((matrix - low) / span).fillna(1.0)
        return out.where(~cost, 1.0 - out)
    if method == "zscore":
        std = matrix.std(ddof=0).replace(0.0, np.nan)
        out = ((matrix - matrix.mean()) / std).fillna(0.0)
        return out.where(~cost, -out)
    if method == "rank":
        # 1 = best; averaged ties; higher normalised value is better, so report n - rank + 1
        ranks = matrix.rank(ascending=False, method="average")
        ranks_cost = matrix.rank(ascending=True, method="average")
        ranks = ranks.where(~cost, ranks_cost)
        return len(matrix) - ranks + 1
    if method == "none":
        # cost criteria are mirrored within the observed range so that the scale is kept
        mirrored = matrix.min() + matrix.max() - matrix
        return matrix.where(~cost, mirrored)
    raise ValueError(f"normalise={method!r} is not valid; use one of {', '.join(NORMALISATIONS)}")


def score_projects(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    normalise: str = "minmax",
    missing: str = "error",
    weights: pd.Series | None = None,
    comparisons: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Weighted score of every project, with each criterion's contribution (tidy).

    Parameters
    ----------
    scores : DataFrame
        Long table project_id, criterion, score (as ``scores.csv``).
    criteria : DataFrame
        criterion, weight, direction (as ``criteria.csv``); ``direction="cost"`` criteria
        are inverted so that a higher contribution is always better.
    normalise : {"minmax", "zscore", "rank", "none"}
        How raw scores are put on one scale before weighting: ``minmax`` to [0, 1] over the
        projects, ``zscore`` standardised, ``rank`` by position (n = best), ``none`` as given.
    missing : {"error", "zero", "mean"}
        A project without a score for some criterion: an error (default), a raw score of 0,
        or the criterion's mean raw score.
    weights : Series, optional
        Criteria weights indexed by criterion (normalised to sum 1); default from
        :func:`criteria_weights`.
    comparisons : DataFrame, optional
        AHP judgements used for the weights when ``criteria`` gives none.

    Returns
    -------
    DataFrame
        Long table project_id, criterion, score (raw), normalised, weight, contribution;
        a project's weighted score is the sum of its contributions (see
        :func:`weighted_scores`).

    Examples
    --------
    >>> s = pd.DataFrame({"project_id": ["A", "A", "B", "B"], "criterion": ["x", "y"] * 2,
    ...                   "score": [5.0, 1.0, 1.0, 5.0]})
    >>> c = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.75, 0.25]})
    >>> weighted_scores(score_projects(s, c)).to_dict()
    {'A': 0.75, 'B': 0.25}
    """
    if normalise not in NORMALISATIONS:
        raise ValueError(f"normalise={normalise!r} is not valid; use one of {', '.join(NORMALISATIONS)}")
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing={missing!r} is not valid; use one of {', '.join(MISSING_POLICIES)}")
    w = criteria_weights(criteria, comparisons) if weights is None else weights / weights.sum()
    direction = (
        criteria.set_index("criterion")["direction"].fillna("benefit")
        if "direction" in criteria
        else pd.Series("benefit", index=criteria["criterion"])
    )
    matrix = scores.pivot_table(index="project_id", columns="criterion", values="score", aggfunc="first")
    matrix = matrix.reindex(columns=w.index)
    holes = matrix.isna()
    if holes.any().any():
        if missing == "error":
            pairs = holes.stack()
            pairs = pairs[pairs].index.tolist()[:10]
            listed = ", ".join(f"{p}/{c}" for p, c in pairs)
            raise ValueError(
                f"{int(holes.sum().sum())} missing scores (project/criterion: {listed}); "
                "give them in scores.csv or choose missing='zero' or missing='mean'"
            )
        matrix = matrix.fillna(0.0) if missing == "zero" else matrix.fillna(matrix.mean())
    cost = (direction.reindex(matrix.columns).fillna("benefit") == "cost")
    normalised = _normalise(matrix, normalise, cost)
    contribution = normalised * w
    out = pd.concat(
        {
            "score": matrix.stack(),
            "normalised": normalised.stack(),
            "contribution": contribution.stack(),
        },
        axis=1,
    ).reset_index()
    out["weight"] = out["criterion"].map(w)
    return out[["project_id", "criterion", "score", "normalised", "weight", "contribution"]]


def weighted_scores(contributions: pd.DataFrame) -> pd.Series:
    """Each project's weighted score: the sum of its criterion contributions."""
    return contributions.groupby("project_id")["contribution"].sum().rename("weighted_score")


def strategic_value(
    projects: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    comparisons: pd.DataFrame | None = None,
) -> pd.Series:
    """Strategic value per project: ``value`` where given, else the weighted score.

    The weighted score here keeps the scale of the scores (``normalise="none"``; cost-type
    criteria mirrored within their observed range) and counts a missing score as 0, so a
    portfolio scored 0–10 gets values 0–10. NaN where neither is available.
    """
    value = pd.to_numeric(projects["value"], errors="coerce") if "value" in projects else None
    value = value if value is not None else pd.Series(np.nan, index=projects.index)
    if scores.empty or criteria.empty or not value.isna().any():
        return value.astype(float).rename("strategic_value")
    known = scores[scores["project_id"].isin(projects.index)]
    scored = weighted_scores(
        score_projects(known, criteria, normalise="none", missing="zero", comparisons=comparisons)
    )
    return value.fillna(scored.reindex(projects.index)).astype(float).rename("strategic_value")
