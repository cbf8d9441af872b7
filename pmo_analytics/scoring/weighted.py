"""Weighted criteria scoring: each project's weighted score and each criterion's contribution.

A project's weighted score is Σ_c w_c · s'_pc, where w are the criteria weights (summing to 1,
from ``criteria.csv`` or, when it gives none, from the stakeholders' AHP judgements in
``comparisons.csv``) and s' the raw scores put on one scale (``normalise``). Cost-type
criteria (``direction = cost``, e.g. delivery risk) are inverted so that a larger contribution is
always better. The result is tidy — one row per project and criterion — so that the
contributions stack straight into a bar chart and sum to the weighted score.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from .ahp import ahp_weights

NORMALISATIONS = ("minmax", "zscore", "rank", "none")
MISSING_POLICIES = ("error", "zero", "mean")
SCORE_COLUMNS = [
    "project_id", "criterion", "score", "normalised", "weight", "contribution", "weighted_score",
    "rank",
]  # fmt: skip


def criteria_weights(
    criteria: pd.DataFrame,
    comparisons: pd.DataFrame | None = None,
    **ahp_options: object,
) -> pd.Series:
    """Criteria weights summing to 1: from ``criteria.weight``, else AHP on ``comparisons``.

    Blank weights count as 0 when some are given; when none is given and comparisons exist,
    the group AHP weights (see :func:`pmo_analytics.ahp_weights`, options passed through) are
    used, and every criterion must be linked by the judgements; with neither, every criterion
    weighs the same.

    Parameters
    ----------
    criteria : DataFrame
        As ``criteria.csv``: criterion, weight (≥ 0, optional), direction.
    comparisons : DataFrame, optional
        As ``comparisons.csv``: stakeholder, a, b, ratio.

    Returns
    -------
    Series
        Weight per criterion (in the order of ``criteria``), summing to 1.

    Examples
    --------
    >>> c = pd.DataFrame({"criterion": ["a", "b"], "weight": [3.0, 1.0]})
    >>> criteria_weights(c).tolist()
    [0.75, 0.25]
    """
    if "criterion" not in criteria.columns:
        raise OptionsError("criteria need a 'criterion' column (as criteria.csv)")
    names = pd.Index(criteria["criterion"].astype(str), name="criterion")
    if names.empty:
        return pd.Series(dtype=float, index=names, name="weight")
    if names.has_duplicates:
        raise OptionsError(
            f"criteria listed twice: {', '.join(names[names.duplicated()].unique())}"
        )
    given = pd.to_numeric(criteria["weight"], errors="coerce") if "weight" in criteria else None
    if given is not None and (given < 0).any():
        bad = names[(given < 0).to_numpy()]
        raise OptionsError(f"criteria weights must be ≥ 0; negative for {', '.join(bad)}")
    if given is not None and given.notna().any() and given.fillna(0).sum() > 0:
        weights = pd.Series(given.fillna(0.0).to_numpy(), index=names, name="weight")
    elif comparisons is not None and not comparisons.empty:
        options = {"detail": False, **ahp_options}
        result = ahp_weights(comparisons, criteria=list(names), **options)  # type: ignore[arg-type]
        weights = result.weights.reindex(names, fill_value=0.0)
    else:
        weights = pd.Series(1.0, index=names, name="weight")
    return (weights / weights.sum()).rename("weight")


def _directions(criteria: pd.DataFrame, names: pd.Index) -> pd.Series:
    if "direction" not in criteria:
        return pd.Series("benefit", index=names)
    direction = pd.Series(
        criteria["direction"].astype("string").fillna("benefit").str.strip().str.lower().to_numpy(),
        index=pd.Index(criteria["criterion"].astype(str)),
    ).replace("", "benefit")
    bad = direction[~direction.isin(["benefit", "cost"])]
    if len(bad):
        listed = ", ".join(f"{c}={d!r}" for c, d in bad.items())
        raise OptionsError(f"criteria direction must be benefit or cost; got {listed}")
    return direction.reindex(names).fillna("benefit")


def _normalise(matrix: pd.DataFrame, method: str, cost_criteria: pd.Series) -> pd.DataFrame:
    """Normalise a project × criterion matrix; cost-type criteria are inverted."""
    cost = pd.DataFrame(
        np.broadcast_to(cost_criteria.reindex(matrix.columns).to_numpy(dtype=bool), matrix.shape),
        index=matrix.index,
        columns=matrix.columns,
    )
    if method == "minmax":
        low, high = matrix.min(), matrix.max()
        span = (high - low).replace(0.0, np.nan)
        out = (matrix - low) / span
        # a criterion on which every project scores the same cannot separate them: all 0.5
        return out.where(~cost, 1.0 - out).fillna(0.5)
    if method == "zscore":
        std = matrix.std(ddof=0).replace(0.0, np.nan)
        out = ((matrix - matrix.mean()) / std).fillna(0.0)
        return out.where(~cost, -out)
    if method == "rank":
        # position on [0, 1]: 1 = best, 0 = worst, ties share their average position
        n = len(matrix)
        ranks = matrix.rank(ascending=False, method="average").where(
            ~cost, matrix.rank(ascending=True, method="average")
        )
        return (n - ranks) / (n - 1) if n > 1 else ranks * 0.0 + 1.0
    # "none": as given; cost criteria mirrored within the observed range, keeping the scale
    mirrored = matrix.min() + matrix.max() - matrix
    return matrix.where(~cost, mirrored)


def score_matrix(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    missing: str = "error",
    project_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Raw scores as a project × criterion matrix (criteria in the order of ``criteria``).

    Checks the scores (known criteria, one score per pair, numbers ≥ 0) and applies the
    missing-score policy (see :func:`score_projects`).
    """
    if missing not in MISSING_POLICIES:
        raise OptionsError(
            f"missing={missing!r} is not valid; use one of {', '.join(MISSING_POLICIES)}"
        )
    lacking = [c for c in ("project_id", "criterion", "score") if c not in scores.columns]
    if lacking:
        raise OptionsError(
            f"scores lack column(s) {', '.join(lacking)}; expected project_id, criterion, score"
        )
    names = pd.Index(criteria["criterion"].astype(str), name="criterion")
    frame = pd.DataFrame(
        {
            "project_id": scores["project_id"].astype(str).to_numpy(),
            "criterion": scores["criterion"].astype(str).to_numpy(),
            "score": pd.to_numeric(scores["score"], errors="coerce").to_numpy(),
        }
    )
    unknown = sorted(set(frame["criterion"]) - set(names))
    if unknown:
        raise OptionsError(
            f"scores name unknown criteria {', '.join(unknown)}; known: {', '.join(names)}"
        )
    twice = frame.duplicated(["project_id", "criterion"], keep=False)
    if twice.any():
        pairs = frame.loc[twice, ["project_id", "criterion"]].drop_duplicates().head(10)
        listed = ", ".join(f"{p}/{c}" for p, c in pairs.itertuples(index=False))
        raise OptionsError(
            f"projects scored twice on one criterion (project/criterion: {listed}); keep one score each"
        )
    invalid = frame["score"].isna() & scores["score"].notna().to_numpy() | (frame["score"] < 0)
    if invalid.any():
        rows = frame[invalid].head(10)
        listed = ", ".join(
            f"{p}/{c}" for p, c in zip(rows["project_id"], rows["criterion"], strict=True)
        )
        raise OptionsError(f"scores must be numbers ≥ 0; not so for {listed}")
    matrix = frame.pivot(index="project_id", columns="criterion", values="score")
    rows = (
        matrix.index
        if project_ids is None
        else pd.Index(list(project_ids), dtype=object).astype(str)
    )
    matrix = matrix.reindex(index=rows, columns=names)
    matrix.index.name, matrix.columns.name = "project_id", "criterion"
    holes = matrix.isna()
    if holes.to_numpy().any():
        if missing == "error":
            stacked = holes.stack()
            pairs = stacked[stacked].index.tolist()
            listed = ", ".join(f"{p}/{c}" for p, c in pairs[:10]) + (
                ", …" if len(pairs) > 10 else ""
            )
            raise OptionsError(
                f"{len(pairs)} missing scores (project/criterion: {listed}); give them in "
                "scores.csv or choose missing='zero' or missing='mean'"
            )
        # "mean": the criterion's mean over the projects scored on it (0 if nobody was)
        fill = 0.0 if missing == "zero" else matrix.mean().fillna(0.0)
        matrix = matrix.fillna(fill)
    return matrix.astype(float)


def score_projects(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    normalise: str = "minmax",
    missing: str = "error",
    weights: pd.Series | None = None,
    comparisons: pd.DataFrame | None = None,
    project_ids: Iterable[str] | None = None,
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
        projects (a criterion with no spread gives every project 0.5); ``zscore`` standardised
        (mean 0, standard deviation 1); ``rank`` the position on [0, 1] (1 = best, ties
        averaged); ``none`` as given (cost criteria mirrored within their observed range).
    missing : {"error", "zero", "mean"}
        A project without a score for some criterion: an error (default), a raw score of 0,
        or the criterion's mean raw score over the projects that have one.
    weights : Series, optional
        Criteria weights indexed by criterion (normalised to sum 1); default from
        :func:`criteria_weights`.
    comparisons : DataFrame, optional
        AHP judgements used for the weights when ``criteria`` gives none.
    project_ids : iterable of str, optional
        Projects to score (default: those in ``scores``); one without any score is handled
        by the ``missing`` policy.

    Returns
    -------
    DataFrame
        Long table project_id, criterion, score (raw), normalised, weight, contribution
        (weight × normalised), weighted_score (the project's sum of contributions) and rank
        (1 = highest weighted score; ties broken by project_id), ordered by rank and then by
        the order of ``criteria``.

    Examples
    --------
    >>> s = pd.DataFrame({"project_id": ["A", "A", "B", "B"], "criterion": ["x", "y"] * 2,
    ...                   "score": [5.0, 1.0, 1.0, 5.0]})
    >>> c = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.75, 0.25]})
    >>> scored = score_projects(s, c)
    >>> weighted_scores(scored).to_dict()
    {'A': 0.75, 'B': 0.25}
    >>> scored[["project_id", "criterion", "contribution", "rank"]].to_dict("list")["rank"]
    [1, 1, 2, 2]
    """
    if normalise not in NORMALISATIONS:
        raise OptionsError(
            f"normalise={normalise!r} is not valid; use one of {', '.join(NORMALISATIONS)}"
        )
    names = pd.Index(criteria["criterion"].astype(str), name="criterion")
    if weights is None:
        w = criteria_weights(criteria, comparisons)
    else:
        w = _given_weights(weights, names)
    matrix = score_matrix(scores, criteria, missing=missing, project_ids=project_ids)
    cost = _directions(criteria, names) == "cost"
    normalised = _normalise(matrix, normalise, cost)
    contribution = normalised * w
    total = contribution.sum(axis=1).sort_index()  # ties in score are broken by project_id
    order = total.index[np.argsort(-total.to_numpy(), kind="stable")]
    rank = pd.Series(np.arange(1, len(order) + 1), index=pd.Index(order, name="project_id"))
    n_criteria = len(names)
    ids = np.repeat(np.asarray(order, dtype=object), n_criteria)
    out = pd.DataFrame(
        {
            "project_id": ids,
            "criterion": np.tile(names.to_numpy(dtype=object), len(order)),
            "score": matrix.loc[order].to_numpy().ravel(),
            "normalised": normalised.loc[order].to_numpy().ravel(),
            "weight": np.tile(w.to_numpy(), len(order)),
            "contribution": contribution.loc[order].to_numpy().ravel(),
            "weighted_score": np.repeat(total.loc[order].to_numpy(), n_criteria),
            "rank": np.repeat(rank.to_numpy(), n_criteria),
        }
    )
    out.attrs["normalise"] = normalise
    return out


def _given_weights(weights: pd.Series, names: pd.Index) -> pd.Series:
    w = pd.to_numeric(pd.Series(weights), errors="coerce")
    w.index = w.index.astype(str)
    lacking = sorted(set(names) - set(w.index))
    if lacking:
        raise OptionsError(
            f"weights lack criteria {', '.join(lacking)}; give one weight per criterion"
        )
    w = w.reindex(names)
    if w.isna().any() or (w < 0).any() or w.sum() <= 0:
        raise OptionsError("weights must be numbers ≥ 0 with a positive sum")
    return (w / w.sum()).rename("weight")


def weighted_scores(contributions: pd.DataFrame) -> pd.Series:
    """Each project's weighted score: the sum of its criterion contributions.

    Examples
    --------
    >>> t = pd.DataFrame({"project_id": ["A", "A"], "contribution": [0.5, 0.25]})
    >>> weighted_scores(t).to_dict()
    {'A': 0.75}
    """
    return (
        contributions.groupby("project_id", sort=True)["contribution"]
        .sum()
        .rename("weighted_score")
    )


def strategic_value(
    projects: pd.DataFrame,
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    comparisons: pd.DataFrame | None = None,
) -> pd.Series:
    """Strategic value per project: ``value`` where given, else the weighted score.

    The weighted score here keeps the scale of the scores and counts a missing score as 0 (see
    :func:`value_contributions`). Weights come from ``criteria.csv`` or, when it gives none,
    from ``comparisons.csv`` through AHP. NaN where neither is available.
    """
    value = pd.to_numeric(projects["value"], errors="coerce") if "value" in projects else None
    value = value if value is not None else pd.Series(np.nan, index=projects.index)
    if scores.empty or criteria.empty or not value.isna().any():
        return value.astype(float).rename("strategic_value")
    scored = weighted_scores(value_contributions(scores, criteria, projects.index, comparisons))
    return value.fillna(scored.reindex(projects.index)).astype(float).rename("strategic_value")


def value_contributions(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    project_ids: pd.Index,
    comparisons: pd.DataFrame | None = None,
    *,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """The weighted score that stands in for a blank ``value``, criterion by criterion.

    :func:`score_projects` of the scores of ``project_ids`` on the scores' own scale
    (``normalise="none"``: cost-type criteria mirrored within their observed range) with a
    missing score counted as 0 — so a portfolio scored 0–10 gets values 0–10. Projects without
    any score are left out.

    Examples
    --------
    >>> s = pd.DataFrame({"project_id": ["A", "A", "B"], "criterion": ["x", "y", "x"],
    ...                   "score": [8.0, 4.0, 6.0]})
    >>> c = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.75, 0.25]})
    >>> weighted_scores(value_contributions(s, c, pd.Index(["A", "B"]))).to_dict()
    {'A': 7.0, 'B': 4.5}
    """
    known = scores[scores["project_id"].isin(project_ids)]
    return score_projects(
        known, criteria, normalise="none", missing="zero", weights=weights, comparisons=comparisons
    )
